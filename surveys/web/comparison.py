"""The rows of ``/compare/``'s tables as HTML, written in Python: a row per system type with a
cell per body (its answer's fields, each with the publication that states it, the derived
concern column and the corrections in force). The same HTML as the template that rendered
them cell by cell (``tests/test_compare_rows.py`` holds them equal), without its thousands of
variable lookups and tags at 10 rounds and 10 system types."""

from __future__ import annotations

from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe

from surveys.templatetags.links import escape, page_url
from surveys.templatetags.survey_tags import known, source_link
from surveys.web.selectors.compare import CompareRow, RoundResponses

FACIAL_RECOGNITION = "facial-recognition"
INDENT = "\n          "  # between the fields of a cell, as the template laid them out


class _Writer:
    """Writes the rows of one page, each link made once (a source, a vendor)."""

    def __init__(self) -> None:
        self.sources: dict[int, str] = {}
        self.vendors: dict[tuple[int, str], str] = {}
        self.types: dict[str, str] = {}

    def source(self, answer, name: str) -> str:
        """``survey_tags.field_source``: a link to the publication stating the field."""
        source = answer.stated_source(name)
        if source is None:
            return ""
        if source.pk not in self.sources:
            self.sources[source.pk] = source_link(source)
        return self.sources[source.pk]

    def vendor(self, link) -> str:
        key = (link.vendor_id, link.role)
        if key not in self.vendors:
            self.vendors[key] = format_html(
                '<a href="{}">{}</a>{}',
                page_url("surveys:vendor", link.vendor.slug),
                link.vendor.name,
                link.role_suffix,
            )
        return self.vendors[key]

    def field(self, term: str, value, answer=None, name: str = "") -> str:
        source = self.source(answer, name) if name else ""
        return f"<div><dt>{term}</dt><dd>{escape(value)}{source}</dd></div>"

    def cell(self, cell, facial: bool) -> str:
        a = cell.answer
        if a is None:
            return '<td><span class="no-data-inline">No answer recorded</span></td>'
        vendors = mark_safe(", ".join(self.vendor(link) for link in a.vendors_named))
        kinds = ""
        if facial:
            kinds = self.field("Kinds", "; ".join(a.kind_labels) or "Not stated", a, "kinds")
            kinds = f"{INDENT}{kinds}{INDENT}"
        intent = ""
        if a.intent or facial:
            words = a.get_intent_display()
            if a.intent and facial:
                words += " (live facial recognition)"
            intent = self.field("Future use", words, a, "intent")
        says = known(a.says_vendor_of_concern, "Yes,No,Not stated")
        aware = known(a.aware_of_concerns, "Yes,No,Not stated")
        units = ""
        if a.unit_count is not None:
            units = self.field("Units", a.unit_count, a, "unit_count")
        corrections = "".join(
            format_html(
                '<p class="correction-flag"><a href="{}">Corrected (correction #{})</a></p>',
                page_url("surveys:correction", c.pk),
                c.pk,
            )
            for c in cell.corrections
        )
        return "".join(
            [
                '<td>\n        <dl class="compare-cell">',
                INDENT,
                self.field("Operates", known(a.operates), a, "operates"),
                INDENT,
                self.field("Vendors named", vendors or "None stated", a, "vendors"),
                INDENT,
                self.field("Uses a vendor named as of concern (derived)", cell.concern),
                INDENT,
                kinds,
                INDENT,
                intent,
                INDENT,
                self.field("Says it uses a vendor of concern", says, a, "says_vendor_of_concern"),
                INDENT,
                self.field("Aware of concerns", aware, a, "aware_of_concerns"),
                INDENT,
                units,
                f"\n        </dl>\n        {corrections}\n      </td>",
            ]
        )

    def row(self, row: CompareRow) -> SafeString:
        slug = row.system_type.slug
        facial = slug == FACIAL_RECOGNITION
        cells = "".join(self.cell(cell, facial) for cell in row.cells)
        if slug not in self.types:
            self.types[slug] = format_html(
                '<tr data-testid="compare-{}"><th scope="row"><a href="{}">{}</a></th>',
                slug,
                page_url("surveys:system_type", slug),
                row.system_type.name,
            )
        return mark_safe(f"{self.types[slug]}\n      {cells}\n    </tr>")


def tables(
    responses: list[RoundResponses], rows: list[CompareRow]
) -> list[tuple[RoundResponses, list[SafeString]]]:
    """Each round's responses with the HTML of its rows, in order."""
    writer = _Writer()
    return [
        (r, [writer.row(row) for row in rows if row.survey_round.pk == r.survey_round.pk])
        for r in responses
    ]
