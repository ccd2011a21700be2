"""Bodies side by side: for each round and system type, each body's answer, its vendors and
the derived concern status, with the source of each field and the corrections in force."""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from surveys.models import Answer, Body, Correction, Return, SurveyRound, SystemType
from surveys.stats import CONCERN_USERS, concern_vendor_ids
from surveys.web.selectors.pages import ANSWER_LINKS

MIN_BODIES, MAX_BODIES = 2, 4


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
            slug = slug.strip().lower()[:100]
            if slug and slug not in slugs:
                slugs.append(slug)
    if not MIN_BODIES <= len(slugs) <= MAX_BODIES:
        return (
            slugs,
            f"Choose from {MIN_BODIES} to {MAX_BODIES} bodies to compare ({len(slugs)} chosen).",
        )
    return slugs, ""


def bodies(slugs: list[str]) -> tuple[list[Body], list[str]]:
    """The bodies named, in the order asked, and the slugs that name none."""
    found = {b.slug: b for b in Body.objects.filter(slug__in=slugs)}
    return [found[s] for s in slugs if s in found], [s for s in slugs if s not in found]


def _concern_flags(answers: list[Answer], rounds: list[SurveyRound]) -> dict[int, str]:
    """Each answer's derived concern column, in the bodies table's words, by the figure's own
    definition (``stats.CONCERN_USERS``): "Yes", "No" or "No data"."""
    concerns = concern_vendor_ids(rounds)
    answered = Answer.objects.filter(pk__in=[a.pk for a in answers])
    known = set(answered.filter(CONCERN_USERS.known(concerns)).values_list("pk", flat=True))
    uses = set(answered.filter(CONCERN_USERS.counts(concerns)).values_list("pk", flat=True))
    return {a.pk: "Yes" if a.pk in uses else "No" if a.pk in known else "No data" for a in answers}


def compare(chosen: list[Body]) -> tuple[list[RoundResponses], list[CompareRow]]:
    """Each round with a return from any of ``chosen``: their responses, and a row per system
    type any of them answered about, with a cell per body."""
    source_fields = [source for _, source in Answer.SOURCED_FIELDS]
    returns = list(
        Return.objects.filter(body__in=chosen)
        .select_related("survey_round", "source")
        .order_by("survey_round__year")
    )
    answers = list(
        Answer.objects.filter(survey_return__body__in=chosen)
        .select_related("survey_return", "system_type", "source", *source_fields)
        .prefetch_related(*ANSWER_LINKS)
        .order_by("system_type__position")
    )
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
