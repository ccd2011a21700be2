"""A date a source does not state is shown as not stated, never as a day or month; and every
page and download says which licence fits the sources it shows (Crown copyright under the OGL,
or the holder's own copyright, quoted for reporting)."""

import csv
import io
import json
import re
import zipfile

import openpyxl
import pytest
from django.db import IntegrityError, transaction

from surveys.models import CommissionerTerm, Publication, PublicEvidence, PublishedFinding
from surveys.web.views import ANSWER_EXPORT_HEADER
from tests import factories as f
from tests.pages import content, text, visible

pytestmark = pytest.mark.django_db


def words(response) -> str:
    """The page's words, with no space left by a link before punctuation or after '('."""
    return re.sub(r"\( ", "(", re.sub(r" ([,.;:)])", r"\1", visible(text(response))))


CROWN = "© Crown copyright, Open Government Licence v3.0"
NOT_OGL = "quoted for reporting, not under the Open Government Licence"


# --- Dates not stated -----------------------------------------------------------------------


def test_a_publication_without_a_date_is_saved_as_date_not_stated(db):
    undated = f.publication(published_on=None, date_precision="day")
    assert undated.date_precision == Publication.DatePrecision.NOT_STATED
    assert undated.date_display == "date not stated"


def test_the_database_refuses_a_day_without_a_date_and_not_stated_with_one(db):
    undated = f.publication(published_on=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=undated.pk).update(date_precision="day")
    dated = f.publication(published_on="2023-02-01", date_precision="month")
    with pytest.raises(IntegrityError), transaction.atomic():
        Publication.objects.filter(pk=dated.pk).update(date_precision="not_stated")


def test_the_update_to_the_release_is_undated_in_the_data_the_api_and_the_downloads(
    real_data, client
):
    update = Publication.objects.get(code="PR2023-UPDATE")
    assert (update.published_on, update.date_precision) == (None, "not_stated")
    api = client.get("/api/v1/publications/?code=PR2023-UPDATE").json()["results"]
    row = next(r for r in api if r["code"] == "PR2023-UPDATE")
    assert (row["published_on"], row["date_precision"]) == (None, "not_stated")
    assert row["date_display"] == "date not stated"
    rows = csv.DictReader(io.StringIO(text(client.get("/data/tables/publications.csv"))))
    row = next(r for r in rows if r["code"] == "PR2023-UPDATE")
    assert (row["published_on"], row["date_precision"]) == ("", "not_stated")


def test_the_corrected_zero_is_cited_to_the_update_with_no_date(real_data, client):
    page = words(client.get("/?round=2022"))
    assert "(PR2023-UPDATE, date not stated)" in page
    assert "PR2023-UPDATE, February 2023" not in page
    feed = text(client.get("/corrections/feed/"))
    assert "PR2023-UPDATE" in feed and "(date not stated)" in feed
    assert "Announced by PR2023 " not in feed


def test_a_term_without_a_start_is_start_not_stated(real_data, client):
    sampson = CommissionerTerm.objects.get(holder="Fraser Sampson")
    assert (sampson.starts_on, sampson.starts_precision) == (None, "not_stated")
    terms = client.get("/api/v1/commissioner-terms/").json()
    terms = terms["results"] if isinstance(terms, dict) else terms
    row = next(t for t in terms if t["holder"] == "Fraser Sampson")
    assert row["starts_precision"] == "not_stated"


def test_evidence_keeps_the_month_its_source_gives(real_data, client):
    """HOLFR2025 reports funding in August 2025; its article's day is not the funding's."""
    funded = PublicEvidence.objects.filter(source__code="HOLFR2025")
    assert funded.count() == 7
    assert {e.date_precision for e in funded} == {"month"}
    assert {e.date_display for e in funded} == {"August 2025"}
    page = visible(text(client.get("/forces/west-yorkshire/")))
    assert "August 2025" in page and "12 August 2025 Facial recognition" not in page


# --- Licences -------------------------------------------------------------------------------


def test_each_source_records_its_licence(real_data):
    licences = dict(Publication.objects.values_list("code", "licence"))
    for code in ("PR2023", "PR2023-UPDATE", "REP2023", "INIT2022", "FOI0823", "FOI0323"):
        assert licences[code] == "ogl", code
    for code in ("EPOCH2022", "COMP2023", "DRONE2023", "NPFOI1161", "HOLFR2025", "ESSLFR"):
        assert licences[code] == "quoted", code
    epoch = Publication.objects.get(code="EPOCH2022")
    assert epoch.licence_display == f"© The Epoch Times; {NOT_OGL}"


def test_a_source_with_no_licence_recorded_is_never_put_under_the_ogl(db):
    source = f.publication()
    assert source.licence == ""
    assert "not under the Open Government Licence" in source.licence_display


def test_a_code_is_cited_only_as_a_whole_code():
    from surveys.templatetags.licences import codes_cited

    codes = {"PR2023", "PR2023-UPDATE", "TEST1"}
    assert codes_cited("(PR2023-UPDATE, date not stated)", codes) == {"PR2023-UPDATE"}
    assert codes_cited("PR2023, and TEST10", codes) == {"PR2023"}
    assert codes_cited('<a href="#source-PR2023">x</a>', codes) == set()


def _footer(response) -> str:
    return words(response).split("Every figure names its source")[1]


def test_a_page_of_trade_press_figures_states_their_copyright_not_the_ogl(real_data, client):
    footer = _footer(client.get("/?round=2023"))
    assert f"© Security World Market; {NOT_OGL}: DRONE2023." in footer
    # The only Crown source the page cites is the one its figures-by-round chart names in its
    # source line (the response rates of PR2023), not any figure of the 2023 round.
    assert f"{CROWN}: PR2023." in footer


def test_a_page_states_the_licence_of_each_source_it_cites(real_data, client):
    footer = _footer(client.get("/vendors/hikvision/"))
    assert f"{CROWN}: INIT2022, PR2023, PR2023-UPDATE." in footer
    assert f"© The Epoch Times; {NOT_OGL}: EPOCH2022." in footer
    assert f"© Northumbria Police; {NOT_OGL}: NPFOI1161." in footer


def test_the_forces_download_gives_each_rows_sources_and_their_licences(real_data, client):
    rows = list(csv.DictReader(io.StringIO(text(client.get("/forces/?round=2022&export=csv")))))
    cleveland = next(r for r in rows if r["Body"] == "Cleveland Police")
    assert cleveland["Sources"] == "EPOCH2022, PR2023"
    assert f"EPOCH2022: © The Epoch Times; {NOT_OGL}" in cleveland["Licence"]
    assert f"PR2023: {CROWN}" in cleveland["Licence"]
    workbook = openpyxl.load_workbook(
        io.BytesIO(content(client.get("/forces/?round=2022&export=xlsx")))
    )
    about = {row[0]: row[1] for row in workbook["About"].iter_rows(values_only=True)}
    assert about["Licence of EPOCH2022"] == f"© The Epoch Times; {NOT_OGL}"
    assert about["Licence of FOI0323, FOI0823, INIT2022, PR2023"] == CROWN


def test_a_chart_csv_gives_the_licence_of_each_rows_source(real_data, client):
    rows = list(
        csv.DictReader(
            io.StringIO(text(client.get("/charts/concern-by-system-type.csv?round=2022")))
        )
    )
    published = next(r for r in rows if r["Published or derived"] == "published")
    assert published["Source"] == "PR2023" and published["Licence"] == f"PR2023: {CROWN}"
    derived = next(r for r in rows if r["Published or derived"] == "derived")
    assert derived["Licence"] == ""
    drones = text(client.get("/charts/figures-by-round.csv"))
    assert f"DRONE2023: © Security World Market; {NOT_OGL}" in drones


def test_the_whole_data_set_says_which_licence_fits_which_source(real_data, client):
    archive = zipfile.ZipFile(io.BytesIO(content(client.get("/data/obscc-data.zip"))))
    readme = archive.read("obscc-data/README.txt").decode()
    assert f"- © The Epoch Times; {NOT_OGL}: EPOCH2022." in readme
    crown = next(line for line in readme.splitlines() if line.startswith(f"- {CROWN}:"))
    assert "PR2023-UPDATE" in crown and "EPOCH2022" not in crown
    document = json.loads(content(client.get("/data/obscc-data.json")))
    groups = {g["licence"]: g["sources"] for g in document["licence"]["by_source"]}
    assert "DRONE2023" in groups[f"© Security World Market; {NOT_OGL}"]
    assert "DRONE2023" not in groups[CROWN]
    page = visible(text(client.get("/data/")))
    assert f"© The Epoch Times; {NOT_OGL}: EPOCH2022." in page
    companion = page.split("keep this line with it")[1].split("Data last changed")[0]
    assert "Rows whose source is not under that licence" in companion


def test_the_api_gives_each_sources_licence(real_data, client):
    rows = client.get("/api/v1/publications/").json()["results"]
    by_code = {r["code"]: r for r in rows}
    assert by_code["FOI0823"]["licence"] == "ogl"
    assert by_code["FOI0823"]["licence_display"] == CROWN
    assert by_code["COMP2023"]["licence"] == "quoted"
    assert by_code["COMP2023"]["copyright"] == "Computing"


# --- Smaller items --------------------------------------------------------------------------


def test_a_bodys_page_lists_the_evidence_sources_that_name_it(real_data, client):
    page = visible(text(client.get("/forces/northumbria/")))
    named = page.split("Publications that name this body")[1].split("Corrections")[0]
    assert "NPFOI1161" in named and "EPOCH2022" in named
    page = visible(text(client.get("/forces/west-yorkshire/")))
    assert "HOLFR2025" in page.split("Publications that name this body")[1]


def test_foi0823s_count_of_facial_recognition_users_is_a_published_summary(real_data):
    finding = PublishedFinding.objects.get(key="foi0823-fr-users")
    assert (finding.publication.code, finding.metric, finding.value) == ("FOI0823", "operators", 21)
    assert finding.system_type.slug == "facial-recognition"
    assert not finding.wording_is_verbatim  # no text of FOI0823 is held: a summary


def test_one_mention_is_one_mention(real_data):
    once = PublishedFinding.objects.get(key="foi0823-mentions-live")
    assert once.format_value() == "1 mention"
    assert PublishedFinding.objects.get(key="foi0823-mentions-other").format_value() == (
        "8 mentions"
    )


def test_an_interpreted_denominator_is_marked_derived(real_data):
    """INIT2022's "two of those": that 'those' are the eleven is an interpretation."""
    assert PublishedFinding.objects.get(key="init2022-hikvision-aware").denominator_is_derived


def test_the_data_page_describes_every_column_of_the_answers_download(real_data, client):
    from surveys.web.selectors.answer_rows import ANSWER_COLUMN_NOTES

    page = text(client.get("/data/"))
    header = text(client.get("/data/answers.csv")).splitlines()[0].split(",")
    assert header == ANSWER_EXPORT_HEADER
    for column in header:
        assert ANSWER_COLUMN_NOTES.get(column), column
        assert f"<dt><code>{column}</code></dt><dd>" in page, column


def test_the_corrections_feed_gives_each_entry_its_sources_licence(real_data, client):
    feed = text(client.get("/corrections/feed/"))
    assert f"<rights>{CROWN}</rights>" in feed  # the Update's words, Crown copyright
