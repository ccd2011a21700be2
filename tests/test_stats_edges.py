"""The statistics' edges, on an asymmetric synthetic world (test data only): boundaries,
unknown answers, vendor findings, partial coverage. Written to kill the surviving mutants
of surveys/stats.py (see docs/mutation.md); each test asserts a rule of docs/METRICS.md."""

import datetime
from decimal import Decimal

import pytest

from surveys import stats
from surveys.models import VendorConcern
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def uneven(world):
    """2020, external CCTV (synthetic): Northshire operates it with Redcam and Homecam and is
    aware of concerns; Southshire operates it with Homecam, is aware, and intends to keep it;
    the agency's answer leaves operating, vendors and awareness unknown (intent unsure).
    2020 drones: Southshire says it does not operate them (intent: none stated).
    2021 external CCTV: Northshire uses Bluecam; the agency, which did not respond in 2021,
    has an answer naming Redcam that must never count."""
    w, r20, r21 = world, world.round_2020, world.round_2021
    f.answer(
        f.return_of(w.northshire, r20),
        w.external,
        operates=True,
        aware_of_concerns=True,
        vendors=[w.redcam, w.homecam],
    )
    f.answer(
        f.return_of(w.southshire, r20),
        w.external,
        operates=True,
        aware_of_concerns=True,
        intent="intends",
        vendors=[w.homecam],
    )
    f.answer(f.return_of(w.agency, r20), w.external, intent="unsure")
    f.answer(f.return_of(w.southshire, r20), w.drones, operates=False)
    f.answer(f.return_of(w.northshire, r21), w.external, operates=True, vendors=[w.bluecam])
    f.answer(f.return_of(w.agency, r21), w.external, operates=True, vendors=[w.redcam])
    return w


def views(world, survey_round=None):
    rows = stats.findings_with_status(survey_round=survey_round or world.round_2020)
    return {v.finding.key: v for v in rows}


# --- Counting --------------------------------------------------------------------------------


def test_unknown_answers_are_left_out_of_each_figures_coverage(uneven):
    external = {
        s.system_type.slug: s for s in stats.system_type_stats(survey_round=uneven.round_2020)
    }["external-cctv"]
    assert external.answered == 3
    assert external.operators == stats.Figure(2, 2)  # the agency's "not known" is not "no"
    assert external.aware == stats.Figure(2, 2)
    assert external.concern_users == stats.Figure(1, 2)  # Northshire's Redcam only


def test_a_no_counts_as_known_for_vendors(uneven):
    drones = {
        s.system_type.slug: s for s in stats.system_type_stats(survey_round=uneven.round_2020)
    }["drones"]
    assert drones.operators == stats.Figure(0, 1)
    assert drones.concern_users == stats.Figure(0, 1)  # "does not operate": no vendor at all
    assert drones.aware == stats.Figure(None, 0)


def test_system_type_ids_limit_the_figures_to_those_types(uneven):
    rows = stats.system_type_stats_by_round([uneven.round_2020], system_type_ids=[uneven.drones.pk])
    assert set(rows) == {(uneven.round_2020.pk, uneven.drones.pk)}
    assert rows[(uneven.round_2020.pk, uneven.drones.pk)].answered == 1


@pytest.mark.parametrize(
    "start, end, of_concern",
    [
        (datetime.date(2020, 6, 1), None, True),  # starts on the round's date: in force
        (datetime.date(2020, 6, 2), None, False),
        (None, datetime.date(2020, 6, 1), False),  # ends on the round's date: no longer
        (None, datetime.date(2020, 6, 2), True),
        (datetime.date(2020, 5, 1), datetime.date(2020, 7, 1), True),
    ],
)
def test_concern_in_force_on_the_rounds_own_date(uneven, start, end, of_concern):
    VendorConcern.objects.filter(vendor=uneven.redcam).update(
        in_force_from=start, in_force_until=end
    )
    ids = stats.concern_vendor_ids([uneven.round_2020])[uneven.round_2020.pk]
    assert (uneven.redcam.pk in ids) is of_concern
    external = {
        s.system_type.slug: s for s in stats.system_type_stats(survey_round=uneven.round_2020)
    }["external-cctv"]
    assert external.concern_users.value == (1 if of_concern else 0)


def test_vendor_breakdown_order_filter_and_respondents_only(uneven):
    w = uneven
    rows = stats.vendor_breakdown([w.round_2021, w.round_2020])
    assert [(r.round_id, r.vendor_name, r.bodies, r.of_concern) for r in rows] == [
        # by round year, then system type, then most bodies first, then name
        (w.round_2020.pk, "Homecam", 2, False),
        (w.round_2020.pk, "Redcam", 1, True),
        # 2021: the agency did not respond, so its Redcam does not count
        (w.round_2021.pk, "Bluecam", 1, True),
    ]
    only = stats.vendor_breakdown([w.round_2020], vendor_id=w.redcam.pk)
    assert [(r.vendor_slug, r.system_type_id, r.bodies) for r in only] == [
        ("redcam", w.external.pk, 1)
    ]
    by_type = stats.vendor_breakdown([w.round_2020], system_type_id=w.external.pk)
    assert [r.vendor_name for r in by_type] == ["Homecam", "Redcam"]


def test_blank_intents_do_not_count(uneven):
    counts = stats.intent_counts([uneven.round_2020])
    assert counts == {
        (uneven.round_2020.pk, uneven.external.pk): {"intends": 1, "unsure": 1},
    }


# --- Response rates ----------------------------------------------------------------------------


def test_published_rate_is_the_earliest_publications(world):
    later = f.publication("LATER", published_on=datetime.date(2022, 1, 1))
    earlier = f.publication("EARLIER", published_on=datetime.date(2021, 1, 1))
    for publication, value in ((later, 90), (earlier, 95)):
        f.finding(
            world,
            f"rate-{publication.code}",
            publication=publication,
            system_type=None,
            metric="response_rate",
            unit="percent",
            value=value,
        )
    rows = {r.year: r for r in stats.response_by_round()}
    assert rows[2020].published_rate == 95
    assert rows[2021].published_rate is None


def test_round_response_rate_needs_invitations():
    assert stats.RoundResponse(2020, None, None, None).rate is None
    assert stats.RoundResponse(2020, 4, None, None).rate is None
    assert stats.RoundResponse(2020, 4, 3, None).rate == 75
    assert stats.RoundResponse(2020, 4, 0, None).rate == 0


def test_response_findings(world):
    f.finding(world, "invited", metric="invited", system_type=None, value=3)
    f.finding(world, "invited-more", metric="invited", system_type=None, value=4)
    f.finding(world, "responded", metric="responded", system_type=None, value=2)
    f.finding(world, "rate", metric="response_rate", system_type=None, unit="percent", value=100)
    rows = views(world)
    assert (rows["invited"].computed, rows["invited"].status) == (3, "agrees")
    assert (rows["responded"].computed, rows["responded"].status) == (3, "disagrees")
    assert rows["responded"].coverage == 3
    # Every body's return is known: a published count above the computed one disagrees.
    assert rows["invited-more"].status == "disagrees"
    assert (rows["rate"].computed, rows["rate"].status) == (100, "agrees")


def test_response_finding_of_a_round_without_returns_has_no_data(world):
    old = f.survey_round(2017)
    f.finding(world, "old", survey_round=old, metric="responded", system_type=None, value=40)
    assert views(world, old)["old"].status == "no_data"


# --- Findings about one vendor -----------------------------------------------------------------


def test_vendor_users_finding_is_computed_per_vendor(uneven):
    w = uneven
    f.finding(w, "homecam", metric="vendor_users", vendor=w.homecam, value=2)
    f.finding(w, "redcam", metric="vendor_users", vendor=w.redcam, value=2)
    f.finding(w, "bluecam", metric="vendor_users", vendor=w.bluecam, value=0)
    f.finding(w, "redcam-aware", metric="aware", vendor=w.redcam, value=1)
    rows = views(w)
    # Two of the three respondents' answers list vendors or say "no": equal is only consistent.
    assert (rows["homecam"].computed, rows["homecam"].status) == (2, "consistent")
    assert rows["homecam"].coverage == 2
    assert (rows["redcam"].computed, rows["redcam"].status) == (1, "partial")
    assert (rows["bluecam"].computed, rows["bluecam"].status) == (0, "consistent")
    # Awareness of one vendor's concerns is not recorded per body.
    assert (rows["redcam-aware"].computed, rows["redcam-aware"].status) == (None, "no_data")


def test_vendor_users_findings_over_two_system_types(uneven):
    w = uneven
    f.answer(f.return_of(w.northshire, w.round_2020), w.drones, operates=True, vendors=[w.homecam])
    f.finding(w, "ext", metric="vendor_users", vendor=w.homecam, value=2)
    f.finding(w, "drones", metric="vendor_users", vendor=w.homecam, system_type=w.drones, value=1)
    rows = views(w)
    assert (rows["ext"].computed, rows["ext"].status) == (2, "consistent")
    assert (rows["drones"].computed, rows["drones"].status) == (1, "consistent")


def test_vendor_users_finding_without_vendor_answers_has_no_data(uneven):
    f.finding(
        uneven,
        "none",
        metric="vendor_users",
        vendor=uneven.redcam,
        survey_round=uneven.round_2020,
        system_type=f.system_type("anpr", 3),
        value=1,
    )
    assert views(uneven)["none"].status == "no_data"
    assert views(uneven)["none"].coverage is None


# --- Agreement through findings ----------------------------------------------------------------


def test_at_least_agrees_with_any_count_at_or_above_it(uneven):
    f.finding(uneven, "at-least-2", metric="operators", value=2, qualifier="at_least")
    f.finding(uneven, "at-least-1", metric="operators", value=1, qualifier="at_least")
    f.finding(uneven, "at-least-3", metric="operators", value=3, qualifier="at_least")
    f.finding(uneven, "exactly-1", metric="operators", value=1)
    rows = views(uneven)
    assert rows["at-least-2"].status == "agrees"
    assert rows["at-least-1"].status == "agrees"
    assert rows["at-least-3"].status == "partial"  # one of three respondents is not known
    assert rows["exactly-1"].status == "disagrees"  # exact and lower than computed


def test_above_incomplete_data_is_partial_below_it_disagrees(uneven):
    # Drones: only Southshire answered, out of three respondents: incomplete.
    f.finding(uneven, "drones-high", metric="operators", system_type=uneven.drones, value=1)
    # External CCTV: awareness is known for two of the three respondents.
    f.finding(uneven, "aware-high", metric="aware", value=3)
    f.finding(uneven, "aware-low", metric="aware", value=1)
    rows = views(uneven)
    assert rows["drones-high"].status == "partial"
    assert rows["aware-high"].status == "partial"
    assert rows["aware-low"].status == "disagrees"  # lower than computed is never partial


def test_complete_coverage_turns_a_shortfall_into_a_disagreement(world):
    w = world
    for body in (w.northshire, w.southshire):
        f.answer(f.return_of(body, w.round_2021), w.external, operates=body == w.northshire)
    f.finding(w, "ops", survey_round=w.round_2021, metric="operators", value=2)
    rows = views(w, w.round_2021)
    # Both 2021 respondents answered: a published 2 against a computed 1 is a discrepancy.
    assert (rows["ops"].computed, rows["ops"].coverage, rows["ops"].status) == (1, 2, "disagrees")


def test_intent_findings_rest_on_stated_intents_only(uneven):
    f.finding(uneven, "intends", metric="intends", value=1)
    f.finding(uneven, "unsure", metric="unsure", value=1)
    f.finding(uneven, "no-intention", metric="no_intention", value=0)
    rows = views(uneven)
    assert (rows["intends"].computed, rows["intends"].coverage) == (1, 2)
    # Two of three respondents state an intent: an exact figure equal to the count is consistent.
    assert rows["intends"].status == "consistent"
    assert rows["unsure"].status == "consistent"
    assert (rows["no-intention"].computed, rows["no-intention"].status) == (0, "consistent")


def test_metric_without_a_computed_counterpart_has_no_data(uneven):
    f.finding(uneven, "live", metric="live_users", value=1)
    row = views(uneven)["live"]
    assert (row.computed, row.coverage, row.status) == (None, None, "no_data")
    assert row.status_label == "No per-body data"


@pytest.mark.parametrize(
    "published, qualifier, computed, is_percent, complete, expected",
    [
        (50, "at_least", 60, True, True, "disagrees"),  # a percentage is exact
        (50, "exact", 50, True, True, "agrees"),
        (60, "exact", 50, True, False, "disagrees"),  # never "partial" for a percentage
        (6, "exact", 5, False, True, "disagrees"),
        (6, "at_least", 5, False, False, "partial"),
        (6, "exact", 6, False, False, "consistent"),  # equal on some answers only
    ],
)
def test_agreement_of_percentages_and_partial_data(
    published, qualifier, computed, is_percent, complete, expected
):
    result = stats.agreement(
        published=Decimal(published),
        qualifier=qualifier,
        computed=computed,
        is_percent=is_percent,
        complete=complete,
    )
    assert result == expected


def test_agreement_defaults_to_a_complete_count():
    assert stats.agreement(published=Decimal(6), qualifier="exact", computed=5) == "disagrees"
    assert stats.agreement(published=Decimal(5), qualifier="at_least", computed=6) == "agrees"


# --- Published arithmetic ----------------------------------------------------------------------


def test_arithmetic_that_does_not_hold_is_the_status_unless_the_figure_disagrees(uneven):
    f.finding(
        uneven, "ok-but-bad-sum", metric="operators", value=2, denominator=3, published_percent=50
    )
    f.finding(
        uneven, "wrong-and-bad", metric="operators", value=1, denominator=3, published_percent=50
    )
    f.finding(uneven, "good-sum", metric="operators", value=2, denominator=3, published_percent=67)
    rows = views(uneven)
    assert rows["ok-but-bad-sum"].arithmetic_ok is False
    assert rows["ok-but-bad-sum"].status == "arithmetic"
    assert rows["wrong-and-bad"].status == "disagrees"
    assert (rows["good-sum"].arithmetic_ok, rows["good-sum"].status) == (True, "consistent")


def test_percentage_arithmetic_needs_its_numerator_and_denominator(world):
    def rate(key, **fields):
        return f.finding(
            world, key, metric="response_rate", system_type=None, unit="percent", **fields
        )

    assert stats.arithmetic_holds(rate("no-num", value=50, denominator=4)) is None
    assert stats.arithmetic_holds(rate("no-den", value=50, numerator=2)) is None
    assert stats.arithmetic_holds(rate("half", value=50, numerator=2, denominator=4)) is True
    count = f.finding(world, "count-no-den", metric="operators", value=2, published_percent=50)
    assert stats.arithmetic_holds(count) is None


def test_a_per_system_metric_without_a_system_type_has_no_data(uneven):
    f.finding(uneven, "all-operators", metric="operators", system_type=None, value=2)
    row = views(uneven)["all-operators"]
    assert (row.computed, row.status) == (None, "no_data")
