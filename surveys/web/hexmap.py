"""The tile map of the police force areas: one equal hexagon per territorial body, placed by the
hand-made layout in ``surveys/data/force_hexes.json`` (keyed by ONS code), and the national
bodies, which have no area, as tiles in a row of their own.

A map is drawn from the same records and the same label functions as the bodies table, so it
never shows a value the table does not. Each category has a label and a symbol as well as a
fill, so colour is never the only cue; every tile is a link named with its body and its value.
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path

LAYOUT_PATH = Path(__file__).resolve().parents[1] / "data" / "force_hexes.json"
RADIUS = 30  # a tile's circumradius, in the drawing's units
GAP = 1.5  # drawn inside the radius, so that neighbours stay apart
WIDTH = math.sqrt(3) * RADIUS
OTHERS_SHOWN = 12  # bodies without a tile drawn beside the map; beyond, the table lists them
ROW_HEIGHT = 1.5 * RADIUS


@dataclass(frozen=True)
class Place:
    """Where a police force area's tile sits: ``q`` west to east, ``r`` south to north."""

    code: str
    name: str
    abbreviation: str
    q: int
    r: int


@cache
def layout() -> dict[str, Place]:
    """The layout file's tiles by ONS code."""
    data = json.loads(LAYOUT_PATH.read_text(encoding="utf-8"))
    return {
        code: Place(code, tile["n"], tile["a"], tile["q"], tile["r"])
        for code, tile in data["hexes"].items()
    }


@dataclass(frozen=True)
class Category:
    key: str  # the CSS class (fill and pattern)
    label: str  # the legend's words
    symbol: str  # drawn under the tile's abbreviation


OUTSIDE = Category("outside", "Not in this view (outside the filters)", "–")


@dataclass(frozen=True)
class Measure:
    """What the tiles show: ``classify`` gives a record's category and its value in words, the
    same words as the table's column."""

    key: str
    caption: str
    categories: tuple[Category, ...]
    classify: Callable[[object], tuple[Category, str]]
    question: str = ""  # said before a value that needs it ("Yes" to what?)


@dataclass(frozen=True)
class Tile:
    name: str
    url: str
    abbreviation: str
    category: Category
    value: str
    marked: bool
    question: str = ""
    points: str = ""
    x: float = 0
    y: float = 0

    @property
    def symbol_y(self) -> float:
        return self.y + 13

    @property
    def accessible_name(self) -> str:
        marked = " (this body)" if self.marked else ""
        question = f"{self.question}: " if self.question and self.category != OUTSIDE else ""
        return f"{self.name}{marked}: {question}{self.value}"


@dataclass(frozen=True)
class HexMap:
    measure: Measure
    table_url: str  # the bodies table with the same values
    tiles: list[Tile]  # the territorial bodies, north to south and west to east
    national: list[Tile]  # bodies without a police force area (at most OTHERS_SHOWN)
    more_national: bool  # more bodies without an area than are drawn
    legend: list[tuple[Category, int]]
    view_box: str


def _hexagon(x: float, y: float) -> str:
    radius = RADIUS - GAP
    corners = (math.radians(60 * k - 90) for k in range(6))
    return " ".join(
        f"{x + radius * math.cos(a):.1f},{y + radius * math.sin(a):.1f}" for a in corners
    )


def _centre(place: Place, top: int) -> tuple[float, float]:
    shift = WIDTH / 2 if place.r % 2 == 0 else 0  # even rows sit half a tile east ("even-r")
    return place.q * WIDTH + WIDTH / 2 + shift, (top - place.r) * ROW_HEIGHT + RADIUS


def hex_map(
    bodies: Iterable,
    measure: Measure,
    *,
    url: Callable[[object], str],
    table_url: str = "",
    in_view: set[int] | None = None,
    marked: int | None = None,
) -> HexMap:
    """The map of ``bodies`` (records with ``pk``, ``name``, ``ons_code``) by ``measure``.

    ``in_view``: the pks the page's filters keep (None: all); the others are drawn as outside
    the view. ``marked``: the pk of the body whose page this is."""
    places = layout()
    top = max(place.r for place in places.values())
    placed, national = [], []
    for body in bodies:
        if in_view is not None and body.pk not in in_view:
            category, value = OUTSIDE, "not in this view"
        else:
            category, value = measure.classify(body)
        place = places.get(body.ons_code or "")
        tile = Tile(
            name=body.name,
            url=url(body),
            abbreviation=place.abbreviation if place else "",
            category=category,
            value=value,
            marked=body.pk == marked,
            question=measure.question,
        )
        if place is None:
            national.append(tile)
            continue
        x, y = _centre(place, top)
        placed.append((top - place.r, place.q, Tile(**{**tile.__dict__, "x": x, "y": y})))
    tiles = [
        Tile(**{**tile.__dict__, "points": _hexagon(tile.x, tile.y)})
        for _, _, tile in sorted(placed, key=lambda row: row[:2])
    ]
    national = sorted(national, key=lambda tile: tile.name)
    more_national = len(national) > OTHERS_SHOWN
    national = national[:OTHERS_SHOWN]
    counts = Counter(tile.category for tile in [*tiles, *national])
    categories = [*measure.categories, *([OUTSIDE] if counts.get(OUTSIDE) else [])]
    return HexMap(
        measure=measure,
        table_url=table_url,
        tiles=tiles,
        national=national,
        more_national=more_national,
        legend=[(category, counts.get(category, 0)) for category in categories],
        view_box=_view_box(tiles),
    )


def _view_box(tiles: list[Tile]) -> str:
    if not tiles:
        return "0 0 0 0"
    left = min(tile.x for tile in tiles) - WIDTH / 2
    right = max(tile.x for tile in tiles) + WIDTH / 2
    bottom = max(tile.y for tile in tiles) + RADIUS
    return f"{left:.0f} 0 {right - left:.0f} {bottom:.0f}"
