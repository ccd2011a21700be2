"""Bodies side by side: for each round and system type, each body's answer, its vendors and
the derived concern status, with the source of each field and the corrections in force."""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from django.db.models import Q, Value

from surveys.models import (
    Answer,
    Body,
    Correction,
    Publication,
    Return,
    SurveyRound,
    SystemType,
)
from surveys.stats import CONCERN_USERS, concern_vendor_ids
from surveys.web.selectors.pages import ANSWER_LINKS

MIN_BODIES, MAX_BODIES = 2, 4
SEARCH_LENGTH = 100  # the longest search for a body by name
SEARCH_RESULTS = 20  # bodies listed for a search; beyond, the reader types more of the name
SLUG = re.compile(r"^[-a-zA-Z0-9_]+$")
CONTROL = re.compile(r"[\x00-\x1f\x7f]")  # never part of a slug, nor shown back


@dataclass
class Cell:
    """One body's answer about one system type in one round (None: none recorded)."""

    answer: Answer | None
    concern: str  # the derived column's words: "Yes", "No", "No data"
    corrections: list[Correction] = field(default_factory=list)


@dataclass
class CompareRow:
    survey_round: SurveyRound
    system_type: SystemType
    cells: list[Cell]


@dataclass
class RoundResponses:
    survey_round: SurveyRound
    returns: list[Return | None]  # each body's return, in the bodies' order


def parse(values: list[str]) -> tuple[list[str], str]:
    """The slugs asked for (``?bodies=a,b`` or ``?body=a&body=b``), in order, once each, and
    what is wrong with them."""
    slugs = []
    for value in values:
        for slug in value.split(","):
            slug = CONTROL.sub("", slug).strip().lower()[:100]
            if slug and slug not in slugs:
                slugs.append(slug)
    if not MIN_BODIES <= len(slugs) <= MAX_BODIES:
        return (
            slugs,
            f"Choose from {MIN_BODIES} to {MAX_BODIES} bodies to compare ({len(slugs)} chosen).",
        )
    return slugs, ""


def bodies(slugs: list[str]) -> tuple[list[Body], list[str]]:
    """The bodies named, in the order asked, and the slugs that name none (one that is not a
    slug at all is not looked for)."""
    found = {b.slug: b for b in Body.objects.filter(slug__in=[s for s in slugs if SLUG.match(s)])}
    return [found[s] for s in slugs if s in found], [s for s in slugs if s not in found]


def search(words: str, *, exclude: list[Body]) -> tuple[list[Body], bool]:
    """The first ``SEARCH_RESULTS`` bodies, by name, whose name, short name or a former name
    contains ``words`` (as the bodies table's name filter matches), leaving out ``exclude``;
    and whether more match (one query)."""
    matching = (
        Body.objects.filter(
            Q(name__icontains=words)
            | Q(short_name__icontains=words)
            | Q(aliases__name__icontains=words)
        )
        .exclude(pk__in=[b.pk for b in exclude])
        .distinct()
        .order_by("name")
        .only("name", "slug")
    )
    found = list(matching[: SEARCH_RESULTS + 1])
    return found[:SEARCH_RESULTS], len(found) > SEARCH_RESULTS


def _concern_flags(answers: list[Answer], rounds: list[SurveyRound]) -> dict[int, str]:
    """Each answer's derived concern column, in the bodies table's words, by the figure's own
    definition (``stats.CONCERN_USERS``): "Yes", "No" or "No data"."""
    concerns = concern_vendor_ids(rounds)
    answered = Answer.objects.filter(pk__in=[a.pk for a in answers]).order_by()
    # Both sets in one query: (answer, 0) where the vendors are known, (answer, 1) where one
    # is of concern.
    known = answered.filter(CONCERN_USERS.known(concerns)).values_list("pk", Value(0))
    uses = answered.filter(CONCERN_USERS.counts(concerns)).values_list("pk", Value(1))
    found = {0: set(), 1: set()}
    for pk, which in known.union(uses, all=True):
        found[which].add(pk)
    return {
        a.pk: "Yes" if a.pk in found[1] else "No" if a.pk in found[0] else "No data"
        for a in answers
    }


def _attach_sources(answers: list[Answer]) -> None:
    """Each answer's publications (its source and each field's), read in one query and
    shared, instead of a join per field: a handful of publications for hundreds of answers."""
    names = ["source", *(source for _, source in Answer.SOURCED_FIELDS)]
    ids = {getattr(a, f"{name}_id") for a in answers for name in names} - {None}
    publications = Publication.objects.in_bulk(ids)
    for answer in answers:
        for name in names:
            setattr(answer, name, publications.get(getattr(answer, f"{name}_id")))


def compare(chosen: list[Body]) -> tuple[list[RoundResponses], list[CompareRow]]:
    """Each round with a return from any of ``chosen``: their responses, and a row per system
    type any of them answered about, with a cell per body."""
    returns = list(
        Return.objects.filter(body__in=chosen)
        .select_related("survey_round", "source")
        .order_by("survey_round__year")
    )
    answers = list(
        Answer.objects.filter(survey_return__body__in=chosen)
        .select_related("survey_return", "system_type")
        .prefetch_related(*ANSWER_LINKS)
        .order_by("system_type__position")
    )
    _attach_sources(answers)
    corrections = list(
        Correction.objects.published()
        .filter(Q(answer__in=answers) | Q(survey_return__in=returns))
        .order_by("pk")
    )
    rounds = sorted({r.survey_round for r in returns}, key=lambda r: r.year)
    concern = _concern_flags(answers, rounds)
    by_key = {
        (a.survey_return.body_id, a.survey_return.survey_round_id, a.system_type_id): a
        for a in answers
    }
    responses, rows = [], []
    for survey_round in rounds:
        by_body = {r.body_id: r for r in returns if r.survey_round_id == survey_round.pk}
        responses.append(RoundResponses(survey_round, [by_body.get(b.pk) for b in chosen]))
        types = sorted(
            {a.system_type for a in answers if a.survey_return.survey_round_id == survey_round.pk},
            key=lambda t: t.position,
        )
        for system_type in types:
            cells = []
            for body in chosen:
                answer = by_key.get((body.pk, survey_round.pk, system_type.pk))
                cells.append(
                    Cell(
                        answer=answer,
                        concern=concern[answer.pk] if answer else "No data",
                        corrections=[c for c in corrections if answer and c.answer_id == answer.pk],
                    )
                )
            rows.append(CompareRow(survey_round, system_type, cells))
    return responses, rows
