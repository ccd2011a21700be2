"""The dashboard's statistics: one definition each (see METRICS.md), counted in SQL.

Pages, exports and the API all read these functions. Each makes a fixed number of queries,
whatever the amount of data. ``None`` always means "not known" and is never shown as 0.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from surveys.models import (
    Answer,
    AnswerVendor,
    Correction,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)

RESPONDED = Return.Status.RESPONDED


def percent(numerator: int, denominator: int) -> int:
    """A whole percentage, rounded half up as publications do (39 of 47 -> 83)."""
    ratio = Decimal(numerator) * 100 / Decimal(denominator)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


@dataclass(frozen=True)
class RoundResponse:
    year: int
    invited: int | None
    responded: int | None
    has_per_body_returns: bool
    published_rate: Decimal | None

    @property
    def rate(self) -> int | None:
        if not self.invited or self.responded is None:
            return None
        return percent(self.responded, self.invited)


def response_by_round(*, published_rates: bool = True) -> list[RoundResponse]:
    """Per round: bodies invited, returns received and the rate; two queries for all rounds.

    A round without per-body returns (2017, 2019) has no counts, only its published rate.
    """
    rounds = SurveyRound.objects.annotate(
        n_invited=Count("returns"),
        n_responded=Count("returns", filter=Q(returns__status=RESPONDED)),
    ).order_by("year")
    published: dict[int, Decimal] = {}
    if published_rates:
        for year, value in (
            PublishedFinding.objects.filter(metric=PublishedFinding.Metric.RESPONSE_RATE)
            .order_by("publication__published_on")
            .values_list("survey_round__year", "value")
        ):
            published.setdefault(year, value)
    return [
        RoundResponse(
            year=r.year,
            invited=r.n_invited or None,
            responded=r.n_responded if r.n_invited else None,
            has_per_body_returns=bool(r.n_invited),
            published_rate=published.get(r.year),
        )
        for r in rounds
    ]


def round_response(*, year: int) -> RoundResponse | None:
    return next((r for r in response_by_round() if r.year == year), None)


def concern_vendor_ids(*, survey_round: SurveyRound) -> list[int]:
    """Vendors with at least one cited concern in force on the round's reference date."""
    return list(
        VendorConcern.objects.in_force_on(survey_round.reference_date)
        .values_list("vendor_id", flat=True)
        .distinct()
    )


@dataclass(frozen=True)
class Figure:
    """A computed count and its coverage: how many responding bodies' answers it rests on."""

    value: int | None
    coverage: int

    @classmethod
    def of(cls, value: int, coverage: int) -> Figure:
        return cls(value if coverage else None, coverage)


@dataclass(frozen=True)
class SystemTypeStats:
    system_type: SystemType
    answered: int
    operators: Figure
    concern_users: Figure
    aware: Figure

    @property
    def has_data(self) -> bool:
        return self.answered > 0


def system_type_stats(*, survey_round: SurveyRound) -> list[SystemTypeStats]:
    """Per system type, over responding bodies' answers in the round (two queries).

    Each figure counts only the answers that say something about it, and says how many those
    are (its coverage): operators over answers stating whether they operate it; bodies using
    equipment of concern over answers listing vendors or saying they do not operate it; aware
    over answers stating awareness. A figure with no coverage is None: no data, never zero.
    """
    concern_ids = concern_vendor_ids(survey_round=survey_round)
    in_round = Q(
        answers__survey_return__survey_round=survey_round,
        answers__survey_return__status=RESPONDED,
    )
    vendors_known = Q(answers__answer_vendors__isnull=False) | Q(answers__operates=False)

    def count(condition: Q, target: str = "answers") -> Count:
        return Count(target, filter=in_round & condition, distinct=True)

    types = SystemType.objects.annotate(
        n_answered=count(Q()),
        n_operates_known=count(Q(answers__operates__isnull=False)),
        n_operators=count(Q(answers__operates=True)),
        n_vendors_known=count(vendors_known),
        n_concern=count(
            Q(answers__answer_vendors__vendor__in=concern_ids), "answers__survey_return__body"
        ),
        n_aware_known=count(Q(answers__aware_of_concerns__isnull=False)),
        n_aware=count(Q(answers__aware_of_concerns=True)),
    ).order_by("position")
    return [
        SystemTypeStats(
            system_type=t,
            answered=t.n_answered,
            operators=Figure.of(t.n_operators, t.n_operates_known),
            concern_users=Figure.of(t.n_concern, t.n_vendors_known),
            aware=Figure.of(t.n_aware, t.n_aware_known),
        )
        for t in types
    ]


@dataclass(frozen=True)
class VendorCount:
    system_type_id: int
    vendor_id: int
    vendor_name: str
    bodies: int
    of_concern: bool


def vendor_breakdown(
    *, survey_round: SurveyRound, system_type: SystemType | None = None
) -> list[VendorCount]:
    """For each system type and vendor, the distinct responding bodies recording it."""
    concern_ids = set(concern_vendor_ids(survey_round=survey_round))
    rows = AnswerVendor.objects.filter(
        answer__survey_return__survey_round=survey_round,
        answer__survey_return__status=RESPONDED,
    )
    if system_type is not None:
        rows = rows.filter(answer__system_type=system_type)
    rows = (
        rows.values("answer__system_type", "vendor", "vendor__name")
        .annotate(bodies=Count("answer__survey_return__body", distinct=True))
        .order_by("answer__system_type__position", "-bodies", "vendor__name")
    )
    return [
        VendorCount(
            system_type_id=row["answer__system_type"],
            vendor_id=row["vendor"],
            vendor_name=row["vendor__name"],
            bodies=row["bodies"],
            of_concern=row["vendor"] in concern_ids,
        )
        for row in rows
    ]


def vendors_of_concern(*, survey_round: SurveyRound) -> list[Vendor]:
    return list(Vendor.objects.filter(pk__in=concern_vendor_ids(survey_round=survey_round)))


# --- Published figures next to computed ones --------------------------------------------------


class Agreement:
    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_DATA = "no_data"
    PARTIAL = "partial"
    ARITHMETIC = "arithmetic"


def agreement(
    *,
    published: Decimal,
    qualifier: str,
    computed: int | None,
    is_percent: bool = False,
    complete: bool = True,
) -> str:
    """Compare a published figure with the computed one under METRICS.md's rule.

    "at least N" agrees with any computed count >= N; an exact figure must be equal. Where
    per-body answers cover only some respondents (complete=False), a computed count below
    the published one is expected, so it is "partial", not a discrepancy.
    """
    if computed is None:
        return Agreement.NO_DATA
    if qualifier == PublishedFinding.Qualifier.AT_LEAST and not is_percent:
        agrees = computed >= published
    else:
        agrees = Decimal(computed) == published
    if agrees:
        return Agreement.AGREES
    if not complete and not is_percent and computed < published:
        return Agreement.PARTIAL
    return Agreement.DISAGREES


def arithmetic_holds(finding: PublishedFinding) -> bool | None:
    """Does a percentage equal the rounded ratio of its own numerator and denominator?"""
    if finding.unit == PublishedFinding.Unit.PERCENT:
        if finding.numerator is None or not finding.denominator:
            return None
        return finding.value == percent(finding.numerator, finding.denominator)
    if finding.published_percent is not None and finding.denominator:
        return finding.published_percent == percent(int(finding.value), finding.denominator)
    return None


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


def _computed_for(
    finding: PublishedFinding,
    response: RoundResponse | None,
    by_type: dict[int, SystemTypeStats],
    by_vendor: dict[tuple[int, int], int],
    intents: dict[int, dict[str, int]],
) -> Figure | None:
    """The computed counterpart of a published figure, or None where nothing is computable."""
    metric = PublishedFinding.Metric
    if finding.metric in (metric.INVITED, metric.RESPONDED, metric.RESPONSE_RATE):
        if response is None or not response.has_per_body_returns:
            return None
        value = {
            metric.INVITED: response.invited,
            metric.RESPONDED: response.responded,
            metric.RESPONSE_RATE: response.rate,
        }[finding.metric]
        return Figure(value, response.invited)
    stats = by_type.get(finding.system_type_id)
    if stats is None:
        return None
    if finding.vendor_id is not None:
        if finding.metric != metric.VENDOR_USERS:
            return None  # e.g. awareness of one vendor's concerns: not recorded per vendor
        value = by_vendor.get((finding.system_type_id, finding.vendor_id), 0)
        return Figure.of(value, stats.concern_users.coverage)
    if finding.metric in (metric.INTENDS, metric.NO_INTENTION, metric.UNSURE):
        stated = intents.get(stats.system_type.pk, {})
        return Figure.of(stated.get(finding.metric, 0), sum(stated.values()))
    figure = {
        metric.OPERATORS: stats.operators,
        metric.CONCERN_USERS: stats.concern_users,
        metric.AWARE: stats.aware,
    }.get(finding.metric)
    return figure


def findings_with_status(
    *, survey_round: SurveyRound, as_published: bool = False
) -> list[FindingView]:
    """Every published finding of a round beside its computed counterpart and corrections."""
    findings = list(
        PublishedFinding.objects.filter(survey_round=survey_round).select_related(
            "publication", "system_type", "vendor", "survey_round"
        )
    )
    corrections: dict[int, Correction] = {}
    if not as_published:
        for c in (
            Correction.objects.in_force()
            .filter(finding__survey_round=survey_round)
            .select_related("source")
            .order_by("announced_on", "recorded_at")
        ):
            corrections[c.finding_id] = c  # the latest correction in force wins
    response = round_response(year=survey_round.year)
    by_type = {s.system_type.pk: s for s in system_type_stats(survey_round=survey_round)}
    by_vendor = {
        (v.system_type_id, v.vendor_id): v.bodies
        for v in vendor_breakdown(survey_round=survey_round)
    }
    intents = intent_counts(survey_round=survey_round)
    views = []
    for finding in findings:
        figure = _computed_for(finding, response, by_type, by_vendor, intents)
        computed = figure.value if figure else None
        coverage = figure.coverage if figure and figure.value is not None else None
        correction = corrections.get(finding.pk)
        current = Decimal(correction.new_value) if correction else finding.value
        qualifier = (correction.new_qualifier if correction else "") or finding.qualifier
        arithmetic_ok = arithmetic_holds(finding)
        status = agreement(
            published=current,
            qualifier=qualifier,
            computed=computed,
            is_percent=finding.unit == PublishedFinding.Unit.PERCENT,
            complete=coverage is None or response is None or coverage >= (response.responded or 0),
        )
        if arithmetic_ok is False and status != Agreement.DISAGREES:
            status = Agreement.ARITHMETIC
        views.append(FindingView(finding, correction, computed, coverage, status, arithmetic_ok))
    return views


def intent_counts(*, survey_round: SurveyRound) -> dict[int, dict[str, int]]:
    """Per system type and stated future intent, the responding bodies stating it."""
    rows = (
        Answer.objects.filter(
            survey_return__survey_round=survey_round, survey_return__status=RESPONDED
        )
        .exclude(intent="")
        .values("system_type", "intent")
        .annotate(n=Count("survey_return__body", distinct=True))
        .order_by()
    )
    counts: dict[int, dict[str, int]] = {}
    for row in rows:
        counts.setdefault(row["system_type"], {})[row["intent"]] = row["n"]
    return counts
