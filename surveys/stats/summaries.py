"""Keeping the summary tables (``surveys.models.summaries``) equal to the survey data.

A change to the survey data marks what it touches, in the change's own transaction, from the
model signals: a write to one answer, vendor link, kind or return marks that part of its round
(``SummaryDirtyPart``: the body's answer or return), a broader one (a round, its coverage, a
system type, a concern, an import's many writes) whole rounds (``SummaryDirty``). Each service
that writes calls ``refresh`` before its transaction ends, which rebuilds only the rows the
parts can change (``surveys.stats.summary_parts``) and the marked rounds' rows in a few
statements. A reader finding something still marked (a write from the shell, a test's
factories) rebuilds it first, so a summary is never read out of date. A preview's changes
are rolled back with its summaries.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.core.signals import request_finished, request_started
from django.db import connection, router, transaction
from django.db.models import Count
from django.db.models.signals import m2m_changed, post_delete, post_save, pre_save

from surveys.caching import _request_version
from surveys.models import (
    EVERY_ROUND,
    NOT_ONE,
    Answer,
    AnswerKind,
    AnswerVendor,
    BodyRoundSummary,
    BodyRoundVendorSummary,
    BodyTypeSummary,
    BodyVendorSummary,
    Return,
    RoundSummary,
    RoundSystemType,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SummaryDirty,
    SummaryDirtyPart,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
    VendorSummary,
)
from surveys.stats import summary_parts
from surveys.stats.figures import concern_vendor_ids
from surveys.stats.summary_parts import ROUND, VENDORS, lock_key, take_locks
from surveys.stats.summary_rows import (  # noqa: F401 (STATED_FIELDS, asked_type_ids: read from here too)
    STATED_FIELDS,
    asked_type_ids,
    body_round_rows,
    body_round_vendor_rows,
    body_type_rows,
    body_vendor_rows,
    round_rows,
)

_PER_ROUND = (
    RoundSummary,
    RoundTypeSummary,
    RoundTypeVendorSummary,
    RoundTypeValueSummary,
    BodyRoundSummary,
    BodyTypeSummary,
    BodyRoundVendorSummary,
)


# --- Marking what a change touches ----------------------------------------------------------


def mark(round_ids: Iterable[int | None]) -> None:
    """Mark rounds (``EVERY_ROUND``: all) as waiting for a rebuild, in the caller's
    transaction."""
    rows = [SummaryDirty(round_id=pk) for pk in set(round_ids) if pk is not None]
    SummaryDirty.objects.bulk_create(rows, ignore_conflicts=True)
    if _checked.get():
        _checked.set(False)  # a read later in this request looks again


def mark_parts(parts: Iterable[summary_parts.Part]) -> None:
    """Mark parts of rounds (round, body, system type or ``NOT_ONE`` for the return, vendor
    or ``NOT_ONE``) as waiting for a rebuild, in the caller's transaction. Inside ``deferred``
    (a writer of many records) their whole rounds instead."""
    parts = set(parts)
    if _deferred.get(False):
        mark(part[0] for part in parts)
        return
    SummaryDirtyPart.objects.bulk_create(
        [
            SummaryDirtyPart(round_id=r, body_id=b, system_type_id=t, vendor_id=v)
            for r, b, t, v in parts
        ],
        ignore_conflicts=True,
    )
    if _checked.get():
        _checked.set(False)


def _return_of(return_id: int) -> tuple[int, int] | None:
    """(round, body) of a return."""
    return Return.objects.filter(pk=return_id).values_list("survey_round_id", "body_id").first()


def _answers_parts(answer_ids: Iterable[int], vendor_id: int = NOT_ONE) -> list:
    rows = Answer.objects.filter(pk__in=list(answer_ids)).values_list(
        "survey_return__survey_round_id", "survey_return__body_id", "system_type_id"
    )
    return [(r, b, t, vendor_id) for r, b, t in rows]


# What a saved record was keyed by before the save (read by pre_save): a change of key moves
# its counts from one part to another, so both are marked.
_KEYS = {
    Answer: ("survey_return_id", "system_type_id"),
    AnswerKind: ("answer_id", "kind"),
    AnswerVendor: ("answer_id", "vendor_id"),
    Return: ("survey_round_id", "body_id"),
}


def _before_save(sender, instance, raw=False, **kwargs) -> None:
    if sender in _KEYS and instance.pk is not None and not instance._state.adding:
        keys = _KEYS[sender]
        instance._summary_keys = sender.objects.filter(pk=instance.pk).values_list(*keys).first()


def _touched(sender, instance, before: tuple | None) -> tuple[list, list[int | None]]:
    """The parts of rounds, and the whole rounds, whose summaries a change of ``instance``
    may change (``before``: its keys before a save moved it, else None)."""
    if sender is Answer:
        where = _return_of(instance.survey_return_id)
        if before is not None or where is None:  # moved: both returns' rounds, whole
            old = _return_of(before[0]) if before else None
            return [], [where and where[0], old and old[0]]
        return [(*where, instance.system_type_id, NOT_ONE)], []
    if sender is AnswerKind:  # a kind is a fact the provenance counts (RoundTypeSummary.cited)
        parts = _answers_parts([instance.answer_id])
        if before is not None:
            parts += _answers_parts([before[0]])
        return parts, []  # an answer deleted with its kinds marks its own part
    if sender is AnswerVendor:
        parts = _answers_parts([instance.answer_id], instance.vendor_id)
        if before is not None:
            parts += _answers_parts([before[0]], before[1])
        # The vendor counts over every round change with it (VendorSummary): any round will do.
        return parts, [] if parts else [EVERY_ROUND]
    if sender is Return:
        if before is not None:
            return [], [before[0], instance.survey_round_id]
        return [(instance.survey_round_id, instance.body_id, NOT_ONE, NOT_ONE)], []
    if sender is RoundSystemType:
        return [], [instance.survey_round_id]
    if sender is SurveyRound:
        return [], [instance.pk]  # its date decides which concerns are in force
    if sender in (SystemType, VendorConcern):
        return [], [EVERY_ROUND]
    return [], []


def _on_change(sender, instance, **kwargs) -> None:
    before = None
    if "created" in kwargs:  # a save, after _before_save
        before = instance.__dict__.pop("_summary_keys", None)
        if before == tuple(getattr(instance, key) for key in _KEYS.get(sender, ())):
            before = None  # not moved
    parts, rounds = _touched(sender, instance, before)
    if parts:
        mark_parts(parts)
    if rounds:
        mark(rounds)


def _on_vendors(sender, instance, action, pk_set=None, **kwargs) -> None:
    if sender is not AnswerVendor or action not in ("post_add", "post_remove", "post_clear"):
        return
    if action == "post_clear":  # the links are gone: which vendors they named is not known
        if isinstance(instance, Answer):
            mark(part[0] for part in _answers_parts([instance.pk]))
        else:
            mark([EVERY_ROUND])
    elif isinstance(instance, Answer):
        mark_parts(part for v in pk_set for part in _answers_parts([instance.pk], v))
    elif isinstance(instance, Vendor):
        mark_parts(_answers_parts(pk_set, instance.pk))


def connect_signals() -> None:
    pre_save.connect(_before_save, dispatch_uid="obscc-summaries-before-save")
    post_save.connect(_on_change, dispatch_uid="obscc-summaries-save")
    post_delete.connect(_on_change, dispatch_uid="obscc-summaries-delete")
    m2m_changed.connect(_on_vendors, dispatch_uid="obscc-summaries-m2m")
    request_started.connect(_request_started, dispatch_uid="obscc-summaries-request")
    request_finished.connect(_request_finished, dispatch_uid="obscc-summaries-request-end")


# --- Rebuilding -----------------------------------------------------------------------------


_deferred: contextvars.ContextVar[bool] = contextvars.ContextVar("obscc_summaries_deferred")


@contextlib.contextmanager
def deferred() -> Iterator[None]:
    """One rebuild at the end for a writer that calls other writers (an import records many
    corrections): ``refresh`` waits until the block ends, still inside its transaction."""
    token = _deferred.set(True)
    try:
        yield
    finally:
        _deferred.reset(token)
    refresh()


def refresh() -> None:
    """Rebuild every part and round marked, in the caller's transaction; the writers' hook."""
    if _deferred.get(False):
        return
    alias = router.db_for_write(SummaryDirty)
    if not _anything_marked(alias):
        return
    with transaction.atomic(using=alias):
        marked = set(SummaryDirty.objects.select_for_update().values_list("round_id", flat=True))
        parts = list(
            SummaryDirtyPart.objects.select_for_update().values_list(
                "pk", "round_id", "body_id", "system_type_id", "vendor_id"
            )
        )
        if not (marked or parts):
            return  # another transaction rebuilt them meanwhile
        if EVERY_ROUND in marked:
            rebuild(None)
        elif marked:  # whole rounds, and those of the parts marked with them (rarely any)
            rebuild(marked | {p[1] for p in parts})
        elif parts:
            by_round = summary_parts.scopes(p[1:] for p in parts)
            if any(summary_parts.too_many(scope) for scope in by_round.values()):
                rebuild(by_round)
            else:
                summary_parts.rebuild_parts(by_round)
        SummaryDirty.objects.filter(round_id__in=marked)._raw_delete(alias)
        SummaryDirtyPart.objects.filter(pk__in=[p[0] for p in parts])._raw_delete(alias)


def _anything_marked(alias: str) -> bool:
    """Whether any round or part waits for a rebuild (one query)."""
    rounds = SummaryDirty.objects.using(alias).values_list("round_id")
    parts = SummaryDirtyPart.objects.using(alias).values_list("round_id")
    return bool(rounds.union(parts, all=True)[:1])


# In a request: whether the summaries were found current (checked once per request); None
# outside a request, where every read checks.
_checked: contextvars.ContextVar[bool | None] = contextvars.ContextVar(
    "obscc_summaries_checked", default=None
)


def ensure_current() -> None:
    """Before reading the summaries: rebuild what a write left marked (one query, once per
    request). Where public pages read a replica, its primary's writers rebuilt them."""
    # Only within the request middleware's span: a request whose response was never closed
    # must not leave "checked" behind for what runs after it.
    in_request = _request_version.get() is not None
    if in_request and _checked.get():
        return
    if router.db_for_read(SummaryDirty) == router.db_for_write(SummaryDirty):
        refresh()
    if in_request:
        _checked.set(True)


def _request_started(**kwargs) -> None:
    _checked.set(False)


def _request_finished(**kwargs) -> None:
    _checked.set(None)


def rebuild(round_ids: Iterable[int] | None = None) -> None:
    """Rebuild the summaries of these rounds (all when None) from the survey data, and the
    per-vendor counts, which span every round."""
    rounds = SurveyRound.objects.order_by("year")
    if round_ids is not None:
        round_ids = set(round_ids)
        rounds = rounds.filter(pk__in=round_ids)
    rounds = list(rounds)
    with transaction.atomic():
        # No part of these rounds, nor any vendor's count, is rebuilt meanwhile.
        take_locks(lock_key(ROUND, pk) for pk in (round_ids or {r.pk for r in rounds}))
        take_locks([lock_key(VENDORS)])
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # compiling a plan costs more than it saves
                cursor.execute("SET LOCAL jit = off")
        for model in _PER_ROUND:
            stale = model.objects.all()
            if round_ids is not None:
                stale = stale.filter(survey_round__in=round_ids)
            stale._raw_delete(stale.db)
        if rounds:
            round_rows(rounds)
            body_round_vendor_rows(rounds)
        concerns = concern_vendor_ids(rounds)
        for survey_round in rounds:
            asked = asked_type_ids(survey_round)
            body_type_rows(survey_round, concerns[survey_round.pk], asked)
            body_round_rows(survey_round, asked)
        for model in (VendorSummary, BodyVendorSummary):
            model.objects.all()._raw_delete(model.objects.db)
        body_vendor_rows()  # then each vendor's bodies counted from them
        by_vendor = BodyVendorSummary.objects.values("vendor").annotate(n=Count("body"))
        VendorSummary.objects.bulk_create(
            VendorSummary(vendor_id=row["vendor"], bodies=row["n"]) for row in by_vendor.order_by()
        )
