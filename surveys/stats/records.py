"""How many returns and answers are recorded, in one round or in all, read from the summary
tables: a paginated list's count without a scan of every row (the summaries hold the same
counts, rebuilt with every change: ``RoundSummary.invited``, ``RoundTypeSummary.answers``
and ``.vendor_links``)."""

from __future__ import annotations

from django.db.models import Sum

from surveys.models import RoundSummary, RoundTypeSummary, SurveyRound, SystemType
from surveys.stats.summaries import ensure_current
from surveys.stats.system_types import COUNTED


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


def rows_recorded() -> dict[str, int]:
    """How many returns, answers and answers' vendor links are recorded in every round,
    read from the summaries (two queries): the open-data page's largest tables' row counts,
    without a count of each table."""
    returns = returns_recorded()  # brings the summaries up to date
    answers = RoundTypeSummary.objects.aggregate(n=Sum("answers"), links=Sum("vendor_links"))
    return {
        "returns": returns,
        "answers": answers["n"] or 0,
        "answer_vendors": answers["links"] or 0,
    }


def figure_answers_count(
    name: str, survey_round: SurveyRound, system_type: SystemType, *, part: str
) -> int:
    """How many answers ``figure_answers`` gives, as the summaries hold it: the figure's
    count (of distinct bodies: in one round and system type, one answer each) or, for
    ``part=COVERAGE``, its coverage."""
    ensure_current()
    counts = (
        RoundTypeSummary.objects.filter(survey_round=survey_round, system_type=system_type)
        .values_list("counts", flat=True)
        .first()
    )
    return (counts or {}).get(name if part == COUNTED else f"{name}_known", 0)
