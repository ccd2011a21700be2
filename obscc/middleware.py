from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import http_date, parse_http_date_safe

from surveys.caching import current_version


class PermissionsPolicyMiddleware:
    """Turn off browser features the dashboard never uses."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault("Permissions-Policy", settings.PERMISSIONS_POLICY)
        return response


class OpenDataMiddleware:
    """The API and downloads: open CORS for GET, and ETag/Last-Modified from the data version,
    so a client revalidates with a 304 without the page being built again."""

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
        from surveys.selectors import data_last_changed

        etag = f'W/"data-{current_version()}"'
        changed = data_last_changed()
        if self._not_modified(request, etag, changed):
            response = HttpResponseNotModified()
        else:
            response = self.get_response(request)
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
