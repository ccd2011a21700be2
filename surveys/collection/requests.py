"""Maker-checker for a collection: publishing the round, returning a return to its body, and an
editor's change to a submitted return are each a ``CollectionRequest``.

With settings.CORRECTIONS_NEED_SECOND_EDITOR a second, different editor approves it (as for a
correction or an import draft: ``corrections.may_publish``); without it the request is approved
as it is made. Approving carries the request out in the same transaction: if it cannot be
carried out (the return was saved since, the deadline has not passed) nothing is decided.
"""

from __future__ import annotations

from django.conf import settings
from django.db import transaction
from django.utils import timezone

from surveys.collection import publishing, review
from surveys.editorial.corrections import may_publish
from surveys.limits import REASON_MAX
from surveys.models import Collection, CollectionRequest, OnlineReturn

Kind = CollectionRequest.Kind


class RequestRefused(ValueError):
    """The request cannot be made or decided as asked; nothing was written."""


def make(
    collection: Collection,
    kind: str,
    *,
    user,
    online_return: OnlineReturn | None = None,
    payload: dict | None = None,
    message: str = "",
) -> CollectionRequest:
    """Record an editor's request; carried out at once unless a second editor must approve."""
    with transaction.atomic():
        waiting = CollectionRequest.objects.filter(
            collection=collection, kind=kind, online_return=online_return, approved__isnull=True
        )
        if waiting.exists():
            raise RequestRefused(
                "The same request is already waiting for a second editor: approve or reject "
                "that one first."
            )
        _check(collection, kind, online_return, payload or {}, message)
        request = CollectionRequest(
            collection=collection,
            online_return=online_return,
            kind=kind,
            payload=payload or {},
            message=message.strip(),
            requested_by=user,
        )
        request._history_user = user
        request._change_reason = f"Requested by {user}"
        request.save()
        if not settings.CORRECTIONS_NEED_SECOND_EDITOR:
            _approve(request, user=user)
    return request


def _check(collection, kind, online_return, payload, message) -> None:
    """Refuse at once what could never be carried out (a second editor is not asked to)."""
    try:
        if kind == Kind.PUBLISH:
            if found := publishing.problems(collection):
                raise RequestRefused(" ".join(found))
        elif kind == Kind.REOPEN:
            if not message.strip():
                raise RequestRefused("Say what the body should look at: it sees the message.")
            if len(message.strip()) > REASON_MAX:
                raise RequestRefused(f"The message is at most {REASON_MAX:,} characters.")
            if online_return.status not in (
                OnlineReturn.Status.SUBMITTED,
                OnlineReturn.Status.ACCEPTED,
            ):
                raise RequestRefused("Only a submitted or accepted return can be returned.")
        elif kind == Kind.CHANGE:
            if errors := review.check_change(online_return, payload.get("answers", {})):
                raise RequestRefused(" ".join(errors))
        else:
            raise RequestRefused(f"Unknown request {kind!r}.")
    except review.ReviewRefused as exc:
        raise RequestRefused(str(exc)) from exc


def why_not_decide(request: CollectionRequest, user) -> str:
    """Why ``user`` may not approve the request ("" when they may)."""
    if request.approved is not None:
        return "This request is already decided."
    return may_publish(request.requested_by_id, user)


def decide(request: CollectionRequest, *, user, approve: bool) -> CollectionRequest:
    """A second editor's decision: approving carries the request out."""
    with transaction.atomic():
        request = CollectionRequest.objects.select_for_update().get(pk=request.pk)
        if request.approved is not None:
            raise RequestRefused("This request is already decided.")
        if not approve:
            request.approved = False
            request.decided_by = user
            request.decided_at = timezone.now()
            request._history_user = user
            request._change_reason = f"Rejected by {user}"
            request.save()
            return request
        if why := why_not_decide(request, user):
            raise RequestRefused(why)
        _approve(request, user=user)
    return request


def _approve(request: CollectionRequest, *, user) -> None:
    try:
        _carry_out(request, user=request.requested_by)
    except (review.ReviewRefused, publishing.PublishRefused) as exc:
        raise RequestRefused(str(exc)) from exc
    request.approved = True
    request.decided_by = user
    request.decided_at = timezone.now()
    request._history_user = user
    request._change_reason = f"Approved by {user}"
    request.save()


def _carry_out(request: CollectionRequest, *, user) -> None:
    """Done in the maker's name: the checker's approval is on the request."""
    if request.kind == Kind.PUBLISH:
        publishing.publish_round(request.collection, user=user)
    elif request.kind == Kind.REOPEN:
        review.reopen(request.online_return, message=request.message, user=user)
    elif request.kind == Kind.CHANGE:
        review.change(
            request.online_return,
            answers=request.payload.get("answers", {}),
            version=request.payload.get("version", -1),
            user=user,
            reason=request.message,
        )
