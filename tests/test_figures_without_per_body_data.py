"""A figure says only what its data allows: a round without per-body returns has no computed
response figures, a round that asked about one system type lists only that type, published
counts that are missing give no rate to check, and only a derived figure carries a note."""

from decimal import Decimal

import pytest

from surveys import stats
from surveys.models import PublishedFinding, SurveyRound
from surveys.stats.response import RoundResponse

pytestmark = pytest.mark.django_db


def test_only_a_derived_figure_has_a_note_beside_it():
    for description in stats.FIGURES:
        assert bool(description.note) == bool(description.derived_from), description.name


@pytest.mark.parametrize(("invited", "responded"), [(None, 36), (0, 36), (47, None), (None, None)])
def test_missing_published_counts_give_no_rate_to_check(invited, responded):
    response = RoundResponse(
        2023, None, None, Decimal(77), published_invited=invited, published_responded=responded
    )
    assert response.published_counts_rate is None
    assert response.published_rate_fits is None


def test_a_published_rate_is_checked_against_its_own_counts():
    fits = RoundResponse(
        2023, None, None, Decimal(77), published_invited=47, published_responded=36
    )
    assert (fits.published_counts_rate, fits.published_rate_fits) == (77, True)
    no_rate = RoundResponse(2023, None, None, None, published_invited=47, published_responded=36)
    assert no_rate.published_rate_fits is None


def test_a_round_about_drones_only_lists_only_drones(real_data):
    drones_only = SurveyRound.objects.get(year=2023)
    slugs = [s.system_type.slug for s in stats.system_type_stats(survey_round=drones_only)]
    assert slugs == ["drones"]
    full = SurveyRound.objects.get(year=2022)
    assert len(stats.system_type_stats(survey_round=full)) > 1


@pytest.mark.parametrize("key", ["2017-response-rate", "2019-response-rate"])
def test_a_round_without_per_body_returns_computes_no_response_figure(real_data, key):
    (view,) = stats.finding_views(stats.findings_for_display().filter(key=key))
    assert view.computed is None
    full = stats.finding_views(stats.findings_for_display().filter(key="pr2023-invited"))
    assert full[0].computed is not None


def test_a_finding_about_a_system_type_without_answers_computes_nothing(real_data):
    findings = stats.findings_for_display().filter(
        metric=PublishedFinding.Metric.RESPONSE_RATE, survey_round__year=2023
    )
    assert all(view.computed is None for view in stats.finding_views(findings))


def test_a_kind_no_body_stated_is_not_known_not_zero(world):
    """An answer stating only "live" says nothing of the body's other kinds."""
    from surveys.models import AnswerKind
    from tests import factories as f

    facial = f.system_type("facial-recognition", 9)
    north = f.return_of(world.northshire, world.round_2020)
    AnswerKind.objects.create(answer=f.answer(north, facial, operates=True), kind="live")
    database = f.finding(
        world, "synthetic-database", metric="database_access", value=0, system_type=facial
    )
    live = f.finding(world, "synthetic-live", metric="live_users", value=1, system_type=facial)
    views = {v.finding.key: v for v in stats.finding_views(stats.findings_for_display())}
    assert (views[database.key].computed, views[database.key].coverage) == (None, None)
    assert (views[live.key].computed, views[live.key].coverage) == (1, 1)
