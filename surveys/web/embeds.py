"""A chart alone, to be framed by other sites: ``/embed/<chart>/?<its page's filters>``.

No site chrome: the chart, its table (the text alternative), its source and licence lines and
a link back to the full page. Only these pages may be framed by any site (``frame-ancestors
*``, no X-Frame-Options); every other page keeps ``frame-ancestors 'none'`` and ``DENY``.
They are public pages like the others: the whole-response cache keeps them (it keeps the CSP
override with them: obscc/response_cache.py).
"""

from __future__ import annotations

import re
from collections.abc import Callable

from csp.decorators import csp_replace
from django.shortcuts import render
from django.utils.safestring import mark_safe
from django.views.decorators.clickjacking import xframe_options_exempt
from django.views.decorators.http import require_safe

from surveys import chart_svg, stats
from surveys.models import SystemType
from surveys.web import chart_data, selectors, sharing, trend_chart

SLUG = re.compile(r"^[-a-z0-9]{1,100}$")


class NotFound(Exception):
    """The chart or the thing it is about does not exist (404)."""


class BadFilter(Exception):
    """A filter value the chart cannot take (400)."""


def _concern(request) -> dict:
    survey_round, _, error = selectors.round_from_param(request.GET.get("round"))
    if survey_round is None:
        raise NotFound("No survey data.")
    if error:
        raise BadFilter(error)
    published = sharing.as_published(request)
    data, summary = chart_data.concern_chart(survey_round, as_published=published)
    place = sharing.concern_place(survey_round.year, as_published=published)
    return sharing.chart_context(request, place, data, summary)


def _trend(request) -> dict:
    rounds = selectors.round_from_param(None)[1]
    data, summary = trend_chart.trend_chart(rounds, stats.response_by_round())
    return sharing.chart_context(request, sharing.trend_place(), data, summary, kind="line")


def _system_type(request) -> dict:
    slug = request.GET.get("system_type", "")
    # Checked before the query: a NUL byte or a 10 kB value never reaches the database.
    system_type = SystemType.objects.filter(slug=slug).first() if SLUG.match(slug) else None
    if system_type is None:
        raise NotFound("There is no such system type: give ?system_type= one of /systems/.")
    published = sharing.as_published(request)
    data, summary = chart_data.system_type_figures_chart(
        system_type, selectors.rounds_covering(system_type), as_published=published
    )
    place = sharing.system_type_place(system_type.slug, as_published=published)
    return sharing.chart_context(request, place, data, summary)


# Each chart that can be embedded, by the name in its address.
CHARTS: dict[str, Callable] = {
    "concern-by-system-type": _concern,
    "figures-by-round": _trend,
    "published-figures": _system_type,
}


@require_safe
@xframe_options_exempt
@csp_replace({"frame-ancestors": ["*"]})
def embed(request, chart: str):
    build = CHARTS.get(chart)
    try:
        if build is None:
            raise NotFound(f"There is no chart {chart[:40]!r} to embed.")
        context = build(request)
    except NotFound as missing:
        return _refusal(request, str(missing), status=404)
    except BadFilter as bad:
        return _refusal(request, str(bad), status=400)
    # Drawn here, so the chart shows with no chart library to fetch; Plotly only on request.
    svg = chart_svg.render(context["data"], kind=context["kind"], label_id=f"{context['id']}-svg")
    context["svg"] = mark_safe(svg)  # noqa: S308 - every text in it is escaped by chart_svg
    return render(request, "surveys/embed.html", {"chart": context})


def _refusal(request, message: str, *, status: int):
    return render(request, "surveys/embed_missing.html", {"message": message}, status=status)
