"""Secrets in a URL's path stay out of every log: the access logs (gunicorn's in production,
the development server's) and Django's request log show a secret route's pattern instead."""

import io
import json
import logging
import re
import runpy
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.conf import settings
from django.core.management import call_command
from django.core.servers.basehttp import WSGIRequestHandler
from django.test import Client
from gunicorn.config import Config

from obscc.logs import SECRET_ROUTES, JsonFormatter, loggable_path, url_routes
from surveys.editorial.roles import create_editor

pytestmark = pytest.mark.django_db

ROUTE = "/admin/password-set/<uidb64>/<token>/"

# Routes with a part that looks like a secret, judged not to be one, and why.
NOT_SECRET = {
    # A random id of an uploaded draft, not a credential: its page needs an editor's login and
    # the import permission, like every other admin page.
    "admin:surveys_answer_import_draft",
    # The public keys of published findings and evidence in the open API.
    "publishedfinding-detail",
    "publicevidence-detail",
}
SECRET_LOOKING = re.compile(
    r"<(?:\w+:)?\w*(?:token|key|secret|sign|uid|hash)\w*>|\(\?P<\w*(?:token|key|secret|sign|uid|hash)"
)


def password_link_path() -> tuple[str, str]:
    """A fresh link's path and its token."""
    create_editor(username="alice", email="alice@example.org")
    out = io.StringIO()
    call_command("add_editor", "alice", "alice@example.org", "--new-link", stdout=out)
    path = re.sub(r"^https?://[^/]+", "", out.getvalue().splitlines()[-1])
    return path, path.rstrip("/").rsplit("/", 1)[-1]


def test_the_gunicorn_access_log_keeps_the_token_out(client, tmp_path):
    path, token = password_link_path()
    response = client.get(path, {"next": "/admin/"})
    assert response.status_code == 302  # the link was good: the token was live
    environ = dict(response.wsgi_request.environ, RAW_URI=f"{path}?next=/admin/")

    conf = runpy.run_path(str(settings.BASE_DIR / "gunicorn.conf.py"))
    cfg = Config()
    cfg.set("logger_class", conf.get("logger_class", "gunicorn.glogging.Logger"))
    # The project's format, and the request line and raw URI as another format might log them.
    cfg.set("access_log_format", conf["access_log_format"] + " %(r)s %({raw_uri}e)s")
    cfg.set("accesslog", str(tmp_path / "access.log"))
    logger = cfg.logger_class(cfg)
    try:
        sent = SimpleNamespace(status="302 Found", sent=0, headers=[])
        logger.access(sent, SimpleNamespace(headers=[]), environ, timedelta(milliseconds=3))
    finally:
        for handler in logger.access_log.handlers:
            handler.close()
    line = (tmp_path / "access.log").read_text()
    assert token not in line
    assert json.loads(line.split("} ")[0] + "}")["path"] == ROUTE
    assert f"GET {ROUTE} HTTP/1.1" in line


def test_the_development_server_log_keeps_the_token_out():
    path, token = password_link_path()
    server = WSGIRequestHandler.__new__(WSGIRequestHandler)  # as runserver logs a request
    server.request, server.client_address = None, ("127.0.0.1", 50000)
    server.requestline = f"GET {path}?next=/admin/ HTTP/1.1"
    handlers = [
        h
        for h in logging.getLogger("django.server").handlers
        if not type(h).__module__.startswith("_pytest")
    ]
    assert handlers
    streams = [handler.setStream(io.StringIO()) for handler in handlers]
    try:
        server.log_request(302, 0)
        output = "".join(handler.stream.getvalue() for handler in handlers)
    finally:
        for handler, stream in zip(handlers, streams, strict=True):
            handler.setStream(stream)
    assert token not in output
    assert f"GET {ROUTE} HTTP/1.1" in output


@pytest.mark.parametrize("name", ["django.server", "django.request", "django.security.csrf"])
def test_every_handler_of_a_request_log_hides_secret_paths(name):
    logger, handlers = logging.getLogger(name), []
    while logger:
        handlers += [h for h in logger.handlers if not type(h).__module__.startswith("_pytest")]
        logger = logger.parent if logger.propagate else None
    assert handlers
    assert all(isinstance(h.formatter, JsonFormatter) for h in handlers)


def test_the_request_log_keeps_the_token_out(caplog):
    path, token = password_link_path()
    client = Client(enforce_csrf_checks=True)
    with caplog.at_level(logging.WARNING, logger="django.security.csrf"):
        assert client.post(path).status_code == 403  # no CSRF token: Django logs the path
    [record] = [r for r in caplog.records if r.name == "django.security.csrf"]
    line = JsonFormatter().format(record)
    assert token not in line
    assert json.loads(line)["path"] == ROUTE and ROUTE in json.loads(line)["message"]


def test_every_route_with_a_secret_looking_part_is_judged():
    judged = {name for route, name in url_routes() if SECRET_LOOKING.search(route)}
    assert "admin:password_set" in judged
    assert judged == SECRET_ROUTES | NOT_SECRET


def test_other_paths_are_logged_as_they_are():
    for path in ("/", "/forces/northshire/", "/no/such/page/", "/admin/password-set/done/"):
        assert loggable_path(path) == path
    draft = "/admin/surveys/answer/import/draft/abc123/"
    assert loggable_path(draft) == draft
