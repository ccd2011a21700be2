"""The figure builders as they were written with plotly's graph objects (make_subplots,
go.Bar, go.Scatter): the reference ``surveys.charts``' plain-dict builders are compared with
(tests/test_chart_json.py). Plotly validates every property, so what it writes is what
plotly.js reads; the dict builders must write exactly that.
"""

from __future__ import annotations

import plotly.graph_objects as go
from plotly.subplots import make_subplots

from surveys.charts import (
    BAND,
    COLOURS,
    DASHES,
    DERIVED_KEY,
    DERIVED_MARKER,
    MARKERS,
    PATTERNS,
    ChartData,
    Panel,
    Series,
    _base_layout,
    _value_axis,
    _wrap,
    bar_grid,
)


def bar_chart(data: ChartData) -> go.Figure:
    """Horizontal grouped bars, one panel per measure, one group per category, so long names
    stay readable on a phone; a category with no value at all says "no data" where its bars
    would be. A series of derived counts is drawn as open markers in a lane of its own,
    apart from the published bars."""
    panels = data.panels or [Panel("", [], [])]
    plot_height, grid = bar_grid(panels)
    fig = make_subplots(rows=len(panels), cols=1, **grid)
    shown: set[str] = set()
    gaps = []
    for row, panel in enumerate(panels, start=1):
        names = [_wrap(c) for c in panel.categories]
        lane = BAND / max(1, len(panel.series))
        for i, series in enumerate(panel.series):
            trace = _derived_markers if series.is_derived else _bars
            offset = -BAND / 2 + i * lane  # this series' lane in each category's band
            fig.add_trace(
                trace(series, names, i, offset, lane, showlegend=series.name not in shown),
                row=row,
                col=1,
            )
            shown.add(series.name)
        suffix = "" if row == 1 else str(row)
        gaps += [
            dict(
                x=0,
                y=j,
                xref=f"x{suffix}",
                yref=f"y{suffix}",
                text="no data",
                showarrow=False,
                xanchor="left",
                xshift=4,
            )
            for j in range(len(names))
            if all(s.values[j] is None for s in panel.series)
        ]
        top = max((v for s in panel.series for v in s.values if v is not None), default=1)
        # room for the value labels beyond the bars
        fig.update_xaxes(_value_axis(panel.measure), range=[0, top * 1.3], row=row, col=1)
        # first category at the top, as in the table; the names say what they are
        fig.update_yaxes(
            tickmode="array",
            tickvals=list(range(len(names))),
            ticktext=names,
            range=[len(names) - 0.5, -0.5],
            showgrid=False,
            zeroline=False,
            automargin=True,
            row=row,
            col=1,
        )
    fig.update_layout(**_base_layout(annotations=gaps, height=plot_height + 150))
    return fig


def _bars(
    series: Series, names: list[str], i: int, offset: float, lane: float, *, showlegend: bool
) -> go.Bar:
    return go.Bar(
        name=series.name,
        legendgroup=series.name,
        showlegend=showlegend,
        y=list(range(len(names))),
        x=series.values,
        orientation="h",
        width=lane * 0.9,
        offset=offset,
        hovertext=names,
        text=[p.bar_text for p in series.points],
        customdata=[p.text for p in series.points],
        textposition="outside",
        cliponaxis=False,
        marker=dict(
            color=COLOURS[i % len(COLOURS)],
            pattern=dict(shape=PATTERNS[i % len(PATTERNS)], fgcolor="#ffffff"),
            line=dict(color="#0b0c0c", width=1),
        ),
        hovertemplate="%{hovertext}: %{customdata}<extra>" + series.name + "</extra>",
    )


def _derived_markers(
    series: Series, names: list[str], i: int, offset: float, lane: float, *, showlegend: bool
) -> go.Scatter:
    return go.Scatter(
        name=series.name,
        legendgroup=series.name,
        showlegend=showlegend,
        y=[j + offset + lane / 2 for j in range(len(names))],
        x=series.values,
        mode="markers+text",
        hovertext=names,
        text=[p.bar_text for p in series.points],
        customdata=[p.text for p in series.points],
        textposition="middle right",
        cliponaxis=False,
        marker=dict(
            symbol=DERIVED_MARKER, size=14, color=COLOURS[i % len(COLOURS)], line=dict(width=3)
        ),
        hovertemplate="%{hovertext}: %{customdata}, derived by the dashboard<extra>"
        + series.name
        + "</extra>",
    )


def line_chart(data: ChartData) -> go.Figure:
    """One line per series across categories (rounds), one panel per measure sharing the
    rounds; a missing round is a gap, and a derived point has an open marker of its own."""
    panels = data.panels or [Panel("", [], [])]
    fig = make_subplots(rows=len(panels), cols=1, shared_xaxes=True, vertical_spacing=0.12)
    colour = 0
    for row, panel in enumerate(panels, start=1):
        for series in panel.series:
            symbol = MARKERS[colour % len(MARKERS)]
            fig.add_trace(
                go.Scatter(
                    name=series.name,
                    x=panel.categories,
                    y=series.values,
                    mode="lines+markers",
                    text=[p.text for p in series.points],
                    connectgaps=False,
                    line=dict(
                        color=COLOURS[colour % len(COLOURS)],
                        dash=DASHES[colour % len(DASHES)],
                        width=3,
                    ),
                    marker=dict(
                        symbol=[DERIVED_MARKER if p.derived else symbol for p in series.points],
                        size=[14 if p.derived else 10 for p in series.points],
                        line=dict(width=2),
                    ),
                    hovertemplate="%{x}: %{text}<extra>" + series.name + "</extra>",
                ),
                row=row,
                col=1,
            )
            colour += 1
        fig.update_yaxes(_value_axis(panel.measure), row=row, col=1)
        fig.update_xaxes(type="category", automargin=True, row=row, col=1)
    if any(p.derived for panel in panels for s in panel.series for p in s.points):
        # A legend entry only: what the open marker means.
        fig.add_trace(
            go.Scatter(
                name=DERIVED_KEY,
                x=[None],
                y=[None],
                mode="markers",
                marker=dict(symbol=DERIVED_MARKER, size=14, color="#505a5f", line=dict(width=2)),
                hoverinfo="skip",
                showlegend=True,
            )
        )
    fig.update_xaxes(title=dict(text=data.x_title), row=len(panels), col=1)
    fig.update_layout(**_base_layout(height=260 + 220 * len(panels)))
    return fig
