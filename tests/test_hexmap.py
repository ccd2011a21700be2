"""The tile map of the police force areas: its layout covers exactly the territorial bodies, it
follows the bodies page's filters, and it never shows a value the table does not."""

import csv
import io
import re
from html import unescape

import pytest
import yaml

from surveys.web.hexmap import LAYOUT_PATH, layout
from tests.pages import text

BODIES_FILE = LAYOUT_PATH.parent / "bodies.yaml"
TILE = re.compile(
    r'<a href="/forces/([\w-]+)/" class="hexmap__(?:tile|chip) ([^"]+)" aria-label="([^"]+)"'
)


def tiles(response) -> dict[str, tuple[str, str]]:
    """Each tile's body slug: its classes and its accessible name."""
    return {slug: (classes, unescape(name)) for slug, classes, name in TILE.findall(text(response))}


def reference_bodies() -> list[dict]:
    return yaml.safe_load(BODIES_FILE.read_text(encoding="utf-8"))


def test_every_territorial_body_has_one_tile_and_every_tile_one_body():
    territorial = {b["ons_code"] for b in reference_bodies() if b["kind"] == "territorial"}
    national = [b for b in reference_bodies() if b["kind"] != "territorial"]
    assert set(layout()) == territorial
    assert all(not b.get("ons_code") for b in national)


def test_no_two_tiles_share_a_place():
    places = [(p.q, p.r) for p in layout().values()]
    assert len(places) == len(set(places)) == 43


def _neighbours(a, b) -> bool:
    """Hexagonal neighbours in an "even-r" layout (even rows half a tile east)."""
    p, q = layout()[a], layout()[b]
    if p.r == q.r:
        return abs(p.q - q.q) == 1
    if abs(p.r - q.r) != 1:
        return False
    east = p.r % 2 == 0  # p's row sits half a tile east: its diagonal neighbours are q, q+1
    return q.q - p.q in ((0, 1) if east else (-1, 0))


@pytest.mark.parametrize(
    "area, neighbour",
    [
        ("W15000001", "E23000006"),  # North Wales beside Cheshire
        ("E23000002", "E23000007"),  # Cumbria beside Northumbria
        ("E23000032", "E23000028"),  # Kent beside Essex
        ("E23000034", "E23000001"),  # the City of London beside the Metropolitan Police
        ("W15000003", "W15000002"),  # South Wales beside Gwent
    ],
)
def test_neighbours_sit_where_a_reader_expects(area, neighbour):
    assert _neighbours(area, neighbour)


def test_places_keep_north_south_and_east_west():
    places = layout()
    assert places["E23000007"].r == max(p.r for p in places.values())  # Northumbria at the top
    kent, cornwall = places["E23000032"], places["E23000035"]
    assert kent.q == max(p.q for p in places.values() if p.r == kent.r)  # Kent in the east
    assert cornwall.q == min(p.q for p in places.values() if p.r == cornwall.r)


def _export(client, query: str) -> dict[str, str]:
    """The bodies download's concern column, by the body's page."""
    response = client.get(f"/forces/?{query}&export=csv")
    rows = list(csv.reader(io.StringIO(text(response))))
    header = rows[0]
    concern = next(i for i, name in enumerate(header) if name.startswith("Uses a vendor"))
    page = header.index("Page")
    return {row[page].rstrip("/").rsplit("/", 1)[-1]: row[concern] for row in rows[1:]}


@pytest.mark.parametrize(
    "query", ["round=2022", "round=2022&system_type=external-cctv&map=concern"]
)
def test_the_map_shows_the_tables_values_and_every_body_once(client, real_data, query):
    shown = tiles(client.get(f"/forces/?{query}"))
    table = _export(client, query)
    assert set(table) <= set(shown)
    for slug, value in table.items():
        classes, name = shown[slug]
        assert name.endswith(f": {value}"), (slug, name, value)
    assert len(shown) == 47


def test_tiles_outside_the_filters_are_shown_as_outside(client, real_data):
    shown = tiles(client.get("/forces/?round=2022&nation=wales&map=response"))
    inside = {s for s, (classes, _) in shown.items() if "outside" not in classes}
    assert inside == {"dyfed-powys", "gwent", "north-wales", "south-wales"}
    assert shown["kent"] == ("hexmap__tile--outside", "Kent Police: not in this view")


def test_the_map_measure_follows_the_filters_and_an_unknown_one_says_so(client, real_data):
    response = client.get("/forces/?round=2022&vendor=hikvision&map=nonsense")
    page = unescape(text(response))
    assert response.status_code == 200
    assert "Map: Records vendor Hikvision" in page
    assert "The map cannot show “nonsense” with these filters" in page


def test_a_bodys_page_marks_its_own_tile(client, real_data):
    shown = tiles(client.get("/forces/cleveland/"))
    marked = [slug for slug, (classes, _) in shown.items() if "marked" in classes]
    assert marked == ["cleveland"]
    assert shown["cleveland"][1].startswith("Cleveland Police (this body): ")


def test_national_bodies_are_chips_apart_from_the_map(client, real_data):
    page = text(client.get("/?round=2022"))
    svg = page[page.index('<svg class="hexmap__svg"') : page.index("</svg>")]
    assert "british-transport-police" not in svg
    assert 'href="/forces/british-transport-police/" class="hexmap__chip' in page


def test_the_bodies_page_with_its_map_runs_a_bounded_number_of_queries(
    client, real_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(15):
        client.get("/forces/?round=2022&system_type=external-cctv&vendor=hikvision&map=vendor")


def _strong(response) -> set[str]:
    return {slug for slug, (classes, _) in tiles(response).items() if "strong" in classes}


def _table_slugs(client, query: str) -> set[str]:
    return set(_export(client, query))


@pytest.mark.parametrize(
    "page, query",
    [
        ("/vendors/hikvision/", "round=2022&vendor=hikvision"),
        ("/systems/facial-recognition/", "round=2022&system_type=facial-recognition"),
        ("/systems/drones/", "round=2022&system_type=drones"),
    ],
)
def test_a_system_types_or_vendors_map_marks_the_bodies_its_filtered_table_lists(
    client, real_data, page, query
):
    marked = _strong(client.get(page))
    assert marked and marked == _table_slugs(client, query)


def test_the_live_facial_recognition_intent_map_counts_the_13_named(client, real_data):
    response = client.get("/forces/?round=2022&map=intent")
    named = [n for _, n in tiles(response).values() if n.endswith(": Intends to use it")]
    assert len(named) == 13
    assert "Map: Intends to use live facial recognition in future" in text(response)


def test_a_world_of_bodies_without_areas_draws_a_bounded_few_and_says_so(client, db):
    from surveys.editorial.synthetic import generate
    from surveys.web.hexmap import OTHERS_SHOWN

    generate(bodies=30, rounds=1, seed=5)  # synthetic: no body has a police force area
    response = client.get("/forces/")
    assert text(response).count('class="hexmap__chip ') == OTHERS_SHOWN
    assert "the table lists every one" in text(response)
