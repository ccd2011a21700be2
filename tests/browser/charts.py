"""Charts draw when they come near the viewport (static/js/charts.js): scroll to each first."""

from playwright.sync_api import expect

PLOTLY = "vendor/plotly/"


def draw_charts(page) -> int:
    """Scroll every chart on the page into view and wait until plotly.js has drawn it."""
    plots = page.locator(".chart-plot").all()
    for plot in plots:
        plot.scroll_into_view_if_needed()
        expect(plot).to_have_attribute("data-drawn", "true")
    return len(plots)
