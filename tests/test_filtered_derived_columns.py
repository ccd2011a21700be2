"""The bodies table says only what its rows' answers support. Filtered to one system type, its
derived concern column (and the concern filter) speak of that type alone, and the heading says
so; the counts of system types answered and operated are exact only where the body's answers
are complete for the round, "at least" where some are recorded, and never 0 for want of an
answer."""

import csv
import io

import pytest
from openpyxl import load_workbook

from surveys.models import RoundSystemType
from tests import factories as f
from tests.pages import text, visible

pytestmark = pytest.mark.django_db

ANY_TYPE = "Uses a vendor named as of concern in any system type (derived)"


def _table(html: str) -> list[list[str]]:
    """The bodies table's rows, each as its cells' words (the heading row first)."""
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    rows = []
    for row in table.split("</tr>")[:-1]:
        cells = row.replace("</th>", "</td>").split("</td>")[:-1]
        rows.append([visible(cell).strip() for cell in cells])
    return rows


def _page(client, query: str) -> dict[str, dict[str, str]]:
    """The bodies page's rows by body name, each a dict of heading to cell."""
    heading, *rows = _table(text(client.get(f"/forces/?{query}")))
    heading = [h.removesuffix(" (sort)") for h in heading]
    return {row[0]: dict(zip(heading, row, strict=True)) for row in rows}


def _csv(client, query: str) -> dict[str, dict[str, str]]:
    heading, *rows = csv.reader(io.StringIO(text(client.get(f"/forces/?{query}&export=csv"))))
    return {row[0]: dict(zip(heading, row, strict=True)) for row in rows}


def _xlsx(client, query: str) -> dict[str, dict[str, object]]:
    book = load_workbook(io.BytesIO(client.get(f"/forces/?{query}&export=xlsx").content))
    heading, *rows = book.active.iter_rows(values_only=True)
    return {row[0]: dict(zip(heading, row, strict=True)) for row in rows}


# --- The concern column under a system type filter --------------------------------------------


EXTERNAL = "Uses a vendor named as of concern for External CCTV (derived)"
FACIAL = "Uses a vendor named as of concern for Facial recognition (derived)"


@pytest.mark.parametrize("read", [_page, _csv, _xlsx])
def test_under_external_cctv_west_yorkshire_is_not_counted_from_its_drones(real_data, client, read):
    """FOI0323: its external CCTV names only Milestone's video management software, which
    says nothing about vendors of concern; its DJI drones are another type."""
    rows = read(client, "round=2022&system_type=external-cctv")
    assert rows["West Yorkshire Police"][EXTERNAL] == "No data"
    unfiltered = read(client, "round=2022&q=West+Yorkshire")
    assert unfiltered["West Yorkshire Police"][ANY_TYPE] == "Yes"


@pytest.mark.parametrize("read", [_page, _csv, _xlsx])
def test_under_facial_recognition_a_cctv_vendor_is_not_counted(real_data, client, read):
    """The Met's Hikvision is its CCTV's (INIT2022); no facial recognition answer names one."""
    rows = read(client, "round=2022&system_type=facial-recognition")
    assert rows["Metropolitan Police Service"][FACIAL] == "No data"
    assert rows["West Yorkshire Police"][FACIAL] == "No data"
    assert "Yes" not in {row[FACIAL] for row in rows.values()}


def test_the_concern_filter_follows_the_filtered_system_type(real_data, client):
    page = visible(text(client.get("/forces/?round=2022&system_type=external-cctv&concern=yes")))
    assert "No policing body matches these filters" in page
    # West Yorkshire's Milestone is software (FOI0323): not a "no" either
    page = visible(text(client.get("/forces/?round=2022&system_type=external-cctv&concern=no")))
    assert "No policing body matches these filters" in page
    assert _csv(client, "round=2022&system_type=facial-recognition&concern=yes") == {}
    # Unfiltered by type, the 12 bodies with a vendor of concern in any of their answers.
    assert len(_csv(client, "round=2022&concern=yes")) == 12


def test_the_concern_column_speaks_of_the_filtered_type_in_a_synthetic_world(world, client):
    """Northshire's external CCTV is Redcam (of concern), its drones Homecam (none)."""
    north = f.return_of(world.northshire, world.round_2021)
    f.answer(north, world.external, operates=True, vendors=[world.redcam])
    f.answer(north, world.drones, operates=True, vendors=[world.homecam])
    drones = "Uses a vendor named as of concern for Drones (derived)"
    external = "Uses a vendor named as of concern for External CCTV (derived)"
    assert _page(client, "round=2021")["Northshire Police"][ANY_TYPE] == "Yes"
    assert _page(client, "round=2021&system_type=drones")["Northshire Police"][drones] == "No"
    assert _page(client, "round=2021&system_type=external-cctv")["Northshire Police"][external] == (
        "Yes"
    )
    assert _csv(client, "round=2021&system_type=drones&concern=yes") == {}
    assert set(_csv(client, "round=2021&system_type=drones&concern=no")) == {"Northshire Police"}


def test_the_hint_and_the_xlsx_about_sheet_say_which_system_type_the_column_covers(
    real_data, client
):
    page = visible(text(client.get("/forces/?round=2022&system_type=drones")))
    assert "computed from the answers about Drones / UAVs only" in page
    page = visible(text(client.get("/forces/?round=2022")))
    assert "computed from the answers about every system type" in page
    book = load_workbook(io.BytesIO(client.get("/forces/?system_type=drones&export=xlsx").content))
    about = dict(book["About"].iter_rows(values_only=True))
    assert "answers about Drones / UAVs only" in about["Derived columns"]


# --- Counts of system types: exact only when the answers are complete ---------------------------


ANSWERED, OPERATED = "System types answered", "System types operated"


@pytest.mark.parametrize("read", [_page, _csv, _xlsx])
def test_a_responding_body_without_recorded_answers_is_not_known_never_0(real_data, client, read):
    rows = read(client, "round=2022&status=responded")
    avon = rows["Avon and Somerset Constabulary"]  # responded; no answer recorded
    assert (avon[ANSWERED], avon[OPERATED]) == ("Not known", "Not known")
    # Bedfordshire: CCTV (INIT2022) and facial recognition (FOI0823), nothing on the rest.
    bedfordshire = rows["Bedfordshire Police"]
    assert (bedfordshire[ANSWERED], bedfordshire[OPERATED]) == ("At least 2", "At least 2")
    # Derbyshire's one answer (intends live facial recognition) does not say it operates any.
    derbyshire = rows["Derbyshire Constabulary"]
    assert (derbyshire[ANSWERED], derbyshire[OPERATED]) == ("At least 1", "Not known")
    assert not {row[ANSWERED] for row in rows.values()} & {"0", 0}


def _complete_world(world):
    """Northshire answers both system types the 2021 round asked about (every survey category
    of the world: external CCTV and drones); Southshire one of them; Eastshire none."""
    north = f.return_of(world.northshire, world.round_2021)
    f.answer(north, world.external, operates=True)
    f.answer(north, world.drones, operates=False)
    f.answer(f.return_of(world.southshire, world.round_2021), world.external, operates=False)
    east = f.body("Eastshire Police", source=world.report)
    f.survey_return(east, world.round_2021, "responded", world.report)


@pytest.mark.parametrize("read", [_page, _csv, _xlsx])
def test_counts_are_exact_when_the_answers_are_complete_for_the_round(world, client, read):
    _complete_world(world)
    rows = read(client, "round=2021")
    north, south, east = (
        rows[n] for n in ("Northshire Police", "Southshire Constabulary", "Eastshire Police")
    )
    assert {north[ANSWERED], north[OPERATED]} <= {"2", 2, "1", 1}
    assert str(north[ANSWERED]) == "2" and str(north[OPERATED]) == "1"
    # Southshire says it does not operate external CCTV; about drones nothing is recorded.
    assert (south[ANSWERED], south[OPERATED]) == ("At least 1", "Not known")
    assert (east[ANSWERED], east[OPERATED]) == ("Not known", "Not known")


def test_a_real_0_when_every_type_asked_is_answered_no(world, client):
    _complete_world(world)
    north = f.return_of(world.northshire, world.round_2021)
    north.answers.update(operates=False)
    row = _page(client, "round=2021")["Northshire Police"]
    assert (row[ANSWERED], row[OPERATED]) == ("2", "0")


def test_complete_means_every_type_the_round_listed(world, client):
    """A round that asked about drones only: one answer on drones is complete."""
    RoundSystemType.objects.create(survey_round=world.round_2021, system_type=world.drones)
    f.answer(f.return_of(world.southshire, world.round_2021), world.drones, operates=True)
    row = _page(client, "round=2021")["Southshire Constabulary"]
    assert (row[ANSWERED], row[OPERATED]) == ("1", "1")


def test_a_body_that_did_not_respond_has_no_count(world, client):
    row = _page(client, "round=2021")["Test Agency"]
    assert (row[ANSWERED], row[OPERATED]) == ("–", "–")
    row = _csv(client, "round=2021")["Test Agency"]
    assert (row[ANSWERED], row[OPERATED]) == ("", "")


# --- Bounded queries ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "round=2022&system_type=external-cctv&concern=no",
        "round=2022&system_type=facial-recognition&export=csv",
        "round=2022&system_type=drones&concern=no&export=xlsx",
    ],
)
def test_a_filtered_view_costs_no_more_queries_than_an_unfiltered_one(
    real_data, client, django_assert_max_num_queries, query
):
    budget = 15 if "export" not in query else 8  # as tests/test_views.py's BUDGETS
    with django_assert_max_num_queries(budget):
        response = client.get(f"/forces/?{query}")
        assert response.status_code == 200
        b"".join(response.streaming_content) if response.streaming else response.content
