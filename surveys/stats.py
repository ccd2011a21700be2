"""The dashboard's statistics: one definition each (see docs/METRICS.md), counted in SQL.

Pages, exports and the API all read these functions. Each makes a fixed number of queries,
whatever the number of bodies, answers or rounds. ``None`` always means "not known" and is
never shown as 0.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

from django.db.models import Count, Q

from surveys.caching import cached
from surveys.models import (
    Answer,
    AnswerVendor,
    Correction,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    VendorConcern,
)

RESPONDED = Return.Status.RESPONDED
Metric = PublishedFinding.Metric


def percent(numerator: int, denominator: int) -> int:
    """A whole percentage, rounded half up as publications do (39 of 47 -> 83)."""
    ratio = Decimal(numerator) * 100 / Decimal(denominator)
    return int(ratio.quantize(Decimal(1), rounding=ROUND_HALF_UP))


# --- Response -------------------------------------------------------------------------------


@dataclass(frozen=True)
class RoundResponse:
    year: int
    invited: int | None
    responded: int | None
    published_rate: Decimal | None
    published_invited: int | None = None  # round-level counts, where a publication gives them
    published_responded: int | None = None

    @property
    def has_per_body_returns(self) -> bool:
        return self.invited is not None

    @property
    def published_counts_rate(self) -> int | None:
        """The rate the published counts give (36 of 47 -> 77), to check the published rate."""
        if not self.published_invited or self.published_responded is None:
            return None
        return percent(self.published_responded, self.published_invited)

    @property
    def published_rate_fits(self) -> bool | None:
        """Does the published rate equal the rounded ratio of the published counts?"""
        if self.published_rate is None or self.published_counts_rate is None:
            return None
        return self.published_rate == self.published_counts_rate

    @property
    def rate(self) -> int | None:
        if not self.invited or self.responded is None:
            return None
        return percent(self.responded, self.invited)


def response_by_round() -> list[RoundResponse]:
    """Per round: bodies invited, returns received and the rate (two queries for all rounds).

    A round without per-body returns (2017, 2019) has no counts, only its published rate.
    """
    return cached("response_by_round", (), _response_by_round)


def _response_by_round() -> list[RoundResponse]:
    rounds = SurveyRound.objects.annotate(
        n_invited=Count("returns"),
        n_responded=Count("returns", filter=Q(returns__status=RESPONDED)),
    ).order_by("year")
    published: dict[tuple[int, str], Decimal] = {}
    for year, metric, value in (
        PublishedFinding.objects.filter(
            metric__in=[Metric.RESPONSE_RATE, Metric.INVITED, Metric.RESPONDED]
        )
        .order_by("publication__published_on", "pk")
        .values_list("survey_round__year", "metric", "value")
    ):
        published.setdefault((year, metric), value)

    def count(year: int, metric: str) -> int | None:
        value = published.get((year, metric))
        return None if value is None else int(value)

    return [
        RoundResponse(
            year=r.year,
            invited=r.n_invited or None,
            responded=r.n_responded if r.n_invited else None,
            published_rate=published.get((r.year, Metric.RESPONSE_RATE)),
            published_invited=count(r.year, Metric.INVITED),
            published_responded=count(r.year, Metric.RESPONDED),
        )
        for r in rounds
    ]


# --- Vendors of concern ---------------------------------------------------------------------


def concern_vendor_ids(rounds: Iterable[SurveyRound]) -> dict[int, set[int]]:
    """Per round id, the vendors with at least one cited concern in force at its date."""
    concerns = list(
        VendorConcern.objects.values_list("vendor_id", "in_force_from", "in_force_until")
    )
    result = {}
    for survey_round in rounds:
        date = survey_round.reference_date
        result[survey_round.pk] = {
            vendor_id
            for vendor_id, start, end in concerns
            if (start is None or start <= date) and (end is None or end > date)
        }
    return result


def _concern_q(concern_ids: dict[int, set[int]], prefix: str = "") -> Q:
    """Rows whose vendor was of concern in their own round."""
    q = Q(pk__in=[])
    for round_id, vendor_ids in concern_ids.items():
        q |= Q(
            **{
                f"{prefix}survey_return__survey_round": round_id,
                f"{prefix}answer_vendors__vendor__in": vendor_ids,
            }
        )
    return q


# --- Per round and system type --------------------------------------------------------------


@dataclass(frozen=True)
class Figure:
    """A computed count and its coverage: how many responding bodies' answers it rests on."""

    value: int | None
    coverage: int

    @classmethod
    def of(cls, value: int, coverage: int) -> Figure:
        return cls(value if coverage else None, coverage)


@dataclass(frozen=True)
class FigureDescription:
    """One figure computed per round and system type: the one place that names, labels,
    defines and counts it. Pages, the API, the downloads and /about/ loop over FIGURES."""

    name: str  # in the API and templates
    label: str  # a column heading or card label, for a reader
    definition: str  # on /about/ and in the API
    counts: Callable[[dict[int, set[int]]], Q]  # the answers it counts (given concern vendors)
    known: Callable[[dict[int, set[int]]], Q]  # the answers that say something about it
    distinct: str = "pk"  # what is counted once
    kind: str = "count of bodies"
    body_label: str = ""  # the label said of one body (a column or filter of the bodies table)


FIGURES = (
    FigureDescription(
        "operators",
        "Operate it",
        "Responding bodies whose answer says they operate the system type, out of the answers "
        "that say whether they do.",
        counts=lambda concerns: Q(operates=True),
        known=lambda concerns: Q(operates__isnull=False),
    ),
    FigureDescription(
        "concern_users",
        "Use a vendor named as of concern (derived)",
        "Distinct responding bodies with at least one vendor recorded for the system type that "
        "had a cited concern in force at the round's date, out of the answers that list vendors, "
        "say the body does not operate it, or say it uses no vendor of concern. Derived by the "
        "dashboard from the vendors named: not a statement by the bodies.",
        counts=lambda concerns: _concern_q(concerns),
        known=lambda concerns: (
            Q(answer_vendors__isnull=False) | Q(operates=False) | Q(says_vendor_of_concern=False)
        ),
        distinct="survey_return__body",
        body_label="Uses a vendor named as of concern (derived)",
    ),
    FigureDescription(
        "aware",
        "Say they are aware of concerns",
        "Responding bodies saying they are aware of security or ethical concerns about the "
        "system type's equipment, out of the answers that say whether they are.",
        counts=lambda concerns: Q(aware_of_concerns=True),
        known=lambda concerns: Q(aware_of_concerns__isnull=False),
    ),
)


def figure_description(name: str) -> FigureDescription:
    """The one description of the figure called ``name``."""
    return next(d for d in FIGURES if d.name == name)


CONCERN_USERS = figure_description("concern_users")


@dataclass(frozen=True)
class SystemTypeStats:
    system_type: SystemType
    round_id: int
    answered: int
    figures: dict[str, Figure]  # by FigureDescription.name, in FIGURES order

    def __getattr__(self, name: str) -> Figure:
        """``stats.operators`` for ``stats.figures["operators"]`` (read through ``__dict__``,
        so an instance being unpickled, without ``figures`` yet, cannot recurse)."""
        figures = self.__dict__.get("figures", {})
        if name in figures:
            return figures[name]
        raise AttributeError(name)

    @property
    def described(self) -> list[tuple[FigureDescription, Figure]]:
        return [(d, self.figures[d.name]) for d in FIGURES]


def _answers_in(rounds: list[SurveyRound]):
    return Answer.objects.filter(
        survey_return__survey_round__in=rounds, survey_return__status=RESPONDED
    )


def system_type_stats_by_round(
    rounds: Iterable[SurveyRound], *, system_type_ids: Iterable[int] | None = None
) -> dict[tuple[int, int], SystemTypeStats]:
    """Per (round id, system type id), over responding bodies' answers (three queries).

    Each figure counts only the answers that say something about it and carries how many those
    are (its coverage): operators over answers stating whether they operate it; bodies using a
    vendor named as of concern (derived; distinct bodies) over answers listing vendors or saying
    they do not operate it; aware over answers stating awareness. No coverage: None, never zero.
    ``system_type_ids`` limits the work to those system types.
    """
    rounds = list(rounds)
    types = tuple(sorted(system_type_ids)) if system_type_ids is not None else None
    return cached(
        "system_type_stats",
        (tuple(r.pk for r in rounds), types),
        lambda: _system_type_stats(rounds, types),
    )


def _system_type_stats(
    rounds: list[SurveyRound], types: tuple[int, ...] | None
) -> dict[tuple[int, int], SystemTypeStats]:
    concern_ids = concern_vendor_ids(rounds)
    answers = _answers_in(rounds)
    system_types = SystemType.objects.all()
    if types is not None:
        answers = answers.filter(system_type__in=types)
        system_types = system_types.filter(pk__in=types)

    def count(condition: Q | None = None, target: str = "pk") -> Count:
        return Count(target, filter=condition, distinct=True)

    annotations = {"answered": count()}
    for d in FIGURES:
        annotations[d.name] = count(d.counts(concern_ids), d.distinct)
        annotations[f"{d.name}_known"] = count(d.known(concern_ids))
    rows = (
        answers.values("survey_return__survey_round", "system_type")
        .annotate(**annotations)
        .order_by()
    )
    counts = {(row["survey_return__survey_round"], row["system_type"]): row for row in rows}
    empty = defaultdict(int)
    result = {}
    for system_type in system_types:
        for survey_round in rounds:
            key = (survey_round.pk, system_type.pk)
            row = counts.get(key, empty)
            result[key] = SystemTypeStats(
                system_type=system_type,
                round_id=survey_round.pk,
                answered=row["answered"],
                figures={d.name: Figure.of(row[d.name], row[f"{d.name}_known"]) for d in FIGURES},
            )
    return result


def system_type_stats(*, survey_round: SurveyRound) -> list[SystemTypeStats]:
    """One round's figures for every system type it asked about, in display order: a type
    the round did not ask about (2023 asked about drones only) is not a gap in it."""
    by_key = system_type_stats_by_round([survey_round])
    covered = survey_round.covered_type_ids()
    return sorted(
        (s for s in by_key.values() if covered is None or s.system_type.pk in covered),
        key=lambda s: s.system_type.position,
    )


@dataclass(frozen=True)
class VendorCount:
    round_id: int
    system_type_id: int
    vendor_id: int
    vendor_name: str
    vendor_slug: str
    bodies: int
    of_concern: bool


def vendor_breakdown(
    rounds: Iterable[SurveyRound],
    *,
    system_type: SystemType | None = None,
    system_type_id: int | None = None,
    vendor_id: int | None = None,
) -> list[VendorCount]:
    """For each round, system type and vendor: the distinct responding bodies recording it."""
    rounds = list(rounds)
    type_id = system_type.pk if system_type is not None else system_type_id
    parts = (tuple(r.pk for r in rounds), type_id, vendor_id)
    return cached("vendor_breakdown", parts, lambda: _vendor_breakdown(rounds, type_id, vendor_id))


def _vendor_breakdown(rounds, type_id, vendor_id) -> list[VendorCount]:
    concern_ids = concern_vendor_ids(rounds)
    rows = AnswerVendor.objects.filter(
        answer__survey_return__survey_round__in=rounds,
        answer__survey_return__status=RESPONDED,
    )
    if type_id is not None:
        rows = rows.filter(answer__system_type_id=type_id)
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    rows = (
        rows.values(
            "answer__survey_return__survey_round",
            "answer__system_type",
            "vendor",
            "vendor__name",
            "vendor__slug",
        )
        .annotate(bodies=Count("answer__survey_return__body", distinct=True))
        .order_by(
            "answer__survey_return__survey_round__year",
            "answer__system_type__position",
            "-bodies",
            "vendor__name",
        )
    )
    return [
        VendorCount(
            round_id=row["answer__survey_return__survey_round"],
            system_type_id=row["answer__system_type"],
            vendor_id=row["vendor"],
            vendor_name=row["vendor__name"],
            vendor_slug=row["vendor__slug"],
            bodies=row["bodies"],
            of_concern=row["vendor"] in concern_ids[row["answer__survey_return__survey_round"]],
        )
        for row in rows
    ]


def stated_counts(
    rounds: Iterable[SurveyRound], field: str
) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round id, system type id) and each value of a choice ``field`` of the answers
    (``intent``: intends...; ``kind``: live...), the responding bodies stating it."""
    rounds = list(rounds)
    return cached(
        "stated_counts",
        (tuple(r.pk for r in rounds), field),
        lambda: _stated_counts(rounds, field),
    )


def intent_counts(rounds: Iterable[SurveyRound]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round id, system type id) and stated future intent, the bodies stating it."""
    return stated_counts(rounds, "intent")


def _stated_counts(rounds: list[SurveyRound], field: str) -> dict[tuple[int, int], dict[str, int]]:
    rows = (
        _answers_in(rounds)
        .exclude(**{field: ""})
        .values("survey_return__survey_round", "system_type", field)
        .annotate(n=Count("survey_return__body", distinct=True))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        key = (row["survey_return__survey_round"], row["system_type"])
        counts.setdefault(key, {})[row[field]] = row["n"]
    return counts


# A published count of bodies using one kind of facial recognition, and that kind.
KIND_OF_METRIC = {Metric.LIVE_USERS: "live", Metric.DATABASE_ACCESS: "database_access"}


# --- Published figures next to computed ones --------------------------------------------------


class Agreement:
    AGREES = "agrees"
    DISAGREES = "disagrees"
    NO_DATA = "no_data"
    PARTIAL = "partial"
    ARITHMETIC = "arithmetic"

    LABELS = {
        AGREES: "Matches the per-body data",
        DISAGREES: "Differs from the per-body data",
        NO_DATA: "No per-body data",
        PARTIAL: "Per-body data incomplete",
        ARITHMETIC: "Published arithmetic does not hold",
    }
    # The denominator is the dashboard's own derivation: the mismatch says nothing about the
    # publication, only that its percentage does not fit what the dashboard derived.
    DERIVED_DENOMINATOR_LABEL = "Percentage does not fit the derived denominator"

    # For readers: what each label means, shown where the label is and on /about/.
    MEANINGS = {
        AGREES: "The figure the publication gave is the same as the count the dashboard makes "
        'from the bodies\' own answers recorded here (for "at least N": the count is N or more).',
        DISAGREES: "The publication's figure and the count from the bodies' answers recorded here "
        "are not the same. It does not say which is right: a publication may count differently, "
        "or later returns may have arrived.",
        NO_DATA: "No body's own answer on this is recorded here, so there is nothing to compare "
        "the published figure with. It is not zero: it is not known.",
        PARTIAL: "Answers are recorded for only some bodies, so the count from them is lower than "
        "the published figure, as expected. It is not a disagreement.",
        ARITHMETIC: "The publication's percentage is not the rounded ratio of its own two "
        "numbers (for example 39 of 47 is 83%, not 91%).",
        "derived_denominator": "The publication gave a count and a percentage but not what it "
        "was out of; the dashboard derived that number. The percentage does not fit the derived "
        "number: this says nothing about the publication being wrong.",
    }


def agreement(
    *,
    published: Decimal,
    qualifier: str,
    computed: int | None,
    is_percent: bool = False,
    complete: bool = True,
) -> str:
    """Compare a published figure with the computed one under docs/METRICS.md's rule.

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

    @property
    def status_label(self) -> str:
        if self.status == Agreement.ARITHMETIC and self.finding.denominator_is_derived:
            return Agreement.DERIVED_DENOMINATOR_LABEL
        return Agreement.LABELS[self.status]

    @property
    def status_meaning(self) -> str:
        """What the label means, for a reader."""
        if self.status == Agreement.ARITHMETIC and self.finding.denominator_is_derived:
            return Agreement.MEANINGS["derived_denominator"]
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
            by_vendor={(v.round_id, v.system_type_id, v.vendor_id): v.bodies for v in breakdown},
            intents=intent_counts(rounds) if type_ids else {},
            kinds=stated_counts(rounds, "kind") if type_ids else {},
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
        elif finding.metric in KIND_OF_METRIC:  # over the answers that state a kind
            stated = self.kinds.get(key, {})
            figure = Figure.of(stated.get(KIND_OF_METRIC[finding.metric], 0), sum(stated.values()))
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
    views = []
    for finding in findings:
        figure, complete = computed.figure_for(finding)
        value = figure.value if figure else None
        correction = corrections.get(finding.pk)
        current = Decimal(correction.new_value) if correction else finding.value
        qualifier = (correction.new_qualifier if correction else "") or finding.qualifier
        arithmetic_ok = arithmetic_holds(finding)
        status = agreement(
            published=current,
            qualifier=qualifier,
            computed=value,
            is_percent=finding.unit == PublishedFinding.Unit.PERCENT,
            complete=complete,
        )
        if arithmetic_ok is False and status != Agreement.DISAGREES:
            status = Agreement.ARITHMETIC
        coverage = figure.coverage if value is not None else None
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
