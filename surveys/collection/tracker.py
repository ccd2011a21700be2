"""The tracker: where each invitation of a round stands (form opened, draft, submitted, returned,
accepted, late, withdrawn), its counts, and the same rows as CSV. One query for the rows and
one for the counts, however many bodies are invited."""

from __future__ import annotations

import datetime

from django.db.models import Count, F, Q, QuerySet
from django.utils import timezone

from surveys.models import Invitation, OnlineReturn

Status = OnlineReturn.Status
SUBMITTED = (Status.SUBMITTED, Status.ACCEPTED)

NOT_STARTED = "not started"


def tracked(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    return invitations.select_related("body", "collection", "online_return")


def online_return_of(invitation: Invitation) -> OnlineReturn | None:
    try:
        return invitation.online_return
    except OnlineReturn.DoesNotExist:
        return None


def stage(invitation: Invitation) -> str:
    """Where the body's return stands, in the tracker's words."""
    if invitation.withdrawn_at is not None:
        return "withdrawn"
    online = online_return_of(invitation)
    if online is None or is_unsaved(online):
        return "form opened" if invitation.first_opened_at else NOT_STARTED
    return online.get_status_display().lower()


def is_unsaved(online: OnlineReturn) -> bool:
    """Made when the form or questionnaire was first opened; nothing saved since (a save
    raises the version)."""
    return online.status == Status.DRAFT and online.version <= 1


def is_late(invitation: Invitation, today: datetime.date | None = None) -> bool:
    """Submitted after the deadline, or not submitted and the deadline has passed."""
    if invitation.withdrawn_at is not None:
        return False
    deadline = invitation.collection.deadline
    online = online_return_of(invitation)
    if online is not None and online.submitted_at is not None and online.status in SUBMITTED:
        return timezone.localdate(online.submitted_at) > deadline
    return (today or timezone.localdate()) > deadline


def counts(invitations: QuerySet[Invitation], today: datetime.date | None = None) -> dict:
    """How many invitations are at each stage (withdrawn ones counted apart), in one query."""
    today = today or timezone.localdate()
    live = Q(withdrawn_at__isnull=True)
    status = "online_return__status"
    submitted = Q(**{f"{status}__in": SUBMITTED})
    late = (submitted & Q(online_return__submitted_at__date__gt=F("collection__deadline"))) | (
        ~submitted & Q(collection__deadline__lt=today)
    )
    found = invitations.aggregate(
        invited=Count("pk", filter=live),
        withdrawn=Count("pk", filter=~live),
        opened=Count("pk", filter=live & Q(first_opened_at__isnull=False)),
        draft=Count(
            "pk", filter=live & Q(**{status: Status.DRAFT, "online_return__version__gt": 1})
        ),
        submitted=Count("pk", filter=live & Q(**{status: Status.SUBMITTED})),
        returned=Count("pk", filter=live & Q(**{status: Status.RETURNED})),
        accepted=Count("pk", filter=live & Q(**{status: Status.ACCEPTED})),
        late=Count("pk", filter=live & late),
    )
    return found


def counts_text(found: dict) -> list[tuple[str, int]]:
    return [
        ("Invited", found["invited"]),
        ("Form opened", found["opened"]),
        ("Draft", found["draft"]),
        ("Submitted, to review", found["submitted"]),
        ("Returned to the body", found["returned"]),
        ("Accepted", found["accepted"]),
        ("Late", found["late"]),
        ("Withdrawn", found["withdrawn"]),
    ]


def when(value: datetime.datetime | None) -> str:
    return f"{timezone.localtime(value):%Y-%m-%d %H:%M}" if value else ""


CSV_HEADER = [
    "round",
    "body",
    "stage",
    "form_opened",
    "submitted_at",
    "submitted_by",
    "submitted_by_role",
    "late",
    "last_reminded",
    "withdrawn_at",
    "contact_email",
]


def csv_rows(invitations: QuerySet[Invitation], today: datetime.date | None = None):
    for invitation in tracked(invitations).order_by("collection__year", "body__name"):
        online = online_return_of(invitation)
        yield [
            invitation.collection.year,
            invitation.body.name,
            stage(invitation),
            when(invitation.first_opened_at),
            when(online.submitted_at) if online else "",
            online.submitted_by_name if online else "",
            online.submitted_by_role if online else "",
            "yes" if is_late(invitation, today) else "no",
            when(invitation.last_reminded_at),
            when(invitation.withdrawn_at),
            invitation.contact_email,
        ]
