"""Where the per-body rows behind a published finding's computed counterpart come from.

When every row a computed figure rests on cites the finding's own publication, the figure can
only agree with itself: the comparison checks nothing (docs/METRICS.md). The answers citing
each publication are counted per round and system type by the summaries
(``RoundTypeSummary.cited``, from ``stats.facts``); the returns citing it, here.
"""

from __future__ import annotations

from collections.abc import Callable

from django.db.models import Count, Q

from surveys.caching import cached
from surveys.models import PublishedFinding, Return, RoundTypeSummary
from surveys.stats.counting import cited_rows
from surveys.stats.facts import FACTS
from surveys.stats.summaries import ensure_current

Metric = PublishedFinding.Metric
RETURN_METRICS = (Metric.INVITED, Metric.RESPONDED, Metric.RESPONSE_RATE)
Cited = dict[tuple[int, int], dict[str, dict[str, int]]]


def rows_citing_own_publication(findings: list[PublishedFinding]) -> dict[int, int]:
    """Per finding (pk): how many of the rows its computed counterpart rests on (responding
    bodies' answers, or the round's returns for invited, responded and the rate) cite the
    finding's own publication. Three queries at most, whatever the number of findings or of
    answers: whether the summaries are current, their rows, the returns counted."""
    parts = tuple(sorted(f.pk for f in findings))
    return cached(
        "rows_citing_own_publication", parts, lambda: _rows_citing(findings, _from_summaries)
    )


def counted_rows_citing(findings: list[PublishedFinding]) -> dict[int, int]:
    """``rows_citing_own_publication`` counted from the answers themselves (what the
    summaries hold)."""
    return _rows_citing(findings, cited_rows)


def _from_summaries(round_ids: set[int], type_ids: set[int]) -> Cited:
    ensure_current()
    rows = RoundTypeSummary.objects.filter(
        survey_round__in=round_ids, system_type__in=type_ids
    ).values_list("survey_round", "system_type", "cited")
    return {(round_id, type_id): cited for round_id, type_id, cited in rows}


def _rows_citing(
    findings: list[PublishedFinding], cited: Callable[[set[int], set[int]], Cited]
) -> dict[int, int]:
    by_answers = [f for f in findings if f.metric in FACTS and f.system_type_id]
    by_returns = [f for f in findings if f.metric in RETURN_METRICS]
    citing: dict[int, int] = {}
    if by_answers:
        counts = cited(
            {f.survey_round_id for f in by_answers}, {f.system_type_id for f in by_answers}
        )
        for f in by_answers:
            per_metric = counts.get((f.survey_round_id, f.system_type_id), {})
            citing[f.pk] = per_metric.get(f.metric, {}).get(str(f.publication_id), 0)
    if by_returns:
        pubs = {f.publication_id for f in by_returns}
        rows = (
            Return.objects.filter(survey_round__in={f.survey_round_id for f in by_returns})
            .values("survey_round")
            .annotate(**{f"p{p}": Count("pk", filter=Q(source_id=p)) for p in pubs})
            .order_by()
        )
        counts = {r["survey_round"]: r for r in rows}
        for f in by_returns:
            row = counts.get(f.survey_round_id)
            citing[f.pk] = row[f"p{f.publication_id}"] if row else 0
    return citing
