"""The charts' data and the one-sentence summaries beside them, built from statistics and
findings (``charts`` turns the data into Plotly figures and tables). A chart's CSV view builds
only its own chart, never the whole page.
"""

from __future__ import annotations

from decimal import Decimal

from django.db.models import Count, Q

from surveys import stats
from surveys.charts import ChartData, Series
from surveys.models import Correction, PublishedFinding, SurveyRound, SystemType
from surveys.stats import findings_for_display

Metric = PublishedFinding.Metric


def figure_label(value: Decimal | None, qualifier: str = "") -> str:
    if value is None:
        return ""
    number = f"{Decimal(value).normalize():f}"
    return f"at least {number}" if qualifier == PublishedFinding.Qualifier.AT_LEAST else number


def _latest_by_system_type(views: list[stats.FindingView], metric: str):
    """The most recently published finding of ``metric`` per system type."""
    latest: dict[int, stats.FindingView] = {}
    for view in views:  # ordered by publication date
        if view.finding.metric == metric and view.finding.vendor_id is None:
            latest[view.finding.system_type_id] = view
    return latest


def category_chart(
    survey_round: SurveyRound,
    views: list[stats.FindingView],
    by_type: list[stats.SystemTypeStats],
) -> tuple[ChartData, str]:
    """Per system type, the published figure on equipment of concern (current) beside the
    derived count of bodies using a vendor named as of concern: kept apart, never one series."""
    published = _latest_by_system_type(views, Metric.CONCERN_USERS)
    names, pub_values, pub_labels, pub_short, comp_values, comp_labels = [], [], [], [], [], []
    for row in by_type:
        names.append(row.system_type.name)
        view = published.get(row.system_type.pk)
        pub_values.append(float(view.current_value) if view else None)
        pub_labels.append(
            figure_label(view.current_value, view.current_qualifier) if view else "no data"
        )
        pub_short.append(
            figure_label(view.current_value, view.current_qualifier).replace("at least ", "≥")
            if view
            else ""
        )
        figure = row.concern_users
        comp_values.append(figure.value)
        comp_labels.append(
            f"{figure.value} (of {figure.coverage} answers)"
            if figure.value is not None
            else "no per-body data"
        )
    data = ChartData(
        title=(
            f"Equipment of concern by system type, {survey_round.year}: published figures, "
            "and bodies using a vendor named as of concern (derived)"
        ),
        x_title="System type",
        y_title="Responding bodies",
        categories=names,
        series=[
            Series("Published figure (current)", pub_values, pub_labels, pub_short),
            Series(stats.CONCERN_USERS.label, comp_values, comp_labels),
        ],
    )
    return data, _category_summary(survey_round, published, by_type)


def _category_summary(survey_round, published, by_type) -> str:
    if not published and not any(r.concern_users.value is not None for r in by_type):
        return f"No figure on equipment of concern exists for {survey_round.year}."
    parts = []
    if published:
        top = max(published.values(), key=lambda v: v.current_value)
        top_value = figure_label(top.current_value, top.current_qualifier)
        parts.append(
            f"published figures cover {len(published)} system type(s), the highest being "
            f"{top.finding.system_type.name} ({top_value} responding bodies)"
        )
    computed = [r for r in by_type if r.concern_users.value is not None]
    if computed:
        parts.append(
            "the dashboard derives bodies using a vendor named as of concern from per-body "
            f"vendors for {len(computed)} system type(s)"
        )
    else:
        parts.append("no per-body data exists for any system type")
    return f"In {survey_round.year}, " + "; ".join(parts) + "."


def trend_chart(
    rounds: list[SurveyRound], responses: list[stats.RoundResponse]
) -> tuple[ChartData, str]:
    """Response rate by round, published and computed, plus every figure found in >1 round."""
    years = [str(r.year) for r in rounds]
    by_year = {str(r.year): r for r in responses}
    computed = [by_year[y].rate if y in by_year else None for y in years]
    published = [
        float(by_year[y].published_rate)
        if y in by_year and by_year[y].published_rate is not None
        else None
        for y in years
    ]
    series = [
        Series(
            "Response rate, published (%)",
            published,
            [f"{v:g}%" if v is not None else "no data" for v in published],
        ),
        Series(
            "Response rate, computed from returns (%)",
            computed,
            [
                f"{by_year[y].rate}% ({by_year[y].responded} of {by_year[y].invited})"
                if v is not None
                else "no per-body data"
                for y, v in zip(years, computed, strict=True)
            ],
        ),
    ]
    series += _multi_round_series(years)
    series += _operator_series(rounds)
    data = ChartData(
        title="Survey figures by round",
        x_title="Survey round",
        y_title="Per cent" if len(series) == 2 else "Value (per cent or bodies)",
        categories=years,
        series=series,
    )
    known = [(y, v) for y, v in zip(years, published, strict=True) if v is not None]
    summary = "; ".join(f"{y}: {v:g}%" for y, v in known) or "none published"
    gaps = [y for y, v in zip(years, published, strict=True) if v is None]
    text = f"Published response rates by round: {summary}."
    latest = by_year.get(years[-1]) if years else None
    if latest and latest.rate is not None:
        text += (
            f" The {years[-1]} returns on record give {latest.responded} of {latest.invited} "
            f"({latest.rate}%)."
        )
    if gaps:
        text += f" No response rate is published for {', '.join(gaps)}."
    return data, text


def _multi_round_series(years: list[str]) -> list[Series]:
    """A series for every other published figure that exists for more than one round."""
    groups = (
        PublishedFinding.objects.exclude(
            # the rate is drawn above, with its counts; operators by _operator_series
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
    views = stats.finding_views(findings_for_display().filter(q))
    series: dict[tuple, dict[str, stats.FindingView]] = {}
    for view in views:
        f = view.finding
        series.setdefault((f.metric, f.system_type_id, f.vendor_id), {})[
            str(f.survey_round.year)
        ] = view
    result = []
    for per_year in series.values():
        any_view = next(iter(per_year.values())).finding
        name = any_view.get_metric_display()
        if any_view.system_type:
            name += f", {any_view.system_type.name}"
        if any_view.vendor:
            name += f", {any_view.vendor.name}"
        result.append(
            Series(
                name + " (published)",
                [float(per_year[y].current_value) if y in per_year else None for y in years],
                [per_year[y].current_display if y in per_year else "no data" for y in years],
            )
        )
    return result


def _operator_series(rounds: list[SurveyRound]) -> list[Series]:
    """Per system type with figures in more than one round: the bodies operating it, as
    published, or derived from a published count of replies and of those not operating it
    (2023: 36 replies, 3 without drones: 33). A round that did not ask about the type has no
    point: it is not a gap."""
    findings = list(
        findings_for_display()
        .filter(metric__in=[Metric.OPERATORS, Metric.NON_OPERATORS], vendor__isnull=True)
        .exclude(system_type__isnull=True)
        .order_by("survey_round__year", "publication__published_on", "pk")
    )
    corrections = Correction.objects.current_for(f.pk for f in findings)
    points: dict[int, dict[int, tuple[float, str]]] = {}
    names: dict[int, str] = {}
    for f in findings:  # a published count of operators wins over a derived one
        correction = corrections.get(f.pk)
        value = Decimal(correction.new_value) if correction else f.value
        qualifier = (correction.new_qualifier if correction else "") or f.qualifier
        names[f.system_type_id] = f.system_type.name
        per_year = points.setdefault(f.system_type_id, {})
        if f.metric == Metric.OPERATORS:
            per_year[f.survey_round.year] = (float(value), f.format_value(value, qualifier))
        elif f.denominator and f.survey_round.year not in per_year:
            derived = f.denominator - int(value)
            per_year[f.survey_round.year] = (
                float(derived),
                f"{derived} (derived: {f.denominator} replies, {int(value)} not operating, "
                f"{f.publication.code})",
            )
    series = []
    for type_id, per_year in points.items():
        if len(per_year) < 2:
            continue
        values, labels = [], []
        for survey_round in rounds:
            if survey_round.year in per_year:
                value, label = per_year[survey_round.year]
            else:
                covered = survey_round.covered_type_ids()
                asked = covered is None or type_id in covered
                value, label = None, "no data" if asked else f"not asked in {survey_round.year}"
            values.append(value)
            labels.append(label)
        series.append(Series(f"{names[type_id]}: bodies operating them", values, labels))
    return series


def system_type_chart(system_type: SystemType, views, years: list[str]) -> ChartData:
    """Each published figure for the system type as published, one series per round; where a
    round's figures were since corrected, a second series beside it with the current values."""
    labels: list[str] = []
    for view in views:
        label = _finding_label(view.finding)
        if label not in labels:
            labels.append(label)
    series = []
    for year in years:
        in_year = {
            _finding_label(v.finding): v for v in views if str(v.finding.survey_round.year) == year
        }
        if not in_year:
            continue
        shown = [in_year.get(label) for label in labels]
        series.append(
            Series(
                f"{year} (as published)",
                [float(v.finding.value) if v else None for v in shown],
                [_as_published_label(v) if v else "no data" for v in shown],
            )
        )
        if any(v and v.correction for v in shown):
            series.append(
                Series(
                    f"{year} (current, after corrections)",
                    [float(v.current_value) if v else None for v in shown],
                    [_current_label(v) if v else "no data" for v in shown],
                )
            )
    mentions = any(v.finding.unit == PublishedFinding.Unit.MENTIONS for v in views)
    return ChartData(
        title=f"Published figures on {system_type.name}, by round",
        x_title="Figure",
        y_title="Bodies, or mentions where the figure says so" if mentions else "Responding bodies",
        categories=labels,
        series=series,
    )


def _as_published_label(view: stats.FindingView) -> str:
    text = view.finding.format_value()
    if view.correction:
        text += f"; corrected to {view.current_display} by {view.correction.source.code}"
    return text


def _current_label(view: stats.FindingView) -> str:
    if view.correction:
        return f"{view.current_display} (corrected by {view.correction.source.code})"
    return f"{view.current_display} (not corrected)"


def _finding_label(finding: PublishedFinding) -> str:
    label = finding.get_metric_display()
    if finding.kind:
        label += f": {finding.get_kind_display()}"
    if finding.vendor:
        label += f" ({finding.vendor.name})"
    return f"{label} [{finding.publication.code}]"


def system_summary(system_type: SystemType, views) -> str:
    if not views:
        return f"No figure on {system_type.name} has been published in any round."
    years = sorted({v.finding.survey_round.year for v in views})
    corrected = sum(1 for v in views if v.correction)
    text = (
        f"{len(views)} published figure(s) on {system_type.name}, from {', '.join(map(str, years))}"
    )
    if corrected:
        text += f"; {corrected} since corrected"
    return text + "."


def concern_chart(survey_round: SurveyRound) -> ChartData:
    """The per-category chart of the overview alone, for its CSV."""
    views = stats.finding_views(
        findings_for_display()
        .filter(survey_round=survey_round, metric=Metric.CONCERN_USERS)
        .order_by("publication__published_on", "pk")
    )
    return category_chart(survey_round, views, stats.system_type_stats(survey_round=survey_round))[
        0
    ]


def system_type_figures_chart(system_type: SystemType, rounds: list[SurveyRound]) -> ChartData:
    """The system type page's chart alone, for its CSV."""
    views = stats.finding_views(
        findings_for_display()
        .filter(system_type=system_type)
        .order_by("survey_round__year", "publication__published_on", "pk")
    )
    return system_type_chart(system_type, views, [str(r.year) for r in rounds])
