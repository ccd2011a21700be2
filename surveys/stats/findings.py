"""Published findings beside their computed counterparts and the corrections in force."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal

from surveys.models import Correction, PublishedFinding, SurveyRound
from surveys.stats.agreement import Agreement, agreement, arithmetic_holds, with_arithmetic
from surveys.stats.figures import Figure
from surveys.stats.provenance import rows_citing_own_publication
from surveys.stats.response import RoundResponse, response_by_round
from surveys.stats.system_types import (
    SystemTypeStats,
    intent_counts,
    kind_counts,
    system_type_stats_by_round,
    vendor_breakdown,
)

Metric = PublishedFinding.Metric

# A published count of bodies using one kind of facial recognition, and that kind. A body's
# answer says "yes" to a kind it states; only an answer saying it does not use facial
# recognition at all says "no" (a kind not listed is not known: the Met's "live" says nothing
# about its access to national image databases).
KIND_OF_METRIC = {Metric.LIVE_USERS: "live", Metric.DATABASE_ACCESS: "database_access"}


def kind_figure(stated: dict[str, int], kind: str, operators: Figure) -> Figure:
    """Bodies stating ``kind``, out of the answers that settle it: those stating it and those
    saying the body does not operate the system type. No answer settles it: not known."""
    users = stated.get(kind, 0)
    not_operating = operators.coverage - (operators.value or 0)
    return Figure.of(users, users + not_operating)


@dataclass(frozen=True)
class FindingView:
    finding: PublishedFinding
    correction: Correction | None
    computed: int | None
    coverage: int | None
    status: str
    arithmetic_ok: bool | None

    @property
    def current_value(self) -> Decimal:
        if self.correction is None:
            return self.finding.value
        return Decimal(self.correction.new_value)

    @property
    def current_qualifier(self) -> str:
        if self.correction is None:
            return self.finding.qualifier
        return self.correction.new_qualifier or self.finding.qualifier

    @property
    def current_display(self) -> str:
        return self.finding.format_value(self.current_value, self.current_qualifier)

    @property
    def status_label(self) -> str:
        """The status's label; "consistent" says how many answers it rests on (a return count
        always covers every body, so it is never only consistent)."""
        if self.status == Agreement.CONSISTENT:
            answers = "answer" if self.coverage == 1 else "answers"
            return f"Consistent with the {self.coverage} {answers} recorded"
        return Agreement.LABELS[self.status]

    @property
    def status_meaning(self) -> str:
        """What the label means, for a reader."""
        return Agreement.MEANINGS[self.status]

    @property
    def arithmetic_note(self) -> str:
        """Why the percentage and its numbers disagree, in numbers only (no guess at why)."""
        if self.arithmetic_ok is not False:
            return ""
        f = self.finding
        if f.unit == PublishedFinding.Unit.PERCENT:
            shown, count = Decimal(f.value).normalize(), f.numerator
        else:
            shown, count = Decimal(f.published_percent), int(f.value)
        exact = (Decimal(count) * 100 / f.denominator).quantize(Decimal("0.1"))
        numbers = f"{count} of {f.denominator} is {exact:f}%"
        if f.denominator_is_derived:
            return (
                f"The published {shown:f}% does not fit the derived denominator: {numbers}. "
                f"The publication does not state the denominator {f.denominator}; the dashboard "
                "derives it."
            )
        return f"The published {shown:f}% does not equal its own numbers: {numbers}."


@dataclass
class _Computed:
    """Everything needed to compute any finding's counterpart, for a set of rounds."""

    responses: dict[int, RoundResponse]
    by_type: dict[tuple[int, int], SystemTypeStats]
    by_vendor: dict[tuple[int, int, int], int]
    intents: dict[tuple[int, int], dict[str, int]]
    kinds: dict[tuple[int, int], dict[str, int]]

    @classmethod
    def for_findings(cls, findings: list[PublishedFinding]) -> _Computed:
        """Only the rounds and system types the findings are about are computed."""
        rounds = list({f.survey_round_id: f.survey_round for f in findings}.values())
        type_ids = {f.system_type_id for f in findings if f.system_type_id}
        single_type = next(iter(type_ids)) if len(type_ids) == 1 else None
        breakdown = vendor_breakdown(rounds, system_type_id=single_type) if type_ids else []
        return cls(
            responses={r.year: r for r in response_by_round()},
            by_type=system_type_stats_by_round(rounds, system_type_ids=type_ids),
            by_vendor={
                (v.round_id, v.system_type_id, v.vendor_id): v.bodies
                for v in breakdown
                if v.counts_toward_concern  # "N use Hikvision" speaks of equipment
            },
            intents=intent_counts(rounds) if type_ids else {},
            kinds=kind_counts(rounds) if type_ids else {},
        )

    def figure_for(self, finding: PublishedFinding) -> tuple[Figure | None, bool]:
        """The computed counterpart of a finding, and whether it covers every respondent."""
        response = self.responses.get(finding.survey_round.year)
        if finding.metric in (Metric.INVITED, Metric.RESPONDED, Metric.RESPONSE_RATE):
            if response is None or not response.has_per_body_returns:
                return None, True
            value = {
                Metric.INVITED: response.invited,
                Metric.RESPONDED: response.responded,
                Metric.RESPONSE_RATE: response.rate,
            }[finding.metric]
            return Figure(value, response.invited), True
        key = (finding.survey_round_id, finding.system_type_id)
        stats = self.by_type.get(key)
        if stats is None:
            return None, True
        if finding.vendor_id is not None:
            if finding.metric != Metric.VENDOR_USERS:
                return None, True  # e.g. awareness of one vendor's concerns: not recorded
            value = self.by_vendor.get((*key, finding.vendor_id), 0)
            figure = Figure.of(value, stats.concern_users.coverage)
        elif finding.metric in (Metric.INTENDS, Metric.NO_INTENTION, Metric.UNSURE):
            stated = self.intents.get(key, {})
            figure = Figure.of(stated.get(finding.metric, 0), sum(stated.values()))
        elif finding.metric in KIND_OF_METRIC:  # over the answers that settle the kind
            kind = KIND_OF_METRIC[finding.metric]
            figure = kind_figure(self.kinds.get(key, {}), kind, stats.operators)
        else:
            figure = {
                Metric.OPERATORS: stats.operators,
                Metric.CONCERN_USERS: stats.concern_users,
                Metric.AWARE: stats.aware,
            }.get(finding.metric)
        if figure is None:
            return None, True
        responded = response.responded if response else None
        return figure, responded is None or figure.coverage >= responded


def findings_for_display():
    """Published findings with what ``finding_views`` and the pages show of them."""
    return PublishedFinding.objects.select_related(
        "publication", "system_type", "vendor", "survey_round"
    )


def finding_views(findings, *, as_published: bool = False) -> list[FindingView]:
    """Published findings beside their computed counterparts and corrections in force.

    ``findings``: PublishedFindings with their publication, system type, vendor and round
    selected; a fixed number of queries for any number. With ``as_published`` the figures are
    shown exactly as first published.
    """
    findings = list(findings)
    corrections: dict[int, Correction] = {}
    if not as_published and findings:
        corrections = Correction.objects.select_related("source").current_for(
            f.pk for f in findings
        )
    computed = _Computed.for_findings(findings) if findings else None
    own_rows = rows_citing_own_publication(findings)
    views = []
    for finding in findings:
        figure, complete = computed.figure_for(finding)
        value = figure.value if figure else None
        correction = corrections.get(finding.pk)
        current = Decimal(correction.new_value) if correction else finding.value
        qualifier = (correction.new_qualifier if correction else "") or finding.qualifier
        arithmetic_ok = arithmetic_holds(finding)
        coverage = figure.coverage if value is not None else None
        status = agreement(
            published=current,
            qualifier=qualifier,
            computed=value,
            is_percent=finding.unit == PublishedFinding.Unit.PERCENT,
            complete=complete,
            same_publication=coverage is not None and own_rows.get(finding.pk) == coverage,
        )
        status = with_arithmetic(status, finding, arithmetic_ok)
        views.append(FindingView(finding, correction, value, coverage, status, arithmetic_ok))
    return views


def findings_with_status(
    *, survey_round: SurveyRound, as_published: bool = False
) -> list[FindingView]:
    """Every published finding of one round with its status."""
    return finding_views(
        PublishedFinding.objects.filter(survey_round=survey_round).select_related(
            "publication", "system_type", "vendor", "survey_round"
        ),
        as_published=as_published,
    )
