"""Every public page on the real data: status, the numbers shown, bad input, query budget."""

import csv
import io
import re

import pytest
from django.urls import reverse
from openpyxl import load_workbook

from tests import factories as f
from tests.pages import content, text, visible
from tests.test_loading import NON_RESPONDENTS

pytestmark = pytest.mark.django_db

# The most SQL queries each page may make with an empty statistics cache. They do not depend
# on the amount of data: tests/test_scale.py checks the same pages on a synthetic world.
# A page comparing published findings with the per-body data adds up to two (whether the rows
# compared come from the finding's own publication: surveys/stats/provenance.py).
# Every page and chart CSV adds one for the licences of the sources it cites (read once per
# data version: surveys/templatetags/licences.py); /data/ and the JSON add one more for the
# licence of every source.
BUDGETS = {
    "/": 27,  # + the tile map of who responded
    "/?round=2019": 23,
    "/?round=2023": 25,
    "/?as_published=1": 32,  # + the key findings' current values and their corrections
    "/forces/": 14,  # + the tile map: its rows and the bodies in view
    "/forces/?concern=yes&system_type=cctv-unspecified&nation=england": 15,
    "/forces/?export=csv": 7,
    "/forces/?export=xlsx": 8,  # + whether the summaries are current
    # + successors, evidence, rounds, ONS source, the answers' kinds, the tile map
    "/forces/metropolitan-police/": 17,
    "/forces/west-yorkshire/": 17,
    "/systems/": 8,  # + whether the summaries are current
    # + the answers' kinds; the tile map: rounds and rows; the count of its answers
    "/systems/facial-recognition/": 31,
    "/vendors/": 5,  # + whether the summaries are current
    "/vendors/hikvision/": 28,  # + the tile map: rounds and its rows
    "/findings/": 20,
    "/findings/?as_published=1&round=2022": 20,
    "/about/": 12,
    "/charts/concern-by-system-type.csv?round=2022": 19,  # only its chart, not the overview
    "/charts/figures-by-round.csv": 11,
    "/systems/drones/figures.csv": 17,
    "/data/answers.csv": 11,  # + the kinds of each chunk; the version its file is built for
    "/data/": 24,  # + the answer_kinds table
    "/data/obscc-data.zip": 27,
    "/data/obscc-data.json": 27,  # + the answer_kinds table
    "/data/tables/answers.csv": 5,  # + the version its file is built for
    "/data/data-dictionary.csv": 3,
}


@pytest.mark.parametrize("url, budget", BUDGETS.items())
def test_every_page_answers_within_its_query_budget(
    real_data, client, django_assert_max_num_queries, url, budget
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
        body = content(response)
    assert response.status_code == 200
    assert body


@pytest.mark.parametrize("url", ["/", "/systems/drones/", "/findings/"])
def test_a_warm_cache_saves_queries(real_data, client, url):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as cold:
        client.get(url)
    with CaptureQueriesContext(connection) as warm:
        client.get(url)
    assert len(warm.captured_queries) < len(cold.captured_queries)


def test_overview_shows_published_and_computed_response(real_data, client):
    html = text(client.get("/"))
    assert re.search(r'data-testid="responded">39 <span class="card-unit">of 47', html)
    assert "39 of 47, 83%" in html
    # The release's 91% is shown as published and flagged against its own arithmetic.
    assert "91%" in html and "Differs from the per-body data" in html


def test_overview_cards_keep_qualifiers_sources_and_corrections(real_data, client):
    html = text(client.get("/"))
    assert "at least 18" in html and "at least 24" in html and "at least 11" in html
    assert "Published: at least 2; corrected to 0" in html
    assert "PR2023-UPDATE" in html
    assert html.count("No per-body data") >= 2  # internal CCTV and ANPR: gaps


def test_overview_as_published_shows_the_original_figure(real_data, client):
    html = text(client.get("/?as_published=1"))
    assert "Showing figures exactly as first published" in html
    assert "corrected to 0" not in html
    assert '<span class="finding-number">at least 2</span>' in html


def test_overview_of_a_round_without_per_body_returns(real_data, client):
    html = text(client.get("/?round=2019"))
    assert "the 2019 survey" in html
    assert "No per-body returns are recorded for 2019" in html
    assert "100%" in html


@pytest.mark.parametrize("value", ["1999", "abc", "2022'; DROP TABLE x;--", "9" * 5000])
def test_overview_unknown_round_is_a_form_error_not_a_failure(real_data, client, value):
    response = client.get("/", {"round": value})
    assert response.status_code == 200
    html = text(response)
    assert "There is no survey round" in html
    assert "the 2022 survey" in html
    assert "DROP TABLE x;--'" not in html  # echoed only escaped (&#x27;)


def test_overview_charts_carry_data_table_and_csv(real_data, client):
    html = text(client.get("/"))
    assert '<script id="chart-concern-by-system-type-data" type="application/json">' in html
    assert '<script id="chart-figures-by-round-data" type="application/json">' in html
    assert "<script>" not in html  # no inline script
    assert (
        'id="chart-concern-by-system-type-table"' in html
        and 'id="chart-figures-by-round-table"' in html
    )


def _plotted(response) -> dict[str, dict[str, str]]:
    """A chart CSV's values by category, then by series (one row per cell of its tables)."""
    header, *rows = list(csv.reader(io.StringIO(text(response))))
    assert header[1:4] == ["Series", "Measure", "Value"]
    values: dict[str, dict[str, str]] = {}
    for row in rows:
        values.setdefault(row[0], {})[row[1]] = row[3]
    return values


def test_concern_chart_csv_matches_the_plotted_numbers(real_data, client):
    by_type = _plotted(client.get("/charts/concern-by-system-type.csv?round=2022"))
    published, derived = "Published figure (current)", "Use a vendor named as of concern (derived)"
    assert list(by_type["External CCTV"]) == [published, derived]
    by_type = {name: list(values.values()) for name, values in by_type.items()}
    # West Yorkshire names only Milestone's video management software (FOI0323): not known
    assert by_type["External CCTV"] == ["18", ""]
    assert by_type["Internal CCTV"] == ["24", ""]
    assert by_type["CCTV (external or internal not stated)"] == ["", "11"]
    assert by_type["Drones / UAVs"] == ["", "1"]  # West Yorkshire's DJI drones (FOI0323)


def test_trend_csv_leaves_missing_rounds_empty(real_data, client):
    by_year = _plotted(client.get("/charts/figures-by-round.csv"))
    assert list(by_year["2022"])[2:] == ["Drones / UAVs: bodies operating them"]
    assert {year: list(values.values()) for year, values in by_year.items()} == {
        "2017": ["100", "", ""],
        "2019": ["100", "", ""],
        "2022": ["91", "83", "31"],
        # DRONE2023: 77% published, no per-body returns; 33 derived from 36 replies, 3 without
        "2023": ["77", "", "33"],
    }


def test_chart_csv_with_bad_round_is_a_clear_400(real_data, client):
    response = client.get("/charts/concern-by-system-type.csv?round=nope")
    assert response.status_code == 400
    assert "There is no survey round" in response.content.decode()


def test_bodies_table_lists_everyone_with_count_and_pagination(real_data, client):
    html = text(client.get("/forces/"))
    assert "<strong>47</strong> bodies match" in html
    assert "Page 1 of 2" in html
    page2 = text(client.get("/forces/?page=2"))
    assert "Page 2 of 2" in page2


@pytest.mark.parametrize(
    "query, count, present, absent",
    [
        ("status=did_not_respond", 8, "Thames Valley Police", "Kent Police"),
        ("nation=wales", 4, "Gwent Police", "Kent Police"),
        ("nation=wales&status=responded", 3, "North Wales Police", "Gwent Police"),
        ("kind=special", 3, "British Transport Police", "Kent Police"),
        ("region=London", 2, "City of London Police", "Kent Police"),
        ("concern=yes", 12, "Norfolk Constabulary", "Kent Police"),
        ("vendor=hikvision&nation=wales", 1, "North Wales Police", "Gwent Police"),
        ("system_type=facial-recognition", 21, "Metropolitan Police Service", "Lancashire"),
        ("q=hampshire constab", 1, "Hampshire and Isle of Wight", "Kent Police"),
    ],
)
def test_bodies_filters_combine(real_data, client, query, count, present, absent):
    html = text(client.get(f"/forces/?{query}&per_page=100"))
    assert f"<strong>{count}</strong> bod" in html
    if count <= 25:
        assert present in html
        assert absent not in html.split('id="bodies-table"')[1]


def test_bodies_filter_that_matches_nothing_says_so(real_data, client):
    html = text(client.get("/forces/?nation=wales&kind=special"))
    assert "No policing body matches these filters" in html


@pytest.mark.parametrize(
    "query", ["nation=mars", "system_type=submarines", "vendor=acme", "concern=perhaps"]
)
def test_bodies_invalid_filter_is_a_form_error_and_ignored(real_data, client, query):
    response = client.get(f"/forces/?{query}")
    assert response.status_code == 200
    html = text(response)
    assert "Some filters could not be used and were ignored" in html
    assert "<strong>47</strong> bodies match" in html


def test_bodies_repeated_enormous_and_odd_parameters(real_data, client):
    response = client.get(
        "/forces/?nation=wales&nation=england&page=-3&sort=nonsense&q=" + "x" * 10000
    )
    assert response.status_code == 200
    assert "No policing body matches" in text(response)
    assert client.get("/forces/?page=99999&sort=-status").status_code == 200


def test_bodies_csv_export_has_the_filtered_rows(real_data, client):
    response = client.get("/forces/?status=did_not_respond&export=csv")
    assert response["Content-Type"].startswith("text/csv")
    assert 'filename="forces-2022-status-did-not-respond.csv"' in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:3] == ["Body", "Short name", "Kind"]
    assert {r[0] for r in rows[1:]} == NON_RESPONDENTS
    assert all(r[6] == "Did not respond" for r in rows[1:])


def test_bodies_xlsx_export(real_data, client):
    response = client.get("/forces/?concern=yes&export=xlsx")
    book = load_workbook(io.BytesIO(response.content))
    rows = list(book.active.iter_rows(values_only=True))
    assert rows[0][0] == "Body" and len(rows) == 1 + 12
    assert all(row[10] == "Yes" for row in rows[1:])


def test_exports_escape_spreadsheet_formulae(real_data, client):
    source = f.publication("EVIL")
    f.body('=HYPERLINK("http://x")', source=source, short_name="evil", slug="evil")
    rows = list(
        csv.reader(io.StringIO(text(client.get("/forces/?q=HYPERLINK&round=2022&export=csv"))))
    )
    assert rows[1][0].startswith("'=")


def test_body_page(real_data, client):
    html = text(client.get("/forces/metropolitan-police/"))
    assert "Metropolitan Police Service" in html
    assert "Responded" in html
    assert "Facial recognition" in html and "Hikvision" in html
    assert "EPOCH2022" in html and "INIT2022" in html


def test_forces_are_named_as_readers_look_for_them(real_data, client):
    """People look for "forces"; the NCA is not one, so the words say "and other bodies"."""
    html = text(client.get("/forces/"))
    nav = html.split('aria-label="Main"')[1].split("</nav>")[0]
    assert 'aria-current="page">Forces and other bodies</a>' in nav
    assert "<h1>Police forces and other policing bodies in the 2022 survey</h1>" in html
    assert "not police forces, such as the National Crime Agency" in html
    body = text(client.get("/forces/kent/"))
    assert '<p class="breadcrumbs"><a href="/forces/">Forces and other bodies</a>' in body


@pytest.mark.parametrize("url", ["/", "/forces/", "/about/", "/data/"])
def test_footer_links_the_data_and_the_api(real_data, client, url):
    footer = text(client.get(url)).split('<footer class="site-footer">')[1]
    assert 'href="/data/"' in footer and 'href="/api/docs/"' in footer
    assert client.get("/api/docs/").status_code == 200


def test_about_links_the_data_and_the_api(real_data, client):
    main = text(client.get("/about/")).split("<footer")[0]
    reuse = main.split('<h2 id="reuse">')[1].split("<h2")[0]
    assert 'href="/data/"' in reuse and 'href="/api/docs/"' in reuse
    assert 'href="#definitions"' in reuse


def test_body_page_former_name_and_gaps(real_data, client):
    html = text(client.get("/forces/hampshire-and-isle-of-wight/"))
    assert "Hampshire Constabulary" in html and "until 2022" in html
    html = text(client.get("/forces/kent/"))
    assert "Intends to use" in html
    html = text(client.get("/forces/gwent/"))
    assert "Did not respond" in html
    assert "No per-body answers are recorded" in html


@pytest.mark.parametrize(
    "url", ["/forces/nowhere/", "/systems/nope/", "/vendors/nope/", "/forces/%00/", "/no-page/"]
)
def test_unknown_things_are_a_404_page(real_data, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()


def test_system_type_page(real_data, client):
    html = text(client.get("/systems/body-worn-video/"))
    assert "Published: at least 2; corrected to 0" in html
    assert (
        "None of the respondents indicated that they were using Hikvision body worn cameras" in html
    )
    assert 'id="chart-published-figures-data"' in html
    html = text(client.get("/systems/cctv-unspecified/"))
    assert "Hikvision" in html and "Northumbria Police" in html


def test_system_type_page_without_any_figure(real_data, client):
    html = text(client.get("/systems/helicopters/"))
    assert "No figure on Helicopter or aeroplane cameras has been published" in html
    assert "No data to chart" in html


def test_vendors_pages(real_data, client):
    html = text(client.get("/vendors/"))
    for name in ("Dahua", "Hikvision", "Honeywell", "Huawei", "Nuuo", "DJI"):
        assert name in html
    html = text(client.get("/vendors/hikvision/"))
    assert "security or ethical concerns" in html and "PR2023" in html
    assert "CCTV (external or internal not stated)" in html
    assert "Bedfordshire Police" in html
    html = text(client.get("/vendors/dji/"))
    assert "23 of 31" in html


def test_findings_page(real_data, client):
    html = text(client.get("/findings/"))
    assert "<strong>31</strong> findings match" in html  # FOI0823's 21 users included
    assert "Corrected" in html
    html = text(client.get("/findings/?round=2022&system_type=drones"))
    assert "<strong>3</strong> findings match" in html
    html = text(client.get("/findings/?publication=INIT2022"))
    assert "<strong>10</strong> findings match" in html
    html = text(client.get("/findings/?round=1800"))
    assert "Some filters could not be used" in html


def test_about_page(real_data, client):
    html = text(client.get("/about/"))
    assert "Data last changed" in html
    assert "REP2023" in html and "FORCELIST" in html
    assert "At least N" in html


def test_pages_with_no_data_loaded(client, db):
    for url in ("/", "/forces/"):
        response = client.get(url)
        assert response.status_code == 200
        assert "No survey data has been loaded" in response.content.decode()


def test_post_is_not_allowed(real_data, client):
    assert client.post(reverse("surveys:overview")).status_code == 405


def test_answers_csv_streams_every_answer(real_data, client):
    response = client.get("/data/answers.csv?round=2022")
    assert response.streaming
    rows = list(csv.reader(io.StringIO(text(response))))
    assert rows[0][:3] == ["round", "body", "body_slug"]
    assert len(rows) == 1 + 40
    met = [r for r in rows if r[2] == "metropolitan-police" and r[3] == "cctv-unspecified"]
    assert met[0][5] == "Hikvision" and met[0][4] == "yes" and met[0][6] == ""
    assert client.get("/data/answers.csv?round=1850").status_code == 400


def test_answers_csv_in_chunks_matches_one_query(real_data):
    from surveys.web.selectors import answer_rows

    assert list(answer_rows(chunk_size=3)) == list(answer_rows(chunk_size=1000))


def test_vendor_page_says_one_answer_records(real_data, client):
    page = visible(text(client.get("/vendors/dji/")))
    assert "1 answer records DJI" in page
    page = visible(text(client.get("/vendors/hikvision/")))
    assert "11 answers record Hikvision" in page
