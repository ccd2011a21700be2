"""Bodies side by side: for each round and system type, each body's answer, its vendors and
the derived concern status, with the source of each field and the corrections in force."""

from __future__ import annotations

import re
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Q

from surveys.models import (
    Answer,
    Body,
    Correction,
    Return,
    SurveyRound,
    SystemType,
)
from surveys.stats import concern_vendor_ids
from surveys.values import ROLES_COUNTING_TOWARD_CONCERN
from surveys.web.selectors.attached import ANSWER_LINK_LISTS, with_sources
from surveys.web.selectors.bodies import name_matches

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
        Body.objects.filter(name_matches(words))
        .exclude(pk__in=[b.pk for b in exclude])
        .distinct()
        .order_by("name")
        .only("name", "slug")
    )
    found = list(matching[: SEARCH_RESULTS + 1])
    return found[:SEARCH_RESULTS], len(found) > SEARCH_RESULTS


def _concern_flags(answers: list[Answer], rounds: list[SurveyRound]) -> dict[int, str]:
    """Each answer's derived concern column, in the bodies table's words: "Yes", "No" or "No
    data". Worked out from its vendor links, already read, by the figure's own rule
    (``stats.CONCERN_USERS``: "Yes" where a link in a role that counts names a vendor of
    concern in the answer's round; "No" where a link counts, or the answer says the body does
    not operate the system or uses no vendor of concern); ``tests/test_compare_rows.py``
    holds it equal to the figure's own query."""
    concerns = concern_vendor_ids(rounds)
    flags = {}
    for a in answers:
        links = a.vendors_named
        counting = [link for link in links if link.role in ROLES_COUNTING_TOWARD_CONCERN]
        of_concern = concerns.get(a.survey_return.survey_round_id, set())
        if any(link.vendor_id in of_concern for link in counting):
            flags[a.pk] = "Yes"
        elif counting or a.operates is False or a.says_vendor_of_concern is False:
            flags[a.pk] = "No"
        else:
            flags[a.pk] = "No data"
    return flags


def compare(chosen: list[Body]) -> tuple[list[RoundResponses], list[CompareRow]]:
    """Each round with a return from any of ``chosen``: their responses, and a row per system
    type any of them answered about, with a cell per body."""
    returns = list(
        Return.objects.filter(body__in=chosen)
        .select_related("survey_round", "source")
        .order_by("survey_round__year")
    )
    answers = with_sources(
        Answer.objects.filter(survey_return__in=returns)
        .select_related("system_type")
        .prefetch_related(*ANSWER_LINK_LISTS)
        .order_by("system_type__position")
    )
    by_id, to_return = {r.pk: r for r in returns}, Answer._meta.get_field("survey_return")
    for answer in answers:  # its return, with the round, as read above
        to_return.set_cached_value(answer, by_id[answer.survey_return_id])
    corrections = list(
        Correction.objects.published()
        .filter(Q(answer__in=answers) | Q(survey_return__in=returns))
        .order_by("pk")
    )
    rounds = sorted({r.survey_round for r in returns}, key=lambda r: r.year)
    concern = _concern_flags(answers, rounds)
    types_in = defaultdict(dict)  # per round: the system types answered about, by id
    for a in answers:
        types_in[a.survey_return.survey_round_id][a.system_type_id] = a.system_type
    by_key = {
        (a.survey_return.body_id, a.survey_return.survey_round_id, a.system_type_id): a
        for a in answers
    }
    responses, rows = [], []
    for survey_round in rounds:
        by_body = {r.body_id: r for r in returns if r.survey_round_id == survey_round.pk}
        responses.append(RoundResponses(survey_round, [by_body.get(b.pk) for b in chosen]))
        types = sorted(types_in[survey_round.pk].values(), key=lambda t: t.position)
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
