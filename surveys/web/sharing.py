"""Charts people can cite, embed and download: where each chart lives (its page, the filters it
follows there, its anchor), the address of its embed, and the lines that go wherever it goes:
the citation, the source and the licence of its rows, and the date the data last changed.

The same lines are drawn into the downloaded image (``export``, read by static/js/charts.js),
shown under the chart on its page and in its embed, so the three never disagree.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field
from urllib.parse import urlencode

from django.urls import reverse
from django.utils import timezone
from django.utils.dateformat import format as date_format
from django.utils.html import format_html

from surveys import charts
from surveys.caching import data_last_changed
from surveys.charts import ChartData
from surveys.exports import download_name
from surveys.templatetags.licences import licences_cited

PUBLISHER = "OBSCC survey dashboard"
SURVEYS = (
    "the Biometrics and Surveillance Camera Commissioner's surveys of policing bodies in "
    "England and Wales"
)
DERIVED_SOURCE = "derived figures computed by the dashboard from the per-body answers recorded here"
DERIVED_LICENCE = (
    "the derived figures count per-body answers, each of which names its source and that "
    "source's licence on the bodies' pages"
)
# The downloaded image: its width in CSS pixels, and how many characters a line of its title
# (bold, larger) and of its source lines holds at that width before it wraps.
IMAGE_WIDTH = 1000
TITLE_CHARS, LINE_CHARS = 80, 135
# The embed's frame: the plot, plus its title, summary, table switch and source lines.
EMBED_EXTRA_HEIGHT = 330


@dataclass(frozen=True)
class Place:
    """Where a chart lives: its slug (the name of its embed), the page that shows it with the
    filters it follows there, and the filters of its embed (the page's, and what the page's
    own path says, e.g. which system type)."""

    slug: str
    page: str
    query: dict[str, str] = field(default_factory=dict)
    embed_query: dict[str, str] = field(default_factory=dict)
    csv: str = ""  # the chart's CSV, which follows the page's filters as the chart does

    @property
    def anchor(self) -> str:
        return f"chart-{self.slug}"

    @property
    def page_url(self) -> str:
        query = f"?{urlencode(self.query)}" if self.query else ""
        return f"{self.page}{query}#{self.anchor}"

    @property
    def csv_url(self) -> str:
        return self.csv + (f"?{urlencode(self.query)}" if self.query else "")

    @property
    def embed_url(self) -> str:
        query = f"?{urlencode(self.embed_query)}" if self.embed_query else ""
        return reverse("surveys:embed", kwargs={"chart": self.slug}) + query

    @property
    def file_stem(self) -> str:
        """The downloaded image's name without its suffix: concern-by-system-type-2023."""
        parts = [v for k, v in self.embed_query.items() if k != "as_published"]
        if "as_published" in self.embed_query:
            parts.append("as-published")
        return download_name(self.slug, *parts, suffix="x").removesuffix(".x")


def as_published(request) -> bool:
    """The page, its chart, CSV and embed show every figure as first published."""
    return request.GET.get("as_published") == "1"


def _published(as_published: bool) -> dict[str, str]:
    return {"as_published": "1"} if as_published else {}


def concern_place(year: int, *, as_published: bool = False) -> Place:
    query = {"round": str(year), **_published(as_published)}
    return Place(
        "concern-by-system-type",
        reverse("surveys:overview"),
        query,
        query,
        reverse("surveys:concern_chart_csv"),
    )


def trend_place() -> Place:
    return Place(
        "figures-by-round", reverse("surveys:overview"), csv=reverse("surveys:trend_chart_csv")
    )


def system_type_place(slug: str, *, as_published: bool = False) -> Place:
    query = _published(as_published)
    return Place(
        "published-figures",
        reverse("surveys:system_type", kwargs={"slug": slug}),
        query,
        {"system_type": slug, **query},
        reverse("surveys:system_type_chart_csv", kwargs={"slug": slug}),
    )


def last_changed_words() -> str:
    """ "Data last changed 5 December 2026" (in a request, read with its data version)."""
    changed = data_last_changed()
    if changed is None:
        return "Data last changed: not recorded"
    return f"Data last changed {date_format(timezone.localtime(changed), 'j F Y')}"


def _sources(data: ChartData) -> tuple[str, bool]:
    """The sources the chart's plotted values name, and whether any value is derived."""
    known = [
        p for panel in data.panels for s in panel.series for p in s.points if p.value is not None
    ]
    return " ".join(p.source for p in known if not p.derived), any(p.derived for p in known)


def source_line(data: ChartData) -> str:
    """ "Source: OBSCC survey dashboard, from ...; published figures: PR2023, PR2023-UPDATE"."""
    text, derived = _sources(data)
    codes = sorted(code for _, group in licences_cited(text) for code in group)
    parts = [f"Source: {PUBLISHER}, from {SURVEYS}"]
    if codes:
        parts.append(f"published figures: {', '.join(codes)}")
    if derived:
        parts.append(DERIVED_SOURCE)
    return "; ".join(parts) + "."


def licence_line(data: ChartData) -> str:
    """The licence of each source the chart's rows cite, grouped as the footer groups them."""
    text, derived = _sources(data)
    parts = [f"{', '.join(codes)}: {statement}" for statement, codes in licences_cited(text)]
    if derived:
        parts.append(DERIVED_LICENCE)
    return ("Licence: " + "; ".join(parts) + ".") if parts else ""


def chart_context(
    request, place: Place, data: ChartData, summary: str, *, kind: str = "bar"
) -> dict:
    """What the chart partial shows: the figure and its tables, and how to cite, link to,
    embed and download it."""
    figure = charts.bar_chart(data) if kind == "bar" else charts.line_chart(data)
    permalink = request.build_absolute_uri(place.page_url)
    embed_url = request.build_absolute_uri(place.embed_url)
    changed = last_changed_words()
    source, licence = source_line(data), licence_line(data)
    height = figure["layout"].get("height", 380)
    return {
        "id": place.anchor,
        "script_id": f"{place.anchor}-data",
        "export_id": f"{place.anchor}-export",
        "data": data,
        "kind": kind,
        "figure": figure,
        "summary": summary,
        "csv_url": place.csv_url,
        "permalink": permalink,
        "embed_url": embed_url,
        "cite": f"“{data.title}”. {PUBLISHER}. {changed}. {permalink}",
        "source": source,
        "licence": licence,
        "changed": changed,
        "publisher": PUBLISHER,
        # HTML to copy: shown as text (the template escapes it once more), never rendered.
        "iframe": format_html(
            '<iframe src="{}" title="{}" width="100%" height="{}" style="border:0" '
            'loading="lazy"></iframe>',
            embed_url,
            data.title,
            height + EMBED_EXTRA_HEIGHT,
        ),
        # What charts.js draws around the plot in a downloaded image.
        "export": {
            "title": textwrap.wrap(data.title, TITLE_CHARS),
            "lines": [
                *textwrap.wrap(source, LINE_CHARS),
                *textwrap.wrap(licence, LINE_CHARS),
                f"{changed}. {permalink}",
            ],
            "width": IMAGE_WIDTH,
            "filename": place.file_stem,
        },
    }
