"""django-tables2 tables for the public pages, and the rows their exports write."""

from __future__ import annotations

import django_tables2 as tables
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeString, mark_safe
from django.utils.timezone import localtime

from surveys.caching import data_last_changed
from surveys.exports import download_name
from surveys.models import Body, Return, SystemType, licence_groups
from surveys.opendata.schema import LICENCE, SOURCE_LINE
from surveys.stats import CONCERN_USERS
from surveys.stats.figures import DERIVED
from surveys.templatetags.links import page_url
from surveys.values import ANSWER_KINDS
from surveys.web.filters import AppliedFilter

STATUS_LABELS = dict(Return.Status.choices)


NOT_KNOWN = "Not known"
NOT_APPLICABLE = None  # no return to count answers in: "–" on the page, empty in a download


def status_label(record) -> str:
    """The response status; marked derived where no source names the body with it."""
    label = STATUS_LABELS.get(record.status, "No return recorded")
    return f"{label} (derived)" if record.status and record.status_is_derived else label


def _count_label(record, count: int, *, complete: bool) -> int | str | None:
    """A count of the body's system types: exact only when its answers are complete for the
    round (``selectors.bodies_for_round``), else a floor; nothing recorded is not known."""
    if record.status != Return.Status.RESPONDED:
        return NOT_APPLICABLE
    if complete:
        return count
    return f"At least {count}" if count else NOT_KNOWN


def answered_label(record) -> int | str | None:
    """How many system types the body's recorded answers cover."""
    return _count_label(record, record.answered, complete=record.answers_complete)


def operated_label(record) -> int | str | None:
    """How many system types the answers say the body operates."""
    return _count_label(record, record.operated, complete=record.operates_complete)


def concern_heading(system_type: SystemType | None) -> str:
    """The concern column's heading, naming the answers it is derived from."""
    base = CONCERN_USERS.body_label.removesuffix(DERIVED)
    scope = f"for {system_type.name}" if system_type else "in any system type"
    return f"{base} {scope}{DERIVED}"


def concern_scope(system_type: SystemType | None) -> str:
    """Which answers the concern column is computed from, in words."""
    if system_type is None:
        return "computed from the answers about every system type"
    return f"computed from the answers about {system_type.name} only"


def concern_label(record) -> str:
    if record.uses_concern:
        return "Yes"
    if record.vendors_known:
        return "No"
    return "No data"


FACIAL_RECOGNITION = "facial-recognition"


class KindColumn(tables.Column):
    """The kinds of facial recognition a body's answer states (from ``with_answer_kinds``);
    "Not stated" where none is."""

    def __init__(self, **kwargs):
        super().__init__(
            verbose_name="Kinds of facial recognition",
            orderable=False,
            empty_values=(),
            accessor="pk",
            **kwargs,
        )

    def render(self, record):
        stated = [label for code, label in ANSWER_KINDS if getattr(record, f"kind_{code}")]
        return "; ".join(stated) or "Not stated"

    def value(self, record):
        return self.render(record)


class BodyTable(tables.Table):
    name = tables.Column(verbose_name="Body", linkify=("surveys:body", {"slug": tables.A("slug")}))
    # Every sort ends on the name (unique), so that bodies tied on a column keep one order
    # from page to page: none is shown twice, none skipped.
    kind = tables.Column(verbose_name="Kind", order_by=("kind", "name"))
    nation = tables.Column(verbose_name="Nation", order_by=("nation", "name"))
    region = tables.Column(verbose_name="Region", default="–", order_by=("region", "name"))
    status = tables.Column(
        verbose_name="Response", default="No return recorded", order_by=("status", "name")
    )
    answered = tables.Column(
        verbose_name="System types answered",
        attrs={"td": {"class": "num"}},
        order_by=("answered", "name"),
    )
    operated = tables.Column(
        verbose_name="System types operated",
        attrs={"td": {"class": "num"}},
        order_by=("operated", "name"),
    )
    uses_concern = tables.Column(
        verbose_name=concern_heading(None), order_by=("-uses_concern", "-vendors_known", "name")
    )
    compare = tables.Column(verbose_name="Compare", empty_values=(), orderable=False)

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
            "compare",
        ]
        order_by = "name"
        attrs = {"class": "table", "id": "bodies-table"}
        template_name = "surveys/partials/table.html"
        orderable = True

    def __init__(self, *args, system_type: SystemType | None = None, **kwargs):
        super().__init__(*args, **kwargs)
        # Each table has its own copy of the columns, so this heading is this table's alone.
        self.columns["uses_concern"].column.verbose_name = concern_heading(system_type)

    def rows_html(self) -> list[SafeString]:
        """The page's rows, one ``<tr>`` each: what looping over each row's ``items`` in the
        template renders (``tests/test_table_rows.py`` holds them equal), without
        django-tables2's work per cell (an accessor, a signature and a template lookup)."""
        columns = [(c.name, c.default, c.attrs["td"].as_html()) for c in self.columns]
        rows = []
        for row in self.paginated_rows:
            cells = []
            for name, default, td in columns:
                cell = self._cell(row, name, default)
                cells.append(
                    f'<th scope="row">{conditional_escape(cell)}</th>'
                    if not cells
                    else f"<td {td}>{conditional_escape(cell)}</td>"
                )
            rows.append(mark_safe(f"<tr>{''.join(cells)}</tr>"))
        return rows

    def _cell(self, row, name: str, default):
        """One cell's content, as django-tables2 renders it: an empty value (None or "") is
        the column's default; a choice its label."""
        record = row.record
        if name == "name":
            url = page_url("surveys:body", record.slug)
            return format_html('<a href="{}">{}</a>', url, record.name)
        if name in ("kind", "nation", "region", "status"):
            value = getattr(record, name)
            if value in (None, ""):
                return default
            if name == "status":
                return self.render_status(value, record)
            return value if name == "region" else getattr(record, f"get_{name}_display")()
        if name in ("answered", "operated"):
            if getattr(record, name) in (None, ""):
                return default
            render = self.render_answered if name == "answered" else self.render_operated
            return render(None, record)
        if name == "uses_concern":
            return (
                default if record.uses_concern in (None, "") else self.render_uses_concern(record)
            )
        if name == "compare":
            return self.render_compare(record)
        if name == "answer_kinds":
            return self.columns[name].column.render(record)
        return row.get_cell(name)  # a column added later: django-tables2's own rendering

    def render_compare(self, record):
        """A box to choose the body for ``/compare/`` (the form is after the table)."""
        return format_html(
            '<input type="checkbox" name="body" value="{0}" form="compare-form" id="compare-{0}">'
            '<label for="compare-{0}" class="visually-hidden">Compare {1}</label>',
            record.slug,
            record.name,
        )

    def render_status(self, value, record):
        css = "tag tag--green" if value == Return.Status.RESPONDED else "tag tag--grey"
        return format_html('<strong class="{}">{}</strong>', css, status_label(record))

    def render_answered(self, value, record):
        return _render_count(answered_label(record))

    def render_operated(self, value, record):
        return _render_count(operated_label(record))

    def render_uses_concern(self, record):
        label = concern_label(record)
        css = {"Yes": "tag tag--red", "No": "tag tag--green"}.get(label, "tag tag--grey")
        return format_html('<strong class="{}">{}</strong>', css, label)


def _render_count(label: int | str | None):
    if label is NOT_APPLICABLE:
        return "–"
    if label == NOT_KNOWN:
        return format_html('<span class="no-data">{}</span>', label)
    return label


def export_header(system_type: SystemType | None = None) -> list[str]:
    """The download's columns; the concern column names the answers it is derived from."""
    return [
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
        concern_heading(system_type),
        "Page",
        "Sources",
        "Licence",
    ]


COUNTS_NOTE = (
    "Exact only where the body's answers are complete for the round: an answer recorded for "
    "every system type the round asked about (for the count operated, each saying whether it "
    "operates it). Otherwise 'At least N', the answers recorded, or 'Not known' where none "
    "is; empty where the body did not respond or no return is recorded."
)


def export_rows(queryset, *, year: int, base_url: str, sources: dict[int, set[str]], licences):
    """Each body's row; ``sources`` gives the publication codes behind each row (its response
    and its answers) and ``licences`` the licence statement of each code."""
    for body in queryset.iterator(chunk_size=1000):
        codes = sorted(sources.get(body.pk, ()))
        yield [
            body.name,
            body.short_name,
            body.get_kind_display(),
            body.get_nation_display(),
            body.region,
            year,
            STATUS_LABELS.get(body.status, "No return recorded"),
            ("yes" if body.status_is_derived else "no") if body.status else "",
            answered_label(body),
            operated_label(body),
            concern_label(body),
            base_url + page_url("surveys:body", body.slug),
            ", ".join(codes),
            "; ".join(f"{code}: {licences[code]}" for code in codes),
        ]


def export_name(year: int, applied: list[AppliedFilter], *, suffix: str) -> str:
    """``forces-2022-nation-wales-status-responded.csv``: the round, then each filter."""
    return download_name("forces", year, *(f.slug for f in applied), suffix=suffix)


def export_about(
    year: int,
    applied: list[AppliedFilter],
    *,
    page_url: str,
    system_type: SystemType | None = None,
    publications=(),
) -> list[tuple]:
    """The About sheet of an Excel download: what it holds, under which filters, from where."""
    changed = data_last_changed()
    filters = "; ".join(f"{f.label}: {f.value}" for f in applied)
    return [
        ("What", f"Police forces and other policing bodies in the {year} survey"),
        ("Filters", filters or "None: every body in the round"),
        ("Derived columns", f"{concern_heading(system_type)}: {concern_scope(system_type)}."),
        ("Counts of system types", COUNTS_NOTE),
        ("Source", SOURCE_LINE),
        ("Licence", f"{LICENCE['name']} ({LICENCE['url']}). {LICENCE['attribution']}"),
        ("Licence notes", LICENCE["notes"]),
        *(
            (f"Licence of {', '.join(codes)}", statement)
            for statement, codes in licence_groups(publications)
        ),
        (
            "Data last changed",
            f"{localtime(changed):%-d %B %Y, %H:%M} UK time" if changed else "Not recorded",
        ),
        ("Page", page_url),
    ]
