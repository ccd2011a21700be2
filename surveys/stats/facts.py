"""What puts an answer into the coverage of a published finding's computed counterpart, per
metric: the facts it states, each with the answer field whose source states it (as FIGURES
and ``findings.figure_for`` count them). Each fact is one boolean per answer (an EXISTS for
its vendor links or kinds), so the answers are counted without a join that repeats them.
Read by ``stats.provenance`` (does every row cite the finding's own publication?) and by the
summaries, which hold those counts per round, system type and publication."""

from __future__ import annotations

from django.db.models import BooleanField, Case, Exists, OuterRef, Q, Value, When

from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    PublishedFinding,
    counts_toward_concern,
)

Metric = PublishedFinding.Metric


def flag(condition: Q) -> Case:
    """The condition as a boolean column (True or False, never NULL)."""
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def flags() -> dict:
    """Per fact, a boolean expression over an answer (fresh each call: an expression is
    resolved against one query)."""
    links = AnswerVendor.objects.filter(answer=OuterRef("pk"))
    kinds = AnswerKind.objects.filter(answer=OuterRef("pk"))
    return {
        "operates_known": flag(Q(operates__isnull=False)),
        "operates_no": flag(Q(operates=False)),
        "aware_known": flag(Q(aware_of_concerns__isnull=False)),
        "equipment_named": Exists(links.filter(counts_toward_concern())),
        "says_no_vendor_of_concern": flag(Q(says_vendor_of_concern=False)),
        "intent_stated": flag(~Q(intent="")),
        "kind_live": Exists(kinds.filter(kind="live")),
        "kind_database_access": Exists(kinds.filter(kind="database_access")),
    }


_VENDOR_FACTS = (
    ("vendors", "equipment_named"),
    ("operates", "operates_no"),
    ("says_vendor_of_concern", "says_no_vendor_of_concern"),
)
_INTENT_FACTS = (("intent", "intent_stated"),)

# Per metric computed from answers: (field, fact) pairs; an answer is in the coverage when it
# states any of the facts, and "cites" a publication through the field of a fact it states.
FACTS: dict[str, tuple[tuple[str, str], ...]] = {
    Metric.OPERATORS: (("operates", "operates_known"),),
    Metric.AWARE: (("aware_of_concerns", "aware_known"),),
    Metric.CONCERN_USERS: _VENDOR_FACTS,
    Metric.VENDOR_USERS: _VENDOR_FACTS,
    Metric.INTENDS: _INTENT_FACTS,
    Metric.NO_INTENTION: _INTENT_FACTS,
    Metric.UNSURE: _INTENT_FACTS,
    Metric.LIVE_USERS: (("kinds", "kind_live"), ("operates", "operates_no")),
    Metric.DATABASE_ACCESS: (("kinds", "kind_database_access"), ("operates", "operates_no")),
}
SOURCE_FIELD = dict(Answer.SOURCED_FIELDS)
CITED_FIELDS = sorted({field for facts in FACTS.values() for field, _ in facts})


def cited_by(row: dict) -> dict[str, set[int]]:
    """Per metric, the publications an answer cites for it: from a row of its facts
    (``fact``: bool) and of its fields' sources (``source_<field>``: the field's own source,
    else the answer's; None when neither is set)."""
    return {
        metric: {
            row[f"source_{field}"]
            for field, fact in facts
            if row[fact] and row[f"source_{field}"] is not None
        }
        for metric, facts in FACTS.items()
    }
