from django.conf import settings
from django.http import HttpResponseNotModified
from django.utils.http import http_date

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
        if etag in request.headers.get("If-None-Match", ""):
            response = HttpResponseNotModified()
        else:
            response = self.get_response(request)
        if response.status_code in (200, 304):
            response["ETag"] = etag
            changed = data_last_changed()
            if changed:
                response["Last-Modified"] = http_date(changed.timestamp())
            response["Cache-Control"] = "public, max-age=0, must-revalidate"
        response["Access-Control-Allow-Origin"] = "*"
        response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        return response
