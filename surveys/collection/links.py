"""The links people receive: printed as CSV for the editors to hand over, or emailed to each
invitation's contact, first as an invitation and later as a reminder.

Only a token's hash is stored, so every link handed out is a freshly issued token and the
invitation's earlier link stops working. A token is never logged: it exists only in the
returned link or the email itself.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

from django.conf import settings
from django.core.mail import EmailMessage, get_connection
from django.db import transaction
from django.db.models import Q, QuerySet
from django.utils import timezone

from surveys.collection import opening
from surveys.models import Collection, Invitation, OnlineReturn

DEFAULT_BASE = "http://127.0.0.1:8000"


def site_base() -> str:
    return (settings.SITE_URL or DEFAULT_BASE).rstrip("/")


def link_for(token: str) -> str:
    """The address of a body's return form."""
    return f"{site_base()}/returns/{token}/"


def live_invitations(collection: Collection) -> QuerySet[Invitation]:
    """The invitations whose link may be handed out: not withdrawn (a revoked link gets a new
    token when it is handed out again)."""
    return collection.invitations.filter(withdrawn_at__isnull=True).select_related("body")


def not_yet_submitted(invitations: QuerySet[Invitation]) -> QuerySet[Invitation]:
    """Invitations with nothing submitted: no return yet, a draft, or one returned to the body."""
    return invitations.filter(
        Q(online_return__isnull=True)
        | Q(online_return__status__in=[OnlineReturn.Status.DRAFT, OnlineReturn.Status.RETURNED])
    )


def invitation_links(
    collection: Collection, *, body_slug: str = "", user=None
) -> list[tuple[Invitation, str]]:
    """A fresh link for each live invitation (or the one body's): (invitation, link)."""
    invitations = live_invitations(collection)
    if body_slug:
        invitations = invitations.filter(body__slug=body_slug)
        if not invitations.exists():
            raise opening.RoundRefused(
                f"No live invitation for a body with the slug {body_slug!r} in the "
                f"{collection.year} round."
            )
    links = []
    with transaction.atomic():
        for invitation in invitations.order_by("body__name"):
            token = opening.reissue(invitation, user=user, why="printed")
            links.append((invitation, link_for(token)))
    return links


@dataclass
class Sent:
    emailed: list[Invitation] = field(default_factory=list)
    no_contact: list[Invitation] = field(default_factory=list)
    failed: list[tuple[Invitation, str]] = field(default_factory=list)


def _message(invitation: Invitation, link: str, *, reminder: bool) -> EmailMessage:
    collection = invitation.collection
    deadline = f"{collection.deadline:%-d %B %Y}"
    if reminder:
        subject = f"Reminder: the {collection.year} police surveillance camera survey"
        opening_line = (
            f"This is a reminder that {invitation.body.name}'s return to the {collection.year} "
            f"survey is due by {deadline} and has not been submitted yet."
        )
    else:
        subject = f"The {collection.year} police surveillance camera survey"
        opening_line = (
            f"{invitation.body.name} is invited to answer the {collection.year} survey of police "
            f"use of surveillance camera systems, by {deadline}."
        )
    text = (
        f"{opening_line}\n\n"
        f"Your return is at this link, which is for {invitation.body.name} only:\n\n{link}\n\n"
        "You can save a draft and come back to it. Any earlier link for this return no longer "
        f"works. The link works until {collection.links_expire_on:%-d %B %Y}.\n"
    )
    return EmailMessage(subject, text, to=[invitation.contact_email])


def send_invitations(
    collection: Collection,
    *,
    reminders: bool = False,
    invitations: Iterable[Invitation] | None = None,
    user=None,
) -> Sent:
    """Email each live invitation (or, for reminders, each not yet submitted) a fresh link.
    Invitations with no contact are listed, not emailed, and keep their link."""
    if invitations is None:
        chosen = live_invitations(collection)
        invitations = not_yet_submitted(chosen) if reminders else chosen
    sent = Sent()
    connection = get_connection()
    for invitation in sorted(invitations, key=lambda i: i.body.name):
        if invitation.withdrawn_at is not None:
            continue
        if reminders and _submitted(invitation):
            continue
        if not invitation.contact_email:
            sent.no_contact.append(invitation)
            continue
        if reminders:
            invitation.last_reminded_at = timezone.now()
        token = opening.reissue(invitation, user=user, why="reminder" if reminders else "sent")
        try:
            connection.send_messages([_message(invitation, link_for(token), reminder=reminders)])
        except Exception as exc:  # noqa: BLE001 (an SMTP or socket error: say which body)
            sent.failed.append((invitation, type(exc).__name__))
            continue
        sent.emailed.append(invitation)
    return sent


def _submitted(invitation: Invitation) -> bool:
    try:
        return not invitation.online_return.body_may_edit
    except OnlineReturn.DoesNotExist:
        return False


def prints_to_the_log() -> bool:
    """The console backend writes each message, link and all, to standard output: in a
    server that is the log, where a token must never be."""
    return settings.EMAIL_BACKEND == "django.core.mail.backends.console.EmailBackend"
