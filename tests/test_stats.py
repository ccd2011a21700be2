"""Statistics on a hand-built world (synthetic test data), against METRICS.md's definitions."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import stats
from surveys.models import Answer, PublishedFinding, SurveyRound, VendorConcern
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def answered(world):
    """2020: Northshire uses Redcam and Bluecam (two of concern) on external CCTV and is aware;
    Southshire uses Homecam only; the agency says it does not operate external CCTV."""
    r = world.round_2020
    f.answer(
        f.return_of(world.northshire, r),
        world.external,
        operates=True,
        aware_of_concerns=True,
        vendors=[world.redcam, world.bluecam],
    )
    f.answer(
        f.return_of(world.southshire, r),
        world.external,
        operates=True,
        aware_of_concerns=False,
        vendors=[world.homecam],
    )
    f.answer(f.return_of(world.agency, r), world.external, operates=False)
    return world


def by_slug(rows):
    return {row.system_type.slug: row for row in rows}


def test_response_by_round(world):
    rows = {r.year: r for r in stats.response_by_round()}
    assert (rows[2020].invited, rows[2020].responded, rows[2020].rate) == (3, 3, 100)
    assert (rows[2021].invited, rows[2021].responded, rows[2021].rate) == (3, 2, 67)


def test_round_without_returns_is_a_gap_not_zero(world):
    f.survey_round(2019)
    row = next(r for r in stats.response_by_round() if r.year == 2019)
    assert row.invited is None and row.responded is None and row.rate is None
    assert not row.has_per_body_returns


def test_percent_rounds_half_up():
    assert stats.percent(39, 47) == 83
    assert stats.percent(1, 8) == 13  # 12.5 -> 13, not banker's 12
    assert stats.percent(11, 36) == 31


def test_system_type_stats_counts_distinct_bodies(answered):
    rows = by_slug(stats.system_type_stats(survey_round=answered.round_2020))
    external = rows["external-cctv"]
    assert external.answered == 3
    assert external.operators == stats.Figure(2, 3)
    # Northshire has two vendors of concern and counts once.
    assert external.concern_users == stats.Figure(1, 3)
    assert external.aware == stats.Figure(1, 2)


def test_system_type_without_answers_has_no_figures(answered):
    drones = by_slug(stats.system_type_stats(survey_round=answered.round_2020))["drones"]
    assert drones.answered == 0
    assert drones.operators.value is None
    assert drones.concern_users.value is None


def test_non_respondents_answers_are_not_counted(answered):
    # The agency did not respond in 2021; an answer on that return must not count.
    agency_2021 = f.return_of(answered.agency, answered.round_2021)
    f.answer(agency_2021, answered.drones, operates=True, vendors=[answered.redcam])
    drones = by_slug(stats.system_type_stats(survey_round=answered.round_2021))["drones"]
    assert drones.answered == 0


def test_concern_must_be_in_force_at_the_round_date(answered):
    VendorConcern.objects.filter(vendor=answered.bluecam).update(
        in_force_from=datetime.date(2021, 1, 1)
    )
    VendorConcern.objects.filter(vendor=answered.redcam).update(
        in_force_until=datetime.date(2020, 1, 1)
    )
    external = by_slug(stats.system_type_stats(survey_round=answered.round_2020))["external-cctv"]
    assert external.concern_users.value == 0
    ids = stats.concern_vendor_ids([answered.round_2021])
    assert ids == {answered.round_2021.pk: {answered.bluecam.pk}}


def test_vendor_breakdown(answered):
    rows = stats.vendor_breakdown([answered.round_2020])
    counts = {(row.vendor_name, row.of_concern): row.bodies for row in rows}
    assert counts == {("Redcam", True): 1, ("Bluecam", True): 1, ("Homecam", False): 1}
    assert stats.vendor_breakdown([answered.round_2020], system_type=answered.drones) == []


def count_queries(function) -> int:
    with CaptureQueriesContext(connection) as context:
        function()
    return len(context.captured_queries)


def test_query_count_does_not_grow_with_data(answered):
    def run():
        rounds = list(SurveyRound.objects.all())
        stats.response_by_round()
        stats.system_type_stats_by_round(rounds)
        stats.vendor_breakdown(rounds)
        stats.finding_views(PublishedFinding.objects.select_related("survey_round"))

    f.finding(answered, "x", metric="concern_users", system_type=answered.external, value=1)
    cold = count_queries(run)
    warm = count_queries(run)
    assert warm < cold  # the statistics come from the cache
    later = f.survey_round(2022)
    f.finding(
        answered, "y", metric="operators", system_type=answered.drones, value=1, survey_round=later
    )
    for i in range(20):
        extra = f.body(f"Extra Force {i}", source=answered.report)
        for survey_round in (answered.round_2020, later):
            ret = f.survey_return(extra, survey_round, "responded", answered.report)
            f.answer(ret, answered.external, operates=True, vendors=[answered.redcam])
    assert count_queries(run) == cold  # the changes emptied the cache; same queries, more data
    assert count_queries(run) == warm
    external = by_slug(stats.system_type_stats(survey_round=answered.round_2020))["external-cctv"]
    assert external.concern_users.value == 21


def test_every_change_invalidates_the_cached_statistics(answered):
    rows = by_slug(stats.system_type_stats(survey_round=answered.round_2020))
    assert rows["external-cctv"].operators.value == 2
    south = Answer.objects.get(
        survey_return__body=answered.southshire, system_type=answered.external
    )
    south.operates = False
    south.save()
    rows = by_slug(stats.system_type_stats(survey_round=answered.round_2020))
    assert rows["external-cctv"].operators.value == 1


@pytest.mark.parametrize(
    "published, qualifier, computed, complete, expected",
    [
        (18, "at_least", 20, True, "agrees"),
        (18, "at_least", 18, True, "agrees"),
        (18, "at_least", 17, True, "disagrees"),
        (31, "exact", 31, True, "agrees"),
        (31, "exact", 30, True, "disagrees"),
        (6, "exact", 0, False, "partial"),
        (6, "exact", 7, False, "disagrees"),
        (6, "exact", None, True, "no_data"),
    ],
)
def test_agreement_rule(published, qualifier, computed, complete, expected):
    result = stats.agreement(
        published=Decimal(published), qualifier=qualifier, computed=computed, complete=complete
    )
    assert result == expected


def test_percentage_arithmetic(world):
    bad = f.finding(
        world,
        "rate",
        system_type=None,
        metric="response_rate",
        unit="percent",
        value=91,
        numerator=39,
        denominator=47,
    )
    good = f.finding(
        world,
        "rate2",
        system_type=None,
        metric="response_rate",
        unit="percent",
        value=83,
        numerator=39,
        denominator=47,
    )
    count_with_percent = f.finding(
        world,
        "c",
        system_type=None,
        metric="operators",
        value=11,
        denominator=36,
        published_percent=30,
    )
    assert stats.arithmetic_holds(bad) is False
    assert stats.arithmetic_holds(good) is True
    assert stats.arithmetic_holds(count_with_percent) is False
    assert (
        stats.arithmetic_holds(f.finding(world, "n", system_type=None, metric="operators", value=3))
        is None
    )


def test_findings_with_status_uses_computed_figures_and_corrections(answered):
    w = answered
    concern = f.finding(
        w, "concern", metric="concern_users", system_type=w.external, value=2, qualifier="at_least"
    )
    drones = f.finding(w, "drones", metric="operators", system_type=w.drones, value=5)
    rate = f.finding(
        w,
        "rate",
        system_type=None,
        metric="response_rate",
        unit="percent",
        value=100,
        numerator=3,
        denominator=3,
    )
    corrected = f.finding(w, "corrected", metric="operators", system_type=w.external, value=4)
    corrected.corrections.create(old_value="4", new_value="2", reason="re-count", source=w.report)
    views = {v.finding.key: v for v in stats.findings_with_status(survey_round=w.round_2020)}
    assert views[concern.key].computed == 1 and views[concern.key].status == "disagrees"
    assert views[drones.key].status == "no_data" and views[drones.key].computed is None
    assert views[rate.key].status == "agrees" and views[rate.key].computed == 100
    assert views[corrected.key].current_value == 2 and views[corrected.key].status == "agrees"
    as_published = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=w.round_2020, as_published=True)
    }
    assert as_published[corrected.key].current_value == 4
    assert as_published[corrected.key].status == "disagrees"


def test_real_data_findings(real_data):
    from surveys.models import SurveyRound

    views = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=SurveyRound.objects.get(year=2022))
    }
    # The 2022 returns are PR2023's own list of respondents: it can only agree with itself.
    assert views["pr2023-responded"].status == "same_publication"
    assert views["pr2023-response-rate"].computed == 83
    assert views["pr2023-response-rate"].status == "disagrees"
    # West Yorkshire's external CCTV answer (FOI0323) names only Milestone's video
    # management software, which settles nothing about vendors of concern: no per-body data
    external = views["pr2023-external-cctv-concern"]
    assert (external.computed, external.coverage, external.status) == (None, None, "no_data")
    assert views["pr2023-bwv-hikvision"].current_display == "0"
    assert views["init2022-lfr-intend"].status == "same_publication"
    assert views["init2022-lfr-no-intention"].status == "partial"
