"""How a published figure's comparison with the per-body data is worded: agreement is claimed
only where it means something, and pages, the API and the reconciliation desk share one set of
statuses, each with one label and one meaning."""

from html import unescape

import pytest
from django.urls import reverse

from surveys import stats
from surveys.caching import uncached
from surveys.models import SurveyRound
from surveys.stats.provenance import rows_citing_own_publication
from tests import factories as f

Agreement = stats.Agreement


def views_2022() -> dict[str, stats.FindingView]:
    year = SurveyRound.objects.get(year=2022)
    return {v.finding.key: v for v in stats.findings_with_status(survey_round=year)}


def findings_row(client, key: str) -> str:
    html = unescape(client.get("/findings/?round=2022").content.decode())
    return html.split(f'id="finding-row-{key}"')[1].split("</tr>")[0]


def views_2021(world) -> dict[str, stats.FindingView]:
    return {v.finding.key: v for v in stats.findings_with_status(survey_round=world.round_2021)}


def both_2021_respondents_answer(world, **sources):
    """Northshire operates external CCTV, Southshire does not: every 2021 respondent's answer
    is recorded."""
    for body in (world.northshire, world.southshire):
        f.answer(
            f.return_of(body, world.round_2021),
            world.external,
            operates=body == world.northshire,
            **sources,
        )


# --- Coverage: agreement on some answers is only consistent ------------------------------------


def test_a_figure_resting_on_one_answer_is_only_consistent_with_it(real_data, client):
    bwv = views_2022()["pr2023-bwv-hikvision"]  # 0 of 1 answer, 39 bodies responded
    assert (bwv.computed, bwv.coverage, bwv.status) == (0, 1, "consistent")
    assert bwv.status_label == "Consistent with the 1 answer recorded"
    row = findings_row(client, "pr2023-bwv-hikvision")
    assert "Consistent with the 1 answer recorded" in row
    assert "Matches the per-body data" not in row


def test_an_exact_figure_equal_on_some_answers_counts_them(world):
    f.answer(f.return_of(world.northshire, world.round_2021), world.external, operates=True)
    f.finding(world, "ops", survey_round=world.round_2021, metric="operators", value=1)
    row = views_2021(world)["ops"]
    assert (row.computed, row.coverage, row.status) == (1, 1, "consistent")
    assert row.status_label == "Consistent with the 1 answer recorded"


def test_every_respondents_answer_from_elsewhere_still_matches(world):
    both_2021_respondents_answer(world)
    f.finding(world, "ops", survey_round=world.round_2021, metric="operators", value=1)
    row = views_2021(world)["ops"]
    assert (row.computed, row.coverage, row.status) == (1, 2, "agrees")
    assert row.status_label == "Matches the per-body data"


def test_at_least_reached_on_some_answers_matches(world):
    # The answers not recorded can only add to a count that already reaches "at least 1".
    f.answer(f.return_of(world.northshire, world.round_2021), world.external, operates=True)
    f.finding(
        world,
        "ops",
        survey_round=world.round_2021,
        metric="operators",
        value=1,
        qualifier="at_least",
    )
    assert views_2021(world)["ops"].status == "agrees"


# --- Provenance: a publication cannot agree with itself ----------------------------------------


def test_the_publications_own_list_of_returns_is_from_the_same_publication(real_data, client):
    views = views_2022()
    for key in ("pr2023-invited", "pr2023-responded"):  # the 2022 returns are PR2023's list
        assert views[key].status == "same_publication"
        assert views[key].status_label == "From the same publication"
    assert "From the same publication" in findings_row(client, "pr2023-invited")


def test_init2022s_own_answers_are_from_the_same_publication(real_data):
    views = views_2022()
    assert views["init2022-lfr-users"].status == "same_publication"
    assert views["init2022-lfr-intend"].status == "same_publication"


def test_no_real_figure_claims_to_match(real_data, client):
    """Every real agreement rests on one answer or on the publication's own rows."""
    assert Agreement.AGREES not in {v.status for v in views_2022().values()}
    assert "Matches the per-body data" not in client.get("/findings/?round=2022").content.decode()


def test_answers_citing_the_findings_publication_are_from_the_same_publication(world):
    both_2021_respondents_answer(world)
    f.finding(
        world,
        "ops",
        survey_round=world.round_2021,
        metric="operators",
        value=1,
        publication=world.report,
    )
    assert views_2021(world)["ops"].status == "same_publication"


def test_one_answer_from_elsewhere_makes_it_a_check(world):
    both_2021_respondents_answer(world)
    other = f.publication("OTHER")
    world.northshire.returns.get(survey_round=world.round_2021).answers.update(
        operates_source=other
    )
    f.finding(
        world,
        "ops",
        survey_round=world.round_2021,
        metric="operators",
        value=1,
        publication=world.report,
    )
    assert views_2021(world)["ops"].status == "agrees"


def test_the_fields_own_source_decides_not_the_answers(world):
    # The answers cite the world's report, but whether they operate it is the release's word.
    both_2021_respondents_answer(world, operates_source=f.release())
    f.finding(world, "ops", survey_round=world.round_2021, metric="operators", value=1)
    assert views_2021(world)["ops"].status == "same_publication"


def test_the_provenance_check_is_three_queries_for_any_number_of_findings(
    real_data, django_assert_num_queries
):
    """Whether the summaries are current, their counts of the answers citing each source, the
    returns citing each."""
    findings = list(stats.findings_for_display())
    with uncached(), django_assert_num_queries(3):
        citing = rows_citing_own_publication(findings)
    assert citing[findings[0].pk] is not None and len(citing) > 10


# --- One vocabulary for the pages, the API and the desk ----------------------------------------


def test_a_derived_denominator_has_its_own_status_in_the_api_and_pages(real_data, client):
    key = "init2022-hikvision-cameras"  # 11 of a derived 36 published as 30%
    view = views_2022()[key]
    assert view.status == "derived_denominator"
    assert view.status_label == Agreement.LABELS["derived_denominator"]
    assert client.get(f"/api/v1/findings/{key}/").json()["status"] == "derived_denominator"
    assert "Percentage does not fit the derived denominator" in findings_row(client, key)


def test_published_arithmetic_keeps_its_status_where_the_denominator_is_published(world):
    f.answer(f.return_of(world.northshire, world.round_2021), world.external, operates=True)
    f.finding(
        world,
        "bad-sum",
        survey_round=world.round_2021,
        metric="operators",
        value=1,
        denominator=2,
        published_percent=60,
    )
    assert views_2021(world)["bad-sum"].status == "arithmetic"


def test_the_api_schema_lists_each_status_with_the_pages_label_and_meaning(client, db):
    schema = client.get("/api/schema/?format=json").json()
    status = schema["components"]["schemas"]["Finding"]["properties"]["status"]
    [ref] = [s["$ref"] for s in status["allOf"]]
    enum = schema["components"]["schemas"][ref.rsplit("/", 1)[1]]["enum"]
    assert enum == list(Agreement.LABELS)
    for code, label in Agreement.LABELS.items():
        assert f"`{code}` ({label}): {Agreement.MEANINGS[code]}" in status["description"]


def test_every_status_has_one_label_one_meaning_and_a_badge_colour():
    from surveys.templatetags.survey_tags import STATUS_CLASSES

    assert set(Agreement.LABELS) == set(Agreement.MEANINGS) == set(STATUS_CLASSES)
    assert len(set(Agreement.LABELS.values())) == len(Agreement.LABELS)


def test_about_explains_every_status_once(client, db):
    about = unescape(client.get("/about/").content.decode())
    labels = about.split('data-testid="labels"')[1].split("</dl>")[0]
    for label in Agreement.LABELS.values():
        assert labels.count(f"<dt>{label}</dt>") == 1


@pytest.mark.parametrize(
    "key, heading",
    [
        ("init2022-hikvision-cameras", "Percentage does not fit the derived denominator"),
        ("pr2023-response-rate", "Differs from the per-body data"),
        ("init2022-lfr-no-intention", "Per-body data incomplete"),
    ],
)
def test_the_reconciliation_desk_lists_each_figure_under_its_public_status(
    real_data, client, editor, key, heading
):
    html = unescape(client.get(reverse("admin:reconciliation")).content.decode())
    sections = {
        part.split(" (", 1)[0]: part for part in html.split("<h2>")[1:] if " (" in part[:80]
    }
    assert key in sections[heading]
    assert [name for name, part in sections.items() if key in part] == [heading]


def test_a_figure_on_one_answer_says_one_bodys_answer(real_data, client):
    html = unescape(client.get("/systems/body-worn-video/").content.decode())
    assert "From per-body data: 0 (based on 1 body's answer)." in html
    assert "1 bodies'" not in html
