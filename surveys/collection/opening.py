"""Opening a round to be collected online, and the editors' changes to it while it is open:
an invitation added or withdrawn, a link revoked or reissued, the links' expiry extended.

``open_round`` checks everything before it writes anything: a refused round leaves no row.
"""

from __future__ import annotations

import datetime
from collections.abc import Sequence
from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone

from surveys.collection import tokens
from surveys.models import (
    Body,
    Collection,
    CollectionSystemType,
    Invitation,
    SurveyRound,
    SystemType,
)
from surveys.models.collection import GRACE_DAYS


class RoundRefused(ValueError):
    """The round cannot be opened (or changed) as asked; nothing was written."""


@dataclass(frozen=True)
class RoundPlan:
    year: int
    deadline: datetime.date
    links_expire_on: datetime.date
    system_types: list[SystemType]
    unit_types: list[SystemType]
    bodies: list[Body]
    previous: SurveyRound | None


def previous_round(year: int) -> SurveyRound | None:
    """The last public round before ``year`` with per-body returns (else the last round):
    its bodies and system types are the default. A round recorded without per-body returns
    (the 2023 drone survey, known only from its published totals) says nothing of who was
    asked, so the round before it does."""
    rounds = SurveyRound.objects.filter(year__lt=year).prefetch_related("coverage__system_type")
    with_returns = rounds.filter(returns__isnull=False).distinct().order_by("-year").first()
    return with_returns or rounds.order_by("-year").first()


def default_system_types(previous: SurveyRound | None) -> list[SystemType]:
    """The system types the previous round asked about; every survey category where it asked
    about all (or there is none)."""
    if previous is not None:
        covered = sorted(
            (row.system_type for row in previous.coverage.all()), key=lambda t: t.position
        )
        if covered:
            return covered
    return list(SystemType.objects.filter(is_survey_category=True).order_by("position"))


def bodies_in_scope(previous: SurveyRound | None) -> list[Body]:
    """The bodies with a return in the previous round, each replaced by the last of its
    successors: a merged body's successor is invited once, never a body that was succeeded."""
    bodies = {body.pk: body for body in Body.objects.all()}
    if previous is None or not previous.returns.exists():  # nobody known to have been asked
        return sorted((b for b in bodies.values() if not b.succeeded_by_id), key=lambda b: b.name)
    invited: dict[int, Body] = {}
    for body_id in previous.returns.values_list("body_id", flat=True):
        body, seen = bodies[body_id], {body_id}
        while body.succeeded_by_id and body.succeeded_by_id not in seen:
            body = bodies[body.succeeded_by_id]
            seen.add(body.pk)
        invited[body.pk] = body
    return sorted(invited.values(), key=lambda b: b.name)


def _types_by_slug(slugs: Sequence[str], option: str) -> list[SystemType]:
    found = {t.slug: t for t in SystemType.objects.filter(slug__in=slugs)}
    unknown = [slug for slug in slugs if slug not in found]
    if unknown:
        known = ", ".join(SystemType.objects.order_by("position").values_list("slug", flat=True))
        raise RoundRefused(
            f"{option}: unknown system type(s) {', '.join(unknown)}. Known: {known}."
        )
    return sorted(found.values(), key=lambda t: t.position)


def plan_round(
    year: int,
    *,
    deadline: datetime.date,
    system_types: Sequence[str] = (),
    grace_days: int = GRACE_DAYS,
    units: Sequence[str] = (),
    today: datetime.date | None = None,
) -> RoundPlan:
    """What ``open_round`` would create; raises RoundRefused and writes nothing."""
    today = today or timezone.localdate()
    problems = []
    if not 2000 <= year <= 2100:
        problems.append(f"{year} is not a plausible survey year (2000 to 2100).")
    if SurveyRound.objects.filter(year=year).exists():
        problems.append(f"A {year} round is already public: a round is opened once.")
    if Collection.objects.filter(year=year).exists():
        problems.append(f"A {year} round has already been opened for collection.")
    if deadline < today:
        problems.append(f"The deadline {deadline:%-d %B %Y} is in the past (today is {today}).")
    if grace_days < 0:
        problems.append("The grace period is a number of days, 0 or more.")
    if problems:
        raise RoundRefused(" ".join(problems))
    previous = previous_round(year)
    chosen = (
        _types_by_slug(system_types, "--system-types")
        if system_types
        else default_system_types(previous)
    )
    if not chosen:
        raise RoundRefused("The round asks about no system type: name some with --system-types.")
    unit_types = _types_by_slug(units, "--units") if units else []
    outside = [t.slug for t in unit_types if t not in chosen]
    if outside:
        raise RoundRefused(
            f"--units names system type(s) the round does not ask about: {', '.join(outside)}."
        )
    return RoundPlan(
        year=year,
        deadline=deadline,
        links_expire_on=deadline + datetime.timedelta(days=grace_days),
        system_types=chosen,
        unit_types=unit_types,
        bodies=bodies_in_scope(previous),
        previous=previous,
    )


@transaction.atomic
def open_round(
    year: int,
    *,
    deadline: datetime.date,
    system_types: Sequence[str] = (),
    grace_days: int = GRACE_DAYS,
    units: Sequence[str] = (),
    offer_previous_answers: bool = False,
    user=None,
    today: datetime.date | None = None,
) -> Collection:
    """Open the round: the collection, the system types it asks about and an invitation, with
    a token issued but never shown, for each body in scope. ``invitation_links`` or
    ``send_invitations`` issue the tokens people receive."""
    plan = plan_round(
        year,
        deadline=deadline,
        system_types=system_types,
        grace_days=grace_days,
        units=units,
        today=today,
    )
    collection = Collection(
        year=year,
        deadline=plan.deadline,
        links_expire_on=plan.links_expire_on,
        offer_previous_answers=offer_previous_answers,
        opened_by=user,
    )
    collection._change_reason = f"Round opened by {user or 'open_round'}"
    collection.save()
    for system_type in plan.system_types:
        CollectionSystemType.objects.create(
            collection=collection,
            system_type=system_type,
            asks_unit_count=system_type in plan.unit_types,
        )
    for body in plan.bodies:
        add_invitation(collection, body, user=user)
    return collection


def _open(collection: Collection) -> None:
    if collection.published_at is not None:
        raise RoundRefused(f"The {collection.year} round is published: its invitations are closed.")


def add_invitation(
    collection: Collection, body: Body, *, contact_email: str = "", user=None
) -> Invitation:
    """Invite one more body (its token issued, not shown)."""
    _open(collection)
    if body.succeeded_by_id:
        raise RoundRefused(f"{body.name} has a successor: invite the successor instead.")
    if collection.invitations.filter(body=body).exists():
        raise RoundRefused(f"{body.name} is already invited to the {collection.year} round.")
    invitation = Invitation(collection=collection, body=body, contact_email=contact_email)
    tokens.issue(invitation)
    _save(invitation, f"Invited by {user or 'open_round'}", user)
    return invitation


def _save(record, reason: str, user) -> None:
    """Saved with its history saying why and who."""
    record._change_reason = reason
    record._history_user = user
    record.save()


def withdraw(invitation: Invitation, *, user=None) -> None:
    """The body is no longer in the round's scope: its link stops working and, at publication,
    it has no return in the round."""
    _open(invitation.collection)
    if invitation.withdrawn_at is None:
        invitation.withdrawn_at = timezone.now()
        _save(invitation, f"Withdrawn by {user}", user)


def reinstate(invitation: Invitation, *, user=None) -> None:
    """A withdrawal undone: the body is in the round again and its link (unless revoked since)
    works again; its return, if it had begun one, is as it was left."""
    _open(invitation.collection)
    if invitation.withdrawn_at is None:
        return
    if invitation.body.succeeded_by_id:
        raise RoundRefused(
            f"{invitation.body.name} has a successor since: invite the successor instead."
        )
    invitation.withdrawn_at = None
    _save(invitation, f"Reinstated by {user}", user)


def revoke(invitation: Invitation, *, user=None) -> None:
    """The link stops working until a new one is issued."""
    if invitation.revoked_at is None:
        invitation.revoked_at = timezone.now()
        _save(invitation, f"Link revoked by {user}", user)


def reissue(invitation: Invitation, *, user=None, why: str = "reissued") -> str:
    """A new link for the invitation (the earlier one stops working); the token is returned
    to be handed over, never stored or logged."""
    _open(invitation.collection)
    token = tokens.issue(invitation)
    _save(invitation, f"Link {why} by {user or 'a command'}", user)
    return token


def extend_links(collection: Collection, until: datetime.date, *, user=None) -> None:
    """The links work until ``until`` (never before the deadline)."""
    _open(collection)
    if until < collection.deadline:
        raise RoundRefused(
            f"The links cannot expire before the deadline ({collection.deadline:%-d %B %Y})."
        )
    collection.links_expire_on = until
    _save(collection, f"Links extended to {until} by {user}", user)


def collection_for(year: int) -> Collection:
    """The collection of ``year``; RoundRefused naming the open ones when there is none."""
    found = Collection.objects.filter(year=year).first()
    if found is None:
        years = ", ".join(str(y) for y in Collection.objects.values_list("year", flat=True))
        raise RoundRefused(
            f"No {year} round has been opened for collection"
            + (f" (opened: {years})." if years else ": open one with open_round.")
        )
    return found
