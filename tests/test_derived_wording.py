"""What the pages say is what the sources say: the dashboard's derivations are labelled as
derived and never put in a body's mouth, and what is not known is shown as not known.

On the real data, through the test client, asserting the text a reader sees.
"""

import csv
import io
import re

import pytest
from openpyxl import load_workbook

from surveys import stats
from surveys.models import Answer, Return
from tests.pages import text

pytestmark = pytest.mark.django_db

DERIVED = "Uses a vendor named as of concern (derived)"
DERIVED_FIGURE = "Use a vendor named as of concern (derived)"


def visible(html: str) -> str:
    """The page's words, without tags, scripts or runs of white space."""
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    words = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace("&#x27;", "'")
    return re.sub(r" ([,.:;)])", r"\1", words).replace("( ", "(")


def csv_rows(response) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text(response))))


# --- 1. Derived concern figures are labelled as derived ---------------------------------------

PAGES = ["/", "/forces/", "/systems/cctv-unspecified/", "/vendors/hikvision/"]


@pytest.mark.parametrize("url", PAGES)
def test_no_page_says_bodies_use_equipment_of_concern_except_as_a_published_metric(
    real_data, client, url
):
    page = visible(text(client.get(url)))
    assert "Uses equipment of concern" not in page
    assert "Responding bodies using equipment of concern" not in page
    # The publication's own metric may keep its name, marked as published.
    for mention in re.finditer(r"Bodies using equipment of concern(.{0,20})", page):
        assert mention.group(1).startswith(": a published figure"), mention.group(0)


def test_the_label_is_the_one_definition_in_stats():
    assert stats.figure_description("concern_users") == stats.CONCERN_USERS
    assert stats.CONCERN_USERS.label == "Use a vendor named as of concern (derived)"
    assert stats.CONCERN_USERS.body_label == DERIVED


def test_overview_cards_label_the_derived_count_beside_the_published_statement(real_data, client):
    page = visible(text(client.get("/")))
    assert "at least 18 respondents say" in page  # the release's words, quoted
    # 11 Hikvision users of the 12 answers that say (West Yorkshire said no, FOI0323)
    assert "Use a vendor named as of concern (derived): 11 of 12" in page
    assert "not a statement by the bodies" in page
    assert "Bodies using equipment of concern: a published figure" in page


def test_overview_chart_title_and_series_say_derived(real_data, client):
    html = text(client.get("/"))
    table = visible(html.split('id="chart-concern-by-system-type-table"')[1].split("</table>")[0])
    assert "Use a vendor named as of concern (derived)" in table
    assert "Computed from per-body data" not in table
    assert "Responding bodies using equipment of concern" not in html


def test_concern_chart_csv_heading_says_derived(real_data, client):
    rows = csv_rows(client.get("/charts/concern-by-system-type.csv?round=2022"))
    series = {row[1] for row in rows[1:]}
    assert series == {"Published figure (current)", DERIVED_FIGURE}


def test_bodies_table_filter_and_exports_say_derived(real_data, client):
    column = "Uses a vendor named as of concern in any system type (derived)"
    page = visible(text(client.get("/forces/")))
    assert f"{column} (sort)" in page  # the column
    assert f"{DERIVED} Any Yes No" in page  # the filter
    header = csv_rows(client.get("/forces/?export=csv"))[0]
    assert column in header and "Uses equipment of concern" not in header
    book = load_workbook(io.BytesIO(client.get("/forces/?export=xlsx").content))
    assert column in next(book.active.iter_rows(values_only=True))


def test_system_type_and_vendor_pages_say_named_as_of_concern(real_data, client):
    page = visible(text(client.get("/systems/cctv-unspecified/")))
    assert "Use a vendor named as of concern (derived)" in page
    assert "Vendor named as of concern" in page
    page = visible(text(client.get("/vendors/hikvision/")))
    assert "Named as of concern that round" in page


def test_api_describes_the_figure_as_derived(real_data, client):
    data = client.get("/api/v1/statistics/system-types/?round=2022").json()
    definition = data["definitions"]["concern_users"]
    assert "Derived by the dashboard" in definition and "not a statement" in definition
    schema = text(client.get("/api/schema/?format=json"))
    assert "Derived by the dashboard from the vendors named" in schema
    # The words survive only as the name of the publications' own metric.
    assert schema.lower().count("bodies using equipment of concern") == schema.count(
        "`concern_users` - Bodies using equipment of concern"
    )


# --- 2. Rounds without per-body returns list no body as asked ---------------------------------


@pytest.mark.parametrize("year", [2017, 2019])
def test_rounds_without_returns_say_the_invited_list_is_not_known(real_data, client, year):
    html = text(client.get(f"/forces/?round={year}"))
    page = visible(html)
    assert f"No per-body return is recorded for the {year} survey" in page
    assert "Which bodies were invited to it, and which replied, is not known" in page
    assert 'id="bodies-table"' not in html
    assert "National Crime Agency" not in page
    assert "bodies match" not in page and "Every body asked" not in page
    rows = csv_rows(client.get(f"/forces/?round={year}&export=csv"))
    assert len(rows) == 1  # the heading only: no body listed as asked


def test_the_2023_round_says_how_many_were_asked_and_replied_but_not_which(real_data, client):
    page = visible(text(client.get("/forces/?round=2023")))
    assert "Its published figures say 47 bodies were asked and 36 replied" in page
    assert "but not which ones replied" in page and "bodies match" not in page


def test_a_round_with_returns_still_lists_its_bodies(real_data, client):
    page = visible(text(client.get("/forces/?round=2022")))
    assert "47 bodies match" in page and "Every body asked" in page


# --- 3. A percentage that does not fit a derived denominator ----------------------------------


def test_a_derived_denominator_is_not_blamed_on_the_publication(real_data, client):
    for url in ("/", "/systems/cctv-unspecified/", "/vendors/hikvision/", "/findings/"):
        page = visible(text(client.get(url)))
        assert "Percentage does not fit the derived denominator" in page, url
        assert "Published arithmetic does not hold" not in page, url
        assert "truncated" not in page.lower(), url
    page = visible(text(client.get("/systems/cctv-unspecified/")))
    assert "The published 30% does not fit the derived denominator: 11 of 36 is 30.6%." in page
    assert "the denominator 36 is derived, not published" in page


def test_a_stated_denominator_that_does_not_fit_is_still_reported(real_data, client):
    from surveys.models import PublishedFinding
    from surveys.stats import finding_views, findings_for_display

    [view] = finding_views(findings_for_display().filter(key="pr2023-response-rate"))
    assert view.arithmetic_ok is False
    assert (
        view.arithmetic_note
        == "The published 91% does not equal its own numbers: 39 of 47 is 83.0%."
    )
    derived = PublishedFinding.objects.get(key="init2022-hikvision-cameras")
    [view] = finding_views(findings_for_display().filter(pk=derived.pk))
    assert view.status_label == "Percentage does not fit the derived denominator"


# --- 4. Unknown is not 0 ------------------------------------------------------------------------


def _row(html: str, name: str) -> str:
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    row = next(r for r in table.split("</tr>") if f">{name}</a>" in r)
    # The last column is the box that chooses the body for /compare/ ("Compare <name>").
    return re.sub(r"\s*Compare [^<>]*$", "", visible(row).strip())


def test_system_types_operated_is_not_known_without_an_answer_saying(real_data, client):
    html = text(client.get("/forces/?per_page=100&q=Avon"))
    assert _row(html, "Avon and Somerset Constabulary").endswith(
        "Responded (derived) Not known Not known No data"
    )
    # Derbyshire's one answer (future use of live facial recognition) does not say it operates.
    html = text(client.get("/forces/?q=Derbyshire"))
    assert "Responded (derived) At least 1 Not known" in _row(html, "Derbyshire Constabulary")
    rows = {r[0]: r for r in csv_rows(client.get("/forces/?export=csv"))}
    operated = rows["Body"].index("System types operated")
    assert rows["Avon and Somerset Constabulary"][operated] == "Not known"
    # CCTV (INIT2022) and facial recognition (FOI0823); the round asked about more types.
    assert rows["Bedfordshire Police"][operated] == "At least 2"


def test_an_answer_saying_it_operates_none_is_not_0_of_the_whole_round(real_data, client):
    """Derbyshire says nothing of the other system types the round asked about."""
    answer = Answer.objects.filter(
        survey_return__body__slug="derbyshire", survey_return__survey_round__year=2022
    ).first()
    Answer.objects.filter(pk=answer.pk).update(operates=False)
    html = text(client.get("/forces/?q=Derbyshire"))
    assert (
        "Responded (derived) At least 1 Not known " in _row(html, "Derbyshire Constabulary") + " "
    )


# --- 5. As published, with the correction beside it --------------------------------------------


def test_body_worn_video_chart_shows_the_figure_as_published_and_its_correction(real_data, client):
    html = text(client.get("/systems/body-worn-video/"))
    table = visible(html.split('id="chart-published-figures-table"')[1].split("</table>")[0])
    assert "2022 (as published)" in table and "2022 (current, after corrections)" in table
    assert "2022 (published)" not in table
    assert "at least 2; corrected to 0 by PR2023-UPDATE" in table
    assert "0 (corrected by PR2023-UPDATE)" in table
    page = visible(html)
    assert "published as at least 2; corrected to 0 by PR2023-UPDATE (the correction)." in page
    assert re.search(r'href="/corrections/\d+/">the correction</a>', html)
    rows = csv_rows(client.get("/systems/body-worn-video/figures.csv"))
    pr2023 = [(r[1], r[3]) for r in rows if "[PR2023]" in r[0]]
    assert pr2023 == [("2022 (as published)", "2"), ("2022 (current, after corrections)", "0")]


# --- 6. A derived return is not cited as naming the body ---------------------------------------


@pytest.fixture
def derived_returns(real_data):
    """As the loader records them: the 39 respondents, derived from the 47 invited minus the
    8 non-respondents PR2023 names."""
    responded = Return.objects.filter(survey_round__year=2022, status=Return.Status.RESPONDED)
    assert responded.update(status_is_derived=True) == 39


def test_body_page_shows_a_derived_status_and_does_not_cite_its_source(derived_returns, client):
    html = text(client.get("/forces/kent/"))
    page = visible(html)
    assert "Responded (derived: invited, and not among the 8 non-respondents PR2023 names)" in page
    assert "Derived from PR2023" in page
    names = page.split("Publications that name this body")[1].split("Corrections")[0]
    assert "PR2023" in names  # only as what the status is derived from
    assert "PR2023: " not in names
    assert "A response status above is derived from PR2023, which does not name this body" in (
        names
    )


def test_body_page_still_cites_the_sources_that_do_name_the_body(derived_returns, client):
    page = visible(text(client.get("/forces/metropolitan-police/")))
    names = page.split("Publications that name this body")[1].split("Corrections")[0]
    assert "EPOCH2022: " in names and "INIT2022: " in names
    assert "REP2023: " not in names


def test_a_named_non_respondent_is_still_cited(derived_returns, client):
    page = visible(text(client.get("/forces/gwent/")))
    names = page.split("Publications that name this body")[1].split("Corrections")[0]
    assert "PR2023: " in names
    assert "derived" not in page.split("Returns by round")[1].split("Answers")[0]


def test_bodies_listing_and_exports_mark_a_derived_status(derived_returns, client):
    html = text(client.get("/forces/?q=Kent"))
    assert "Responded (derived)" in _row(html, "Kent Police")
    html = text(client.get("/forces/?q=Gwent"))
    assert "(derived)" not in _row(html, "Gwent Police")
    rows = {r[0]: r for r in csv_rows(client.get("/forces/?export=csv"))}
    assert rows["Body"][6:8] == ["Response", "Response derived"]
    assert rows["Kent Police"][6:8] == ["Responded", "yes"]
    assert rows["Gwent Police"][6:8] == ["Did not respond", "no"]


def test_api_returns_say_whether_the_status_is_derived(derived_returns, client):
    data = client.get("/api/v1/returns/?limit=500").json()["results"]
    by_body = {r["body"]: r for r in data if r["survey_round"] == 2022}
    assert by_body["kent"]["status_is_derived"] is True
    assert by_body["gwent"]["status_is_derived"] is False


def test_the_concern_chart_its_csv_and_its_link_say_as_published_when_the_page_does(
    real_data, client
):
    html = text(client.get("/?round=2022&as_published=1"))
    table = visible(html.split('id="chart-concern-by-system-type-table"')[1].split("</table>")[0])
    assert "Published figure (as first published)" in table
    assert "(current)" not in table
    assert 'href="/charts/concern-by-system-type.csv?round=2022&amp;as_published=1"' in html
    response = client.get("/charts/concern-by-system-type.csv?round=2022&as_published=1")
    assert "concern-by-system-type-2022-as-published.csv" in response["Content-Disposition"]
    series = {r[1] for r in csv_rows(response)[1:]}
    assert "Published figure (as first published)" in series
    assert "Published figure (current)" not in series
    current = {r[1] for r in csv_rows(client.get("/charts/concern-by-system-type.csv?round=2022"))}
    assert "Published figure (current)" in current
    assert "Published figure (as first published)" not in current


def test_a_system_type_chart_csv_follows_as_published_as_its_chart_does(real_data, client):
    html = text(client.get("/systems/body-worn-video/?as_published=1"))
    assert 'href="/systems/body-worn-video/figures.csv?as_published=1"' in html
    rows = csv_rows(client.get("/systems/body-worn-video/figures.csv?as_published=1"))
    pr2023 = [(r[1], r[3]) for r in rows if "[PR2023]" in r[0]]
    assert pr2023 == [("2022 (as published)", "2")]
