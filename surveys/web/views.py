"""Thin views: parse parameters, call a selector, build charts or tables, render."""

from __future__ import annotations

import json
from urllib.parse import urlencode

from django.core.paginator import Paginator
from django.http import Http404, HttpResponseBadRequest, StreamingHttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.views.decorators.http import require_safe

from surveys import charts, opendata, stats
from surveys.caching import data_last_changed
from surveys.exports import csv_response, download_name, xlsx_response
from surveys.models import SystemType
from surveys.web import chart_data, selectors, trend_chart
from surveys.web.filters import BodyFilter, FindingFilter
from surveys.web.selectors.answer_rows import SOURCE_COLUMNS
from surveys.web.tables import (
    FACIAL_RECOGNITION,
    BodyTable,
    KindColumn,
    concern_scope,
    export_about,
    export_header,
    export_name,
    export_rows,
)

PER_PAGE = 25
CSV_TYPE = "text/csv; charset=utf-8"


def _chart(chart_id: str, data, summary: str, csv_url: str, *, kind: str = "bar") -> dict:
    figure = charts.bar_chart(data) if kind == "bar" else charts.line_chart(data)
    return {
        "id": chart_id,
        "script_id": f"{chart_id}-data",
        "data": data,
        "figure": json.loads(figure.to_json()),
        "summary": summary,
        "csv_url": csv_url,
    }


def _as_published(request) -> bool:
    return request.GET.get("as_published") == "1"


class CountedPaginator(Paginator):
    """A paginator told the count already, so the table does not run COUNT a second time."""

    def __init__(self, object_list, per_page, *, count: int, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.__dict__["count"] = count  # fills the cached_property


def _page_number(request, count: int) -> int:
    """A page number from ?page=, clamped to the pages there are (bad values: page 1)."""
    try:
        page = int(request.GET.get("page", "1"))
    except ValueError:
        return 1
    last = max(1, -(-count // PER_PAGE))
    return min(max(page, 1), last)


def _sort_param(request, table_class) -> str | None:
    """?sort= names a column, optionally with '-'; anything else keeps the default order."""
    value = request.GET.get("sort", "")
    name = value.removeprefix("-")
    return value if name in table_class.base_columns else None


def _no_data(request):
    return render(request, "surveys/no_data.html", status=200)


@require_safe
def overview(request):
    survey_round, rounds, round_error = selectors.round_from_param(request.GET.get("round"))
    if survey_round is None:
        return _no_data(request)
    data = selectors.overview(
        survey_round=survey_round, rounds=rounds, as_published=_as_published(request)
    )
    year = survey_round.year
    context = {
        "o": data,
        "round_error": round_error,
        "as_published": _as_published(request),
        "category_chart": _chart(
            "concern-chart",
            data.category_chart,
            data.category_summary,
            f"{reverse('surveys:concern_chart_csv')}?round={year}",
        ),
        "trend_chart": _chart(
            "trend-chart",
            data.trend_chart,
            data.trend_summary,
            reverse("surveys:trend_chart_csv"),
            kind="line",
        ),
    }
    return render(request, "surveys/overview.html", context)


@require_safe
def concern_chart_csv(request):
    survey_round, rounds, error = selectors.round_from_param(request.GET.get("round"))
    if error or survey_round is None:
        return HttpResponseBadRequest(error or "No survey data.", content_type="text/plain")
    data = chart_data.concern_chart(survey_round)
    header, rows = charts.csv_table(data)
    filename = download_name("concern-by-system-type", survey_round.year, suffix="csv")
    return csv_response(header, rows, filename=filename)


@require_safe
def trend_chart_csv(request):
    rounds = selectors.round_from_param(None)[1]
    data, _ = trend_chart.trend_chart(rounds, stats.response_by_round())
    header, rows = charts.csv_table(data)
    return csv_response(header, rows, filename="survey-figures-by-round.csv")


@require_safe
def bodies(request):
    survey_round, rounds, round_error = selectors.round_from_param(request.GET.get("round"))
    if survey_round is None:
        return _no_data(request)
    queryset = selectors.bodies_for_round(survey_round)
    # No per-body returns (2017, 2019): who was invited is not known, so no body is listed.
    invited_known = selectors.round_has_returns(survey_round)
    if not invited_known:
        queryset = queryset.none()
    body_filter = BodyFilter(request.GET, queryset=queryset, survey_round=survey_round)
    export = request.GET.get("export")
    if export in ("csv", "xlsx"):
        return _bodies_export(request, body_filter, survey_round.year, export)
    rows, extra_columns = body_filter.qs, []
    system_type = body_filter.system_type_filtered()
    if system_type is not None and system_type.slug == FACIAL_RECOGNITION:
        # Which kind, where a source says: "uses facial recognition" is not "uses it live".
        rows = selectors.with_answer_kind(rows, survey_round, system_type)
        extra_columns = [("answer_kind", KindColumn())]
    table = BodyTable(
        rows,
        order_by=_sort_param(request, BodyTable),
        extra_columns=extra_columns,
        system_type=system_type,
    )
    count = body_filter.qs.count()
    table.paginate(
        paginator_class=CountedPaginator,
        count=count,
        page=_page_number(request, count),
        per_page=PER_PAGE,
    )
    query = request.GET.copy()
    query.pop("page", None)
    query.pop("export", None)
    return render(
        request,
        "surveys/bodies.html",
        {
            "filter": body_filter,
            "table": table,
            "survey_round": survey_round,
            "rounds": rounds,
            "round_error": round_error,
            "invited_known": invited_known,
            "response": None
            if invited_known
            else next((r for r in stats.response_by_round() if r.year == survey_round.year), None),
            "query": query.urlencode(),
            "concern_scope": concern_scope(system_type),
        },
    )


def _bodies_export(request, body_filter: BodyFilter, year: int, export: str):
    """The filtered table as CSV or XLSX, named after its round and the filters that took
    effect; the XLSX says the same in words, with source and licence, on a sheet "About"."""
    applied = body_filter.applied()
    header = export_header(body_filter.system_type_filtered())
    rows = export_rows(
        body_filter.qs.order_by("name"), year=year, base_url=request.build_absolute_uri("/")[:-1]
    )
    filename = export_name(year, applied, suffix=export)
    if export == "csv":
        return csv_response(header, rows, filename=filename)
    query = urlencode([("round", year), *((f.name, f.param) for f in applied)])
    page_url = request.build_absolute_uri(f"{reverse('surveys:bodies')}?{query}")
    about = export_about(
        year, applied, page_url=page_url, system_type=body_filter.system_type_filtered()
    )
    return xlsx_response(header, rows, filename=filename, title=f"forces-{year}", about=about)


@require_safe
def body(request, slug: str):
    return render(request, "surveys/body.html", selectors.body_detail(slug))


@require_safe
def system_types(request):
    return render(request, "surveys/system_types.html", selectors.system_types_index())


@require_safe
def system_type(request, slug: str):
    context = selectors.system_type_detail(
        slug,
        as_published=_as_published(request),
        show_evidence=request.GET.get("evidence") == "1",
    )
    context["chart"] = _chart(
        "system-chart",
        context["chart"],
        context["chart_summary"],
        reverse("surveys:system_type_chart_csv", kwargs={"slug": slug}),
    )
    return render(request, "surveys/system_type.html", context)


@require_safe
def system_type_chart_csv(request, slug: str):
    system_type = get_object_or_404(SystemType, slug=slug)
    rounds = selectors.rounds_covering(system_type)
    data = chart_data.system_type_figures_chart(system_type, rounds)
    header, rows = charts.csv_table(data)
    filename = download_name(slug, "published-figures-by-round", suffix="csv")
    return csv_response(header, rows, filename=filename)


@require_safe
def vendors(request):
    return render(request, "surveys/vendors.html", {"vendors": selectors.vendors_index()})


@require_safe
def vendor(request, slug: str):
    return render(request, "surveys/vendor.html", selectors.vendor_detail(slug))


@require_safe
def findings(request):
    finding_filter = FindingFilter(
        request.GET,
        queryset=stats.findings_for_display().order_by(
            "-survey_round__year", "publication__published_on", "pk"
        ),
    )
    page = Paginator(finding_filter.qs, PER_PAGE).get_page(request.GET.get("page"))
    as_published = _as_published(request)
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
            "views": stats.finding_views(page.object_list, as_published=as_published),
            "as_published": as_published,
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


ANSWER_EXPORT_HEADER = [
    "round",
    "body",
    "body_slug",
    "system_type",
    "operates",
    "vendors",
    "aware_of_concerns",
    "intent",
    "source",
    "notes",
    "kind",
    "unit_count",
    "says_vendor_of_concern",
    *SOURCE_COLUMNS,
]


@require_safe
def answers_csv(request):
    """Every per-body answer (optionally one round), streamed in constant memory."""
    survey_round, _, error = selectors.round_from_param(request.GET.get("round"))
    if error:
        return HttpResponseBadRequest(error, content_type="text/plain")
    year = request.GET.get("round") and survey_round.year
    return opendata.serve(
        request,
        name=f"answers-{year or 'all-rounds'}",
        suffix=".csv",
        chunks=lambda: opendata.csv_text(ANSWER_EXPORT_HEADER, selectors.answer_rows(year=year)),
        content_type=CSV_TYPE,
        filename=download_name("answers", year or "all-rounds", suffix="csv"),
    )


@require_safe
def data(request):
    """The open-data page: downloads, licence, when the data last changed, data dictionary."""
    return render(request, "surveys/data.html", opendata.page())


def _dated(name: str, suffix: str) -> str:
    """A download's file name, with the date the data last changed."""
    changed = data_last_changed()
    return f"{name}-{changed:%Y-%m-%d}.{suffix}" if changed else f"{name}.{suffix}"


def _download(chunks, content_type: str, filename: str) -> StreamingHttpResponse:
    response = StreamingHttpResponse(chunks, content_type=content_type)
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    return response


def _built(request, name: str, suffix: str, chunks, content_type: str):
    """A whole-data-set download, built once per data version and served as a file."""
    return opendata.serve(
        request,
        name=f"{name}-{suffix}",
        suffix=f".{suffix}",
        chunks=chunks,
        content_type=content_type,
        filename=_dated(name, suffix),
    )


@require_safe
def data_zip(request):
    """Every table as CSV, with the data dictionary and a README, zipped as it streams."""
    return _built(request, "obscc-data", "zip", opendata.zip_chunks, "application/zip")


@require_safe
def data_json(request):
    """Every table, the data dictionary and the licence as one JSON document."""
    return _built(
        request, "obscc-data", "json", opendata.json_chunks, "application/json; charset=utf-8"
    )


@require_safe
def data_table_csv(request, table: str):
    """One table of the whole data set as CSV, exactly as in the zip."""
    if table not in opendata.TABLES:
        raise Http404("No such table in the data set.")
    return _built(request, table, "csv", lambda: opendata.table_csv_chunks(table), CSV_TYPE)


@require_safe
def data_dictionary_csv(request):
    """What every column of every table means, as CSV."""
    return _download(opendata.dictionary_lines(), CSV_TYPE, "data-dictionary.csv")
