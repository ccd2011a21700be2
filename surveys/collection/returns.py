"""A body's return at its secret link: opened, saved as a draft, submitted.

Every write is one transaction on the return's row, locked: a save carries the version it was
made from and is refused if another save came first (two people editing: the second is told,
never silently overwritten), so a crash between saves loses at most the unsaved edit. A
submitted return is closed to the body until an editor returns it (status "returned").
"""

from __future__ import annotations

from collections.abc import Mapping

from django.db import transaction
from django.utils import timezone

from surveys.collection.return_values import AnswerData
from surveys.models import CollectionSystemType, Invitation, OnlineAnswer, OnlineReturn
from surveys.models.collection import NAME_MAX

LINK = "the body's link"  # saved_by of a draft saved at the link


class ReturnError(Exception):
    """A save the return cannot take; the message is for the person at the link."""


class StaleReturn(ReturnError):
    def __init__(self, online_return: OnlineReturn):
        self.online_return = online_return
        saved = timezone.localtime(online_return.saved_at).strftime("%H:%M on %-d %B %Y")
        super().__init__(
            f"Someone else saved this return at {saved}, after you opened it. Your changes "
            "have not been saved: nothing of theirs was overwritten. Open the form again to "
            "see their answers, then make your changes again."
        )


class ReturnClosed(ReturnError):
    def __init__(self):
        super().__init__(
            "This return has been submitted: it can no longer be changed here. If something "
            "needs correcting, contact the Commissioner's office, who can reopen it."
        )


def peek_return(invitation: Invitation) -> OnlineReturn:
    """The invitation's return as its start page shows it (unsaved when there is none yet),
    without marking the invitation opened: an email scanner that follows the link in an
    invitation leaves no trace in the tracker. The form or questionnaire opens it."""
    found = OnlineReturn.objects.filter(invitation=invitation).first()
    return found or OnlineReturn(invitation=invitation)


def open_return(invitation: Invitation) -> OnlineReturn:
    """The invitation's return, made when the form or questionnaire is first opened (when the
    invitation is marked opened)."""
    if invitation.first_opened_at is None:
        now = timezone.now()
        # A conditional update: two first opens at once keep the earlier time.
        Invitation.objects.filter(pk=invitation.pk, first_opened_at__isnull=True).update(
            first_opened_at=now
        )
        invitation.first_opened_at = now
    online_return, _ = OnlineReturn.objects.get_or_create(invitation=invitation)
    online_return.invitation = invitation
    return online_return


def _locked(online_return: OnlineReturn, expected_version: int) -> OnlineReturn:
    locked = OnlineReturn.objects.select_for_update().get(pk=online_return.pk)
    if not locked.body_may_edit:
        raise ReturnClosed()
    if locked.version != expected_version:
        raise StaleReturn(locked)
    return locked


def _write_answers(
    online_return: OnlineReturn, answers: Mapping[int, AnswerData], reason: str
) -> None:
    asked = set(
        CollectionSystemType.objects.filter(
            collection_id=online_return.invitation.collection_id
        ).values_list("system_type_id", flat=True)
    )
    if unknown := set(answers) - asked:
        raise ValueError(f"system types {sorted(unknown)} are not asked in this round")
    for system_type_id, data in answers.items():
        answer = OnlineAnswer.objects.filter(
            online_return=online_return, system_type_id=system_type_id
        ).first() or OnlineAnswer(online_return=online_return, system_type_id=system_type_id)
        for name in (
            "operates",
            "other_vendors",
            "unit_count",
            "aware_of_concerns",
            "intent",
            "kinds",
            "notes",
        ):
            setattr(answer, name, getattr(data, name))
        answer._change_reason = reason
        answer.save()
        if sorted(v.pk for v in answer.vendors.all()) != sorted(data.vendor_ids):
            answer.vendors.set(data.vendor_ids)


def save_draft(
    online_return: OnlineReturn,
    answers_data: Mapping[int, AnswerData],
    *,
    expected_version: int,
    saved_by: str,
    reason: str = "Draft saved at the body's link",
) -> OnlineReturn:
    """Save the answers (by system type id) as the return's draft, if the return is still at
    ``expected_version``; raises StaleReturn or ReturnClosed, writing nothing, if not."""
    with transaction.atomic():
        locked = _locked(online_return, expected_version)
        locked.invitation = online_return.invitation
        _write_answers(locked, answers_data, reason)
        locked.version += 1
        locked.saved_by = saved_by[: NAME_MAX + 40]
        locked._change_reason = reason
        locked.save()
        locked.refresh_from_db()
    return locked


def submit(
    online_return: OnlineReturn, *, name: str, role: str, expected_version: int
) -> OnlineReturn:
    """Submit the return as its draft stands, in the name of the person submitting. Twice is
    once: a return already submitted comes back as it is. System types never answered are
    submitted as not known."""
    name, role = name.strip(), role.strip()
    if not name or not role or len(name) > NAME_MAX or len(role) > NAME_MAX:
        raise ValueError(f"a name and a role, each of 1 to {NAME_MAX} characters")
    with transaction.atomic():
        locked = OnlineReturn.objects.select_for_update().get(pk=online_return.pk)
        if locked.status in (OnlineReturn.Status.SUBMITTED, OnlineReturn.Status.ACCEPTED):
            return locked
        locked = _locked(online_return, expected_version)
        locked.invitation = online_return.invitation
        answered = set(locked.answers.values_list("system_type_id", flat=True))
        missing = CollectionSystemType.objects.filter(
            collection_id=locked.invitation.collection_id
        ).exclude(system_type_id__in=answered)
        reason = f"Submitted by {name} ({role})"
        _write_answers(locked, {c.system_type_id: AnswerData() for c in missing}, reason)
        locked.status = OnlineReturn.Status.SUBMITTED
        locked.submitted_at = timezone.now()
        locked.submitted_by_name = name
        locked.submitted_by_role = role
        locked.saved_by = f"{name} ({role})"
        locked.version += 1
        locked._change_reason = reason
        locked.save()
        locked.refresh_from_db()
    return locked
