"""surveys/web/trend_chart.py's reads as they were: three queries of the published findings
(response rates, figures in more than one round, bodies operating each system type), drawn by
the chart's own ``draw``. The reference that tests/test_trend_chart_reads.py compares the
one-query version with."""

from __future__ import annotations

from django.db.models import Count, Q

from surveys import stats
from surveys.charts import ChartData
from surveys.models import PublishedFinding, SurveyRound
from surveys.stats import findings_for_display
from surveys.web import trend_chart as chart

Metric = PublishedFinding.Metric


def trend_chart(
    rounds: list[SurveyRound], responses: list[stats.RoundResponse]
) -> tuple[ChartData, str]:
    return chart.draw(
        rounds,
        responses,
        rate_findings=_response_rate_findings(),
        multi_round=_multi_round_findings(),
        operators=_operator_findings(),
    )


def _response_rate_findings() -> dict[str, PublishedFinding]:
    """The first published response rate of each round (as ``stats.response_by_round``),
    for its source and denominator."""
    first: dict[str, PublishedFinding] = {}
    for finding in (
        PublishedFinding.objects.filter(metric=Metric.RESPONSE_RATE)
        .select_related("publication", "survey_round")
        .order_by("publication__published_on", "pk")
    ):
        first.setdefault(str(finding.survey_round.year), finding)
    return first


def _multi_round_findings() -> list[PublishedFinding]:
    """Every other published figure found in more than one round."""
    groups = (
        PublishedFinding.objects.exclude(
            # the rate is drawn with its counts; operators by the operators' series
            metric__in=[
                Metric.RESPONSE_RATE,
                Metric.INVITED,
                Metric.RESPONDED,
                Metric.OPERATORS,
                Metric.NON_OPERATORS,
            ]
        )
        .values("metric", "system_type", "vendor")
        .annotate(n=Count("survey_round", distinct=True))
        .filter(n__gt=1)
    )
    keys = {(g["metric"], g["system_type"], g["vendor"]) for g in groups}
    if not keys:
        return []
    q = Q(pk__in=[])
    for metric, system_type, vendor in keys:
        q |= Q(metric=metric, system_type=system_type, vendor=vendor)
    return list(findings_for_display().filter(q))


def _operator_findings() -> list[PublishedFinding]:
    """The published counts of a system type's operators, or of those not operating it."""
    return list(
        findings_for_display()
        .filter(metric__in=[Metric.OPERATORS, Metric.NON_OPERATORS], vendor__isnull=True)
        .exclude(system_type__isnull=True)
        .order_by("survey_round__year", "publication__published_on", "pk")
    )
