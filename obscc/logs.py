"""One JSON object per log line on stdout. Request logs carry the method, the path and the
client's address (``obscc.client.client_ip``, the same rule as the login lockout and the API
limit), never the query string, cookies or other headers, so no secrets reach the log.

A path can itself be a secret: the one-time password link carries its token in the path. Every
log that shows a path (this formatter, for Django's and the development server's logs, and
gunicorn's access log through ``AccessLogger``) shows a secret route as its pattern instead,
e.g. ``/admin/password-set/<uidb64>/<token>/``, and drops its query string."""

import functools
import json
import logging
import re

from gunicorn.glogging import Logger as GunicornLogger

# Named routes whose path carries a credential. A route with a part that looks secret must be
# judged, here or as not secret (tests/test_log_redaction.py names each).
SECRET_ROUTES = frozenset(
    {
        "admin:password_set",
        "returns:start",
        "returns:form",
        "returns:review",
        "returns:receipt",
        "returns:receipt_csv",
        "returns:questionnaire",
        "returns:upload",
    }
)
# Every path under these is secret, matched or not (a mistyped or guessed link): a path that is
# not a secret route shows as the prefix and "<unmatched>".
SECRET_PREFIXES = ("/returns/",)


def url_routes(patterns=None, prefix: str = "", namespace: str = ""):
    """Every URL pattern as its full route (regex syntax where a pattern is a regex) and its
    view name."""
    from django.urls import URLResolver, get_resolver

    for pattern in get_resolver().url_patterns if patterns is None else patterns:
        route = prefix + str(pattern.pattern)
        if isinstance(pattern, URLResolver):
            inner = f"{namespace}{pattern.namespace}:" if pattern.namespace else namespace
            yield from url_routes(pattern.url_patterns, route, inner)
        else:
            yield route, f"{namespace}{pattern.name or ''}"


@functools.cache
def _secret_starts() -> tuple[str, ...]:
    """The literal start of each secret route, so that most paths are never resolved."""
    return SECRET_PREFIXES + tuple(
        "/" + re.match(r"[\w/.-]*", route)[0]
        for route, name in url_routes()
        if name in SECRET_ROUTES
    )


def _unmatched(path: str) -> str:
    for prefix in SECRET_PREFIXES:
        if path.startswith(prefix):
            return f"{prefix}<unmatched>"
    return path


def loggable_path(path: str) -> str:
    """The path as a log may show it: a secret route's pattern, any other path as it is."""
    from django.urls import Resolver404, resolve

    if not path.startswith(_secret_starts()):
        return path
    try:
        match = resolve(path)
    except Resolver404:
        return _unmatched(path)
    return "/" + match.route if match.view_name in SECRET_ROUTES else _unmatched(path)


def loggable_uri(uri: str) -> str:
    """A path with its query string (a request line's target), as a log may show it."""
    path = uri.partition("?")[0]
    shown = loggable_path(path)
    return uri if shown == path else shown


def loggable_request_line(line: str) -> str:
    """``GET /path?query HTTP/1.1`` as a log may show it."""
    parts = line.split(" ")
    if len(parts) != 3:
        return line
    method, uri, protocol = parts
    return f"{method} {loggable_uri(uri)} {protocol}"


def _loggable_message(record: logging.LogRecord, path: str | None, shown: str | None) -> str:
    if record.name == "django.server" and record.args:
        # The development server's access line: '"GET /path HTTP/1.1" 200 512'.
        first, *rest = record.args
        return record.msg % (loggable_request_line(str(first)), *rest)
    message = record.getMessage()
    if path and shown != path:
        message = message.replace(path, shown)
    return message


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        request = getattr(record, "request", None)
        path = request.path if request is not None and hasattr(request, "path") else None
        shown = loggable_path(path) if path else None
        entry = {
            "time": self.formatTime(record, "%Y-%m-%dT%H:%M:%S%z"),
            "level": record.levelname,
            "logger": record.name,
            "message": _loggable_message(record, path, shown),
        }
        status = getattr(record, "status_code", None)
        if status is not None:
            entry["status"] = status
        if path is not None:
            entry["method"] = request.method
            entry["path"] = shown
            from obscc.client import client_ip

            entry["client"] = client_ip(request)
        if record.exc_info:
            entry["exception"] = self.formatException(record.exc_info)
        return json.dumps(entry, default=str)


class AccessLogger(GunicornLogger):
    """gunicorn's logger (``logger_class`` in gunicorn.conf.py), with secret paths hidden in
    every access-log field that can show the path."""

    def atoms(self, resp, req, environ, request_time):
        atoms = super().atoms(resp, req, environ, request_time)
        path = environ.get("PATH_INFO") or ""
        shown = loggable_path(path)
        if shown != path:
            atoms.update(
                {
                    "U": shown,
                    "{path_info}e": shown,
                    "r": loggable_request_line(atoms["r"]),
                    "q": "",
                    "{query_string}e": "",
                }
            )
            for key in ("{raw_uri}e", "{request_uri}e"):
                if key in atoms:
                    atoms[key] = shown
        return atoms
