"""Secure defaults: deploy checks, headers, cookies, login lockout, passwords, sessions."""

import os
import secrets
import subprocess
import sys
from pathlib import Path

import pytest
import yaml
from django.contrib.auth.models import User
from django.contrib.auth.password_validation import validate_password
from django.core.exceptions import ValidationError

from surveys.editorial.roles import EDITORS, VIEWERS
from tests import factories as f
from tests.factories import PASSWORD

ROOT = Path(__file__).resolve().parent.parent


def compose_web_environment() -> dict[str, str]:
    """The production environment the compose file gives the web service."""
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    env = dict(compose["services"]["web"]["environment"])
    return {k: str(v) for k, v in env.items()}


def test_check_deploy_is_clean_with_the_compose_environment(tmp_path):
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))}
    compose = compose_web_environment()
    key_file = tmp_path / "secret_key"
    key_file.write_text(secrets.token_urlsafe(50))
    password_file = tmp_path / "pg"
    password_file.write_text("pw")
    env.update(
        {k: v for k, v in compose.items() if "${" not in v},
        SECRET_KEY_FILE=str(key_file),
        DATABASE_PASSWORD_FILE=str(password_file),
        ALLOWED_HOSTS="dashboard.example.org",
        DJANGO_SETTINGS_MODULE="obscc.settings",
    )
    env.pop("SECRET_KEY", None)
    assert env["DEBUG"] == "0"
    result = subprocess.run(
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "no issues" in result.stdout


def test_compose_runs_web_as_non_root_with_secrets_from_files():
    compose = yaml.safe_load((ROOT / "docker-compose.yml").read_text())
    web = compose["services"]["web"]
    assert web["user"] not in ("0", "root")
    assert "SECRET_KEY" not in web["environment"]
    assert web["environment"]["SECRET_KEY_FILE"].startswith("/run/secrets/")
    assert compose["services"]["db"]["healthcheck"]
    assert web["depends_on"]["db"]["condition"] == "service_healthy"
    assert "pgdata" in compose["volumes"]
    assert "USER app" in (ROOT / "Dockerfile").read_text()


@pytest.mark.django_db
def test_security_headers(client):
    response = client.get("/", secure=True)
    csp = response["Content-Security-Policy"]
    directives = dict(
        (part.strip().split(" ", 1) + [""])[:2] for part in csp.split(";") if part.strip()
    )
    assert directives["script-src"] == "'self'"
    assert "unsafe" not in directives["script-src"]
    assert directives["frame-ancestors"] == "'none'"
    assert directives["object-src"] == "'none'"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "strict-origin-when-cross-origin"
    assert "camera=()" in response["Permissions-Policy"]
    assert response["X-Frame-Options"] == "DENY"
    hsts = response["Strict-Transport-Security"]
    assert "max-age=31536000" in hsts and "includeSubDomains" in hsts


@pytest.mark.django_db
def test_cookies_are_host_prefixed_and_secure(client, settings):
    assert settings.SESSION_COOKIE_NAME == "__Host-sessionid"
    assert settings.CSRF_COOKIE_NAME == "__Host-csrftoken"
    response = client.get("/admin/login/", secure=True)
    cookie = response.cookies["__Host-csrftoken"]
    assert cookie["secure"] and cookie["path"] == "/" and not cookie["domain"]


def test_proxy_header_is_trusted_only_when_configured():
    env = {**os.environ, "DEBUG": "0", "SECRET_KEY": "x" * 60}
    code = (
        "from django.conf import settings; "
        "print(getattr(settings, 'SECURE_PROXY_SSL_HEADER', None))"
    )
    run = lambda extra: subprocess.run(  # noqa: E731
        [sys.executable, "-c", f"import django; django.setup(); {code}"],
        cwd=ROOT,
        env={**env, "DJANGO_SETTINGS_MODULE": "obscc.settings", **extra},
        capture_output=True,
        text=True,
    ).stdout.strip()
    assert run({}) == "None"
    assert run({"BEHIND_PROXY": "1"}) == "('HTTP_X_FORWARDED_PROTO', 'https')"


@pytest.mark.django_db
def test_healthz(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "database": "up"}


@pytest.mark.parametrize("password", ["short-pw-1", "password1234", "123456789012"])
def test_weak_passwords_are_refused(password):
    with pytest.raises(ValidationError):
        validate_password(password)


def test_a_long_uncommon_password_is_accepted():
    validate_password("correct-horse-battery-staple-9")


def login(client, username, password, ip="10.0.0.1"):
    return client.post(
        "/admin/login/?next=/admin/",
        {"username": username, "password": password},
        REMOTE_ADDR=ip,
    )


@pytest.fixture
def editor(db):
    return f.account("editor", EDITORS)


def test_repeated_failed_logins_lock_the_username_from_that_address(client, editor, settings):
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        assert login(client, "editor", "wrong-password").status_code == 200
    assert login(client, "editor", "wrong-password").status_code == 429
    locked = login(client, "editor", PASSWORD)  # even the right password, until the cool-off
    assert locked.status_code == 429
    assert "Too many failed sign-in attempts" in locked.content.decode()
    # The lockout is for this username from this address only.
    assert login(client, "editor", PASSWORD, ip="10.0.0.2").status_code == 302


def test_successful_login_and_logout_end_the_session(client, editor):
    assert login(client, "editor", PASSWORD).status_code == 302
    assert client.get("/admin/").status_code == 200
    client.post("/admin/logout/")
    assert client.get("/admin/").status_code == 302


def test_deactivating_an_account_ends_its_sessions(client, editor):
    client.force_login(editor)
    assert client.get("/admin/").status_code == 200
    editor.is_active = False
    editor.save()
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_logs_are_json_without_query_strings(client, db, caplog):
    import json
    import logging

    from obscc.logs import JsonFormatter

    with caplog.at_level(logging.WARNING, logger="django.request"):
        client.get("/forces/nobody/?token=secret-value")
    record = next(r for r in caplog.records if r.name == "django.request")
    line = json.loads(JsonFormatter().format(record))
    assert line["status"] == 404 and line["path"] == "/forces/nobody/"
    assert "secret-value" not in json.dumps(line)


METHODS = ("get", "post", "put", "delete")


PUBLIC = (
    "/api/v1/evidence/",
    "/api/v1/evidence/essex-lfr-own-vans-2024/",
    "/api/v1/commissioner-terms/",
    "/systems/facial-recognition/?evidence=1",
    "/?round=2023",
    "/forces/?round=2023",
    "/forces/west-yorkshire/",
)


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("method", METHODS)
def test_public_urls_are_read_only_for_everyone(real_data, client, role, method):
    f.log_in_as(client, role)
    for url in PUBLIC:
        response = getattr(client, method)(url)
        assert response.status_code == (200 if method == "get" else 405), (url, method)


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("method", METHODS)
def test_a_forged_password_link_sets_nothing(real_data, client, role, method):
    f.log_in_as(client, role)
    before = list(User.objects.values_list("username", "password"))
    response = getattr(client, method)(
        "/admin/password-set/MQ/forged-token/",
        {"new_password1": "a-long-test-password-999", "new_password2": "a-long-test-password-999"},
    )
    assert response.status_code in (200, 405)
    assert list(User.objects.values_list("username", "password")) == before
