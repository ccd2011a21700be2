from django.conf import settings
from django.http import HttpResponse, HttpResponseNotAllowed


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
    """The API and downloads: open CORS for GET. Their validators (ETag, Last-Modified) and
    304s come from ``obscc.response_cache``, as every public response's do."""

    prefixes = ("/api/", "/data/")

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        if (
            request.method in ("GET", "HEAD")
            and request.path.startswith(self.prefixes)
            and request.path != "/data/"  # the page itself
        ):
            response["Access-Control-Allow-Origin"] = "*"
            response["Access-Control-Expose-Headers"] = "ETag, Last-Modified, Retry-After"
        return response
