"""Pages' addresses, each reversed once per process: a page links to the same few pages (a
system type's, a vendor's, the bodies table) on many rows, and reversing a URL costs more than
writing the row around it.

``{% page_url 'surveys:vendor' slug %}`` writes what ``{% url 'surveys:vendor' slug %}`` writes.
The address depends on nothing but the URL configuration, the script prefix and the
arguments, so those are the cache's key. ``escape`` is what the rows written in Python
(answer_rows, system_type_rows, vendor_rows) put where the template wrote ``{{ value }}``.
"""

from __future__ import annotations

from functools import lru_cache
from html import escape as _escape

from django import template
from django.conf import settings
from django.urls import get_script_prefix, get_urlconf, reverse

register = template.Library()


@lru_cache(maxsize=50_000)
def _reversed(prefix: str, urlconf: str, viewname: str, args: tuple) -> str:
    return reverse(viewname, urlconf=urlconf, args=args)


def page_url(viewname: str, *args) -> str:
    """``reverse(viewname, args=args)``, remembered."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    return _reversed(get_script_prefix(), urlconf, viewname, args)


register.simple_tag(page_url, name="page_url")


def escape(value) -> str:
    """What ``{{ value }}`` shows: the value escaped, unless it is already safe HTML (Django's
    ``conditional_escape``, without its lazy-string wrapper: rows call it thousands of
    times)."""
    return value.__html__() if hasattr(value, "__html__") else _escape(str(value))
