"""The "Survey figures by round" chart reads the published findings once and sorts them in
Python: it must draw exactly what the three queries it replaces drew (tests/
trend_chart_reference.py), on the real data and where the orders differ: two findings of one
round published the same day (ties broken by key in the model's order, by pk in the other
two), and a publication with no date."""

import datetime
from decimal import Decimal

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import stats
from surveys.models import PublishedFinding, SurveyRound, SystemType
from surveys.web import selectors, trend_chart
from tests import factories, trend_chart_reference

Metric = PublishedFinding.Metric


def _both():
    rounds = selectors.all_rounds()
    responses = stats.response_by_round()
    with CaptureQueriesContext(connection) as new_queries:
        new = trend_chart.trend_chart(rounds, responses)
    with CaptureQueriesContext(connection) as old_queries:
        old = trend_chart_reference.trend_chart(rounds, responses)
    return new, old, len(new_queries), len(old_queries)


@pytest.mark.django_db
def test_the_trend_chart_is_what_three_queries_drew_on_the_real_data(real_data):
    new, old, new_queries, old_queries = _both()
    assert new == old
    assert new_queries <= old_queries - 2


def _finding(key, publication, survey_round, metric, value, system_type=None, **fields):
    return PublishedFinding.objects.create(
        key=key,
        publication=publication,
        survey_round=survey_round,
        metric=metric,
        system_type=system_type,
        value=Decimal(value),
        wording="synthetic wording",
        **fields,
    )


@pytest.mark.django_db
def test_ties_and_undated_publications_are_ordered_as_the_queries_ordered_them(real_data):
    day = datetime.date(2023, 9, 1)
    first, second = (
        factories.publication(f"TIE{n}", published_on=day, date_precision="day") for n in (1, 2)
    )
    undated = factories.publication("UNDATED", published_on=None)
    drones = SystemType.objects.get(slug="drones")
    anpr = SystemType.objects.get(slug="anpr")
    r2022, r2023 = SurveyRound.objects.get(year=2022), SurveyRound.objects.get(year=2023)
    # created "zz" before "aa": pk order and key order disagree on the same day
    for prefix, publication, value in (("zz", first, "7"), ("aa", second, "9")):
        _finding(f"{prefix}-aware-2023", publication, r2023, Metric.AWARE, value, drones)
        _finding(f"{prefix}-operators-2023", publication, r2023, Metric.OPERATORS, value, anpr)
        _finding(
            f"{prefix}-rate-2023",
            publication,
            r2023,
            Metric.RESPONSE_RATE,
            value,
            None,
            unit=PublishedFinding.Unit.PERCENT,
        )
    _finding("aware-2022", undated, r2022, Metric.AWARE, "5", drones)
    _finding("operators-2022", undated, r2022, Metric.OPERATORS, "4", anpr)
    _finding("undated-aware-2023", undated, r2023, Metric.AWARE, "6", drones)
    new, old, _, _ = _both()
    assert new == old
    names = [s.name for panel in new[0].panels for s in panel.series]
    assert any("aware" in n.lower() for n in names) and any("ANPR" in n for n in names)
