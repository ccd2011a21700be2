"""How many returns and answers are recorded, in one round or in all, read from the summary
tables: a paginated list's count without a scan of every row (the summaries hold the same
counts, rebuilt with every change: ``RoundSummary.invited``, ``RoundTypeSummary.answers``)."""

from __future__ import annotations

from django.db.models import Sum

from surveys.models import RoundSummary, RoundTypeSummary
from surveys.stats.summaries import ensure_current


def returns_recorded(year: int | None = None) -> int:
    """The returns recorded in the round of ``year`` (0 if there is none), or in every round."""
    ensure_current()
    rows = RoundSummary.objects.all()
    if year is not None:
        rows = rows.filter(survey_round__year=year)
    return rows.aggregate(n=Sum("invited"))["n"] or 0


def answers_recorded(year: int | None = None) -> int:
    """The answers recorded, whatever the return's status, in the round of ``year`` (0 if
    there is none), or in every round."""
    ensure_current()
    rows = RoundTypeSummary.objects.all()
    if year is not None:
        rows = rows.filter(survey_round__year=year)
    return rows.aggregate(n=Sum("answers"))["n"] or 0
