"""One client address for the whole app, behind a proxy or not (login lockout, API limit, logs).

Behind the compose file's proxy (BEHIND_PROXY=1, PROXY_COUNT=1) the proxy appends the peer it
saw to X-Forwarded-For; anything to its left was written by the client.
"""

import json
import logging
import secrets

import pytest
from django.core.cache import cache
from django.test import RequestFactory
from rest_framework.throttling import AnonRateThrottle

from obscc.client import client_ip
from obscc.logs import JsonFormatter
from surveys.editorial.roles import EDITORS
from tests import factories as f
from tests.factories import PASSWORD


@pytest.fixture
def behind_proxy(settings):
    settings.BEHIND_PROXY = True
    settings.PROXY_COUNT = 1
    return settings


def request_from(peer: str, forwarded: str | None = None):
    extra = {"REMOTE_ADDR": peer}
    if forwarded is not None:
        extra["HTTP_X_FORWARDED_FOR"] = forwarded
    return RequestFactory().get("/", **extra)


def spoofed() -> str:
    return f"203.0.113.{secrets.randbelow(250) + 1}"


@pytest.mark.parametrize(
    "count, forwarded, expected",
    [
        (0, "198.51.100.9", "10.0.0.5"),  # not behind a proxy: the header is ignored
        (1, "198.51.100.9", "198.51.100.9"),  # an honest single entry
        (1, "1.2.3.4, 198.51.100.9", "198.51.100.9"),  # the client's own entry is ignored
        (2, "1.2.3.4, 198.51.100.9, 10.1.1.1", "198.51.100.9"),  # two proxies
        (2, "198.51.100.9", "10.0.0.5"),  # did not pass both proxies: the peer
        (1, "", "10.0.0.5"),
        (1, "not-an-address", "10.0.0.5"),
        (1, " 2001:db8::1 ", "2001:db8::1"),
    ],
)
def test_client_ip_takes_the_proxy_count_th_entry_from_the_right(
    settings, count, forwarded, expected
):
    settings.BEHIND_PROXY = count > 0
    settings.PROXY_COUNT = count
    assert client_ip(request_from("10.0.0.5", forwarded)) == expected


@pytest.fixture
def editor(db):
    return f.account("editor", EDITORS)


def login(client, password, forwarded, peer="172.18.0.2"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": "editor", "password": password},
        REMOTE_ADDR=peer,
        HTTP_X_FORWARDED_FOR=forwarded,
    )


def test_lockout_holds_behind_the_proxy_whatever_the_client_writes(client, editor, behind_proxy):
    real = "198.51.100.7"
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        login(client, "wrong-password", f"{spoofed()}, {real}")
    assert login(client, "wrong-password", f"{spoofed()}, {real}").status_code == 429
    assert login(client, PASSWORD, f"{spoofed()}, {real}").status_code == 429
    # Another client behind the same proxy is not locked out by this one's guesses.
    assert login(client, PASSWORD, "198.51.100.8").status_code == 302


def test_honest_single_entry_header_locks_only_that_address(client, editor, behind_proxy):
    for _ in range(behind_proxy.AXES_FAILURE_LIMIT):
        login(client, "wrong-password", "198.51.100.7")
    assert login(client, PASSWORD, "198.51.100.7").status_code == 429
    assert login(client, PASSWORD, "198.51.100.9").status_code == 302


@pytest.fixture
def three_a_minute(monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})


def test_api_limit_is_per_real_client_behind_the_proxy(
    real_data, client, behind_proxy, three_a_minute
):
    real = "198.51.100.7"
    statuses = [
        client.get(
            "/api/v1/rounds/", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR=f"{spoofed()}, {real}"
        ).status_code
        for _ in range(5)
    ]
    assert statuses == [200, 200, 200, 429, 429]
    other = client.get("/api/v1/rounds/", REMOTE_ADDR="172.18.0.2", HTTP_X_FORWARDED_FOR="1.1.1.1")
    assert other.status_code == 200


@pytest.mark.django_db
def test_api_limit_is_shared_between_processes_through_redis(client, settings, three_a_minute):
    """Two processes share nothing but the cache: a second connection to the same Redis
    stands in for another worker."""
    from django.core.cache import caches

    settings.CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:6379/14",
            "KEY_PREFIX": f"test-{secrets.token_hex(4)}",
        }
    }
    caches["default"].clear()
    try:
        statuses = [client.get("/api/v1/rounds/").status_code for _ in range(3)]
        caches["default"].close()
        del caches["default"]  # a fresh client, as in another worker process
        statuses.append(client.get("/api/v1/rounds/").status_code)
        assert statuses == [200, 200, 200, 429]
    finally:
        caches["default"].clear()


def test_logs_carry_the_same_client_address(client, db, caplog, behind_proxy):
    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/forces/nobody/", HTTP_X_FORWARDED_FOR="6.6.6.6, 198.51.100.7")
    record = next(r for r in caplog.records if r.name == "django.request")
    assert json.loads(JsonFormatter().format(record))["client"] == "198.51.100.7"
