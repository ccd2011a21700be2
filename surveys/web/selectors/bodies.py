"""The bodies table of a round: each body's response, how many system types its answers
cover, and the derived concern column, for every system type or one."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import Count, Exists, OuterRef, QuerySet, Subquery
from django.db.models.functions import Coalesce

from surveys import stats
from surveys.models import (
    Answer,
    Body,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    counts_toward_concern,
)


def _answers(survey_round: SurveyRound) -> QuerySet[Answer]:
    """The answers of responding bodies in ``survey_round``."""
    return Answer.objects.filter(
        survey_return__survey_round=survey_round,
        survey_return__status=Return.Status.RESPONDED,
    )


def asked_types(survey_round: SurveyRound) -> QuerySet[SystemType]:
    """The system types ``survey_round`` asked about: those it lists, or else every one of
    the survey's own categories (a grouping only a source used, like "CCTV, external or
    internal not stated", is never asked about)."""
    listed = survey_round.covered_type_ids()
    if listed is not None:
        return SystemType.objects.filter(pk__in=listed)
    return SystemType.objects.filter(is_survey_category=True)


def bodies_for_round(survey_round: SurveyRound) -> QuerySet[Body]:
    """Every body with its status and answer counts in ``survey_round`` (one query).

    A body's answers are *complete* for the round when one is recorded for every system type
    the round asked about (``asked_types``); they say whether it operates each when every one
    of those says so. Only then are the counts exact: otherwise they count what is recorded,
    which is a floor, and nothing recorded is not known rather than 0.
    """
    answers = _answers(survey_round).filter(survey_return__body=OuterRef("pk"))

    def count(qs):
        return Coalesce(
            Subquery(
                qs.order_by().values("survey_return__body").annotate(c=Count("pk")).values("c")
            ),
            0,
        )

    def every_asked_type_in(qs):
        # No asked type lacks one of the body's answers ``qs``: NOT EXISTS, in the one query.
        answered_types = qs.filter(survey_return__body=OuterRef(OuterRef("pk")))
        missing = asked_types(survey_round).exclude(pk__in=answered_types.values("system_type"))
        return ~Exists(missing)

    survey_return = Return.objects.filter(body=OuterRef("pk"), survey_round=survey_round)
    return Body.objects.annotate(
        status=Subquery(survey_return.values("status")[:1]),
        status_is_derived=Subquery(survey_return.values("status_is_derived")[:1]),
        answered=count(answers),
        operated=count(answers.filter(operates=True)),
        answers_complete=every_asked_type_in(_answers(survey_round)),
        operates_complete=every_asked_type_in(_answers(survey_round).exclude(operates=None)),
    )


def with_concern(
    bodies: QuerySet[Body], survey_round: SurveyRound, *, system_type: SystemType | None = None
) -> QuerySet[Body]:
    """``bodies`` with the derived concern column of ``survey_round`` (``uses_concern``,
    ``vendors_known``): from the answers about ``system_type`` only where one is given, since
    a vendor named for another type says nothing about it; from every answer otherwise."""
    concern_ids = stats.concern_vendor_ids([survey_round])[survey_round.pk]
    answers = _answers(survey_round).filter(survey_return__body=OuterRef("pk"))
    if system_type is not None:
        answers = answers.filter(system_type=system_type)
    return bodies.annotate(
        vendors_known=Exists(answers.filter(stats.CONCERN_USERS.known({}))),
        uses_concern=Exists(
            answers.filter(
                counts_toward_concern("answer_vendors__"), answer_vendors__vendor__in=concern_ids
            )
        ),
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
