"""The secret link of an invitation: a random token shown once, stored only as its SHA-256.

A token reaches one body's return and nothing else. A wrong, expired, revoked or withdrawn
token is the same ``None`` to the caller, so a page can answer every one with the same 404.
"""

from __future__ import annotations

import datetime
import hashlib
import secrets

from django.utils import timezone

from surveys.models import Invitation

TOKEN_BYTES = 32  # 256 bits, at least the 128 the links need
# urlsafe base64 of 32 bytes: 43 characters of A-Z a-z 0-9 - _
TOKEN_PATTERN = r"[A-Za-z0-9_-]{43}"


def new_token() -> str:
    return secrets.token_urlsafe(TOKEN_BYTES)


def digest(token: str) -> str:
    return hashlib.sha256(token.encode("ascii", "replace")).hexdigest()


def issue(invitation: Invitation) -> str:
    """Give the invitation a new token (the old one stops working) and return it: the only
    time the token exists outside the recipient's hands. The caller saves the invitation."""
    token = new_token()
    invitation.token_hash = digest(token)
    invitation.token_issued_at = timezone.now()
    invitation.revoked_at = None
    return token


def is_live(invitation: Invitation, today: datetime.date | None = None) -> bool:
    """The link works: not revoked, not withdrawn, not past the collection's expiry, and the
    collection not yet published (a published round's returns are closed)."""
    today = today or timezone.localdate()
    collection = invitation.collection
    return (
        invitation.revoked_at is None
        and invitation.withdrawn_at is None
        and collection.published_at is None
        and today <= collection.links_expire_on
    )


def invitation_for(token: str, today: datetime.date | None = None) -> Invitation | None:
    """The live invitation the token opens, or None (wrong, expired, revoked: the same)."""
    if not token or len(token) > 100:
        return None
    invitation = (
        Invitation.objects.select_related("collection", "body")
        .filter(token_hash=digest(token))
        .first()
    )
    if invitation is None or not is_live(invitation, today):
        return None
    return invitation
