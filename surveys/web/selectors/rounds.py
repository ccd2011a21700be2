"""Which round a page shows: the rounds, the default one, and a round from a URL parameter."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Prefetch, Value, When

from surveys.models import (
    RoundSystemType,
    SurveyRound,
    SystemType,
)
from surveys.stats.summaries import ensure_current


def all_rounds() -> list[SurveyRound]:
    """Every round, oldest first, with the system types each covers and whether it has
    per-body returns (from its summary: no scan of the returns; two queries)."""
    ensure_current()
    coverage = RoundSystemType.objects.select_related("system_type")
    return list(
        SurveyRound.objects.annotate(
            has_returns=Case(
                When(summary__invited__gt=0, then=Value(True)),
                default=Value(False),
                output_field=BooleanField(),
            )
        )
        .select_related("source")
        .order_by("year")
        .prefetch_related(Prefetch("coverage", coverage))
    )


def default_round(rounds: list[SurveyRound]) -> SurveyRound | None:
    """The latest round that asked about every system type (a round about drones only, like
    2023's, is not what a page shows first); the latest round when none did."""
    full = [r for r in rounds if r.covered_type_ids() is None]
    return (full or rounds or [None])[-1]


def rounds_covering(system_type: SystemType) -> list[SurveyRound]:
    """The rounds that asked about ``system_type``, oldest first."""
    return [r for r in all_rounds() if r.covers(system_type)]


def round_from_param(value: str | None) -> tuple[SurveyRound | None, list[SurveyRound], str]:
    """The round a ``?round=YEAR`` asks for (the latest full round when absent), all rounds,
    and an error."""
    rounds = all_rounds()
    latest = default_round(rounds)
    if not value:
        return latest, rounds, ""
    chosen = next((r for r in rounds if str(r.year) == value.strip()), None)
    if chosen is None:
        years = ", ".join(str(r.year) for r in rounds)
        return latest, rounds, f"There is no survey round {value[:20]!r}; choose one of {years}."
    return chosen, rounds, ""
