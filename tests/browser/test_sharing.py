"""Charts people can cite, embed and download, in a real browser: an embed drawn inside a frame
on another site while the other pages refuse to be framed, and the PNG and SVG images carrying
the chart's title, source and date."""

import struct
import threading
import zlib
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from xml.etree import ElementTree

import pytest
from playwright.sync_api import expect

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

CONCERN = "chart-concern-by-system-type"
TITLE = "Equipment of concern by system type, 2022"
SOURCE = "Source: OBSCC survey dashboard"
SVG_NS = "{http://www.w3.org/2000/svg}"


def article(site: str) -> str:
    return f"""<!doctype html><html lang="en"><head><title>An article</title></head><body>
    <h1>An article that embeds a chart</h1>
    <iframe id="embedded" title="chart" width="900" height="1100"
            src="{site}/embed/{CONCERN.removeprefix("chart-")}/?round=2022"></iframe>
    <iframe id="overview" title="overview" width="900" height="300" src="{site}/"></iframe>
    </body></html>"""


@pytest.fixture
def embedder(site):
    """Another site: a second server, on 127.0.0.1 and a port of its own (the live server is
    localhost), serving an article that frames the embed and the overview. A real server, so
    Chromium's local network checks see two local addresses, as they would two public ones."""

    class Article(BaseHTTPRequestHandler):
        def do_GET(self):
            body = article(site).encode()
            self.send_response(200)
            self.send_header("Content-Type", "text/html; charset=utf-8")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        def log_message(self, *args):
            pass

    server = ThreadingHTTPServer(("127.0.0.1", 0), Article)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield f"http://127.0.0.1:{server.server_address[1]}/article.html"
    server.shutdown()
    server.server_close()


def test_an_embed_draws_in_a_frame_on_another_site_while_the_overview_refuses(site, embedder, page):
    refusals = []
    page.on("console", lambda m: refusals.append(m.text) if "frame-ancestors" in m.text else None)
    page.goto(embedder)

    embedded = page.frame_locator("#embedded")
    expect(embedded.locator(".chart-title")).to_contain_text(TITLE)
    # drawn by the server at once (no chart library fetched), each bar's value as text
    expect(embedded.locator(".chart-static svg.chart-svg")).to_be_visible()
    expect(embedded.locator(".chart-static svg.chart-svg")).to_contain_text("no data")
    # the interactive Plotly chart replaces it when the reader asks
    embedded.get_by_role("button", name="Show the interactive chart").click()
    expect(embedded.locator(".chart-plot")).to_have_attribute("data-drawn", "true")
    expect(embedded.locator(".chart-plot svg.main-svg").first).to_be_visible()
    expect(embedded.get_by_test_id("chart-source")).to_contain_text("PR2023")
    expect(embedded.get_by_test_id("back-link")).to_have_attribute(
        "href", f"{site}/?round=2022#{CONCERN}"
    )

    # The overview in the second frame is blocked: the browser says why, and shows none of it.
    page.wait_for_load_state("load")
    assert any("frame-ancestors 'none'" in text for text in refusals), refusals
    overview = page.locator("#overview").element_handle().content_frame()
    assert overview.url.startswith("chrome-error://")  # the browser's error page, not ours
    assert "surveillance camera" not in overview.content()
    expect(embedded.locator("h1")).to_have_count(0)  # no site chrome: the chart's title only


def _downloaded(page, format: str):
    button = page.locator(f'#{CONCERN} button[data-download="{format}"]')
    with page.expect_download() as download:
        button.dispatch_event("click")  # a click without scrolling: the plot is not drawn
    return download.value


def _png_chunks(data: bytes) -> dict[bytes, list[bytes]]:
    assert data[:8] == b"\x89PNG\r\n\x1a\n"
    chunks, offset = {}, 8
    while offset < len(data):
        (length,) = struct.unpack(">I", data[offset : offset + 4])
        kind = data[offset + 4 : offset + 8]
        body = data[offset + 8 : offset + 8 + length]
        (crc,) = struct.unpack(">I", data[offset + 8 + length : offset + 12 + length])
        assert crc == zlib.crc32(kind + body), kind
        chunks.setdefault(kind, []).append(body)
        offset += 12 + length
    return chunks


def test_png_and_svg_images_carry_the_title_source_and_date(site, page):
    page.goto(site + "/?round=2022")
    assert page.evaluate("window.Plotly === undefined")  # the charts are below the fold

    svg = _downloaded(page, "svg")
    assert svg.suggested_filename == "concern-by-system-type-2022.svg"
    root = ElementTree.parse(svg.path()).getroot()
    # The image's own lines: the title above the plot, the source lines below it.
    own = [t.text for t in root.findall(f"{SVG_NS}text")]
    assert TITLE in own[0]
    below = " ".join(own[2:])
    assert SOURCE in below and "published figures: PR2023" in below
    assert "Licence: PR2023: © Crown copyright, Open Government Licence v3.0" in below
    assert own[-1].startswith("Data last changed") and own[-1].endswith(f"/?round=2022#{CONCERN}")
    plot = [t.text or "" for t in root.find(f"{SVG_NS}svg").iter(f"{SVG_NS}text")]
    assert any("External CCTV" in t for t in plot)  # and the plot itself, between them
    assert page.evaluate("window.Plotly !== undefined")  # loaded for the download
    expect(page.locator(f"#{CONCERN} .download-status")).to_have_text(
        "The SVG image is downloaded."
    )

    png = _downloaded(page, "png")
    assert png.suggested_filename == "concern-by-system-type-2022.png"
    chunks = _png_chunks(png.path().read_bytes())
    width, height = struct.unpack(">II", chunks[b"IHDR"][0][:8])
    # Drawn from that same SVG (title, plot, source lines), at twice its size: the pixels
    # themselves are not read, but their size is the composed image's, not the bare plot's.
    assert (width, height) == (2 * int(root.get("width")), 2 * int(root.get("height")))
    texts = {
        body.split(b"\0", 1)[0].decode(): body.split(b"\0", 1)[1][4:].decode()
        for body in chunks[b"iTXt"]
    }
    assert TITLE in texts["Title"]
    assert texts["Description"].startswith(SOURCE) and "Data last changed" in texts["Description"]
