"""Drafts of the overview's key findings: the one path by which the admin adds, changes or
removes a key finding. A draft changes nothing public; publishing applies it (validated
again: the key findings may have changed since), by a second editor where
settings.CORRECTIONS_NEED_SECOND_EDITOR asks. Each step is written to history with its reason.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.editorial.corrections import PublishRefused, may_publish
from surveys.models import KeyFinding, KeyFindingDraft, PublishedFinding

Action = KeyFindingDraft.Action


@transaction.atomic
def save_draft(
    *,
    action: str,
    finding: PublishedFinding,
    position: int,
    sentence: str,
    reason: str,
    user=None,
    key_finding: KeyFinding | None = None,
) -> KeyFindingDraft:
    """Validate and save a proposed addition, change or removal; nothing public changes."""
    reason = reason.strip()
    if not reason:
        raise ValidationError({"reason": "Say why the key finding changes."})
    if (action == Action.ADD) != (key_finding is None):
        raise ValidationError("An addition names no key finding; a change or removal names one.")
    draft = KeyFindingDraft(
        action=action,
        key_finding=key_finding,
        finding=finding,
        position=position,
        sentence=sentence.strip(),
        reason=reason,
        drafted_by=user,
    )
    draft.full_clean()
    draft._change_reason = f"Draft: {reason}"
    draft._history_user = user
    draft.save()
    return draft


def apply(draft: KeyFindingDraft, *, change_reason: str, user=None) -> KeyFinding | None:
    """Make the key finding what the draft proposes (the caller owns the transaction)."""
    if draft.action == Action.ADD:
        key = KeyFinding()
    elif draft.key_finding_id is None:
        raise ValidationError("The key finding it changes has been removed since it was drafted.")
    else:
        key = KeyFinding.objects.select_for_update().get(pk=draft.key_finding_id)
    key._change_reason = change_reason
    key._history_user = user
    if draft.action == Action.DELETE:
        key.delete()
        return None
    key.finding, key.position, key.sentence = draft.finding, draft.position, draft.sentence
    key.full_clean()  # another draft may have made this finding a key finding since
    key.save()
    return key


@transaction.atomic
def publish(draft: KeyFindingDraft, *, user) -> KeyFinding | None:
    locked = (
        KeyFindingDraft.objects.select_for_update(of=("self",))
        .select_related("finding", "drafted_by")
        .filter(pk=draft.pk)
        .first()
    )
    if locked is None:
        raise PublishRefused("This draft has already been published or discarded.")
    if why := may_publish(locked, user):
        raise PublishRefused(why)
    by = f"drafted by {locked.drafted_by or 'an editor'}, published by {user}"
    key = apply(locked, change_reason=f"{locked.reason} ({by})", user=user)
    locked._change_reason = f"Published ({by})"
    locked._history_user = user
    locked.delete()
    return key


@transaction.atomic
def discard(draft: KeyFindingDraft, *, user) -> None:
    """Delete a draft before publication; its history keeps a record."""
    draft._change_reason = "Draft discarded before publication"
    draft._history_user = user
    draft.delete()
