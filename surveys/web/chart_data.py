"""The charts' data and the one-sentence summaries beside them, built from statistics and
findings (``charts`` turns the data into Plotly figures and tables). A chart's CSV view builds
only its own chart, never the whole page.
"""

from __future__ import annotations

from decimal import Decimal

from surveys import stats
from surveys.charts import ChartData, Panel, Point, Series
from surveys.models import PublishedFinding, SurveyRound, SystemType
from surveys.stats import findings_for_display

Metric = PublishedFinding.Metric
Unit = PublishedFinding.Unit
PER_BODY_ANSWERS = "per-body answers recorded here"
PER_BODY_RETURNS = "per-body returns recorded here"
# One measure per axis: a panel for each unit, in this order.
MEASURES = {Unit.PERCENT: "Per cent", Unit.COUNT: "Bodies", Unit.MENTIONS: "Mentions (not bodies)"}


def figure_label(value: Decimal | None, qualifier: str = "") -> str:
    if value is None:
        return ""
    number = f"{Decimal(value).normalize():f}"
    return f"at least {number}" if qualifier == PublishedFinding.Qualifier.AT_LEAST else number


def qualifier_words(qualifier: str) -> str:
    return PublishedFinding.Qualifier(qualifier).label if qualifier else ""


def finding_point(
    view: stats.FindingView, *, current: bool = True, label: str = "", short_label: str = ""
) -> Point:
    """A published figure as a point: current (after any correction) or as first published,
    with its qualifier, denominator and source as the page gives them."""
    finding = view.finding
    corrected = current and view.correction is not None
    source = finding.publication.code
    if corrected:
        source += f", corrected by {view.correction.source.code}"
    value = view.current_value if current else finding.value
    qualifier = view.current_qualifier if current else finding.qualifier
    return Point(
        float(value),
        label or finding.format_value(value, qualifier),
        short_label,
        qualifier=qualifier_words(qualifier),
        denominator=finding.denominator,
        denominator_is_derived=finding.denominator_is_derived,
        source=source,
    )


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
    *,
    as_published: bool = False,
) -> tuple[ChartData, str]:
    """Per system type, the published figure on equipment of concern (current, or as first
    published: ``views`` made with ``as_published``) beside the derived count of bodies using a
    vendor named as of concern: kept apart, never one series."""
    published = _latest_by_system_type(views, Metric.CONCERN_USERS)
    names, pub_points, derived_points = [], [], []
    for row in by_type:
        names.append(row.system_type.name)
        view = published.get(row.system_type.pk)
        if view:
            label = figure_label(view.current_value, view.current_qualifier)
            pub_points.append(
                finding_point(view, label=label, short_label=label.replace("at least ", "≥"))
            )
        else:
            pub_points.append(Point(None, "no data"))
        figure = row.concern_users
        derived_points.append(
            Point(
                figure.value,
                f"{figure.value} (of {figure.coverage} answers)",
                f"{figure.value} of {figure.coverage}, derived",
                denominator=figure.coverage,
                source=PER_BODY_ANSWERS,
                derived=True,
            )
            if figure.value is not None
            else Point(None, "no per-body data")
        )
    data = ChartData(
        title=(
            f"Equipment of concern by system type, {survey_round.year}: published figures, "
            "and bodies using a vendor named as of concern (derived)"
        ),
        x_title="System type",
        panels=[
            Panel(
                "Responding bodies",
                names,
                [
                    Series(
                        "Published figure (as first published)"
                        if as_published
                        else "Published figure (current)",
                        pub_points,
                    ),
                    Series(stats.CONCERN_USERS.label, derived_points),
                ],
            )
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


def system_type_chart(system_type: SystemType, views, years: list[str]) -> ChartData:
    """Each published figure for the system type as published, one series per round; where a
    round's figures were since corrected, a second series beside it with the current values.
    A panel per unit: counts of mentions are never drawn on an axis of bodies."""
    labels: dict[str, list[str]] = {}  # by unit, in order of first appearance
    for view in views:
        in_unit = labels.setdefault(view.finding.unit, [])
        label = _finding_label(view.finding)
        if label not in in_unit:
            in_unit.append(label)
    rounds = []  # (year, views by label) for each round with figures
    for year in years:
        in_year = {
            _finding_label(v.finding): v for v in views if str(v.finding.survey_round.year) == year
        }
        if in_year:
            rounds.append((year, in_year))
    panels = []
    for unit, measure in MEASURES.items():
        if unit not in labels:
            continue
        series = []
        for year, in_year in rounds:
            shown = [in_year.get(label) for label in labels[unit]]
            series.append(
                Series(
                    f"{year} (as published)",
                    [
                        finding_point(v, current=False, label=_as_published_label(v))
                        if v
                        else Point(None, "no data")
                        for v in shown
                    ],
                )
            )
            if any(v and v.correction for v in shown):
                series.append(
                    Series(
                        f"{year} (current, after corrections)",
                        [
                            finding_point(v, label=_current_label(v))
                            if v
                            else Point(None, "no data")
                            for v in shown
                        ],
                    )
                )
        panels.append(Panel(measure, labels[unit], series))
    return ChartData(
        title=f"Published figures on {system_type.name}, by round",
        x_title="Figure",
        panels=panels,
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


def concern_chart(
    survey_round: SurveyRound, *, as_published: bool = False
) -> tuple[ChartData, str]:
    """The per-category chart of the overview alone (for its CSV and its embed), with its
    summary."""
    views = stats.finding_views(
        findings_for_display()
        .filter(survey_round=survey_round, metric=Metric.CONCERN_USERS)
        .order_by("publication__published_on", "pk"),
        as_published=as_published,
    )
    by_type = stats.system_type_stats(survey_round=survey_round)
    return category_chart(survey_round, views, by_type, as_published=as_published)


def system_type_figures_chart(
    system_type: SystemType, rounds: list[SurveyRound], *, as_published: bool = False
) -> tuple[ChartData, str]:
    """The system type page's chart alone (for its CSV and its embed), with its summary."""
    views = stats.finding_views(
        findings_for_display()
        .filter(system_type=system_type)
        .order_by("survey_round__year", "publication__published_on", "pk"),
        as_published=as_published,
    )
    data = system_type_chart(system_type, views, [str(r.year) for r in rounds])
    return data, system_summary(system_type, views)
