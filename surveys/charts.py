"""Pure Plotly figure builders: plain data in, figure out. No ORM, no request.

The same ``ChartData`` feeds the figure, the HTML table beside it and the CSV download, so all
three show exactly the same numbers. A missing value stays missing (no bar, a gap in a line,
"no data" in the table), never zero.
"""

from __future__ import annotations

import textwrap
from dataclasses import dataclass, field

import plotly.graph_objects as go

# Colours pass 3:1 non-text contrast on white (WCAG 1.4.11); each series also has its own
# pattern or marker and dash, so none relies on colour alone.
COLOURS = ["#1d70b8", "#912b88", "#00703c", "#6f3c00"]
PATTERNS = ["", "/", "x", "."]
MARKERS = ["circle", "square", "diamond", "triangle-up"]
DASHES = ["solid", "dash", "dot", "dashdot"]
FONT = "Arial, Helvetica, sans-serif"


@dataclass(frozen=True)
class Series:
    name: str
    values: list[float | None]
    labels: list[str] = field(default_factory=list)  # text per point, e.g. "at least 18"
    short_labels: list[str] = field(default_factory=list)  # on the bar itself, e.g. "≥18"

    def label(self, index: int) -> str:
        if self.labels and self.labels[index]:
            return self.labels[index]
        value = self.values[index]
        return "no data" if value is None else f"{value:g}"

    def short_label(self, index: int) -> str:
        if self.values[index] is None:
            return ""
        if self.short_labels and self.short_labels[index]:
            return self.short_labels[index]
        return f"{self.values[index]:g}"


@dataclass(frozen=True)
class ChartData:
    title: str
    x_title: str
    y_title: str
    categories: list[str]
    series: list[Series]

    @property
    def is_empty(self) -> bool:
        return all(v is None for s in self.series for v in s.values)

    def rows(self) -> list[list[str]]:
        """The table: one row per category, one column per series."""
        return [
            [category, *(s.label(i) for s in self.series)]
            for i, category in enumerate(self.categories)
        ]


def _layout(data: ChartData, *, horizontal: bool = False, **extra) -> dict:
    category_axis = dict(title=dict(text=data.x_title), type="category", automargin=True)
    value_axis = dict(
        title=dict(text=data.y_title), rangemode="tozero", gridcolor="#dddddd", automargin=True
    )
    if horizontal:
        category_axis["autorange"] = "reversed"  # first category at the top, as in the table
        category_axis["title"] = None  # the names say what they are; room for them on phones
        top = max((v for s in data.series for v in s.values if v is not None), default=1)
        value_axis["range"] = [0, top * 1.25]  # room for the value labels beyond the bars
    return dict(
        font=dict(family=FONT, size=14, color="#0b0c0c"),
        margin=dict(l=20, r=30, t=20, b=20),
        xaxis=value_axis if horizontal else category_axis,
        yaxis=category_axis if horizontal else value_axis,
        legend=dict(orientation="h", yanchor="top", y=-0.15 if horizontal else -0.2),
        plot_bgcolor="#ffffff",
        paper_bgcolor="#ffffff",
        **extra,
    )


def bar_chart(data: ChartData) -> go.Figure:
    """Horizontal grouped bars, one group per category, so long names stay readable on a
    phone; a category with no value at all says "no data" where its bars would be."""
    # Long names wrap onto several lines so that they fit beside the bars on a phone.
    names = ["<br>".join(textwrap.wrap(c, 18)) or c for c in data.categories]
    fig = go.Figure()
    for i, series in enumerate(data.series):
        fig.add_trace(
            go.Bar(
                name=series.name,
                y=names,
                x=series.values,
                orientation="h",
                text=[series.short_label(j) for j in range(len(series.values))],
                customdata=[series.label(j) for j in range(len(series.values))],
                textposition="outside",
                cliponaxis=False,
                marker=dict(
                    color=COLOURS[i % len(COLOURS)],
                    pattern=dict(shape=PATTERNS[i % len(PATTERNS)], fgcolor="#ffffff"),
                    line=dict(color="#0b0c0c", width=1),
                ),
                hovertemplate="%{y}: %{customdata}<extra>" + series.name + "</extra>",
            )
        )
    gaps = [
        dict(x=0, y=name, text="no data", showarrow=False, xanchor="left", xshift=4)
        for j, name in enumerate(names)
        if all(s.values[j] is None for s in data.series)
    ]
    height = 120 + 28 * len(data.categories) * max(1, len(data.series))
    fig.update_layout(
        **_layout(data, horizontal=True, barmode="group", annotations=gaps, height=height)
    )
    return fig


def line_chart(data: ChartData) -> go.Figure:
    """One line per series across categories (rounds); a missing round is a gap."""
    fig = go.Figure()
    for i, series in enumerate(data.series):
        fig.add_trace(
            go.Scatter(
                name=series.name,
                x=data.categories,
                y=series.values,
                mode="lines+markers",
                text=[series.label(j) for j in range(len(series.values))],
                connectgaps=False,
                line=dict(color=COLOURS[i % len(COLOURS)], dash=DASHES[i % len(DASHES)], width=3),
                marker=dict(symbol=MARKERS[i % len(MARKERS)], size=10),
                hovertemplate="%{x}: %{text}<extra>" + series.name + "</extra>",
            )
        )
    fig.update_layout(**_layout(data))
    return fig


def plotted_values(data: ChartData) -> tuple[list[str], list[list[object]]]:
    """Header and rows of exactly the plotted numbers: empty cells where a value is missing."""
    header = [data.x_title, *(s.name for s in data.series)]
    rows = [
        [category, *("" if s.values[i] is None else f"{s.values[i]:g}" for s in data.series)]
        for i, category in enumerate(data.categories)
    ]
    return header, rows
