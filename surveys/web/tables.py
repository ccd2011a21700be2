"""django-tables2 tables for the public pages, and the rows their exports write."""

from __future__ import annotations

import django_tables2 as tables
from django.urls import reverse
from django.utils.html import format_html
from django.utils.timezone import localtime

from surveys.caching import data_last_changed
from surveys.exports import download_name
from surveys.models import Answer, Body, Return
from surveys.opendata.schema import LICENCE, SOURCE_LINE
from surveys.stats import CONCERN_USERS
from surveys.web.filters import AppliedFilter

STATUS_LABELS = dict(Return.Status.choices)


NOT_KNOWN = "Not known"


def status_label(record) -> str:
    """The response status; marked derived where no source names the body with it."""
    label = STATUS_LABELS.get(record.status, "No return recorded")
    return f"{label} (derived)" if record.status and record.status_is_derived else label


def operated_label(record) -> int | str:
    """How many system types the answers say the body operates; not known (never 0) when no
    answer says whether it operates any."""
    return record.operated if record.operates_known else NOT_KNOWN


def concern_label(record) -> str:
    if record.uses_concern:
        return "Yes"
    if record.vendors_known:
        return "No"
    return "No data"


FACIAL_RECOGNITION = "facial-recognition"
KIND_LABELS = dict(Answer._meta.get_field("kind").choices)


class KindColumn(tables.Column):
    """The kind of facial recognition a body's answer gives; "Not stated" where none does."""

    def __init__(self, **kwargs):
        super().__init__(
            verbose_name="Kind of facial recognition",
            orderable=False,
            default="Not stated",
            **kwargs,
        )

    def render(self, value):
        return KIND_LABELS[value]

    def value(self, value):
        return KIND_LABELS.get(value, "Not stated")


class BodyTable(tables.Table):
    name = tables.Column(verbose_name="Body", linkify=("surveys:body", {"slug": tables.A("slug")}))
    kind = tables.Column(verbose_name="Kind")
    nation = tables.Column(verbose_name="Nation")
    region = tables.Column(verbose_name="Region", default="–")
    status = tables.Column(verbose_name="Response", default="No return recorded")
    answered = tables.Column(verbose_name="System types answered", attrs={"td": {"class": "num"}})
    operated = tables.Column(verbose_name="System types operated", attrs={"td": {"class": "num"}})
    uses_concern = tables.Column(
        verbose_name=CONCERN_USERS.body_label, order_by=("-uses_concern", "-vendors_known")
    )

    class Meta:
        model = Body
        fields = [
            "name",
            "kind",
            "nation",
            "region",
            "status",
            "answered",
            "operated",
            "uses_concern",
        ]
        order_by = "name"
        attrs = {"class": "table", "id": "bodies-table"}
        template_name = "surveys/partials/table.html"
        orderable = True

    def render_status(self, value, record):
        css = "tag tag--green" if value == Return.Status.RESPONDED else "tag tag--grey"
        return format_html('<strong class="{}">{}</strong>', css, status_label(record))

    def render_operated(self, value, record):
        label = operated_label(record)
        if label == NOT_KNOWN:
            return format_html('<span class="no-data">{}</span>', label)
        return label

    def render_uses_concern(self, record):
        label = concern_label(record)
        css = {"Yes": "tag tag--red", "No": "tag tag--green"}.get(label, "tag tag--grey")
        return format_html('<strong class="{}">{}</strong>', css, label)


EXPORT_HEADER = [
    "Body",
    "Short name",
    "Kind",
    "Nation",
    "Region",
    "Round",
    "Response",
    "Response derived",
    "System types answered",
    "System types operated",
    CONCERN_USERS.body_label,
    "Page",
]


def export_rows(queryset, *, year: int, base_url: str):
    for body in queryset.iterator(chunk_size=1000):
        yield [
            body.name,
            body.short_name,
            body.get_kind_display(),
            body.get_nation_display(),
            body.region,
            year,
            STATUS_LABELS.get(body.status, "No return recorded"),
            ("yes" if body.status_is_derived else "no") if body.status else "",
            body.answered,
            operated_label(body),
            concern_label(body),
            base_url + reverse("surveys:body", kwargs={"slug": body.slug}),
        ]


def export_name(year: int, applied: list[AppliedFilter], *, suffix: str) -> str:
    """``forces-2022-nation-wales-status-responded.csv``: the round, then each filter."""
    return download_name("forces", year, *(f.slug for f in applied), suffix=suffix)


def export_about(year: int, applied: list[AppliedFilter], *, page_url: str) -> list[tuple]:
    """The About sheet of an Excel download: what it holds, under which filters, from where."""
    changed = data_last_changed()
    filters = "; ".join(f"{f.label}: {f.value}" for f in applied)
    return [
        ("What", f"Police forces and other policing bodies in the {year} survey"),
        ("Filters", filters or "None: every body in the round"),
        ("Source", SOURCE_LINE),
        ("Licence", f"{LICENCE['name']} ({LICENCE['url']}). {LICENCE['attribution']}"),
        ("Licence notes", LICENCE["notes"]),
        (
            "Data last changed",
            f"{localtime(changed):%-d %B %Y, %H:%M} UK time" if changed else "Not recorded",
        ),
        ("Page", page_url),
    ]
