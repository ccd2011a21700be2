from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed, HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from surveys.caching import current_version, data_last_changed


class PermissionsPolicyMiddleware:
    """Turn off browser features the dashboard never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class RequestBodyMiddleware:
    """Public URLs never read a request body: anything but GET, HEAD or OPTIONS outside the
    admin is answered 405 before any middleware parses the body (CSRF would, for a form). In
    the admin, a body larger than ``MAX_REQUEST_BYTES`` is refused with 413 unread."""

    safe_methods = ("GET", "HEAD", "OPTIONS")
    admin_prefix = "/admin/"

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.safe_methods:
            if not request.path.startswith(self.admin_prefix):
                return HttpResponseNotAllowed(self.safe_methods)
            try:
                length = int(request.META.get("CONTENT_LENGTH") or 0)
            except ValueError:
                length = 0
            if length > settings.MAX_REQUEST_BYTES:
                return HttpResponse(
                    f"The request is {length:,} bytes; the limit is "
                    f"{settings.MAX_REQUEST_BYTES:,}.",
                    status=413,
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class OpenDataMiddleware:
    """The API and downloads: open CORS for GET, and ETag/Last-Modified from the data version,
    so a client revalidates with a 304 instead of downloading again. The view always runs
    first, so a missing resource is 404 (never 304) and the API limit counts every request;
    a streamed download is dropped unread (its generator never starts)."""

    prefixes = ("/api/", "/data/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if (
            request.method not in ("GET", "HEAD")
            or not request.path.startswith(self.prefixes)
            or request.path == "/data/"  # an HTML page: its template can change on deploy
        ):
            return self.get_response(request)
        etag = f'W/"data-{current_version()}"'
        changed = data_last_changed()
        response = self.get_response(request)
        if response.status_code == 200 and self._not_modified(request, etag, changed):
            # Not response.close(): that signals the end of the request (closing the database
            # connection) while this request is still being answered.
            response = HttpResponseNotModified()
        if response.status_code in (200, 304):
            response["ETag"] = etag
            if changed:
                response["Last-Modified"] = http_date(changed.timestamp())
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        return response

    @staticmethod
    def _not_modified(request, etag: str, changed) -> bool:
        """If-None-Match when sent (it wins), else If-Modified-Since (as wget -N sends)."""
        if_none_match = request.headers.get("If-None-Match")
        if if_none_match is not None:
            return if_none_match.strip() == "*" or etag in if_none_match
        since = parse_http_date_safe(request.headers.get("If-Modified-Since", ""))
        return since is not None and changed is not None and int(changed.timestamp()) <= since
