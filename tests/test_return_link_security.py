"""A return link's token: it opens one body's return and nothing else; every way of not
opening one is the same 404; guessing is limited per address; the token reaches no log, no
Referer, no shared cache, and the pages load nothing from elsewhere."""

import datetime
import logging
import re

import pytest
from django.utils import timezone

from obscc.logs import JsonFormatter, loggable_path
from surveys.collection import tokens
from surveys.models import Collection, OnlineReturn
from tests.returns_world import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(world):
    return open_round(world)


def test_a_token_opens_its_own_body_and_no_other(client, world, online):
    north = client.get(f"/returns/{online.token(world.northshire)}/").content.decode()
    south = client.get(f"/returns/{online.token(world.southshire)}/").content.decode()
    assert "Northshire Police" in north and "Southshire" not in north
    assert "Southshire Constabulary" in south and "Northshire" not in south
    client.post(
        f"/returns/{online.token(world.southshire)}/review/",
        {"version": "1", "name": "S", "role": "R"},
    )
    submitted = OnlineReturn.objects.get(status=OnlineReturn.Status.SUBMITTED)
    assert submitted.invitation.body == world.southshire


def _not_opening(world, online) -> dict[str, str]:
    """A path per way a link fails to open a return."""
    now = timezone.now()
    expired = Collection.objects.create(
        year=2023,
        deadline=datetime.date(2023, 1, 1),
        links_expire_on=datetime.date(2023, 1, 15),
    )
    old = online.invitations["test-agency"].__class__(collection=expired, body=world.agency)
    expired_token = tokens.issue(old)
    old.save()
    revoked = online.invitations["southshire-constabulary"]
    revoked.revoked_at = now
    revoked.save()
    withdrawn = online.invitations["test-agency"]
    withdrawn.withdrawn_at = now
    withdrawn.save()
    return {
        "wrong": "/returns/" + "A" * 43 + "/",
        "short": "/returns/abc/",
        "long": "/returns/" + "A" * 200 + "/",
        "expired": f"/returns/{expired_token}/",
        "revoked": f"/returns/{online.token(world.southshire)}/",
        "withdrawn": f"/returns/{online.token(world.agency)}/",
    }


def test_wrong_expired_revoked_and_withdrawn_links_are_the_same_404(client, world, online):
    answers = {reason: client.get(path) for reason, path in _not_opening(world, online).items()}
    bodies = {reason: response.content for reason, response in answers.items()}
    assert {response.status_code for response in answers.values()} == {404}
    assert len(set(bodies.values())) == 1, "the 404s differ"
    headers = {
        reason: sorted((k, v) for k, v in r.items() if k not in ("Content-Length",))
        for reason, r in answers.items()
    }
    assert len({repr(h) for h in headers.values()}) == 1
    # Every page under a wrong link is that same 404.
    wrong = "/returns/" + "A" * 43
    for page in ("/form/", "/review/", "/receipt/", "/receipt.csv", "/questionnaire.xlsx"):
        assert client.get(wrong + page).content == bodies["wrong"]


def test_guessing_is_limited_per_address_and_then_even_a_good_link_waits(
    client, world, online, settings
):
    settings.RETURN_LINK_MISSES = 3
    good = f"/returns/{online.token(world.northshire)}/"
    for n in range(3):
        assert client.get(f"/returns/{'B' * 42}{n}/").status_code == 404
    refused = client.get(f"/returns/{'C' * 43}/")
    assert refused.status_code == 429
    assert int(refused["Retry-After"]) == settings.RETURN_LINK_WINDOW
    # A good link from that address waits too: otherwise 200 against 429 would say which
    # guess was right, at full speed.
    assert client.get(good).status_code == 429
    other = client.get(good, REMOTE_ADDR="192.0.2.7")
    assert other.status_code == 200


def test_good_links_do_not_count_toward_the_limit(client, world, online, settings):
    settings.RETURN_LINK_MISSES = 2
    good = f"/returns/{online.token(world.northshire)}/"
    for _ in range(5):
        assert client.get(good).status_code == 200


def test_the_token_never_reaches_a_log(client, world, online, caplog):
    token = online.token(world.northshire)
    paths = [
        f"/returns/{token}/",
        f"/returns/{token}/form/",
        f"/returns/{token}/questionnaire.xlsx",
        f"/returns/{token}/no-such-page/",
        "/returns/" + "Z" * 43 + "/",
    ]
    for path in paths:
        assert token not in loggable_path(path) and "Z" * 43 not in loggable_path(path)
    assert loggable_path(f"/returns/{token}/form/") == "/returns/<str:token>/form/"
    formatter = JsonFormatter()
    with caplog.at_level(logging.INFO):
        for path in paths:
            client.get(path)
    lines = [formatter.format(record) for record in caplog.records]
    assert lines, "the 404s were logged"
    assert not [line for line in lines if token in line or "Z" * 43 in line]


def test_return_pages_send_no_referrer_and_load_nothing_from_elsewhere(client, world, online):
    token = online.token(world.northshire)
    for page in ("", "form/", "upload/"):
        response = client.get(f"/returns/{token}/{page}")
        assert response["Referrer-Policy"] == "same-origin"
        html = response.content.decode()
        resources = re.findall(r'<(?:script|img|link|iframe)[^>]*(?:src|href)="([^"]+)"', html)
        assert resources and all(url.startswith("/") for url in resources), resources
    assert client.get("/returns/" + "A" * 43 + "/")["Referrer-Policy"] == "same-origin"


def test_return_pages_are_never_stored_by_the_response_cache(client, world, online, settings):
    settings.RESPONSE_CACHE = True
    token = online.token(world.northshire)
    first = client.get(f"/returns/{token}/")
    assert "no-store" in first["Cache-Control"] and "private" in first["Cache-Control"]
    assert "ETag" not in first
    client.post(f"/returns/{token}/review/", {"version": "1", "name": "A", "role": "B"})
    again = client.get(f"/returns/{token}/").content.decode()
    assert "Submitted on" in again
    assert "no-store" in client.get("/returns/" + "A" * 43 + "/")["Cache-Control"]


def test_only_the_admin_and_return_links_read_a_request_body(client):
    assert client.post("/forces/", {"a": "b"}).status_code == 405
    assert client.post("/returns/" + "A" * 43 + "/form/", {"a": "b"}).status_code in (403, 404)


RETURN_PAGES = ("", "form/", "review/", "receipt/", "receipt.csv", "questionnaire.xlsx", "upload/")
WRITES = ("form/", "review/", "upload/")  # the only pages that take a POST


@pytest.mark.parametrize("role", [None, "Viewers", "Editors"])
def test_every_return_page_answers_each_method_the_same_whatever_the_admin_role(
    client, world, online, role
):
    """Only the link matters: an admin role opens no return without it and adds no method; a
    page takes GET and HEAD, the three forms POST too, and nothing takes PUT, PATCH, DELETE or
    OPTIONS."""
    from tests import factories as f

    if role is not None:
        client.force_login(f.account(f"someone-{role}", role))
    base = f"/returns/{online.token(world.northshire)}/"
    assert client.get(base).status_code == 200
    assert client.get(base + "form/").status_code == 200  # opening the form starts the return
    versions = list(OnlineReturn.objects.values_list("version", flat=True))
    for page in RETURN_PAGES:
        assert client.get(base + page).status_code in (200, 302), page
        assert client.head(base + page).status_code in (200, 302), page
        assert client.get("/returns/" + "x" * 43 + "/" + page).status_code == 404, page
        for method in ("put", "patch", "delete", "options"):
            assert getattr(client, method)(base + page).status_code == 405, (method, page)
        if page not in WRITES:
            assert client.post(base + page).status_code == 405, page
    assert list(OnlineReturn.objects.values_list("version", flat=True)) == versions
