"""The questionnaire offline: downloaded as XLSX in the import's columns (pre-filled with the
body, and its previous answers when the round offers them), uploaded back and read by the
import's reader and rules; any error and nothing is saved; else it is the draft, for review."""

import io

import pytest
from openpyxl import Workbook, load_workbook

from surveys.collection.questionnaire import COLUMNS, SOURCE_PLACEHOLDER
from surveys.collection.return_values import stored_answers
from surveys.editorial.import_columns import read_rows
from surveys.models import OnlineReturn
from tests import factories as f
from tests.returns_world import YEAR, open_round

pytestmark = pytest.mark.django_db


def download(client, online, body) -> list[list]:
    response = client.get(f"/returns/{online.token(body)}/questionnaire.xlsx")
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).worksheets[0]
    return [[cell if cell is not None else "" for cell in row] for row in sheet.values]


def workbook(rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def upload(client, online, body, rows, *, version="1", name="filled.xlsx"):
    data = io.BytesIO(workbook(rows))
    data.name = name
    return client.post(f"/returns/{online.token(body)}/upload/", {"file": data, "version": version})


def test_the_questionnaire_is_one_row_per_system_type_in_the_import_columns(client, world):
    online = open_round(world)
    rows = download(client, online, world.northshire)
    assert tuple(rows[0]) == COLUMNS
    assert [row[2] for row in rows[1:]] == ["external-cctv", "drones", "facial-recognition"]
    assert {(row[0], row[1], row[3]) for row in rows[1:]} == {
        ("Northshire Police", str(YEAR), SOURCE_PLACEHOLDER)
    }
    # The import's own reader takes it as it is.
    response = client.get(f"/returns/{online.token(world.northshire)}/questionnaire.xlsx")
    assert len(read_rows(response.content, filename="q.xlsx")) == 3


def test_the_previous_rounds_answers_fill_it_in_when_the_round_offers_them(client, world):
    previous = f.return_of(world.northshire, world.round_2021)
    f.answer(previous, world.external, operates=True, unit_count=7, vendors=[world.redcam])
    offered = download(client, open_round(world, offer_previous_answers=True), world.northshire)
    external = dict(zip(COLUMNS, offered[1], strict=True))
    assert (external["operates"], external["unit_count"], external["vendors"]) == (
        "yes",
        7,
        "Redcam",
    )


def test_without_the_offer_the_previous_answers_stay_out(client, world):
    previous = f.return_of(world.northshire, world.round_2021)
    f.answer(previous, world.external, operates=True, unit_count=7)
    rows = download(client, open_round(world), world.northshire)
    assert rows[1][4:] == [""] * 7


def test_a_completed_questionnaire_becomes_the_draft_and_shows_for_review(client, world):
    online = open_round(world)
    rows = download(client, online, world.northshire)
    rows[1][4:] = ["yes", "", "25", "Redcam; Acme Optics", "no", "intends", "=notes? no"]
    rows[1][10] = "'=not a formula"
    rows[2][4:] = ["no", "", "", "", "", "no_intention", ""]
    rows[3][4:] = ["yes", "live; retrospective", "", "", "not known", "unsure", ""]
    response = upload(client, online, world.northshire, rows)
    assert response.status_code == 302 and response["Location"].endswith("/review/")
    saved = OnlineReturn.objects.get()
    assert saved.version == 2 and "questionnaire" in saved.saved_by
    answers = stored_answers(saved)
    external = answers[world.external.pk]
    assert (external.operates, external.unit_count, external.vendor_ids) == (
        True,
        25,
        [world.redcam.pk],
    )
    assert external.other_vendors == "Acme Optics"
    assert external.notes == "=not a formula"
    assert answers[online.facial.pk].kinds == ["live", "retrospective"]
    # Downloaded again, it holds the draft.
    assert download(client, online, world.northshire)[1][6] == 25


def test_any_error_saves_nothing_and_each_is_listed_by_row_and_column(client, world):
    online = open_round(world)
    rows = download(client, online, world.northshire)
    rows[1][4:] = ["no", "", "25", "", "", "", ""]  # not operated, yet 25 units
    rows[2][4] = "=1+1"  # a formula
    rows[3][0] = "Southshire Constabulary"  # another body
    rows.append(["Northshire Police", "2024", "anpr", "", "", "", "", "", "", "", ""])
    response = upload(client, online, world.northshire, rows)
    text = response.content.decode()
    assert response.status_code == 200
    assert "Row 2, column unit_count: says the body does not operate it, yet gives a number" in text
    assert "Row 3, column operates: looks like a spreadsheet formula" in text
    assert "Row 4, column body: is not Northshire Police" in text
    assert "Row 5, column system_type: is not asked this round" in text
    assert 'href="#row-2-unit_count"' in text and 'id="row-2-unit_count"' in text
    assert OnlineReturn.objects.get().version == 1
    assert not stored_answers(OnlineReturn.objects.get())


def test_the_import_column_rules_apply(client, world):
    online = open_round(world)
    rows = download(client, online, world.northshire)
    rows[0][3] = "sauce"
    text = upload(client, online, world.northshire, rows).content.decode()
    assert "Header row: missing column(s): source; unknown column(s): sauce" in text
    assert OnlineReturn.objects.get().version == 1


def test_a_file_that_is_not_a_workbook_is_refused_with_a_message(client, world):
    online = open_round(world)
    data = io.BytesIO(b"not a zip at all")
    data.name = "filled.xlsx"
    response = client.post(
        f"/returns/{online.token(world.northshire)}/upload/", {"file": data, "version": "1"}
    )
    assert response.status_code == 200
    assert "There is a problem" in response.content.decode()


def test_a_stale_upload_is_refused(client, world):
    online = open_round(world)
    rows = download(client, online, world.northshire)
    assert upload(client, online, world.northshire, rows).status_code == 302
    response = upload(client, online, world.northshire, rows, version="1")
    assert response.status_code == 409
    assert OnlineReturn.objects.get().version == 2
