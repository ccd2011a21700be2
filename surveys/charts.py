"""Pure Plotly figure builders: plain data in, figure out (the figure's JSON as plain dicts,
exactly as plotly's graph objects would write it: see ``surveys.plotly_json``). No ORM, no
request, no plotly.

The same ``ChartData`` feeds the figure, the HTML tables beside it and the CSV download, so all
three show exactly the same numbers. A missing value stays missing (no bar, a gap in a line,
"no data" in the table), never zero. Each panel has one measure on its value axis (per cent,
bodies, mentions): numbers of different kinds never share an axis. A point the dashboard derived
is drawn with its own mark and says so, so it never passes for a published figure.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

from surveys.plotly_json import axis_id, axis_name, subplot_axes, template

# Colours pass 3:1 non-text contrast on white (WCAG 1.4.11); each series also has its own
# pattern or marker and dash, so none relies on colour alone.
COLOURS = ["#1d70b8", "#912b88", "#00703c", "#6f3c00"]
PATTERNS = ["", "/", "x", "."]
MARKERS = ["circle", "square", "diamond", "triangle-up"]
DASHES = ["solid", "dash", "dot", "dashdot"]
FONT = "Arial, Helvetica, sans-serif"
# A derived point: an open marker, where a published one is filled.
DERIVED_MARKER = "diamond-open"
DERIVED_KEY = "Open diamond: derived by the dashboard, not published"
PUBLISHED, DERIVED = "published", "derived"
CSV_HEADER = [
    "Series",
    "Measure",
    "Value",
    "Qualifier",
    "Denominator",
    "Denominator is derived",
    "As shown",
    "Published or derived",
    "Source",
]


@dataclass(frozen=True)
class Point:
    """One value of a series and what the page says of it."""

    value: float | None
    label: str = ""  # as the page shows it, e.g. "at least 18"; default: the number
    short_label: str = ""  # on the bar itself, e.g. "≥18"
    qualifier: str = ""  # "at least" or "exactly" where a publication states it
    denominator: int | None = None  # what the value is "of", where the page says so
    denominator_is_derived: bool = False
    source: str = ""  # what the value rests on: publication codes, or the per-body answers
    derived: bool = False  # computed by the dashboard, not a published figure

    @property
    def text(self) -> str:
        if self.label:
            return self.label
        return "no data" if self.value is None else f"{self.value:g}"

    @property
    def bar_text(self) -> str:
        if self.value is None:
            return ""
        return self.short_label or f"{self.value:g}"


@dataclass(frozen=True)
class Series:
    name: str
    points: list[Point]

    @property
    def values(self) -> list[float | None]:
        return [p.value for p in self.points]

    @property
    def is_derived(self) -> bool:
        """Every value the dashboard's own: drawn as markers, never as bars beside published."""
        known = [p for p in self.points if p.value is not None]
        return bool(known) and all(p.derived for p in known)


@dataclass(frozen=True)
class Panel:
    """Categories and series measured in one unit, on an axis of their own."""

    measure: str  # the value axis's title: "Per cent", "Bodies", "Mentions (not bodies)"
    categories: list[str]
    series: list[Series]

    def rows(self) -> list[list[str]]:
        """The table: one row per category, one column per series."""
        return [
            [category, *(s.points[i].text for s in self.series)]
            for i, category in enumerate(self.categories)
        ]


@dataclass(frozen=True)
class ChartData:
    title: str
    x_title: str  # what the categories are: "System type", "Survey round"
    panels: list[Panel] = field(default_factory=list)

    @property
    def is_empty(self) -> bool:
        return all(v is None for p in self.panels for s in p.series for v in s.values)


def _value_axis(measure: str) -> dict:
    return dict(title=dict(text=measure), rangemode="tozero", gridcolor="#dddddd", automargin=True)


def _base_layout(**extra) -> dict:
    return dict(
        font=dict(family=FONT, size=14, color="#0b0c0c"),
        margin=dict(l=20, r=30, t=20, b=20),
        legend=dict(orientation="h", yanchor="top", y=-0.15),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        **extra,
    )


def _wrap(category: str) -> str:
    # Long names wrap onto several lines so that they fit beside the bars on a phone.
    return "<br>".join(textwrap.wrap(category, 18)) or category


def _figure(traces: list[dict], axes: dict[str, dict], **layout) -> dict:
    """The figure as plotly writes it: traces, then the layout (its template first, then the
    grid's axes, then the rest)."""
    return {"data": traces, "layout": {"template": template(), **axes, **_base_layout(**layout)}}


BAND = 0.8  # of each category's height, shared by its series; the rest is space between
PANEL_GAP = 110  # pixels between bar panels: the upper panel's axis, its title, and air


def bar_grid(panels: list[Panel]) -> tuple[int, dict]:
    """The bar chart's plot height in pixels and its grid (``make_subplots``' row heights and
    vertical spacing): each panel with room for every series' bar and every line of a wrapped
    category name."""
    heights = [
        max(
            40,
            sum(
                max(28 * len(p.series), 20 * (_wrap(c).count("<br>") + 1) + 10)
                for c in p.categories
            ),
        )
        for p in panels
    ]
    plot_height = sum(heights) + PANEL_GAP * (len(panels) - 1)
    return plot_height, {
        "row_heights": [h / sum(heights) for h in heights],
        "vertical_spacing": PANEL_GAP / plot_height if len(panels) > 1 else 0.0,
    }


def bar_chart(data: ChartData) -> dict:
    """Horizontal grouped bars, one panel per measure, one group per category, so long names
    stay readable on a phone; a category with no value at all says "no data" where its bars
    would be. A series of derived counts is drawn as open markers in a lane of its own,
    apart from the published bars."""
    panels = data.panels or [Panel("", [], [])]
    plot_height, grid = bar_grid(panels)
    axes = subplot_axes(len(panels), **grid)
    traces, shown, gaps = [], set(), []
    for row, panel in enumerate(panels, start=1):
        names = [_wrap(c) for c in panel.categories]
        lane = BAND / max(1, len(panel.series))
        x, y = axis_id(row, "x"), axis_id(row, "y")
        for i, series in enumerate(panel.series):
            trace = _derived_markers if series.is_derived else _bars
            offset = -BAND / 2 + i * lane  # this series' lane in each category's band
            traces.append(
                {
                    **trace(series, names, i, offset, lane, showlegend=series.name not in shown),
                    "xaxis": x,
                    "yaxis": y,
                }
            )
            shown.add(series.name)
        gaps += [
            dict(
                showarrow=False,
                text="no data",
                x=0,
                xanchor="left",
                xref=x,
                xshift=4,
                y=j,
                yref=y,
            )
            for j in range(len(names))
            if all(s.values[j] is None for s in panel.series)
        ]
        top = max((v for s in panel.series for v in s.values if v is not None), default=1)
        # room for the value labels beyond the bars
        axes[axis_name(row, "x")].update(_value_axis(panel.measure), range=[0, top * 1.3])
        # first category at the top, as in the table; the names say what they are
        axes[axis_name(row, "y")].update(
            tickmode="array",
            tickvals=list(range(len(names))),
            ticktext=names,
            range=[len(names) - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
            automargin=True,
        )
    extra = {"annotations": gaps} if gaps else {}  # plotly writes no empty list
    return _figure(traces, axes, **extra, height=plot_height + 150)


def _bars(
    series: Series, names: list[str], i: int, offset: float, lane: float, *, showlegend: bool
) -> dict:
    # Every trace's keys in plotly's order: its properties alphabetically, then its type.
    return {
        "cliponaxis": False,
        "customdata": [p.text for p in series.points],
        "hovertemplate": "%{hovertext}: %{customdata}<extra>" + series.name + "</extra>",
        "hovertext": names,
        "legendgroup": series.name,
        "marker": {
            "color": COLOURS[i % len(COLOURS)],
            "line": {"color": "#0b0c0c", "width": 1},
            "pattern": {"fgcolor": "#ffffff", "shape": PATTERNS[i % len(PATTERNS)]},
        },
        "name": series.name,
        "offset": offset,
        "orientation": "h",
        "showlegend": showlegend,
        "text": [p.bar_text for p in series.points],
        "textposition": "outside",
        "width": lane * 0.9,
        "x": series.values,
        "y": list(range(len(names))),
        "type": "bar",
    }


def _derived_markers(
    series: Series, names: list[str], i: int, offset: float, lane: float, *, showlegend: bool
) -> dict:
    return {
        "cliponaxis": False,
        "customdata": [p.text for p in series.points],
        "hovertemplate": "%{hovertext}: %{customdata}, derived by the dashboard<extra>"
        + series.name
        + "</extra>",
        "hovertext": names,
        "legendgroup": series.name,
        "marker": {
            "color": COLOURS[i % len(COLOURS)],
            "line": {"width": 3},
            "size": 14,
            "symbol": DERIVED_MARKER,
        },
        "mode": "markers+text",
        "name": series.name,
        "showlegend": showlegend,
        "text": [p.bar_text for p in series.points],
        "textposition": "middle right",
        "x": series.values,
        "y": [j + offset + lane / 2 for j in range(len(names))],
        "type": "scatter",
    }


def line_chart(data: ChartData) -> dict:
    """One line per series across categories (rounds), one panel per measure sharing the
    rounds; a missing round is a gap, and a derived point has an open marker of its own."""
    panels = data.panels or [Panel("", [], [])]
    axes = subplot_axes(len(panels), vertical_spacing=0.12, shared_xaxes=True)
    traces = []
    colour = 0
    for row, panel in enumerate(panels, start=1):
        x, y = axis_id(row, "x"), axis_id(row, "y")
        for series in panel.series:
            symbol = MARKERS[colour % len(MARKERS)]
            traces.append(
                {
                    "connectgaps": False,
                    "hovertemplate": "%{x}: %{text}<extra>" + series.name + "</extra>",
                    "line": {
                        "color": COLOURS[colour % len(COLOURS)],
                        "dash": DASHES[colour % len(DASHES)],
                        "width": 3,
                    },
                    "marker": {
                        "line": {"width": 2},
                        "size": [14 if p.derived else 10 for p in series.points],
                        "symbol": [DERIVED_MARKER if p.derived else symbol for p in series.points],
                    },
                    "mode": "lines+markers",
                    "name": series.name,
                    "text": [p.text for p in series.points],
                    "x": panel.categories,
                    "y": series.values,
                    "type": "scatter",
                    "xaxis": x,
                    "yaxis": y,
                }
            )
            colour += 1
        axes[axis_name(row, "y")].update(_value_axis(panel.measure))
        axes[axis_name(row, "x")].update(type="category", automargin=True)
    if any(p.derived for panel in panels for s in panel.series for p in s.points):
        # A legend entry only: what the open marker means.
        traces.append(
            {
                "hoverinfo": "skip",
                "marker": {
                    "color": "#505a5f",
                    "line": {"width": 2},
                    "size": 14,
                    "symbol": DERIVED_MARKER,
                },
                "mode": "markers",
                "name": DERIVED_KEY,
                "showlegend": True,
                "x": [None],
                "y": [None],
                "type": "scatter",
            }
        )
    axes[axis_name(len(panels), "x")]["title"] = dict(text=data.x_title)
    return _figure(traces, axes, height=260 + 220 * len(panels))


def csv_table(data: ChartData) -> tuple[list[str], list[list[str]]]:
    """Header and rows of the CSV download: one row per cell of the chart's tables, each with
    what the page says of it (qualifier, denominator, source, published or derived)."""
    rows = []
    for panel in data.panels:
        for i, category in enumerate(panel.categories):
            for series in panel.series:
                p = series.points[i]
                known = p.value is not None
                rows.append(
                    [
                        category,
                        series.name,
                        panel.measure,
                        f"{p.value:g}" if known else "",
                        p.qualifier if known else "",
                        "" if p.denominator is None or not known else str(p.denominator),
                        ("yes" if p.denominator_is_derived else "no")
                        if known and p.denominator is not None
                        else "",
                        p.text,
                        (DERIVED if p.derived else PUBLISHED) if known else "",
                        p.source if known else "",
                    ]
                )
    return [data.x_title, *CSV_HEADER], rows
