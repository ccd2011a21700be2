"""The overview: the round's cards per system type, key findings, published figures."""

from __future__ import annotations

from dataclasses import dataclass

from surveys import stats
from surveys.charts import ChartData
from surveys.models import (
    KeyFinding,
    PublishedFinding,
    SurveyRound,
    SystemType,
)
from surveys.stats import findings_for_display
from surveys.web.chart_data import category_chart
from surveys.web.trend_chart import trend_chart

Metric = PublishedFinding.Metric


CONCERN_METRICS = (Metric.CONCERN_USERS, Metric.VENDOR_USERS)


@dataclass(frozen=True)
class SystemCard:
    system_type: SystemType
    findings: list[stats.FindingView]
    figures: list[tuple[stats.FigureDescription, stats.Figure]]  # those marked for the front page

    @property
    def has_figures(self) -> bool:
        return any(value.value is not None for _, value in self.figures)


@dataclass(frozen=True)
class KeySentence:
    """One sentence of "Key findings": the editor's words around the finding's value."""

    key_finding: KeyFinding
    view: stats.FindingView
    as_published: bool

    @property
    def text(self) -> str:
        finding = self.view.finding
        value = finding.format_value() if self.as_published else self.view.current_display
        text = self.key_finding.text(value)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Overview:
    survey_round: SurveyRound
    key_sentences: list[KeySentence]
    rounds: list[SurveyRound]
    response: stats.RoundResponse | None
    response_findings: list[stats.FindingView]
    cards: list[SystemCard]
    category_chart: ChartData
    category_summary: str
    trend_chart: ChartData
    trend_summary: str


def overview(*, survey_round: SurveyRound, rounds: list[SurveyRound], as_published: bool = False):
    views = stats.finding_views(
        findings_for_display()
        .filter(survey_round=survey_round)
        .order_by("publication__published_on", "pk"),
        as_published=as_published,
    )
    key_findings = list(
        KeyFinding.objects.filter(finding__survey_round=survey_round).order_by("position")
    )
    # Each sentence knows its finding's correction even when the reader asks for the figures
    # as published, so it can say that a correction exists.
    current = {v.finding.pk: v for v in views}
    if as_published and key_findings:
        chosen = [current[k.finding_id].finding for k in key_findings]
        current = {v.finding.pk: v for v in stats.finding_views(chosen)}
    key_sentences = [KeySentence(k, current[k.finding_id], as_published) for k in key_findings]
    responses = stats.response_by_round()
    by_type = stats.system_type_stats(survey_round=survey_round)
    concern_views = [v for v in views if v.finding.metric in CONCERN_METRICS]
    cards = [
        SystemCard(
            system_type=row.system_type,
            findings=[v for v in concern_views if v.finding.system_type_id == row.system_type.pk],
            figures=[(d, value) for d, value in row.described if d.front_page],
        )
        for row in by_type
    ]
    chart, chart_summary = category_chart(survey_round, views, by_type, as_published=as_published)
    trend, trend_summary = trend_chart(rounds, responses)
    return Overview(
        survey_round=survey_round,
        key_sentences=key_sentences,
        rounds=rounds,
        response=next((r for r in responses if r.year == survey_round.year), None),
        response_findings=[
            v
            for v in views
            if v.finding.metric in (Metric.INVITED, Metric.RESPONDED, Metric.RESPONSE_RATE)
        ],
        cards=[c for c in cards if c.findings or c.has_figures],
        category_chart=chart,
        category_summary=chart_summary,
        trend_chart=trend,
        trend_summary=trend_summary,
    )


# --- Bodies -----------------------------------------------------------------------------------
