"""Charts on a phone: the summary and table first, plotly.js fetched only when a chart comes
near the viewport, the plot drawn into a box reserved at its height (nothing moves), and the
page whole with JavaScript off."""

import json

import pytest
from playwright.sync_api import expect

from tests.browser.charts import PLOTLY, draw_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]

PHONE = {"viewport": {"width": 412, "height": 823}, "is_mobile": True, "has_touch": True}
CHART_PAGES = ["/", "/systems/external-cctv/"]
# Every layout shift the page makes, recorded from the start (scrolling is not a shift).
RECORD_SHIFTS = """
window.__shifts = [];
new PerformanceObserver((list) => {
  for (const entry of list.getEntries()) window.__shifts.push(entry.value);
}).observe({type: "layout-shift", buffered: true});
"""


@pytest.fixture
def phone(browser):
    context = browser.new_context(**PHONE)
    page = context.new_page()
    errors = []
    page.on("pageerror", lambda error: errors.append(str(error)))
    yield page
    context.close()
    assert not errors, f"JavaScript errors: {errors}"


@pytest.mark.parametrize("path", CHART_PAGES)
def test_plotly_is_fetched_only_when_a_chart_comes_near(site, phone, path):
    fetched = []
    phone.on("request", lambda request: fetched.append(request.url))
    phone.goto(site + path)
    phone.wait_for_load_state("networkidle")
    # The key findings come first on a phone: no chart near the screen, so no plotly.js yet.
    assert not [url for url in fetched if PLOTLY in url]
    assert phone.evaluate("window.Plotly === undefined")
    expect(phone.locator(".chart-plot[data-drawn]")).to_have_count(0)

    assert draw_charts(phone) >= 1
    assert len([url for url in fetched if PLOTLY in url]) == 1  # once, for every chart
    for plot in phone.locator(".chart-plot").all():
        expect(plot.locator("svg.main-svg").first).to_be_visible()


@pytest.mark.parametrize("path", CHART_PAGES)
def test_drawing_a_chart_moves_nothing(site, phone, path):
    phone.add_init_script(RECORD_SHIFTS)
    phone.goto(site + path)
    phone.wait_for_load_state("networkidle")
    plots = phone.locator(".chart-plot")
    expect(phone.locator(".chart-plot[data-drawn]")).to_have_count(0)  # not drawn yet
    figure_heights = phone.evaluate(
        """() => [...document.querySelectorAll('.chart-plot')].map((plot) =>
                   JSON.parse(document.getElementById(plot.dataset.chart).textContent)
                     .layout.height)"""
    )
    reserved = [plot.bounding_box()["height"] for plot in plots.all()]
    assert reserved == figure_heights  # the box waits at the figure's own height
    after_last = phone.locator(".chart").last.locator("a[download]")
    before = after_last.evaluate("(a) => a.getBoundingClientRect().top + window.scrollY")

    draw_charts(phone)
    phone.evaluate("() => new Promise((done) => requestAnimationFrame(() => done()))")

    drawn = [plot.locator("svg.main-svg").first.bounding_box()["height"] for plot in plots.all()]
    assert drawn == figure_heights
    assert [plot.bounding_box()["height"] for plot in plots.all()] == reserved
    assert after_last.evaluate("(a) => a.getBoundingClientRect().top + window.scrollY") == before
    assert phone.evaluate("window.__shifts") == []


@pytest.mark.parametrize("path", CHART_PAGES)
def test_a_chart_page_is_whole_without_javascript(site, browser, path):
    context = browser.new_context(java_script_enabled=False, **PHONE)
    page = context.new_page()
    page.goto(site + path)
    for chart in page.locator(".chart").all():
        expect(chart.locator(".chart-summary")).to_be_visible()
        expect(chart.locator("table").first).to_be_visible()
        expect(chart.locator("a[download]")).to_be_visible()
        # No empty box where the plot would be: it takes no room.
        assert chart.locator(".chart-plot").evaluate("(p) => p.getBoundingClientRect().height") == 0
        # The plotted numbers are on the page as data, not only as a drawing.
        figure = json.loads(chart.locator("script[id$='-data']").text_content())
        assert figure["data"]
        # The image downloads need script: without it, no button that does nothing.
        expect(chart.locator("[data-downloads]")).to_be_hidden()
        expect(chart.get_by_test_id("cite")).to_be_visible()
    assert page.locator("svg.main-svg").count() == 0
    context.close()
