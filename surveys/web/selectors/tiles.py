"""The rows behind the tile map: every body of a round, with the values the map's measures
read, in one query."""

from __future__ import annotations

from django.db.models import Case, Exists, OuterRef, Subquery, Value, When

from surveys.models import Answer, Body, Return, SurveyRound, SystemType, Vendor
from surveys.web.hexmap import OTHERS_SHOWN, layout
from surveys.web.selectors.bodies import bodies_for_round, with_concern

FACIAL_RECOGNITION = "facial-recognition"


def map_rows(
    survey_round: SurveyRound,
    *,
    system_type: SystemType | None = None,
    vendor: Vendor | None = None,
    concern: bool = True,
    intent: bool = False,
) -> list[Body]:
    """Every body of ``survey_round`` with its response; where asked, the derived concern
    column (for ``system_type`` where one is given); and whether its answers say it operates
    ``system_type`` (``operates_type``), name ``vendor`` (``names_vendor``), and intend to use
    live facial recognition (``live_fr_intent``: its facial-recognition answer's intent)."""
    rows = bodies_for_round(survey_round)
    if concern:
        rows = with_concern(rows, survey_round, system_type=system_type)
    answers = Answer.objects.filter(
        survey_return__survey_round=survey_round,
        survey_return__status=Return.Status.RESPONDED,
        survey_return__body=OuterRef("pk"),
    )
    if system_type is not None:
        rows = rows.annotate(
            operates_type=Subquery(answers.filter(system_type=system_type).values("operates")[:1])
        )
    if vendor is not None:
        rows = rows.annotate(
            names_vendor=Exists(answers.filter(answer_vendors__vendor=vendor)),
            has_answers=Exists(answers),
        )
    if intent:
        facial = answers.filter(system_type__slug=FACIAL_RECOGNITION)
        rows = rows.annotate(live_fr_intent=Subquery(facial.values("intent")[:1]))
    # The bodies with a tile first, then a bounded number of the others (the national bodies;
    # a synthetic world's bodies have no area): a map draws a few of those, the table has all.
    # Chosen first by the body's own indexes (ONS code, name), so that the joins and the
    # subqueries above run for those few rows only, never for every body.
    codes = list(layout())
    tiled = Body.objects.filter(ons_code__in=codes).order_by().values("pk")
    others = Body.objects.exclude(ons_code__in=codes).order_by("name").values("pk")
    # (the slice in a subquery of its own: SQLite refuses LIMIT in a part of a UNION)
    drawn = tiled.union(
        Body.objects.filter(pk__in=others[: OTHERS_SHOWN + 1]).order_by().values("pk")
    )
    rows = rows.filter(pk__in=drawn).annotate(
        has_tile=Case(When(ons_code__in=codes, then=Value(1)), default=Value(0))
    )
    return list(rows.order_by("-has_tile", "name"))
