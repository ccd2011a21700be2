"""Whole public responses, cached per data version, with a validator and cache headers.

A public page, a chart CSV or an API response depends only on its URL, the data, the deployed
code and the language. So the whole response is kept in the default cache (Redis in
production, the process's memory on ``make run``) under a key made of those, and every answer
carries an ``ETag`` made of the deploy identifier and the data version: a conditional GET is
answered 304 without running the view, a correction (which bumps the data version in the
database) shows on the very next request in every process, and a deploy starts afresh.

Only what is the same for everyone is shared or stored: a GET or HEAD outside the admin, from
a client that sends no session cookie and no credentials, answered 200 without setting a
cookie, without ``Vary: Cookie`` (the session or the CSRF token was read) and without a
``Cache-Control`` of its own. Those responses are the only ones compressed, so a page holding a
secret (a CSRF token) is never compressed. Everything else in the admin, and any page asked for
with a session (an editor's), is ``private, no-store``. Previews render the public views
directly, inside a rolled-back transaction, never through this middleware.
"""

from __future__ import annotations

import datetime
import functools
import gzip
import hashlib
import itertools
import re
from pathlib import Path

from django.conf import settings
from django.core.cache import cache
from django.core.exceptions import DisallowedHost
from django.db import connection
from django.http import (
    FileResponse,
    HttpResponse,
    HttpResponseNotModified,
    QueryDict,
    StreamingHttpResponse,
)
from django.urls import Resolver404, resolve
from django.utils import timezone, translation
from django.utils.cache import patch_cache_control, patch_vary_headers
from django.utils.http import http_date, parse_http_date_safe

from surveys.caching import current_version, version_and_last_changed

# What the responses are made of, for the deploy identifier when DEPLOY_ID is not set.
DEPLOY_SOURCES = ("obscc", "surveys", "templates", "static", "requirements/base.txt")
OPEN_DATA = ("/api/", "/data/")  # answered with Last-Modified too (wget -N), and open CORS
PRIVATE = ("/admin/", "/healthz", "/returns/")  # /returns/: a body's return, at its secret link
# Campaign parameters a link from a news story carries: the pages never read them.
TRACKING = re.compile(r"^(utm_[a-z]+|fbclid|gclid|msclkid|mc_cid|mc_eid)$")
COMPRESSIBLE = re.compile(r"^(text/|application/([a-z.+-]*\+)?(json|xml|javascript))")
MIN_COMPRESS_BYTES = 200
TIMEOUT = 24 * 60 * 60
# What a view's decorators leave on its response for middleware further out to read (django-csp:
# an embed's frame-ancestors): kept with a stored response, and given to a 304 too, since a
# browser takes a 304's headers as the page's.
CARRIED = ("_csp_config", "_csp_update", "_csp_replace", "_csp_exempt")


@functools.cache
def _code_hash() -> str:
    digest = hashlib.sha256()
    base = Path(settings.BASE_DIR)
    for name in DEPLOY_SOURCES:
        root = base / name
        files = sorted(root.rglob("*")) if root.is_dir() else [root]
        for path in files:
            if path.is_file() and path.suffix != ".pyc":
                digest.update(str(path.relative_to(base)).encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()[:12]


def deploy_id() -> str:
    """The deployed code: ``DEPLOY_ID`` when set (e.g. the image's git commit), else a hash of
    the source, templates, static files and locked requirements."""
    return settings.DEPLOY_ID or _code_hash()


@functools.cache
def _deployed_at(deploy: str) -> datetime.datetime:
    """When this deploy first answered (shared through the cache, so the same in every
    worker when the cache is Redis): a Last-Modified never older than the code."""
    now = timezone.now()
    cache.add(f"obscc:deployed:{deploy}", now, None)
    return cache.get(f"obscc:deployed:{deploy}") or now


def etag(version: int) -> str:
    return f'W/"{deploy_id()}.{version}"'


def cache_control() -> str:
    return (
        f"public, max-age={settings.PAGE_MAX_AGE}, s-maxage={settings.PAGE_S_MAXAGE}, "
        f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}"
    )


def is_public(request) -> bool:
    """The request is the same for every reader: no session, no credentials, no admin."""
    return (
        request.method in ("GET", "HEAD")
        and not request.path.startswith(PRIVATE)
        and settings.SESSION_COOKIE_NAME not in request.COOKIES
        and "HTTP_AUTHORIZATION" not in request.META
    )


def drop_tracking(request) -> None:
    """Remove campaign parameters before the view sees them: one page, one cache entry."""
    if not any(TRACKING.match(name) for name in request.GET):
        return
    query = QueryDict(mutable=True)
    for name, values in request.GET.lists():
        if not TRACKING.match(name):
            query.setlist(name, values)
    request.GET = query
    request.META["QUERY_STRING"] = query.urlencode()


def cache_key(request, version: int) -> str:
    """The URL with its parameters in order of name (a parameter's values keep their order),
    the host and scheme (feeds write absolute links), the language and the database."""
    query = sorted(request.GET.lists())
    accept = request.META.get("HTTP_ACCEPT", "") if request.path.startswith("/api/") else ""
    raw = repr(
        (
            str(connection.settings_dict.get("NAME", "")),
            request.scheme,
            request.get_host(),
            translation.get_language(),
            request.path,
            query,
            accept,  # the API negotiates its format (the schema: JSON or YAML)
        )
    ).encode()
    return f"obscc:page:{deploy_id()}:{version}:{hashlib.sha256(raw).hexdigest()[:32]}"


def is_shareable(response) -> bool:
    """The response is the same for everyone who asks: a shared cache may keep it."""
    vary = response.get("Vary", "").lower()
    return (
        response.status_code == 200
        and not response.cookies
        and "cookie" not in vary
        and "Cache-Control" not in response
    )


def _compressible(response) -> bool:
    return bool(COMPRESSIBLE.match(response.get("Content-Type", ""))) and not response.has_header(
        "Content-Encoding"
    )


class Entry:
    """A stored response: status, headers, body, and the body gzipped once when it is text.
    A streamed response (a CSV) is served streamed again, as its view made it."""

    def __init__(self, response, content: bytes, throttled_by: type | None = None):
        self.status = response.status_code
        self.throttled_by = throttled_by  # the API view whose throttles a hit still counts in
        skip = {"content-length", "content-encoding"}
        self.headers = [(k, v) for k, v in response.items() if k.lower() not in skip]
        self.content = content
        self.streamed = response.streaming
        self.gzipped = None
        self.carried = {
            name: getattr(response, name) for name in CARRIED if hasattr(response, name)
        }
        if settings.COMPRESS_RESPONSES and _compressible(response):
            self.gzipped = gzip_body(self.content)

    def response(self) -> HttpResponse | StreamingHttpResponse:
        if self.streamed:
            response = StreamingHttpResponse([self.content], status=self.status)
        else:
            response = HttpResponse(self.content, status=self.status)
        for name, value in self.headers:
            response[name] = value
        for name, value in self.carried.items():
            setattr(response, name, value)
        return response


def buffered(response, limit: int) -> bytes | None:
    """The body when it holds at most ``limit`` bytes (read whole if streamed: a chart's
    CSV, which then streams from what was read), else None, the response unchanged (a larger
    one streams on from what was read). A file is left to be served as a file."""
    if not response.streaming:
        return response.content if len(response.content) <= limit else None
    if isinstance(response, FileResponse):
        return None
    chunks, size = [], 0
    stream = iter(response.streaming_content)
    for chunk in stream:
        chunks.append(chunk)
        size += len(chunk)
        if size > limit:
            response.streaming_content = itertools.chain(chunks, stream)
            return None
    body = b"".join(chunks)
    response.streaming_content = [body]
    return body


def gzip_body(content: bytes) -> bytes | None:
    if len(content) < MIN_COMPRESS_BYTES:
        return None
    compressed = gzip.compress(content, compresslevel=6, mtime=0)
    return compressed if len(compressed) < len(content) else None


def accepts_gzip(request) -> bool:
    return bool(re.search(r"\bgzip\b", request.META.get("HTTP_ACCEPT_ENCODING", "")))


def throttled_view(request) -> type | None:
    """The API view (a DRF view class, with its throttles) that answered ``request``; read
    from the URL the handler resolved, so a hit on the stored answer needs no resolving."""
    match = getattr(request, "resolver_match", None)
    if match is None:
        try:
            match = resolve(request.path_info)
        except Resolver404:
            return None
    view_class = getattr(match.func, "cls", None)
    return view_class if hasattr(view_class, "throttle_classes") else None


def throttled(request, view_class: type | None) -> bool:
    """An API answer from the cache still counts against the client's limit: the view's own
    throttles, asked as the view would ask them (when refused, the view answers 429)."""
    if view_class is None:
        return False
    from rest_framework.request import Request

    wrapped = Request(request)
    return not all(t().allow_request(wrapped, view_class) for t in view_class.throttle_classes)


def not_modified(request, tag: str, changed: datetime.datetime | None) -> bool:
    """If-None-Match when sent (it wins), else If-Modified-Since (as wget -N sends)."""
    if_none_match = request.headers.get("If-None-Match")
    if if_none_match is not None:
        # Weak comparison: a proxy that compresses may have made a strong tag weak, or back.
        sent = {t.strip().removeprefix("W/") for t in if_none_match.split(",")}
        return "*" in sent or tag.removeprefix("W/") in sent
    since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
    return since is not None and changed is not None and int(changed.timestamp()) <= since


class ResponseCacheMiddleware:
    """Serve and store whole public responses; give them validators and cache headers; mark
    everything else private. Sits inside ``RequestVersionMiddleware`` (the data version is
    read once per request) and outside the session, CSRF and authentication middleware, so
    that it sees every cookie and ``Vary`` they add."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not is_public(request):
            response = self.get_response(request)
            if request.path != "/healthz":
                patch_cache_control(response, private=True, no_store=True)
            return response
        try:
            request.get_host()
        except DisallowedHost:
            return self.get_response(request)  # answered 400 further in
        drop_tracking(request)
        changed = None
        if request.path.startswith(OPEN_DATA) and request.path != "/data/":
            version, changed = version_and_last_changed()
            changed = max(filter(None, (changed, _deployed_at(deploy_id()))))
        else:
            version = current_version()
        key = cache_key(request, version)
        entry = cache.get(key) if settings.RESPONSE_CACHE else None
        if (
            entry is not None
            and request.path.startswith("/api/")
            and throttled(request, entry.throttled_by)
        ):
            entry = None  # the view answers 429
        if entry is not None:
            response = entry.response()
        else:
            response = self.get_response(request)
            if not is_shareable(response):
                if response.cookies or "cookie" in response.get("Vary", "").lower():
                    patch_cache_control(response, private=True, no_store=True)
                return response
            if settings.RESPONSE_CACHE and request.method == "GET":
                body = buffered(response, settings.RESPONSE_CACHE_MAX_BYTES)
                if body is not None:
                    api = request.path.startswith("/api/")
                    entry = Entry(response, body, throttled_view(request) if api else None)
                    cache.set(key, entry, TIMEOUT)
        return self._finish(request, response, entry, version, changed)

    def _finish(self, request, response, entry: Entry | None, version: int, changed):
        tag = etag(version)
        if changed is not None:
            response["Last-Modified"] = http_date(changed.timestamp())
        response["ETag"] = tag
        response["Cache-Control"] = cache_control()
        compressible = _compressible(response)
        if compressible:
            patch_vary_headers(response, ("Accept-Encoding",))
        if not_modified(request, tag, changed):
            # Not response.close(): that signals the end of the request (closing the database
            # connection) while this request is still being answered.
            return self._not_modified(response)
        if (
            compressible
            and settings.COMPRESS_RESPONSES
            and (entry is not None or not response.streaming)
            and accepts_gzip(request)
        ):
            body = entry.gzipped if entry is not None else gzip_body(response.content)
            if body is not None:
                if response.streaming:
                    response.streaming_content = [body]
                else:
                    response.content = body
                response["Content-Encoding"] = "gzip"
                response["Content-Length"] = str(len(body))
        return response

    @staticmethod
    def _not_modified(response):
        answer = HttpResponseNotModified()
        for name in CARRIED:
            if hasattr(response, name):
                setattr(answer, name, getattr(response, name))
        for name in ("ETag", "Last-Modified", "Cache-Control", "Vary"):
            if response.has_header(name):
                answer[name] = response[name]
        for name, value in response.items():
            if name.lower().startswith("access-control-"):
                answer[name] = value
        return answer
