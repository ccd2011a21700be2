"""Where the per-body rows behind a published finding's computed counterpart come from.

When every row a computed figure rests on cites the finding's own publication, the figure can
only agree with itself: the comparison checks nothing (docs/METRICS.md).
"""

from __future__ import annotations

from django.db.models import Count, Q

from surveys.caching import cached
from surveys.models import Answer, PublishedFinding, Return, counts_toward_concern

Metric = PublishedFinding.Metric
RESPONDED = Return.Status.RESPONDED
RETURN_METRICS = (Metric.INVITED, Metric.RESPONDED, Metric.RESPONSE_RATE)

_VENDOR_FACTS = (
    ("vendors", counts_toward_concern("answer_vendors__")),
    ("operates", Q(operates=False)),
    ("says_vendor_of_concern", Q(says_vendor_of_concern=False)),
)
_INTENT_FACTS = (("intent", ~Q(intent="")),)


def _kind_facts(kind: str) -> tuple[tuple[str, Q], ...]:
    """As ``findings.kind_figure`` settles a kind: stated, or the body does not operate it."""
    return (("kinds", Q(answer_kinds__kind=kind)), ("operates", Q(operates=False)))


# Per metric computed from answers: the facts that put an answer into the computed figure's
# coverage (as FIGURES and findings.figure_for count it), each with the field whose source
# states it.
FACTS = {
    Metric.OPERATORS: (("operates", Q(operates__isnull=False)),),
    Metric.AWARE: (("aware_of_concerns", Q(aware_of_concerns__isnull=False)),),
    Metric.CONCERN_USERS: _VENDOR_FACTS,
    Metric.VENDOR_USERS: _VENDOR_FACTS,
    Metric.INTENDS: _INTENT_FACTS,
    Metric.NO_INTENTION: _INTENT_FACTS,
    Metric.UNSURE: _INTENT_FACTS,
    Metric.LIVE_USERS: _kind_facts("live"),
    Metric.DATABASE_ACCESS: _kind_facts("database_access"),
}
SOURCE_FIELD = dict(Answer.SOURCED_FIELDS)


def _cites(field: str, publication_id: int) -> Q:
    """The answer's source for ``field`` is the publication (its own, or the answer's)."""
    own = SOURCE_FIELD[field]
    return Q(**{f"{own}_id": publication_id}) | Q(
        **{f"{own}__isnull": True, "source_id": publication_id}
    )


def _citing(metric: str, publication_id: int) -> Q:
    return Q(
        *(known & _cites(field, publication_id) for field, known in FACTS[metric]),
        _connector=Q.OR,
    )


def rows_citing_own_publication(findings: list[PublishedFinding]) -> dict[int, int]:
    """Per finding (pk): how many of the rows its computed counterpart rests on (responding
    bodies' answers, or the round's returns for invited, responded and the rate) cite the
    finding's own publication. Two queries, whatever the number of findings."""
    parts = tuple(sorted(f.pk for f in findings))
    return cached("rows_citing_own_publication", parts, lambda: _rows_citing(findings))


def _rows_citing(findings: list[PublishedFinding]) -> dict[int, int]:
    by_answers = [f for f in findings if f.metric in FACTS and f.system_type_id]
    by_returns = [f for f in findings if f.metric in RETURN_METRICS]
    citing: dict[int, int] = {}
    if by_answers:
        name = {f.pk: f"m{f.metric}_p{f.publication_id}" for f in by_answers}
        annotations = {
            name[f.pk]: Count("pk", filter=_citing(f.metric, f.publication_id), distinct=True)
            for f in by_answers
        }
        rows = (
            Answer.objects.filter(
                survey_return__survey_round__in={f.survey_round_id for f in by_answers},
                survey_return__status=RESPONDED,
                system_type__in={f.system_type_id for f in by_answers},
            )
            .values("survey_return__survey_round", "system_type")
            .annotate(**annotations)
            .order_by()
        )
        counts = {(r["survey_return__survey_round"], r["system_type"]): r for r in rows}
        for f in by_answers:
            row = counts.get((f.survey_round_id, f.system_type_id))
            citing[f.pk] = row[name[f.pk]] if row else 0
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
