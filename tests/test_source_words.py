"""The dashboard's own sentences keep to what the sources say: a key finding that paraphrases
a quotation uses the quotation's words, so it can claim no more than the source does."""

import re

import pytest

from surveys.editorial.reference_files import DATA_DIR
from surveys.models import (
    Correction,
    KeyFinding,
    PublicEvidence,
    PublishedFinding,
    SurveyRound,
)
from surveys.opendata.schema import LICENCE, dictionary
from surveys.web.tables import export_about
from tests.pages import text, visible

pytestmark = pytest.mark.django_db
SOURCES = DATA_DIR / "sources"

# The words a key sentence may add to its quotation's: links between clauses, and "said",
# which only ever attributes a claim to the respondents (never asserts one).
LINKING_WORDS = {"the", "of", "to", "same", "said", "survey"}


def words(text: str) -> set[str]:
    return set(re.findall(r"[a-z0-9]+(?:-[a-z0-9]+)*", text.lower()))


def words_not_in_the_quotation(key: KeyFinding) -> set[str]:
    sentence = key.sentence.replace("{value}", "")
    allowed = words(key.finding.wording) | LINKING_WORDS | {str(key.finding.survey_round.year)}
    return words(sentence) - allowed


def test_each_key_sentence_uses_only_the_words_of_the_quotation_it_paraphrases(real_data):
    quoting = KeyFinding.objects.filter(finding__wording_is_verbatim=True).select_related(
        "finding__survey_round"
    )
    assert quoting.count() == 6
    for key in quoting:
        assert not words_not_in_the_quotation(key), (key.finding.key, key.sentence)


def test_a_sentence_that_says_more_than_its_source_is_caught(real_data):
    key = KeyFinding.objects.get(finding__key="pr2023-drone-dji-aware")
    key.sentence = "{value} respondents that operate drones said they were aware of concerns."
    assert words_not_in_the_quotation(key) == {"that"}
    key = KeyFinding.objects.get(finding__key="pr2023-external-cctv-concern")
    key.sentence = "{value} said their external CCTV uses equipment from makers of concerns."
    assert words_not_in_the_quotation(key) == {"cctv", "uses", "from", "makers"}


def test_the_drone_sentence_keeps_that_respondents_said_they_operate_drones(real_data, client):
    page = client.get("/").content.decode()
    assert "23 of 31 respondents who said they operate cameras on drones said" in page
    assert "that operate drones" not in page and "makers" not in page


def source_text(code: str) -> str:
    return " ".join((SOURCES / f"{code}.txt").read_text(encoding="utf-8").split())


def test_the_update_is_cited_as_its_own_publication_and_only_by_its_own_id(real_data):
    """The Update came after the release, undated: its words are the Update's (PR2023-UPDATE),
    not the release's (PR2023), so nothing can quote them as the release of February 2023."""
    correction = Correction.objects.get(finding__key="pr2023-bwv-hikvision")
    assert correction.source.code == "PR2023-UPDATE"
    reason = " ".join(correction.reason.split())
    assert reason in source_text("PR2023-UPDATE")
    assert "subsequent enquiries" not in source_text("PR2023")
    assert "The survey, conducted by" not in source_text("PR2023-UPDATE")


def test_a_corrected_key_finding_is_dated_by_its_correction_not_the_release(real_data, client):
    sentence = "0 respondents use cameras made by Hikvision in their body-worn video systems."
    shown = visible(text(client.get("/")))
    after = shown.split(sentence)[1]
    assert after.startswith(" ( PR2023-UPDATE , date not stated)")
    assert "first published as at least 2 by PR2023 , February 2023" in after


QUOTATION_MARKS = re.compile(r"[\"“”]")


def test_the_corrections_reason_is_printed_as_the_updates_words(real_data, client):
    correction = Correction.objects.get(finding__key="pr2023-bwv-hikvision")
    quoted = f"“{' '.join(correction.reason.split())}”"
    for url in ("/corrections/", f"/corrections/{correction.pk}/", "/"):
        assert quoted in visible(text(client.get(url))), url


def test_an_editors_reason_is_never_printed_in_quotation_marks(real_data, client):
    correction = Correction.objects.get(finding__key="pr2023-bwv-hikvision")
    Correction.objects.filter(pk=correction.pk).update(reason="The Update withdrew the figure.")
    page = visible(text(client.get(f"/corrections/{correction.pk}/")))
    assert "The Update withdrew the figure." in page
    assert "“The Update withdrew the figure.”" not in page


def test_summaries_hold_no_quotation_marks(real_data):
    for finding in PublishedFinding.objects.filter(wording_is_verbatim=False):
        assert not QUOTATION_MARKS.search(finding.wording), finding.key
    for evidence in PublicEvidence.objects.all():
        assert not QUOTATION_MARKS.search(evidence.summary), evidence.key


def test_the_data_dictionary_says_which_wording_is_a_summary():
    described = {
        f"{table['table']}.{column['name']}": column["description"]
        for table in dictionary()
        for column in table["columns"]
    }
    assert "summary" in described["findings.wording"]
    assert "words of the publication" not in described["findings.wording"]
    assert "not a quotation" in described["evidence.summary"]


def test_evidence_tables_do_not_call_the_dashboards_summary_the_sources_words(real_data, client):
    for url in ("/forces/south-wales/", "/systems/facial-recognition/?evidence=1"):
        page = visible(text(client.get(url)))
        assert "What the source says" not in page
        assert "What the source reports, in the dashboard's words" in page, url


def test_the_footer_does_not_put_news_content_under_crown_copyright(real_data, client):
    """The overview shows trade-press figures (DRONE2023) beside Crown ones: the footer says
    which licence fits which."""
    page = visible(text(client.get("/?round=2023")))
    assert "DRONE2023" in page
    assert "Published figures are © Crown copyright" not in page
    footer = page.split("Every figure names its source")[1]
    assert "Crown publications are Crown copyright, reused under the Open Government" in footer
    assert "news and trade reports" in footer and "not offered under that licence" in footer


def test_the_downloads_licence_says_which_rows_it_does_not_cover(real_data, client):
    assert "not offered under that licence" in LICENCE["notes"]
    assert "not offered under that licence" in visible(text(client.get("/data/")))
    about = dict(export_about(2022, [], page_url="/forces/"))
    assert about["Licence notes"] == LICENCE["notes"]


def test_a_round_without_per_body_returns_shows_replies_as_published(real_data, client):
    page = visible(text(client.get("/?round=2023")))
    assert "Replies, as published 36 of 47, as published" in page
    assert "Returns on record" not in page
    assert "Returns on record 39 of 47" in visible(text(client.get("/?round=2022")))


def test_about_does_not_deny_the_camera_count_a_return_gives(real_data, client):
    page = visible(text(client.get("/about/")))
    assert "No camera counts" not in page
    assert "20 drones" in page


def test_the_earlier_rounds_are_cited_to_a_source_that_names_them(real_data):
    for round_ in SurveyRound.objects.filter(year__in=[2017, 2019]).select_related("source"):
        held = source_text(round_.source.code)
        assert (
            "earlier surveys conducted by the Surveillance Camera Commissioner in 2017 and 2019"
            in held
        )
        assert "all police forces" not in round_.scope


def test_the_commissioner_the_release_quotes_is_among_the_terms(real_data, client):
    assert "Biometrics and Surveillance Camera Commissioner Fraser Sampson said" in source_text(
        "PR2023"
    )
    html = text(client.get("/about/"))
    terms = visible(html.split('data-testid="commissioner"')[1].split("</ul>")[0])
    assert "Fraser Sampson , start not stated:" in terms
    sampson = terms.split("Fraser Sampson")[1].split("Vacant")[0]
    assert "PR2023" in sampson and "February 2023" in sampson
