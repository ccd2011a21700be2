"""What a person does in a browser: see the charts, filter, download, use the table alternative."""

import csv
import io
import re
import zipfile
from pathlib import Path

import pytest
from playwright.sync_api import expect

from tests.browser.charts import draw_charts

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True)]


def test_overview_draws_both_charts(site, page):
    page.goto(site + "/")
    assert draw_charts(page) == 2
    for chart in ("chart-concern-by-system-type", "chart-figures-by-round"):
        plot = page.locator(f"#{chart} .chart-plot")
        assert plot.locator("svg.main-svg").count() >= 1
    # The published figures as bars, the derived counts as markers apart from them.
    assert page.locator("#chart-concern-by-system-type g.barlayer g.trace").count() == 1
    assert page.locator("#chart-concern-by-system-type g.scatterlayer g.trace").count() == 1
    # Response rate published and computed on the per-cent axis, drones operating (2022 and
    # 2023) on the bodies axis, and the legend's key to the derived marker.
    assert page.locator("#chart-figures-by-round g.scatterlayer g.trace").count() == 4
    titles = page.locator("#chart-figures-by-round").locator("text.ytitle, text.y2title")
    assert titles.all_text_contents() == ["Per cent", "Bodies"]
    expect(page.locator('[data-testid="responded"]')).to_contain_text("39")


def test_round_selector_changes_the_overview(site, page):
    page.goto(site + "/")
    page.select_option("#round-select", "2019")
    page.get_by_role("button", name="Show").click()
    expect(page).to_have_url(re.compile(r"round=2019"))
    expect(page.locator("h1")).to_contain_text("2019")
    draw_charts(page)
    expect(page.locator("#chart-figures-by-round .chart-plot")).to_have_attribute(
        "data-drawn", "true"
    )


def test_filter_bodies_by_system_type_through_the_form(site, page):
    page.goto(site + "/forces/")
    expect(page.locator("#result-count")).to_contain_text("47 bodies match")
    page.get_by_label("Operates system type").select_option(label="Facial recognition")
    page.get_by_role("button", name="Apply filters").click()
    expect(page).to_have_url(re.compile(r"system_type=facial-recognition"))
    expect(page.locator("#result-count")).to_contain_text("21 bodies match")  # FOI0823
    expect(page.locator("#bodies-table tbody tr")).to_have_count(21)
    expect(page.locator("#bodies-table tbody")).to_contain_text("Metropolitan Police Service")


def test_filter_bodies_by_name_and_open_the_body(site, page):
    page.goto(site + "/forces/")
    page.get_by_label("Name contains").fill("Norfolk")
    page.get_by_role("button", name="Apply filters").click()
    expect(page.locator("#result-count")).to_contain_text("1 body matches")
    # The table's link (the map has a tile for it too, named with its value).
    page.locator("#bodies-table").get_by_role("link", name="Norfolk Constabulary").click()
    expect(page.locator("h1")).to_have_text("Norfolk Constabulary")
    expect(page.locator("main")).to_contain_text("Hikvision")


def test_download_the_filtered_csv(site, page):
    page.goto(site + "/forces/?status=did_not_respond")
    with page.expect_download() as info:
        page.get_by_role("link", name="CSV").click()
    download = info.value
    assert download.suggested_filename == "forces-2022-status-did-not-respond.csv"
    rows = list(csv.reader(io.StringIO(Path(download.path()).read_text(encoding="utf-8-sig"))))
    assert len(rows) == 9
    assert "Thames Valley Police" in {row[0] for row in rows[1:]}
    assert {row[6] for row in rows[1:]} == {"Did not respond"}


def test_a_charts_table_comes_before_its_plot(site, page):
    """The numbers are read first; the plot, drawn later, follows them."""
    page.goto(site + "/")
    table = page.locator("#chart-concern-by-system-type-table")
    expect(table).to_contain_text("External CCTV")
    expect(table).to_contain_text("at least 18")
    order = page.evaluate(
        """() => document.querySelector('#chart-concern-by-system-type-table')
                   .compareDocumentPosition(
                     document.querySelector('#chart-concern-by-system-type .chart-plot'))"""
    )
    assert order & 4  # Node.DOCUMENT_POSITION_FOLLOWING: the plot comes after the table


def test_skip_link_is_the_first_tab_stop(site, page):
    page.goto(site + "/findings/")
    page.keyboard.press("Tab")
    expect(page.locator(".skip-link")).to_be_focused()
    page.keyboard.press("Enter")
    expect(page.locator("#main")).to_be_focused()


def test_overview_at_320px_has_no_horizontal_scroll(site, browser):
    context = browser.new_context(viewport={"width": 320, "height": 800})
    page = context.new_page()
    for path in ("/", "/forces/", "/findings/", "/systems/drones/"):
        page.goto(site + path)
        assert page.evaluate("document.documentElement.scrollWidth") <= 320, path
    context.close()


def test_from_a_chart_to_the_whole_data_set(site, page):
    page.goto(site + "/")
    chart = page.locator("#chart-concern-by-system-type")
    chart.get_by_role("link", name="All the data behind the dashboard").click()
    expect(page).to_have_url(site + "/data/")
    expect(page.get_by_role("heading", level=1)).to_have_text("Download the data")
    with page.expect_download() as info:
        page.get_by_role("link", name="Whole data set as CSV files (zip)").click()
    download = info.value
    assert re.fullmatch(r"obscc-data-\d{4}-\d\d-\d\d\.zip", download.suggested_filename)
    with zipfile.ZipFile(download.path()) as archive:
        bodies = archive.read("obscc-data/bodies.csv").decode("utf-8-sig")
    assert len(list(csv.DictReader(io.StringIO(bodies)))) == 47
