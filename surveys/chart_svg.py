"""A chart drawn on the server as SVG, from the same ``ChartData`` as its Plotly figure, its
tables and its CSV: what an embedded chart shows at once, with no chart library to fetch (a
phone in someone else's article pays nothing for it). The Plotly chart is drawn over it only
when the reader asks for the interactive chart.

The drawing follows the Plotly figure's rules: horizontal grouped bars, one panel per measure,
the first category at the top, a missing value "no data" (never a zero bar); across rounds,
one line per series with a gap where a round has no value; a derived point an open diamond.
"""

from __future__ import annotations

import textwrap
from html import escape

from surveys.charts import COLOURS, DASHES, FONT, ChartData, Panel, Point

WIDTH = 640
LABEL_WIDTH = 190  # the category names, beside the bars
ROW = 22  # one series' bar
GAP = 10  # between categories
DASH_ARRAYS = {"solid": "", "dash": "8 4", "dot": "2 4", "dashdot": "8 4 2 4"}


def _text(x: float, y: float, content: str, **attrs) -> str:
    extra = "".join(f' {k.replace("_", "-")}="{escape(str(v))}"' for k, v in attrs.items())
    return f'<text x="{x:.1f}" y="{y:.1f}"{extra}>{escape(content)}</text>'


def _diamond(x: float, y: float, colour: str) -> str:
    r = 6
    points = f"{x:.1f},{y - r:.1f} {x + r:.1f},{y:.1f} {x:.1f},{y + r:.1f} {x - r:.1f},{y:.1f}"
    return f'<polygon points="{points}" fill="#ffffff" stroke="{colour}" stroke-width="3"/>'


def _legend(names: list[str], y: float) -> tuple[list[str], float]:
    parts = []
    for i, name in enumerate(names):
        colour = COLOURS[i % len(COLOURS)]
        parts.append(f'<rect x="0" y="{y:.1f}" width="14" height="14" fill="{colour}"/>')
        parts.append(_text(20, y + 12, name))
        y += 22
    return parts, y


def _bar_panel(panel: Panel, top: float) -> tuple[list[str], float]:
    parts = [_text(0, top + 14, panel.measure, font_weight="bold")]
    y = top + 26
    known = [p.value for s in panel.series for p in s.points if p.value is not None]
    scale = (WIDTH - LABEL_WIDTH - 70) / (max(known) if known and max(known) > 0 else 1)
    rows = max(1, len(panel.series))
    for j, category in enumerate(panel.categories):
        lines = textwrap.wrap(category, 24) or [category]
        height = max(rows * ROW, 18 * len(lines))
        for k, line in enumerate(lines):
            parts.append(_text(0, y + 14 + 18 * k, line))
        if all(s.points[j].value is None for s in panel.series):
            parts.append(_text(LABEL_WIDTH + 4, y + 15, "no data", fill="#505a5f"))
        for i, series in enumerate(panel.series):
            point: Point = series.points[j]
            if point.value is None:
                continue
            colour = COLOURS[i % len(COLOURS)]
            lane = y + i * ROW
            end = LABEL_WIDTH + point.value * scale
            if series.is_derived:
                parts.append(_diamond(end, lane + ROW / 2, colour))
                end += 8
            else:
                parts.append(
                    f'<rect x="{LABEL_WIDTH}" y="{lane + 2:.1f}" width="{end - LABEL_WIDTH:.1f}" '
                    f'height="{ROW - 4}" fill="{colour}" stroke="#0b0c0c"/>'
                )
            parts.append(_text(end + 4, lane + 16, point.bar_text))
        y += height + GAP
    parts.append(
        f'<line x1="{LABEL_WIDTH}" y1="{top + 22}" x2="{LABEL_WIDTH}" y2="{y - GAP:.1f}" '
        'stroke="#0b0c0c"/>'
    )
    return parts, y + 10


def _line_panel(panel: Panel, top: float) -> tuple[list[str], float]:
    parts = [_text(0, top + 14, panel.measure, font_weight="bold")]
    plot_top, plot_height, left, right = top + 30, 160, 50, WIDTH - 20
    known = [p.value for s in panel.series for p in s.points if p.value is not None]
    high = max(known) if known and max(known) > 0 else 1
    step = (right - left) / max(1, len(panel.categories) - 1)
    xs = [
        left + step * j if len(panel.categories) > 1 else (left + right) / 2
        for j in range(len(panel.categories))
    ]

    def y_of(value: float) -> float:
        return plot_top + plot_height - value / high * plot_height

    base = plot_top + plot_height
    parts.append(f'<line x1="{left}" y1="{base}" x2="{right}" y2="{base}" stroke="#0b0c0c"/>')
    parts.append(_text(left - 6, base + 4, "0", text_anchor="end"))
    parts.append(_text(left - 6, plot_top + 4, f"{high:g}", text_anchor="end"))
    for x, category in zip(xs, panel.categories, strict=True):
        parts.append(_text(x, base + 18, category, text_anchor="middle"))
    for i, series in enumerate(panel.series):
        colour = COLOURS[i % len(COLOURS)]
        dash = DASH_ARRAYS[DASHES[i % len(DASHES)]]
        run: list[str] = []
        for x, point in zip(xs, series.points, strict=True):
            if point.value is None:  # a gap, never a zero
                if len(run) > 1:
                    parts.append(_polyline(run, colour, dash))
                run = []
                continue
            run.append(f"{x:.1f},{y_of(point.value):.1f}")
        if len(run) > 1:
            parts.append(_polyline(run, colour, dash))
        for x, point in zip(xs, series.points, strict=True):
            if point.value is None:
                continue
            y = y_of(point.value)
            if point.derived:
                parts.append(_diamond(x, y, colour))
            else:
                parts.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="5" fill="{colour}"/>')
            parts.append(_text(x + 8, y - 8, point.bar_text))
    return parts, base + 34


def _polyline(points: list[str], colour: str, dash: str) -> str:
    dashed = f' stroke-dasharray="{dash}"' if dash else ""
    return (
        f'<polyline points="{" ".join(points)}" fill="none" stroke="{colour}" '
        f'stroke-width="3"{dashed}/>'
    )


def render(data: ChartData, *, kind: str = "bar", label_id: str = "") -> str:
    """The chart as an SVG element (to put in a page as it is: every text is escaped)."""
    draw = _bar_panel if kind == "bar" else _line_panel
    parts: list[str] = []
    y = 0.0
    for panel in data.panels:
        drawn, y = draw(panel, y)
        parts += drawn
    names = list(dict.fromkeys(s.name for p in data.panels for s in p.series))
    legend, y = _legend(names, y + 6)
    parts += legend
    if any(p.derived for panel in data.panels for s in panel.series for p in s.points):
        parts.append(_diamond(7, y + 7, "#505a5f"))
        parts.append(_text(20, y + 12, "Open diamond: derived by the dashboard, not published"))
        y += 22
    labelled = f' aria-labelledby="{escape(label_id)}"' if label_id else ""
    return (
        f'<svg xmlns="http://www.w3.org/2000/svg" class="chart-svg" role="img"{labelled} '
        f'viewBox="0 0 {WIDTH} {y:.0f}" font-family="{FONT}" font-size="13" fill="#0b0c0c">'
        + "".join(parts)
        + "</svg>"
    )
