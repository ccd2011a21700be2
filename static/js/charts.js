// Draws each chart on the page from the figure JSON that the server put beside it
// (<script type="application/json">, so the strict CSP allows no inline script).
// The page works without this file: each chart has a caption, a summary and a data table,
// shown before the plot. plotly.js is large, so it is fetched only when a chart comes near
// the viewport (or at once where IntersectionObserver is missing), never before the page has
// shown its text; the CSS reserves each plot's box, so drawing it moves nothing.
// The "PNG image" and "SVG image" buttons (hidden without script) make the chart's image with
// its title above and its source, licence, date and address below, as the server wrote them
// beside the figure (surveys/web/sharing.py), loading plotly.js first if it is not there yet.
(function () {
  "use strict";

  var script = document.currentScript;
  var plotlySource = script && script.getAttribute("data-plotly");
  var config = { displayModeBar: false, responsive: true };
  var loading = null;

  function loadPlotly() {
    if (window.Plotly) {
      return Promise.resolve(window.Plotly);
    }
    if (!loading) {
      loading = new Promise(function (resolve, reject) {
        var tag = document.createElement("script");
        tag.src = plotlySource;
        tag.onload = function () {
          resolve(window.Plotly);
        };
        tag.onerror = function () {
          loading = null; // the next chart that comes into view tries again
          reject(new Error("plotly.js did not load"));
        };
        document.head.appendChild(tag);
      });
    }
    return loading;
  }

  function draw(element) {
    var source = document.getElementById(element.getAttribute("data-chart"));
    if (!source || element.hasAttribute("data-drawing")) {
      return;
    }
    element.setAttribute("data-drawing", "true");
    loadPlotly()
      .then(function (Plotly) {
        var figure = JSON.parse(source.textContent);
        return Plotly.newPlot(element, figure.data, figure.layout, config);
      })
      .then(
        function () {
          element.setAttribute("data-drawn", "true");
        },
        function () {
          element.removeAttribute("data-drawing");
        }
      );
  }

  // --- Downloads ------------------------------------------------------------------------------
  var SVG_NS = "http://www.w3.org/2000/svg";
  var FONT = "Arial, Helvetica, sans-serif";
  var PAD = 20;
  var TITLE_SIZE = 20;
  var TITLE_LINE = 26;
  var LINE_SIZE = 13;
  var LINE_HEIGHT = 19;
  var SCALE = 2; // the PNG at twice the CSS pixels, sharp on a high-density screen or in print

  function textNode(doc, y, content, size, bold) {
    var node = doc.createElementNS(SVG_NS, "text");
    node.setAttribute("x", PAD);
    node.setAttribute("y", y);
    node.setAttribute("font-family", FONT);
    node.setAttribute("font-size", size);
    node.setAttribute("fill", "#0b0c0c");
    if (bold) {
      node.setAttribute("font-weight", "bold");
    }
    node.textContent = content;
    return node;
  }

  // The plot's SVG inside one of the image's size, with the title above and the lines below.
  function compose(plotSvg, info, plotHeight) {
    var top = PAD + info.title.length * TITLE_LINE + 8;
    var below = top + plotHeight + 12;
    var height = below + info.lines.length * LINE_HEIGHT + PAD;
    var doc = document.implementation.createDocument(SVG_NS, "svg", null);
    var root = doc.documentElement;
    root.setAttribute("width", info.width);
    root.setAttribute("height", height);
    root.setAttribute("viewBox", "0 0 " + info.width + " " + height);
    var title = doc.createElementNS(SVG_NS, "title");
    title.textContent = info.title.join(" ");
    root.appendChild(title);
    var background = doc.createElementNS(SVG_NS, "rect");
    background.setAttribute("width", "100%");
    background.setAttribute("height", "100%");
    background.setAttribute("fill", "#ffffff");
    root.appendChild(background);
    info.title.forEach(function (line, i) {
      root.appendChild(textNode(doc, PAD + TITLE_SIZE + i * TITLE_LINE, line, TITLE_SIZE, true));
    });
    var plot = new DOMParser().parseFromString(plotSvg, "image/svg+xml").documentElement;
    plot.setAttribute("x", 0);
    plot.setAttribute("y", top);
    root.appendChild(doc.importNode(plot, true));
    info.lines.forEach(function (line, i) {
      root.appendChild(textNode(doc, below + LINE_SIZE + i * LINE_HEIGHT, line, LINE_SIZE, false));
    });
    return { svg: new XMLSerializer().serializeToString(doc), width: info.width, height: height };
  }

  function rasterise(image) {
    return new Promise(function (resolve, reject) {
      var img = new Image();
      img.onload = function () {
        var canvas = document.createElement("canvas");
        canvas.width = image.width * SCALE;
        canvas.height = image.height * SCALE;
        canvas.getContext("2d").drawImage(img, 0, 0, canvas.width, canvas.height);
        canvas.toBlob(function (blob) {
          return blob ? resolve(blob) : reject(new Error("no PNG"));
        }, "image/png");
      };
      img.onerror = function () {
        reject(new Error("the SVG could not be drawn"));
      };
      img.src = "data:image/svg+xml;charset=utf-8," + encodeURIComponent(image.svg);
    });
  }

  var crcTable = null;
  function crc32(bytes) {
    if (!crcTable) {
      crcTable = [];
      for (var n = 0; n < 256; n++) {
        var c = n;
        for (var k = 0; k < 8; k++) {
          c = c & 1 ? 0xedb88320 ^ (c >>> 1) : c >>> 1;
        }
        crcTable[n] = c >>> 0;
      }
    }
    var crc = 0xffffffff;
    for (var i = 0; i < bytes.length; i++) {
      crc = crcTable[(crc ^ bytes[i]) & 0xff] ^ (crc >>> 8);
    }
    return (crc ^ 0xffffffff) >>> 0;
  }

  // A PNG iTXt chunk (UTF-8 text): keyword, no compression, no language.
  function textChunk(keyword, value) {
    var encoder = new TextEncoder();
    var head = encoder.encode("iTXt" + keyword);
    var text = encoder.encode(value);
    var body = new Uint8Array(head.length + 5 + text.length);
    body.set(head, 0);
    body.set(text, head.length + 5); // the five bytes between: NUL, 0, 0, NUL, NUL
    var chunk = new Uint8Array(body.length + 8);
    var view = new DataView(chunk.buffer);
    view.setUint32(0, body.length - 4);
    chunk.set(body, 4);
    view.setUint32(body.length + 4, crc32(body));
    return chunk;
  }

  // The title and the source lines written into the PNG as text too, after its header chunk
  // (8 bytes of signature and 25 of IHDR), where image viewers and search engines read them.
  function withText(png, info) {
    return png.arrayBuffer().then(function (buffer) {
      var bytes = new Uint8Array(buffer);
      return new Blob(
        [
          bytes.slice(0, 33),
          textChunk("Title", info.title.join(" ")),
          textChunk("Description", info.lines.join("\n")),
          bytes.slice(33),
        ],
        { type: "image/png" }
      );
    });
  }

  function save(blob, filename) {
    var url = URL.createObjectURL(blob);
    var link = document.createElement("a");
    link.href = url;
    link.download = filename;
    document.body.appendChild(link);
    link.click();
    link.remove();
    setTimeout(function () {
      URL.revokeObjectURL(url);
    }, 10000);
  }

  function download(button) {
    var id = button.getAttribute("data-download-chart");
    var format = button.getAttribute("data-download");
    var figureNode = document.getElementById(id + "-data");
    var infoNode = document.getElementById(id + "-export");
    var status = button.parentNode.querySelector(".download-status");
    if (!figureNode || !infoNode || button.hasAttribute("data-busy")) {
      return;
    }
    var figure = JSON.parse(figureNode.textContent);
    var info = JSON.parse(infoNode.textContent);
    var plotHeight = figure.layout.height || 380;
    button.setAttribute("data-busy", "true");
    status.textContent = "Making the " + format.toUpperCase() + " image…";
    loadPlotly()
      .then(function (Plotly) {
        return Plotly.toImage(
          { data: figure.data, layout: figure.layout },
          { format: "svg", width: info.width, height: plotHeight, imageDataOnly: true }
        );
      })
      .then(function (plotSvg) {
        var image = compose(plotSvg, info, plotHeight);
        if (format === "svg") {
          return new Blob([image.svg], { type: "image/svg+xml" });
        }
        return rasterise(image).then(function (png) {
          return withText(png, info);
        });
      })
      .then(
        function (blob) {
          save(blob, info.filename + "." + format);
          status.textContent = "The " + format.toUpperCase() + " image is downloaded.";
        },
        function () {
          status.textContent = "The image could not be made; the CSV has the same numbers.";
        }
      )
      .then(function () {
        button.removeAttribute("data-busy");
      });
  }

  function start() {
    document.querySelectorAll("[data-downloads]").forEach(function (element) {
      element.hidden = false;
    });
    document.addEventListener("click", function (event) {
      var button = event.target.closest ? event.target.closest("[data-download]") : null;
      if (button) {
        download(button);
      }
      // An embed's server-drawn chart, replaced by the interactive one when the reader asks.
      var show = event.target.closest ? event.target.closest("[data-draw-chart]") : null;
      var still = show && document.getElementById(show.getAttribute("data-draw-chart"));
      if (still && still.hasAttribute("data-chart-later")) {
        still.setAttribute("data-chart", still.getAttribute("data-chart-later"));
        still.removeAttribute("data-chart-later");
        var label = still.querySelector("[id$='-svg']");
        still.className = "chart-plot";
        still.setAttribute("role", "img");
        still.setAttribute("aria-label", label ? label.textContent : "");
        still.textContent = "";
        show.hidden = true;
        draw(still);
      }
    });
    var charts = document.querySelectorAll("[data-chart]");
    if (!("IntersectionObserver" in window)) {
      charts.forEach(draw);
      return;
    }
    // "Near": within 100 px of the screen. The chart's summary and table come first and say
    // the same, so a wider margin would only fetch plotly.js for charts nobody scrolls to.
    var observer = new IntersectionObserver(
      function (entries) {
        entries.forEach(function (entry) {
          if (entry.isIntersecting) {
            draw(entry.target); // again after a failed load, once the chart is back in view
          }
        });
      },
      { rootMargin: "100px 0px" }
    );
    charts.forEach(function (element) {
      observer.observe(element);
    });
  }

  if (document.readyState === "loading") {
    document.addEventListener("DOMContentLoaded", start);
  } else {
    start();
  }
})();
