"""The bodies table of a round: each body's response, how many system types its answers
cover, and the derived concern column, for every system type or one; read from the per-body
summaries (``BodyRoundSummary``, ``BodyTypeSummary``), one join each."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import F, FilteredRelation, Q, QuerySet
from django.db.models.functions import Coalesce

from surveys.models import (
    Answer,
    Body,
    Publication,
    Return,
    SurveyRound,
    SystemType,
)
from surveys.stats.summaries import ensure_current


def name_matches(words: str) -> Q:
    """Bodies whose name, short name or a former name (alias) contains ``words``, as the
    bodies table's name filter and the compare search match them (join aliases: distinct)."""
    return (
        Q(name__icontains=words)
        | Q(short_name__icontains=words)
        | Q(aliases__name__icontains=words)
    )


def bodies_for_round(survey_round: SurveyRound) -> QuerySet[Body]:
    """Every body with its status and answer counts in ``survey_round`` (one query).

    A body's answers are *complete* for the round when one is recorded for every system type
    the round asked about (``stats.summaries.asked_type_ids``); they say whether it operates
    each when every one of those says so. Only then are the counts exact: otherwise they count
    what is recorded, which is a floor, and nothing recorded is not known rather than 0.
    """
    ensure_current()
    return Body.objects.annotate(
        round_summary=FilteredRelation(
            "round_summaries", condition=Q(round_summaries__survey_round=survey_round)
        ),
        status=F("round_summary__status"),
        status_is_derived=F("round_summary__status_is_derived"),
        answered=Coalesce("round_summary__answered", 0),
        operated=Coalesce("round_summary__operated", 0),
        answers_complete=Coalesce("round_summary__answers_complete", False),
        operates_complete=Coalesce("round_summary__operates_complete", False),
    )


def with_concern(
    bodies: QuerySet[Body], survey_round: SurveyRound, *, system_type: SystemType | None = None
) -> QuerySet[Body]:
    """``bodies`` (from ``bodies_for_round``) with the derived concern column of
    ``survey_round`` (``uses_concern``, ``vendors_known``): from the answers about
    ``system_type`` only where one is given, since a vendor named for another type says nothing
    about it; from every answer otherwise."""
    if system_type is None:
        summary = "round_summary"
    else:
        summary = "type_summary"
        bodies = bodies.annotate(
            type_summary=FilteredRelation(
                "type_summaries",
                condition=Q(
                    type_summaries__survey_round=survey_round,
                    type_summaries__system_type=system_type,
                ),
            )
        )
    return bodies.annotate(
        vendors_known=Coalesce(f"{summary}__vendors_known", False),
        uses_concern=Coalesce(f"{summary}__uses_concern", False),
    )


def sources_by_body(bodies: QuerySet[Body], survey_round: SurveyRound) -> dict[int, set[str]]:
    """The codes of the publications behind each body's row in ``survey_round``: its return's
    source and every source its answers cite (one query: a UNION of each source column)."""
    returns = Return.objects.filter(survey_round=survey_round, body__in=bodies.values("pk"))
    answers = Answer.objects.filter(survey_return__in=returns).order_by()
    parts = [
        answers.exclude(**{field: None}).values_list("survey_return__body_id", f"{field}__code")
        for field in ("source", *(name for _, name in Answer.SOURCED_FIELDS))
    ]
    found: dict[int, set[str]] = defaultdict(set)
    for body_id, code in returns.order_by().values_list("body_id", "source__code").union(*parts):
        found[body_id].add(code)
    return found


def publications_coded(codes) -> QuerySet[Publication]:
    return Publication.objects.filter(code__in=codes).only("code", "licence", "copyright")
