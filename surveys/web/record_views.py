"""The pages of the published record: the findings, the corrections, and /about/."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render
from django.views.decorators.http import require_safe

from surveys import stats
from surveys.web import selectors
from surveys.web.filters import FindingFilter
from surveys.web.sharing import as_published
from surveys.web.views import PER_PAGE


@require_safe
def findings(request):
    finding_filter = FindingFilter(
        request.GET,
        queryset=stats.findings_for_display().order_by(
            "-survey_round__year", "publication__published_on", "pk"
        ),
    )
    page = Paginator(finding_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    published = as_published(request)
    query = request.GET.copy()
    query.pop("page", None)
    base = query.copy()
    base.pop("as_published", None)
    return render(
        request,
        "surveys/findings.html",
        {
            "filter": finding_filter,
            "page": page,
            "views": stats.finding_views(page.object_list, as_published=published),
            "as_published": published,
            "query": query.urlencode(),
            "base_query": base.urlencode(),
        },
    )


@require_safe
def about(request):
    return render(request, "surveys/about.html", selectors.about())


@require_safe
def corrections(request):
    return render(
        request, "surveys/corrections.html", {"corrections": selectors.corrections_list()}
    )


@require_safe
def correction(request, pk: int):
    return render(request, "surveys/correction.html", {"c": selectors.correction_detail(pk)})
