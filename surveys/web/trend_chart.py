"""The "Survey figures by round" chart: response rates, and every figure published for more
than one round, a panel per measure, derived points marked as derived."""

from __future__ import annotations

from decimal import Decimal

from surveys import stats
from surveys.charts import ChartData, Panel, Point, Series
from surveys.models import Correction, PublishedFinding, SurveyRound
from surveys.stats import findings_for_display
from surveys.web.chart_data import (
    MEASURES,
    PER_BODY_RETURNS,
    Metric,
    Unit,
    finding_point,
    qualifier_words,
)


def trend_chart(
    rounds: list[SurveyRound], responses: list[stats.RoundResponse]
) -> tuple[ChartData, str]:
    """Response rate by round, published and computed, plus every figure found in >1 round:
    a panel per measure (per cent, bodies, mentions), never two measures on one axis."""
    findings = _published_findings()
    by_date_and_pk = _by_date_and_pk(findings)
    return draw(
        rounds,
        responses,
        rate_findings=_response_rate_findings(by_date_and_pk),
        multi_round=_multi_round_findings(findings),
        operators=_operator_findings(by_date_and_pk),
    )


def draw(
    rounds: list[SurveyRound],
    responses: list[stats.RoundResponse],
    *,
    rate_findings: dict[str, PublishedFinding],
    multi_round: list[PublishedFinding],
    operators: list[PublishedFinding],
) -> tuple[ChartData, str]:
    """The chart and its summary from the findings each kind of series draws: each round's
    first response rate (by year), the figures published for more than one round (in the
    model's order) and the counts of operators (by publication date, then pk)."""
    years = [str(r.year) for r in rounds]
    by_year = {str(r.year): r for r in responses}
    published, computed = [], []
    for year in years:
        response = by_year.get(year)
        finding = rate_findings.get(year)
        if response and response.published_rate is not None:
            value = float(response.published_rate)
            published.append(
                Point(
                    value,
                    f"{value:g}%",
                    qualifier=qualifier_words(finding.qualifier) if finding else "",
                    denominator=finding.denominator if finding else None,
                    source=finding.publication.code if finding else "",
                )
            )
        else:
            published.append(Point(None, "no data"))
        if response and response.rate is not None:
            computed.append(
                Point(
                    float(response.rate),
                    f"{response.rate}% ({response.responded} of {response.invited})",
                    denominator=response.invited,
                    source=PER_BODY_RETURNS,
                    derived=True,
                )
            )
        else:
            computed.append(Point(None, "no per-body data"))
    by_measure: dict[str, list[Series]] = {
        MEASURES[Unit.PERCENT]: [
            Series("Response rate, published (%)", published),
            Series("Response rate, computed from returns (%)", computed),
        ]
    }
    for unit, series in [
        *_multi_round_series(years, multi_round),
        *_operator_series(rounds, operators),
    ]:
        by_measure.setdefault(MEASURES[unit], []).append(series)
    data = ChartData(
        title="Survey figures by round",
        x_title="Survey round",
        panels=[
            Panel(measure, years, by_measure[measure])
            for measure in MEASURES.values()
            if measure in by_measure
        ],
    )
    values = [p.value for p in published]
    known = [(y, v) for y, v in zip(years, values, strict=True) if v is not None]
    summary = "; ".join(f"{y}: {v:g}%" for y, v in known) or "none published"
    gaps = [y for y, v in zip(years, values, strict=True) if v is None]
    text = f"Published response rates by round: {summary}."
    latest = by_year.get(years[-1]) if years else None
    if latest and latest.rate is not None:
        text += (
            f" The {years[-1]} returns on record give {latest.responded} of {latest.invited} "
            f"({latest.rate}%)."
        )
    if gaps:
        text += f" No response rate is published for {', '.join(gaps)}."
    if len(data.panels) > 1:
        text += " Percentages and counts of bodies are drawn on separate axes."
    return data, text


def _published_findings() -> list[PublishedFinding]:
    """Every published finding, in the model's order (round, publication date, key): the
    chart's three kinds of series read them once (there are a few dozen)."""
    return list(findings_for_display())


def _by_date_and_pk(findings: list[PublishedFinding]) -> list[PublishedFinding]:
    """``findings`` (in the model's order) by round, publication date, then pk: the database's
    order of dates (where an empty one goes) kept, only the ties ordered by pk, not key."""
    runs: dict[tuple, int] = {}
    for f in findings:
        runs.setdefault((f.survey_round_id, f.publication.published_on), len(runs))
    return sorted(
        findings, key=lambda f: (runs[f.survey_round_id, f.publication.published_on], f.pk)
    )


def _response_rate_findings(findings: list[PublishedFinding]) -> dict[str, PublishedFinding]:
    """The first published response rate of each round (as ``stats.response_by_round``),
    for its source and denominator: ``findings`` by publication date, then pk."""
    first: dict[str, PublishedFinding] = {}
    for finding in findings:
        if finding.metric == Metric.RESPONSE_RATE:
            first.setdefault(str(finding.survey_round.year), finding)
    return first


# Drawn above with the response rate, or by _operator_series.
NOT_MULTI_ROUND = {
    Metric.RESPONSE_RATE,
    Metric.INVITED,
    Metric.RESPONDED,
    Metric.OPERATORS,
    Metric.NON_OPERATORS,
}


def _multi_round_findings(findings: list[PublishedFinding]) -> list[PublishedFinding]:
    """Every other published figure found in more than one round (``findings``: every one,
    in the model's order, which they keep)."""
    rounds_of: dict[tuple, set[int]] = {}
    for f in findings:
        if f.metric not in NOT_MULTI_ROUND:
            key = (f.metric, f.system_type_id, f.vendor_id)
            rounds_of.setdefault(key, set()).add(f.survey_round_id)
    keys = {key for key, rounds in rounds_of.items() if len(rounds) > 1}
    return [f for f in findings if (f.metric, f.system_type_id, f.vendor_id) in keys]


def _multi_round_series(
    years: list[str], findings: list[PublishedFinding]
) -> list[tuple[str, Series]]:
    """A series, with its unit, for each figure of ``findings`` (those of more than one
    round)."""
    if not findings:
        return []
    views = stats.finding_views(findings)
    series: dict[tuple, dict[str, stats.FindingView]] = {}
    for view in views:
        f = view.finding
        series.setdefault((f.metric, f.system_type_id, f.vendor_id, f.unit), {})[
            str(f.survey_round.year)
        ] = view
    result = []
    for (*_, unit), per_year in series.items():
        any_view = next(iter(per_year.values())).finding
        name = any_view.get_metric_display()
        if any_view.system_type:
            name += f", {any_view.system_type.name}"
        if any_view.vendor:
            name += f", {any_view.vendor.name}"
        points = [
            finding_point(per_year[y]) if y in per_year else Point(None, "no data") for y in years
        ]
        result.append((unit, Series(name + " (published)", points)))
    return result


def _operator_findings(by_date_and_pk: list[PublishedFinding]) -> list[PublishedFinding]:
    """The published counts of a system type's operators, or of those not operating it."""
    return [
        f
        for f in by_date_and_pk
        if f.metric in (Metric.OPERATORS, Metric.NON_OPERATORS)
        and f.vendor_id is None
        and f.system_type_id is not None
    ]


def _operator_series(
    rounds: list[SurveyRound], findings: list[PublishedFinding]
) -> list[tuple[str, Series]]:
    """Per system type with figures in more than one round: the bodies operating it, as
    published, or derived from a published count of replies and of those not operating it
    (2023: 36 replies, 3 without drones: 33, marked derived). A round that did not ask about
    the type has no point: it is not a gap. ``findings``: by publication date, then pk."""
    corrections = Correction.objects.current_for(f.pk for f in findings)
    points: dict[int, dict[int, Point]] = {}
    names: dict[int, str] = {}
    for f in findings:  # a published count of operators wins over a derived one
        correction = corrections.get(f.pk)
        value = Decimal(correction.new_value) if correction else f.value
        qualifier = (correction.new_qualifier if correction else "") or f.qualifier
        source = f.publication.code
        if correction:
            source += f", corrected by {correction.source.code}"
        names[f.system_type_id] = f.system_type.name
        per_year = points.setdefault(f.system_type_id, {})
        if f.metric == Metric.OPERATORS:
            per_year[f.survey_round.year] = Point(
                float(value),
                f.format_value(value, qualifier),
                qualifier=qualifier_words(qualifier),
                denominator=f.denominator,
                denominator_is_derived=f.denominator_is_derived,
                source=source,
            )
        elif f.denominator and f.survey_round.year not in per_year:
            derived = f.denominator - int(value)
            per_year[f.survey_round.year] = Point(
                float(derived),
                f"{derived} (derived: {f.denominator} replies, {int(value)} not operating, "
                f"{f.publication.code})",
                denominator=f.denominator,
                source=source,
                derived=True,
            )
    series = []
    for type_id, per_year in points.items():
        if len(per_year) < 2:
            continue
        shown = []
        for survey_round in rounds:
            if survey_round.year in per_year:
                shown.append(per_year[survey_round.year])
            else:
                covered = survey_round.covered_type_ids()
                asked = covered is None or type_id in covered
                shown.append(
                    Point(None, "no data" if asked else f"not asked in {survey_round.year}")
                )
        series.append((Unit.COUNT, Series(f"{names[type_id]}: bodies operating them", shown)))
    return series
