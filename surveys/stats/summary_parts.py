"""Rebuilding only what one write can change (``SummaryDirtyPart``), in the write's own
transaction: an answer's edit changes its body's rows for the round (``BodyTypeSummary`` of
that type, ``BodyRoundSummary``) and the rows of its round and system type
(``RoundTypeSummary``, its stated values and, for the vendors it adds or drops, its vendor
rows and the body's row for the vendor in the round, ``BodyRoundVendorSummary``); a return's
status changes those for each of its answers and the round's ``RoundSummary``. Each is
counted again, limited to those rows, by the full computation's own queries: a handful of
statements whatever the number of bodies. A vendor's count of bodies over every round
(``VendorSummary``) changes by the bodies whose ``BodyVendorSummary`` row, counted again,
empties or fills.

Two transactions rebuilding the same rows take turns (PostgreSQL advisory locks, taken before
counting, held to the end of the transaction): the second counts after the first commits, so
neither overwrites the other's count with one that misses a write. A whole round's rebuild
takes its round's lock exclusively, the parts share it.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection
from django.db.models import F, Q

from surveys.models import (
    NOT_ONE,
    Answer,
    BodyRoundSummary,
    BodyRoundVendorSummary,
    BodyTypeSummary,
    BodyVendorSummary,
    RoundSummary,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SurveyRound,
    VendorSummary,
)
from surveys.stats.counting import body_vendor_counts
from surveys.stats.figures import concern_vendor_ids
from surveys.stats.summary_rows import (
    asked_type_ids,
    body_round_rows,
    body_round_vendor_rows,
    body_type_rows,
    round_summaries,
    type_summaries,
    value_summaries,
    vendor_summaries,
)

Part = tuple[int, int, int, int]  # round, body, system type (NOT_ONE: the return), vendor
# Beyond this many answers marked in one round, rebuilding the whole round is cheaper.
MOST_PARTS_PER_ROUND = 200

# --- Locks (PostgreSQL; elsewhere writers never run at once) --------------------------------

_NAMESPACE = 0x0B5C << 48
ROUND, RETURN, ROUND_TYPE, VENDORS, VENDOR = 1, 2, 3, 4, 5


def lock_key(kind: int, a: int = 0, b: int = 0) -> int:
    """An advisory lock's key. Two keys alike only make two writers wait for each other."""
    return _NAMESPACE | kind << 44 | (a & 0x3FFFFF) << 22 | (b & 0x3FFFFF)


def take_locks(keys: Iterable[int], *, shared: bool = False) -> None:
    """Wait for and hold these advisory locks until the transaction ends, in key order."""
    if connection.vendor != "postgresql":
        return
    function = "pg_advisory_xact_lock_shared" if shared else "pg_advisory_xact_lock"
    with connection.cursor() as cursor:
        for key in sorted(set(keys)):
            cursor.execute(f"SELECT {function}(%s)", [key])


# --- What the parts cover -------------------------------------------------------------------


@dataclass
class _Scope:
    """What to rebuild in one round."""

    answers: set[tuple[int, int]] = field(default_factory=set)  # (body, system type)
    vendor_rows: set[tuple[int, int]] = field(default_factory=set)  # (system type, vendor)
    returns: set[int] = field(default_factory=set)  # bodies whose return itself changed
    body_vendors: set[tuple[int, int]] = field(default_factory=set)  # (body, vendor)

    @property
    def types(self) -> set[int]:
        return {t for _, t in self.answers} | {t for t, _ in self.vendor_rows}

    @property
    def bodies(self) -> set[int]:
        return {b for b, _ in self.answers} | self.returns


def scopes(parts: Iterable[Part]) -> dict[int, _Scope]:
    """Per round id, what its parts cover; a return's part covers each of its answers and
    the vendors they name (one query per round with such a part)."""
    by_round: dict[int, _Scope] = defaultdict(_Scope)
    for round_id, body_id, type_id, vendor_id in parts:
        scope = by_round[round_id]
        if type_id == NOT_ONE:
            scope.returns.add(body_id)
            continue
        scope.answers.add((body_id, type_id))
        if vendor_id != NOT_ONE:
            scope.vendor_rows.add((type_id, vendor_id))
            scope.body_vendors.add((body_id, vendor_id))
    for round_id, scope in by_round.items():
        if scope.returns:
            for body_id, type_id, vendor_id in Answer.objects.filter(
                survey_return__survey_round=round_id, survey_return__body__in=scope.returns
            ).values_list("survey_return__body_id", "system_type_id", "answer_vendors__vendor"):
                scope.answers.add((body_id, type_id))
                if vendor_id is not None:
                    scope.vendor_rows.add((type_id, vendor_id))
                    scope.body_vendors.add((body_id, vendor_id))
    return dict(by_round)


def too_many(scope: _Scope) -> bool:
    return len(scope.answers) + len(scope.returns) > MOST_PARTS_PER_ROUND


# --- Rebuilding them ------------------------------------------------------------------------


def rebuild_parts(by_round: dict[int, _Scope]) -> None:
    """Rebuild the rows these scopes cover (``scopes``), in the caller's transaction."""
    rounds = {r.pk: r for r in SurveyRound.objects.filter(pk__in=by_round)}
    by_round = {pk: scope for pk, scope in by_round.items() if pk in rounds}  # else deleted
    vendors = {v for scope in by_round.values() for _, v in scope.vendor_rows}
    take_locks((lock_key(ROUND, pk) for pk in by_round), shared=True)
    take_locks(lock_key(RETURN, pk, b) for pk, s in by_round.items() for b in s.bodies)
    take_locks(lock_key(ROUND_TYPE, pk, t) for pk, s in by_round.items() for t in s.types)
    if vendors:
        take_locks([lock_key(VENDORS)], shared=True)
        take_locks(lock_key(VENDOR, b=v) for v in vendors)
    for pk, scope in by_round.items():
        _rebuild_scope(rounds[pk], scope)
    if vendors:
        _vendor_counts({pair for scope in by_round.values() for pair in scope.body_vendors})


def _vendor_counts(pairs: set[tuple[int, int]]) -> None:
    """Count again the responding answers of these bodies naming these vendors (over every
    round: a few dozen answers a body); each vendor's count of bodies changes by the bodies
    whose count goes from none to some, or back."""
    bodies, vendors = {b for b, _ in pairs}, {v for _, v in pairs}
    now = {(b, v): n for b, v, n in body_vendor_counts(bodies, vendors) if (b, v) in pairs}
    before = {
        (b, v): n
        for b, v, n in BodyVendorSummary.objects.filter(
            body__in=bodies, vendor__in=vendors
        ).values_list("body_id", "vendor_id", "answers")
        if (b, v) in pairs
    }
    _raw_delete(BodyVendorSummary.objects.filter(_pairs(set(before) - set(now), "body", "vendor")))
    BodyVendorSummary.objects.bulk_create(
        [BodyVendorSummary(body_id=b, vendor_id=v, answers=n) for (b, v), n in now.items()],
        update_conflicts=True,
        unique_fields=["vendor", "body"],
        update_fields=["answers"],
    )
    change: dict[int, int] = defaultdict(int)
    for body_id, vendor_id in pairs:
        change[vendor_id] += ((body_id, vendor_id) in now) - ((body_id, vendor_id) in before)
    for vendor_id, by in change.items():
        if by and not VendorSummary.objects.filter(vendor=vendor_id).update(
            bodies=F("bodies") + by
        ):
            VendorSummary.objects.create(vendor_id=vendor_id, bodies=by)
    _raw_delete(VendorSummary.objects.filter(vendor__in=vendors, bodies=0))


def _pairs(pairs: Iterable[tuple[int, int]], first: str, second: str) -> Q:
    q = Q(pk__in=[])
    for a, b in sorted(pairs):
        q |= Q(**{first: a, second: b})
    return q


def _raw_delete(queryset) -> None:
    queryset._raw_delete(queryset.db)


def _rebuild_scope(survey_round: SurveyRound, scope: _Scope) -> None:
    rounds, types = [survey_round], scope.types
    if scope.returns:
        RoundSummary.objects.bulk_create(
            round_summaries(rounds),
            update_conflicts=True,
            unique_fields=["survey_round"],
            update_fields=["invited", "responded"],
        )
    if types:
        rows = type_summaries(rounds, types)
        _raw_delete(
            RoundTypeSummary.objects.filter(
                survey_round=survey_round, system_type__in=types
            ).exclude(system_type__in=[row.system_type_id for row in rows])
        )
        RoundTypeSummary.objects.bulk_create(
            rows,
            update_conflicts=True,
            unique_fields=["survey_round", "system_type"],
            update_fields=["answers", "answered", "vendor_links", "counts", "cited"],
        )
        _raw_delete(
            RoundTypeValueSummary.objects.filter(survey_round=survey_round, system_type__in=types)
        )
        RoundTypeValueSummary.objects.bulk_create(value_summaries(rounds, types))
    if scope.vendor_rows:
        wanted = scope.vendor_rows
        _raw_delete(
            RoundTypeVendorSummary.objects.filter(survey_round=survey_round).filter(
                _pairs(wanted, "system_type", "vendor")
            )
        )
        RoundTypeVendorSummary.objects.bulk_create(
            row
            for row in vendor_summaries(rounds, {t for t, _ in wanted}, {v for _, v in wanted})
            if (row.system_type_id, row.vendor_id) in wanted
        )
    if scope.body_vendors:  # the bodies naming each vendor in the round
        _raw_delete(
            BodyRoundVendorSummary.objects.filter(survey_round=survey_round).filter(
                _pairs(scope.body_vendors, "body", "vendor")
            )
        )
        body_round_vendor_rows(
            rounds, _pairs(scope.body_vendors, "answer__survey_return__body", "vendor")
        )
    asked = asked_type_ids(survey_round)
    if scope.answers:
        concern_ids = concern_vendor_ids(rounds)[survey_round.pk]
        _raw_delete(
            BodyTypeSummary.objects.filter(survey_round=survey_round).filter(
                _pairs(scope.answers, "body", "system_type")
            )
        )
        answers = _pairs(scope.answers, "survey_return__body", "system_type")
        body_type_rows(survey_round, concern_ids, asked, answers)
    _raw_delete(BodyRoundSummary.objects.filter(survey_round=survey_round, body__in=scope.bodies))
    body_round_rows(survey_round, asked, sorted(scope.bodies))
