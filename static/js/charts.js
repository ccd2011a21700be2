// Draws each chart on the page from the figure JSON that the server put beside it
// (<script type="application/json">, so the strict CSP allows no inline script).
// The page works without this file: each chart has a caption, a summary and a data table,
// shown before the plot. plotly.js is large, so it is fetched only when a chart comes near
// the viewport (or at once where IntersectionObserver is missing), never before the page has
// shown its text; the CSS reserves each plot's box, so drawing it moves nothing.
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

  function start() {
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
