"""Plotly's figure JSON without plotly: the axes and domains ``plotly.subplots.make_subplots``
gives a one-column grid, and the default template ("plotly") ``go.Figure`` writes into every
figure's layout.

Building a figure from plotly's graph objects validates every property as it is set (40-60 ms
a figure, on every page with a chart); ``surveys.charts`` writes the same figure as plain
dicts instead, key for key and float for float. tests/test_chart_json.py builds each figure
both ways and compares the JSON, and the template with the installed plotly's: after
upgrading plotly, ``scripts/plotly/write_template.py`` writes the template again.
"""

from __future__ import annotations

import json
from functools import cache
from pathlib import Path

TEMPLATE_PATH = Path(__file__).with_name("plotly_template.json")


@cache
def _template_text() -> str:
    return TEMPLATE_PATH.read_text(encoding="utf-8")


def template() -> dict:
    """A fresh copy of the template every plotly figure's layout carries."""
    return json.loads(_template_text())


def axis_id(row: int, letter: str) -> str:
    """What a trace or an axis calls the axis of a grid's ``row`` (from 1): x, x2, x3..."""
    return letter if row == 1 else f"{letter}{row}"


def axis_name(row: int, letter: str) -> str:
    """The layout's key for that axis: xaxis, xaxis2, xaxis3..."""
    return f"{letter}axis{'' if row == 1 else row}"


def _clamped(value: float) -> float:
    # make_subplots rounds a domain end a hair outside [0, 1] (floating point) to the edge.
    if -0.01 < value < 0.0:
        return 0.0
    if 1.0 < value < 1.01:
        return 1.0
    return value


def subplot_axes(
    rows: int,
    *,
    vertical_spacing: float,
    row_heights: list[float] | None = None,
    shared_xaxes: bool = False,
) -> dict[str, dict]:
    """``layout``'s axes for ``make_subplots(rows=rows, cols=1, ...)``, top row first: each
    row's x axis (anchored to its y axis, the full width) and y axis (its share of the height),
    in the order and with the arithmetic plotly uses. With ``shared_xaxes`` every x axis but
    the bottom one matches the bottom one and hides its tick labels."""
    if rows > 1 and not 0 <= vertical_spacing <= 1.0 / float(rows - 1):
        raise ValueError(f"vertical spacing {vertical_spacing} is too large for {rows} rows")
    free = 1.0 - vertical_spacing * (rows - 1)
    if row_heights is None:
        heights = [free / rows] * rows
    else:
        total = float(sum(row_heights))
        heights = list(reversed([free * (h / total) for h in row_heights]))
    layout: dict[str, dict] = {}
    for r in range(rows):  # r: from the top; the grid's rows are counted from the bottom
        start = sum(heights[: rows - 1 - r]) + (rows - 1 - r) * vertical_spacing
        bottom, top = _clamped(start + 0.0), _clamped(start + heights[-1 - r] - 0.0)
        row = r + 1
        layout[axis_name(row, "x")] = {
            "anchor": axis_id(row, "y"),
            "domain": [0.0, 1.0],
        }
        layout[axis_name(row, "y")] = {
            "anchor": axis_id(row, "x"),
            "domain": [bottom, top],
        }
    if shared_xaxes:
        for row in range(1, rows):
            layout[axis_name(row, "x")].update(matches=axis_id(rows, "x"), showticklabels=False)
    return layout
