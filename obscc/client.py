"""The client's address: one rule for the whole app (login lockout, API limit, logs).

Not behind a proxy, it is the TCP peer (``REMOTE_ADDR``). Behind ``PROXY_COUNT`` trusted
proxies, each appends the address it received the request from to ``X-Forwarded-For``, so the
client is the ``PROXY_COUNT``-th entry from the right; entries further left were written by the
client and are never trusted. A header shorter than that did not pass through every proxy: the
peer address is used instead.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from rest_framework.throttling import AnonRateThrottle


def _valid(address: str) -> str:
    try:
        return str(ipaddress.ip_address(address))
    except ValueError:
        return ""


def client_ip(request) -> str:
    """The client's address as this deployment can trust it ("" when there is none)."""
    peer = _valid(request.META.get("REMOTE_ADDR", "").strip())
    count = settings.PROXY_COUNT if settings.BEHIND_PROXY else 0
    if count < 1:
        return peer
    header = request.META.get("HTTP_X_FORWARDED_FOR", "")
    entries = [entry.strip() for entry in header.split(",")]
    if len(entries) < count or not entries[-count]:
        return peer
    return _valid(entries[-count]) or peer


class ClientRateThrottle(AnonRateThrottle):
    """The API limit per client address (``client_ip``), counted in the default cache: shared
    by every worker and process when that cache is Redis, per process otherwise."""

    def get_ident(self, request) -> str:
        return client_ip(request) or "unknown"
