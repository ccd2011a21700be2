"""Per round and system type: every figure of FIGURES, the vendor breakdown and the stated
counts (intent, kinds), each a fixed number of queries, read from the summary tables; and
the same counted from the answers, which is what the summaries are built from."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass

from django.db.models import Count, Max, Min

from surveys.caching import cached
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerRound,
    AnswerVendor,
    Return,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SurveyRound,
    SystemType,
)
from surveys.stats.counting import figure_rows, stated_rows
from surveys.stats.figures import (
    FIGURES,
    Figure,
    FigureDescription,
    concern_vendor_ids,
    figure_description,
)
from surveys.stats.summaries import STATED_FIELDS, ensure_current
from surveys.values import ROLES_COUNTING_TOWARD_CONCERN

RESPONDED = Return.Status.RESPONDED


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
    """Per (round id, system type id), over responding bodies' answers (read from the
    summaries: two queries whatever the number of answers).

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
    ensure_current()
    summaries = RoundTypeSummary.objects.filter(survey_round__in=rounds)
    system_types = SystemType.objects.all()
    if types is not None:
        summaries = summaries.filter(system_type__in=types)
        system_types = system_types.filter(pk__in=types)
    counts = {
        (row.survey_round_id, row.system_type_id): {**row.counts, "answered": row.answered}
        for row in summaries
    }
    return _figures(rounds, system_types, counts)


def _figures(rounds, system_types, counts: dict) -> dict[tuple[int, int], SystemTypeStats]:
    empty = defaultdict(int)
    result = {}
    for system_type in system_types:
        for survey_round in rounds:
            key = (survey_round.pk, system_type.pk)
            row = defaultdict(int, counts.get(key, empty))
            result[key] = SystemTypeStats(
                system_type=system_type,
                round_id=survey_round.pk,
                answered=row["answered"],
                figures={d.name: d.figure(row) for d in FIGURES},
            )
    return result


def figures_from_answers(
    rounds: list[SurveyRound],
) -> dict[tuple[int, int], SystemTypeStats]:
    """``system_type_stats_by_round`` counted from the answers themselves, not the summaries."""
    return _figures(rounds, SystemType.objects.all(), figure_rows(rounds))


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
    role: str = AnswerVendor.Role.EQUIPMENT  # what the answers name it for

    @property
    def role_label(self) -> str:
        return AnswerVendor.Role(self.role).label

    @property
    def counts_toward_concern(self) -> bool:
        return self.role in ROLES_COUNTING_TOWARD_CONCERN


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
    ensure_current()
    concern_ids = concern_vendor_ids(rounds)
    rows = RoundTypeVendorSummary.objects.filter(survey_round__in=rounds)
    if type_id is not None:
        rows = rows.filter(system_type_id=type_id)
    if vendor_id is not None:
        rows = rows.filter(vendor_id=vendor_id)
    rows = rows.values(
        "survey_round", "system_type", "vendor", "vendor__name", "vendor__slug", "role", "bodies"
    ).order_by("survey_round__year", "system_type__position", "-bodies", "vendor__name", "role")
    return [
        VendorCount(
            round_id=row["survey_round"],
            system_type_id=row["system_type"],
            vendor_id=row["vendor"],
            vendor_name=row["vendor__name"],
            vendor_slug=row["vendor__slug"],
            bodies=row["bodies"],
            of_concern=row["vendor"] in concern_ids[row["survey_round"]],
            role=row["role"],
        )
        for row in rows
    ]


def stated_counts(
    rounds: Iterable[SurveyRound], field: str
) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round id, system type id) and each value of a choice ``field`` of the answers
    (``intent``: intends...), the responding bodies stating it."""
    rounds = list(rounds)
    return cached(
        "stated_counts",
        (tuple(r.pk for r in rounds), field),
        lambda: _stated_counts(rounds, field),
    )


def intent_counts(rounds: Iterable[SurveyRound]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round id, system type id) and stated future intent, the bodies stating it."""
    return stated_counts(rounds, "intent")


def kind_counts(rounds: Iterable[SurveyRound]) -> dict[tuple[int, int], dict[str, int]]:
    """Per (round id, system type id) and kind of facial recognition, the responding bodies
    whose answer states that kind (an answer may state several)."""
    rounds = list(rounds)
    return cached("kind_counts", tuple(r.pk for r in rounds), lambda: _kind_counts(rounds))


def _kind_counts(rounds: list[SurveyRound]) -> dict[tuple[int, int], dict[str, int]]:
    rows = (
        AnswerKind.objects.filter(
            answer__survey_return__survey_round__in=rounds,
            answer__survey_return__status=RESPONDED,
        )
        .values("answer__survey_return__survey_round", "answer__system_type", "kind")
        .annotate(n=Count("answer__survey_return__body", distinct=True))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        key = (row["answer__survey_return__survey_round"], row["answer__system_type"])
        counts.setdefault(key, {})[row["kind"]] = row["n"]
    return counts


def _stated_counts(rounds: list[SurveyRound], field: str) -> dict[tuple[int, int], dict[str, int]]:
    if field not in STATED_FIELDS:
        return stated_rows(rounds, field)
    ensure_current()
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for round_id, type_id, value, n in RoundTypeValueSummary.objects.filter(
        survey_round__in=rounds, field=field
    ).values_list("survey_round", "system_type", "value", "bodies"):
        counts.setdefault((round_id, type_id), {})[value] = n
    return counts


COUNTED, COVERAGE = "counted", "coverage"


def figure_answers(name: str, survey_round: SurveyRound, system_type: SystemType, *, part: str):
    """The answers behind the figure ``name`` of ``system_type`` in ``survey_round``: those it
    counts (``part=COUNTED``) or those it rests on, its coverage (``COVERAGE``). Built from the
    figure's own conditions (``FIGURES``) over the same answers, so rows and figure agree."""
    description = figure_description(name)
    concern_ids = concern_vendor_ids([survey_round])
    condition = description.counts if part == COUNTED else description.known
    return (
        _answers_in([survey_round]).filter(system_type=system_type).filter(condition(concern_ids))
    )


def in_round_order(answers, survey_round: SurveyRound):
    """``answers`` of ``survey_round`` in id order, for reading a page of them (one query
    more, of an index): limited to the ids from the round's first answer to its last
    (``AnswerRound`` holds them in order), so that the database walks the round's answers in
    order and stops at the page, instead of first gathering every answer that matches in
    every round."""
    bounds = AnswerRound.objects.filter(survey_round=survey_round).aggregate(
        first=Min("answer"), last=Max("answer")
    )
    # A round without answers: an empty range, still asked (the same queries whatever the data).
    # Distinct: a figure's condition may join an answer's vendor links (one row per link).
    rows = answers.filter(pk__range=(bounds["first"] or 0, bounds["last"] or 0))
    return rows.distinct().order_by("pk")
