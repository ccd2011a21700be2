"""Keeping the summary tables (``surveys.models.summaries``) equal to the survey data.

A change to the survey data marks the rounds it touches (``SummaryDirty``, in the change's own
transaction, from the model signals); each service that writes calls ``refresh`` before its
transaction ends, which rebuilds those rounds' rows in a few statements. A reader finding a
round still marked (a write from the shell, a test's factories) rebuilds it first, so a
summary is never read out of date. A preview's changes are rolled back with its summaries.
"""

from __future__ import annotations

import contextlib
import contextvars
from collections.abc import Iterable, Iterator

from django.core.signals import request_finished, request_started
from django.db import connection, router, transaction
from django.db.models import (
    BooleanField,
    Case,
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
    Value,
    When,
)
from django.db.models.signals import m2m_changed, post_delete, post_save

from surveys.caching import _request_version
from surveys.models import (
    EVERY_ROUND,
    Answer,
    AnswerVendor,
    BodyRoundSummary,
    BodyTypeSummary,
    Return,
    RoundSummary,
    RoundSystemType,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SummaryDirty,
    SurveyRound,
    SystemType,
    VendorConcern,
    VendorSummary,
    counts_toward_concern,
)
from surveys.stats.counting import (
    figure_rows,
    round_counts,
    stated_rows,
    vendor_rows,
    vendor_rows_by_round,
)
from surveys.stats.figures import concern_links, concern_vendor_ids

RESPONDED = Return.Status.RESPONDED
# The choice fields of the answers whose stated values are counted (``stats.stated_counts``).
STATED_FIELDS = ("intent",)  # kinds, a set per answer, are counted from AnswerKind
_PER_ROUND = (
    RoundSummary,
    RoundTypeSummary,
    RoundTypeVendorSummary,
    RoundTypeValueSummary,
    BodyRoundSummary,
    BodyTypeSummary,
)


def asked_type_ids(survey_round: SurveyRound) -> list[int]:
    """The system types ``survey_round`` asked about: those it lists, or else every one of
    the survey's own categories (a grouping only a source used is never asked about)."""
    listed = RoundSystemType.objects.filter(survey_round=survey_round).values_list(
        "system_type_id", flat=True
    )
    return list(listed) or list(
        SystemType.objects.filter(is_survey_category=True).values_list("pk", flat=True)
    )


# --- Marking what a change touches ----------------------------------------------------------


def mark(round_ids: Iterable[int | None]) -> None:
    """Mark rounds (``EVERY_ROUND``: all) as waiting for a rebuild, in the caller's
    transaction."""
    rows = [SummaryDirty(round_id=pk) for pk in set(round_ids) if pk is not None]
    SummaryDirty.objects.bulk_create(rows, ignore_conflicts=True)
    if _checked.get():
        _checked.set(False)  # a read later in this request looks again


def _answer_round(answer_id: int) -> int | None:
    return (
        Answer.objects.filter(pk=answer_id)
        .values_list("survey_return__survey_round_id", flat=True)
        .first()
    )


def _touched(sender, instance) -> list[int | None]:
    """The rounds whose summaries a change of ``instance`` may change."""
    if sender is Answer:
        return [
            Return.objects.filter(pk=instance.survey_return_id)
            .values_list("survey_round_id", flat=True)
            .first()
        ]
    if sender is AnswerVendor:
        # The vendor counts over every round change with it (VendorSummary): any round will do.
        return [_answer_round(instance.answer_id) or EVERY_ROUND]
    if sender in (Return, RoundSystemType):
        return [instance.survey_round_id]
    if sender is SurveyRound:
        return [instance.pk]  # its date decides which concerns are in force
    if sender in (SystemType, VendorConcern):
        return [EVERY_ROUND]
    return []


def _on_change(sender, instance, **kwargs) -> None:
    if touched := _touched(sender, instance):
        mark(touched)


def _on_vendors(sender, instance, action, **kwargs) -> None:
    if sender is AnswerVendor and action in ("post_add", "post_remove", "post_clear"):
        if isinstance(instance, Answer):
            mark([_answer_round(instance.pk)])
        else:
            mark([EVERY_ROUND])


def connect_signals() -> None:
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
    """Rebuild every round marked, in the caller's transaction; the writers' hook."""
    if _deferred.get(False):
        return
    alias = router.db_for_write(SummaryDirty)
    if not SummaryDirty.objects.using(alias).exists():
        return
    with transaction.atomic(using=alias):
        marked = set(SummaryDirty.objects.select_for_update().values_list("round_id", flat=True))
        if not marked:
            return  # another transaction rebuilt them meanwhile
        rebuild(None if EVERY_ROUND in marked else marked)
        SummaryDirty.objects.filter(round_id__in=marked)._raw_delete(alias)


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
        if connection.vendor == "postgresql":
            with connection.cursor() as cursor:  # compiling a plan costs more than it saves
                cursor.execute("SET LOCAL jit = off")
        for model in _PER_ROUND:
            stale = model.objects.all()
            if round_ids is not None:
                stale = stale.filter(survey_round__in=round_ids)
            stale._raw_delete(stale.db)
        if rounds:
            _round_rows(rounds)
        for survey_round in rounds:
            _body_rows(survey_round)
        VendorSummary.objects.all()._raw_delete(VendorSummary.objects.db)
        VendorSummary.objects.bulk_create(VendorSummary(**row) for row in vendor_rows())


def _round_rows(rounds: list[SurveyRound]) -> None:
    RoundSummary.objects.bulk_create(
        RoundSummary(survey_round_id=pk, invited=invited, responded=responded)
        for pk, invited, responded in round_counts(rounds)
    )
    every_answer = dict(
        (
            (row["survey_return__survey_round"], row["system_type"]),
            row["n"],
        )
        for row in Answer.objects.filter(survey_return__survey_round__in=rounds)
        .values("survey_return__survey_round", "system_type")
        .annotate(n=Count("pk"))
        .order_by()
    )
    figures = figure_rows(rounds)
    RoundTypeSummary.objects.bulk_create(
        RoundTypeSummary(
            survey_round_id=round_id,
            system_type_id=type_id,
            answers=every_answer.get((round_id, type_id), 0),
            answered=figures.get((round_id, type_id), {}).get("answered", 0),
            counts={
                k: v for k, v in figures.get((round_id, type_id), {}).items() if k != "answered"
            },
        )
        for round_id, type_id in sorted(set(every_answer) | set(figures))
    )
    RoundTypeVendorSummary.objects.bulk_create(
        RoundTypeVendorSummary(
            survey_round_id=row["round_id"],
            system_type_id=row["system_type_id"],
            vendor_id=row["vendor_id"],
            role=row["role"],
            bodies=row["bodies"],
        )
        for row in vendor_rows_by_round(rounds)
    )
    RoundTypeValueSummary.objects.bulk_create(
        RoundTypeValueSummary(
            survey_round_id=round_id, system_type_id=type_id, field=field, value=value, bodies=n
        )
        for field in STATED_FIELDS
        for (round_id, type_id), counts in stated_rows(rounds, field).items()
        for value, n in counts.items()
    )


def _flag(condition: Q) -> Case:
    return Case(
        When(condition, then=Value(True)), default=Value(False), output_field=BooleanField()
    )


def _body_rows(survey_round: SurveyRound) -> None:
    """The round's per-answer flags, then per-return rows counted from them: two INSERT ...
    SELECT statements, whatever the number of bodies."""
    concern_ids = concern_vendor_ids([survey_round])[survey_round.pk]
    asked = asked_type_ids(survey_round)
    # Per answer, probes of its vendor links by the (answer, vendor) index: the same rules as
    # CONCERN_USERS.counts and .known (the tests hold them equal), in a form that stays
    # an index lookup per answer at any size.
    links = AnswerVendor.objects.filter(answer=OuterRef("pk"))
    answers = Answer.objects.filter(survey_return__survey_round=survey_round).filter(
        survey_return__status=RESPONDED
    )
    _insert(
        BodyTypeSummary,
        answers,
        survey_return=F("survey_return_id"),
        body=F("survey_return__body_id"),
        survey_round=F("survey_return__survey_round_id"),
        system_type=F("system_type_id"),
        asked=_flag(Q(system_type__in=asked)),
        operates=F("operates"),
        uses_concern=Exists(links.filter(concern_links(concern_ids, prefix=""))),
        vendors_known=_flag(
            Q(Exists(links.filter(counts_toward_concern())))
            | Q(operates=False)
            | Q(says_vendor_of_concern=False)
        ),
    )
    summaries = "round_type_summaries"
    returns = Return.objects.filter(survey_round=survey_round).annotate(
        round_type_summaries=FilteredRelation(
            "type_summaries", condition=Q(type_summaries__survey_round=survey_round)
        )
    )
    returns = returns.annotate(
        n_answered=Count(summaries),
        n_operated=Count(summaries, filter=Q(round_type_summaries__operates=True)),
        n_asked=Count(summaries, filter=Q(round_type_summaries__asked=True)),
        n_asked_known=Count(
            summaries,
            filter=Q(
                round_type_summaries__asked=True, round_type_summaries__operates__isnull=False
            ),
        ),
        n_concern=Count(summaries, filter=Q(round_type_summaries__uses_concern=True)),
        n_known=Count(summaries, filter=Q(round_type_summaries__vendors_known=True)),
    )
    _insert(
        BodyRoundSummary,
        returns,
        survey_return=F("pk"),
        body=F("body_id"),
        survey_round=F("survey_round_id"),
        status=F("status"),
        status_is_derived=F("status_is_derived"),
        answered=F("n_answered"),
        operated=F("n_operated"),
        answers_complete=_flag(Q(n_asked=len(asked))),
        operates_complete=_flag(Q(n_asked_known=len(asked))),
        uses_concern=_flag(Q(n_concern__gt=0)),
        vendors_known=_flag(Q(n_known__gt=0)),
    )


def _insert(model, queryset: QuerySet, **columns) -> None:
    """INSERT INTO ``model`` (columns) SELECT ... FROM ``queryset``, in the database."""
    aliases = {f"summary_{name}": expression for name, expression in columns.items()}
    rows = queryset.annotate(**aliases).values(*aliases).order_by()
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params)
