"""Thin views: parse parameters, call a selector, build charts or tables, render."""

from __future__ import annotations

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
from surveys.templatetags.licences import licence_of_cell
from surveys.web import chart_data, maps, selectors, sharing, trend_chart
from surveys.web.filters import BodyFilter
from surveys.web.selectors.answer_rows import ANSWER_COLUMN_NOTES, SOURCE_COLUMNS
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


def _chart_csv(data, filename: str):
    """A chart's CSV, each row with the licence of the source it names (its last column)."""
    header, rows = charts.csv_table(data)
    return csv_response(
        [*header, "Licence"], [[*row, licence_of_cell(row[-1])] for row in rows], filename=filename
    )


def _no_data(request):
    return render(request, "surveys/no_data.html", status=200)


@require_safe
def overview(request):
    survey_round, rounds, round_error = selectors.round_from_param(request.GET.get("round"))
    if survey_round is None:
        return _no_data(request)
    data = selectors.overview(
        survey_round=survey_round, rounds=rounds, as_published=sharing.as_published(request)
    )
    year = survey_round.year
    context = {
        "o": data,
        "round_error": round_error,
        "as_published": sharing.as_published(request),
        "category_chart": sharing.chart_context(
            request,
            sharing.concern_place(year, as_published=sharing.as_published(request)),
            data.category_chart,
            data.category_summary,
        ),
        "hexmap": maps.round_map(survey_round)
        if data.response and data.response.has_per_body_returns
        else None,
        "trend_chart": sharing.chart_context(
            request,
            sharing.trend_place(),
            data.trend_chart,
            data.trend_summary,
            kind="line",
        ),
    }
    return render(request, "surveys/overview.html", context)


@require_safe
def concern_chart_csv(request):
    survey_round, rounds, error = selectors.round_from_param(request.GET.get("round"))
    if error or survey_round is None:
        return HttpResponseBadRequest(error or "No survey data.", content_type="text/plain")
    published = sharing.as_published(request)
    data, _ = chart_data.concern_chart(survey_round, as_published=published)
    name = ("concern-by-system-type", survey_round.year, *(["as-published"] if published else []))
    return _chart_csv(data, download_name(*name, suffix="csv"))


@require_safe
def trend_chart_csv(request):
    rounds = selectors.round_from_param(None)[1]
    data, _ = trend_chart.trend_chart(rounds, stats.response_by_round())
    return _chart_csv(data, "survey-figures-by-round.csv")


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
        # Which kinds, where a source says: "uses facial recognition" is not "uses it live".
        rows = selectors.with_answer_kinds(rows, survey_round, system_type)
        extra_columns = [("answer_kinds", KindColumn())]
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
    hexmap = map_choices = map_note = None
    if invited_known:
        hexmap, map_choices, map_note = maps.bodies_map(
            request.GET.get("map"), body_filter, survey_round
        )
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
            "hexmap": hexmap,
            "figure_rows": body_filter.form.cleaned_data.get("figure"),
            "map_choices": map_choices,
            "map_note": map_note,
        },
    )


def _bodies_export(request, body_filter: BodyFilter, year: int, export: str):
    """The filtered table as CSV or XLSX, named after its round and the filters that took
    effect; the XLSX says the same in words, with source and licence, on a sheet "About"."""
    applied = body_filter.applied()
    header = export_header(body_filter.system_type_filtered())
    sources = selectors.sources_by_body(body_filter.qs, body_filter.survey_round)
    publications = list(selectors.publications_coded(set().union(*sources.values())))
    rows = export_rows(
        body_filter.qs.order_by("name"),
        year=year,
        base_url=request.build_absolute_uri("/")[:-1],
        sources=sources,
        licences={p.code: p.licence_display for p in publications},
    )
    filename = export_name(year, applied, suffix=export)
    if export == "csv":
        return csv_response(header, rows, filename=filename)
    query = urlencode([("round", year), *((f.name, f.param) for f in applied)])
    page_url = request.build_absolute_uri(f"{reverse('surveys:bodies')}?{query}")
    about = export_about(
        year,
        applied,
        page_url=page_url,
        system_type=body_filter.system_type_filtered(),
        publications=publications,
    )
    return xlsx_response(header, rows, filename=filename, title=f"forces-{year}", about=about)


@require_safe
def body(request, slug: str):
    context = selectors.body_detail(slug)
    latest = context["returns"][-1] if context["returns"] else None
    context["hexmap"] = (
        maps.round_map(latest.survey_round, marked=context["body"]) if latest else None
    )
    return render(request, "surveys/body.html", context)


@require_safe
def system_types(request):
    return render(request, "surveys/system_types.html", selectors.system_types_index())


@require_safe
def system_type(request, slug: str):
    context = selectors.system_type_detail(
        slug,
        as_published=sharing.as_published(request),
        show_evidence=request.GET.get("evidence") == "1",
    )
    context["chart"] = sharing.chart_context(
        request,
        sharing.system_type_place(
            context["system_type"].slug, as_published=sharing.as_published(request)
        ),
        context["chart"],
        context["chart_summary"],
    )
    latest = maps.latest_round_with_returns(context["system_type"], rounds=context["rounds"])
    context["hexmap"] = maps.system_type_map(latest, context["system_type"]) if latest else None
    return render(request, "surveys/system_type.html", context)


@require_safe
def system_type_chart_csv(request, slug: str):
    system_type = get_object_or_404(SystemType, slug=slug)
    rounds = selectors.rounds_covering(system_type)
    published = sharing.as_published(request)
    data, _ = chart_data.system_type_figures_chart(system_type, rounds, as_published=published)
    name = (slug, "published-figures-by-round", *(["as-published"] if published else []))
    return _chart_csv(data, download_name(*name, suffix="csv"))


@require_safe
def vendors(request):
    return render(request, "surveys/vendors.html", {"vendors": selectors.vendors_index()})


@require_safe
def vendor(request, slug: str):
    context = selectors.vendor_detail(slug)
    latest = maps.latest_round_with_returns()
    context["hexmap"] = maps.vendor_map(latest, context["vendor"]) if latest else None
    return render(request, "surveys/vendor.html", context)


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
    "kinds",
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
    answer_columns = [(name, ANSWER_COLUMN_NOTES.get(name, "")) for name in ANSWER_EXPORT_HEADER]
    return render(
        request, "surveys/data.html", {**opendata.page(), "answer_columns": answer_columns}
    )


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
