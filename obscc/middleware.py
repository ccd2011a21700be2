from django.conf import settings
from django.core.cache import cache
from django.http import HttpResponse, HttpResponseNotAllowed
from django.template.loader import render_to_string

from obscc.client import client_ip

RETURNS_PREFIX = "/returns/"  # a body's return at its secret link (surveys/returns/)


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
    admin and a body's return link is answered 405 before any middleware parses the body (CSRF
    would, for a form). In those two, a body larger than ``MAX_REQUEST_BYTES`` is refused with
    413 unread."""

    safe_methods = ("GET", "HEAD", "OPTIONS")
    body_prefixes = ("/admin/", RETURNS_PREFIX)

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if request.method not in self.safe_methods:
            if not request.path.startswith(self.body_prefixes):
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


class ReturnLinkMiddleware:
    """A body's return link (``/returns/<token>/``): its pages send no Referer to another
    site (the path holds the token), and guessing tokens is slowed per client address
    (``client_ip``): after ``RETURN_LINK_MISSES`` answers of 404 within
    ``RETURN_LINK_WINDOW`` seconds, every request under /returns/ from that address is
    answered 429 until the window ends, a good link's too: were a good link let through, 429
    against 200 would tell a guess right or wrong at full speed. The count is kept in the
    default cache (Redis: shared by every worker)."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        if not request.path.startswith(RETURNS_PREFIX):
            return self.get_response(request)
        key = f"obscc:returns:misses:{client_ip(request) or 'unknown'}"
        if (cache.get(key) or 0) >= settings.RETURN_LINK_MISSES:
            response = HttpResponse(
                render_to_string("returns/too_many.html"),
                status=429,
                content_type="text/html; charset=utf-8",
            )
            response["Retry-After"] = str(settings.RETURN_LINK_WINDOW)
        else:
            response = self.get_response(request)
            if response.status_code == 404:
                cache.add(key, 0, settings.RETURN_LINK_WINDOW)
                try:
                    cache.incr(key)
                except ValueError:  # expired between the two calls: this miss starts anew
                    cache.add(key, 1, settings.RETURN_LINK_WINDOW)
        # Not "no-referrer": with it, browsers send "Origin: null" with a form, which Django's
        # CSRF protection refuses. Our own server gets the Referer, and logs no Referer.
        response["Referrer-Policy"] = "same-origin"
        return response
