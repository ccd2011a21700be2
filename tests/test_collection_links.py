"""The links people receive: invitation_links prints body,link as CSV with fresh tokens;
send_invitations emails each contact (Django's email framework), reminders only those not yet
submitted; a token is never logged."""

import csv
import datetime
import io
import logging
import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core import mail
from django.core.management import CommandError, call_command

from surveys.collection import links, opening, tokens
from tests import factories as f

ROOT = Path(__file__).resolve().parent.parent
FUTURE = datetime.date.today() + datetime.timedelta(days=30)


@pytest.fixture
def open_now(world):
    """The 2030 round (synthetic), due in 30 days: links live today."""
    collection = opening.open_round(2030, deadline=FUTURE)
    collection.invitations.filter(body=world.northshire).update(contact_email="north@example.org")
    collection.invitations.filter(body=world.southshire).update(contact_email="south@example.org")
    return collection


def _token(link: str) -> str:
    return link.rstrip("/").rsplit("/", 1)[1]


def test_invitation_links_prints_a_working_link_per_body_and_the_old_ones_stop(open_now, settings):
    settings.SITE_URL = "https://survey.example.org/"
    out, err = io.StringIO(), io.StringIO()
    call_command("invitation_links", "2030", stdout=out, stderr=err)
    rows = list(csv.reader(io.StringIO(out.getvalue())))
    assert rows[0] == ["body", "link"]
    assert [row[0] for row in rows[1:]] == [
        "northshire-police",
        "southshire-constabulary",
        "test-agency",
    ]
    first = {}
    for slug, link in rows[1:]:
        assert link.startswith("https://survey.example.org/returns/")
        assert tokens.invitation_for(_token(link)).body.slug == slug
        first[slug] = _token(link)
    assert "earlier link" in err.getvalue() and "no longer works" in err.getvalue()
    out = io.StringIO()
    call_command("invitation_links", "2030", body="test-agency", stdout=out, stderr=io.StringIO())
    [_, (slug, link)] = list(csv.reader(io.StringIO(out.getvalue())))
    assert slug == "test-agency"
    assert tokens.invitation_for(_token(link)).body.slug == "test-agency"
    assert tokens.invitation_for(first["test-agency"]) is None
    assert tokens.invitation_for(first["northshire-police"]) is not None


def test_links_default_to_the_local_server(open_now, settings):
    settings.SITE_URL = ""
    [(_, link), *_] = links.invitation_links(open_now)
    assert link.startswith("http://127.0.0.1:8000/returns/")


def test_invitation_links_refuses_an_unknown_round_or_body(open_now):
    with pytest.raises(CommandError, match="No 2031 round"):
        call_command("invitation_links", "2031", stdout=io.StringIO())
    with pytest.raises(CommandError, match="no-such-body"):
        call_command("invitation_links", "2030", body="no-such-body", stdout=io.StringIO())


def test_a_withdrawn_body_gets_no_link(world, open_now):
    opening.withdraw(open_now.invitations.get(body=world.agency))
    assert [i.body for i, _ in links.invitation_links(open_now)] == [
        world.northshire,
        world.southshire,
    ]


def test_send_invitations_emails_each_contact_its_own_link_and_lists_those_without(
    open_now, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    err = io.StringIO()
    call_command("send_invitations", "2030", stdout=io.StringIO(), stderr=err)
    assert sorted(m.to[0] for m in mail.outbox) == ["north@example.org", "south@example.org"]
    for message in mail.outbox:
        link = next(w for w in message.body.split() if "/returns/" in w)
        invitation = tokens.invitation_for(_token(link))
        assert invitation.contact_email == message.to[0]
        assert invitation.body.name in message.body
    assert "No contact email, not emailed: Test Agency" in err.getvalue()


def test_reminders_go_only_to_bodies_not_yet_submitted_and_are_recorded(world, open_now, settings):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    f.online_return(open_now.invitations.get(body=world.northshire), "submitted")
    call_command("send_invitations", "2030", reminders=True, stderr=io.StringIO())
    assert [m.to for m in mail.outbox] == [["south@example.org"]]
    assert mail.outbox[0].subject.startswith("Reminder")
    reminded = dict(open_now.invitations.values_list("body__slug", "last_reminded_at"))
    assert reminded["southshire-constabulary"] is not None
    assert reminded["northshire-police"] is None


def test_a_failed_email_is_reported_and_the_others_are_sent(open_now, settings, monkeypatch):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    from django.core.mail.backends.locmem import EmailBackend

    real = EmailBackend.send_messages

    def refuse_north(self, messages):
        if messages[0].to == ["north@example.org"]:
            raise ConnectionRefusedError("synthetic")
        return real(self, messages)

    monkeypatch.setattr(EmailBackend, "send_messages", refuse_north)
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 email"):
        call_command("send_invitations", "2030", stderr=err)
    assert "Could not send to Northshire Police (ConnectionRefusedError)" in err.getvalue()
    assert [m.to for m in mail.outbox] == [["south@example.org"]]


def test_no_token_reaches_a_log(open_now, settings, caplog):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    caplog.set_level(logging.DEBUG)
    issued = links.invitation_links(open_now)
    links.send_invitations(open_now)
    sent = [_token(next(w for w in m.body.split() if "/returns/" in w)) for m in mail.outbox]
    logged = caplog.text
    for token in [_token(link) for _, link in issued] + sent:
        assert token not in logged


def _settings(**env) -> list[str]:
    """The email settings as a fresh process reads them from ``env``."""
    clean = {k: v for k, v in os.environ.items() if not k.startswith(("EMAIL_", "DEFAULT_FROM"))}
    clean.update(env, DEBUG="1")
    names = "EMAIL_BACKEND EMAIL_HOST EMAIL_PORT EMAIL_USE_TLS EMAIL_HOST_USER"
    names += " EMAIL_HOST_PASSWORD DEFAULT_FROM_EMAIL"
    code = f"import obscc.settings as s; print(*[repr(getattr(s, n)) for n in {names.split()!r}])"
    result = subprocess.run(
        [sys.executable, "-c", code], cwd=ROOT, env=clean, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stderr
    return result.stdout.split()


def test_the_email_settings_come_from_the_environment(tmp_path):
    secret = tmp_path / "email_password"
    secret.write_text("s3cret\n")
    assert _settings(
        EMAIL_BACKEND="django.core.mail.backends.smtp.EmailBackend",
        EMAIL_HOST="smtp.example.org",
        EMAIL_PORT="587",
        EMAIL_USE_TLS="1",
        EMAIL_HOST_USER="survey",
        EMAIL_HOST_PASSWORD_FILE=str(secret),
        DEFAULT_FROM_EMAIL="survey@example.org",
    ) == [
        "'django.core.mail.backends.smtp.EmailBackend'",
        "'smtp.example.org'",
        "587",
        "True",
        "'survey'",
        "'s3cret'",
        "'survey@example.org'",
    ]


def test_the_email_backend_is_the_console_by_default():
    assert _settings()[0] == "'django.core.mail.backends.console.EmailBackend'"
