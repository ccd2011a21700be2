"""The one import path for per-body answers: validation, atomicity, idempotence, formats."""

import io
from pathlib import Path

import pytest
from django.core.management import CommandError, call_command
from openpyxl import Workbook

from surveys.editorial.importing import ImportFileError, import_answers
from surveys.models import Answer, AnswerVendor, BodyAlias, VendorAlias
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
GOOD = (
    HEADER
    + "Northshire Police,2020,external-cctv,yes,Redcam; Bluecam,yes,,two vendors,TESTREP\n"
    + "southshire,2020,External CCTV,no,,,,,testrep\n"
)


def snapshot():
    return (
        sorted(Answer.objects.values_list("pk", "operates", "aware_of_concerns", "notes")),
        sorted(AnswerVendor.objects.values_list("answer_id", "vendor_id")),
        Answer.history.count(),
    )


def test_good_file_creates_answers_with_vendors_and_history(world):
    result = f.import_text(GOOD)
    assert result.ok and result.applied
    assert (result.count("create"), result.count("update")) == (2, 0)
    north = Answer.objects.get(survey_return__body=world.northshire)
    assert north.operates is True and north.aware_of_concerns is True
    assert set(north.vendors.values_list("name", flat=True)) == {"Redcam", "Bluecam"}
    assert north.source == world.report
    assert north.history.first().history_change_reason == "import of answers.csv, row 2"
    south = Answer.objects.get(survey_return__body=world.southshire)
    assert south.operates is False and south.aware_of_concerns is None


def test_reimporting_the_same_file_changes_nothing(world):
    f.import_text(GOOD)
    before = snapshot()
    result = f.import_text(GOOD)
    assert result.count("unchanged") == 2 and result.count("create") == 0
    assert snapshot() == before


def test_reimport_with_changes_updates_in_place(world):
    f.import_text(GOOD)
    changed = GOOD.replace("Redcam; Bluecam,yes", "Redcam,no")
    with pytest.raises(ImportFileError, match="give a reason"):
        f.import_text(
            changed
        )  # changes to what the public pages show are corrections: they need one
    result = f.import_text(changed, reason="Synthetic test: the body corrected its return")
    assert result.count("update") == 1
    changed = [change.field for change in result.plans[0].changes]
    assert "vendors" in changed and "aware_of_concerns" in changed
    north = Answer.objects.get(survey_return__body=world.northshire)
    assert list(north.vendors.values_list("name", flat=True)) == ["Redcam"]
    assert north.aware_of_concerns is False
    assert Answer.objects.count() == 2


def test_aliases_match_case_insensitively(world):
    BodyAlias.objects.create(body=world.northshire, name="North Constabulary", kind="former")
    VendorAlias.objects.create(vendor=world.redcam, name="Red Camera Co")
    result = f.import_text(
        HEADER + "NORTH CONSTABULARY,2020,EXTERNAL-CCTV,Y,red camera co,,,,TESTREP\n"
    )
    assert result.ok, result.errors
    answer = Answer.objects.get()
    assert answer.survey_return.body == world.northshire
    assert list(answer.vendors.all()) == [world.redcam]


BAD_ROWS = [
    ("Nowhere Police,2020,external-cctv,yes,,,,,TESTREP", "body", "unknown body"),
    ("Northshire,1999,external-cctv,yes,,,,,TESTREP", "round", "unknown round"),
    ("Northshire,2020,submarines,yes,,,,,TESTREP", "system_type", "unknown system type"),
    ("Northshire,2020,drones,yes,Acme,,,,TESTREP", "vendors", "unknown vendor 'Acme'"),
    ("Northshire,2020,drones,maybe,,,,,TESTREP", "operates", "not yes, no or blank"),
    ("Northshire,2020,drones,yes,,perhaps,,,TESTREP", "aware_of_concerns", "not yes, no"),
    ("Northshire,2020,drones,yes,,,someday,,TESTREP", "intent", "not a known intent"),
    ("Northshire,2020,drones,yes,,,,,NOPE", "source", "unknown source"),
    (",2020,external-cctv,yes,,,,,TESTREP", "body", "is required"),
    ("Test Agency,2021,external-cctv,yes,,,,,TESTREP", "body", "did not respond in 2021"),
]


@pytest.mark.parametrize("line, column, message", BAD_ROWS)
def test_each_kind_of_bad_row_is_named_and_nothing_is_written(world, line, column, message):
    before = snapshot()
    result = f.import_text(GOOD + line + "\n")
    assert not result.ok and not result.applied
    assert len(result.errors) == 1
    error = result.errors[0]
    assert (error.row, error.column) == (4, column)
    assert message in error.message
    assert str(error).startswith(f"Row 4, column {column}:")
    assert snapshot() == before


def test_duplicate_rows_are_refused(world):
    result = f.import_text(GOOD + "NORTHSHIRE,2020,external-cctv,no,,,,,TESTREP\n")
    assert [(e.row, e.column) for e in result.errors] == [(4, "system_type")]
    assert "duplicate of row 2" in result.errors[0].message
    assert not Answer.objects.exists()


def test_dry_run_reports_but_writes_nothing(world):
    result = f.import_text(GOOD, dry_run=True)
    assert result.ok and not result.applied
    assert result.summary() == "2 rows: 2 to create, 0 to update, 0 unchanged"
    assert not Answer.objects.exists()


def test_failure_while_writing_rolls_back_everything(world, monkeypatch):
    from surveys.editorial import corrections

    calls = {"n": 0}
    real = corrections.set_vendors

    def fail_second(answer, vendors, **kwargs):
        calls["n"] += 1
        if calls["n"] == 2:
            raise RuntimeError("disk full")
        return real(answer, vendors, **kwargs)

    monkeypatch.setattr(corrections, "set_vendors", fail_second)
    with pytest.raises(RuntimeError):
        f.import_text(GOOD)
    assert not Answer.objects.exists() and not AnswerVendor.objects.exists()


@pytest.mark.parametrize(
    "data, filename, message",
    [
        (b"", "a.csv", "empty"),
        (HEADER.encode(), "a.csv", "no data rows"),
        (b"body,round\nX,2020\n", "a.csv", "missing column(s): system_type, source"),
        ((HEADER.strip() + ",colour\n").encode(), "a.csv", "unknown column(s): colour"),
        ("é".encode("latin-1") + HEADER.encode(), "a.csv", "not UTF-8"),
        (b"PK\x03\x04\x00\x00garbage", "a.csv", "NUL bytes"),
        (b"not a workbook", "a.xlsx", "not a readable XLSX"),
        (GOOD.encode(), "a.txt", "Unsupported file type"),
    ],
)
def test_unreadable_files_get_a_clear_error(world, data, filename, message):
    with pytest.raises(ImportFileError, match=None) as info:
        f.import_text(data, filename=filename)
    assert message in str(info.value)
    assert not Answer.objects.exists()


def test_xlsx_file(world, tmp_path):
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Northshire", 2020, "drones", "yes", "Redcam", None, None, None, "TESTREP"])
    buffer = io.BytesIO()
    book.save(buffer)
    result = f.import_text(buffer.getvalue(), filename="answers.xlsx")
    assert result.ok, result.errors
    assert Answer.objects.get().system_type == world.drones


def test_command_reports_errors_and_writes_nothing(world, tmp_path):
    path = tmp_path / "bad.csv"
    path.write_text(GOOD + "Nowhere,2020,drones,yes,,,,,TESTREP\n")
    err = io.StringIO()
    with pytest.raises(CommandError, match="1 error"):
        call_command("import_returns", str(path), stderr=err, stdout=io.StringIO())
    assert "Row 4, column body: unknown body 'Nowhere'" in err.getvalue()
    assert not Answer.objects.exists()


def test_command_dry_run_and_real_run(world, tmp_path):
    path = tmp_path / "good.csv"
    path.write_text(GOOD)
    out = io.StringIO()
    call_command("import_returns", str(path), "--dry-run", stdout=out)
    assert "Dry run: nothing was written." in out.getvalue()
    assert not Answer.objects.exists()
    out = io.StringIO()
    call_command("import_returns", str(path), stdout=out)
    assert (
        "Imported good.csv: Created 2 answers, updated 0, recorded 0 corrections." in out.getvalue()
    )
    assert Answer.objects.count() == 2


def test_command_missing_file(world, tmp_path):
    with pytest.raises(CommandError, match="Cannot read"):
        call_command("import_returns", str(tmp_path / "absent.csv"))


def test_readme_example_file_imports_against_real_data(real_data):
    example = Path(__file__).resolve().parent.parent / "docs" / "example-answers.csv"
    result = import_answers(example.open("rb"), filename=example.name, dry_run=True)
    assert result.ok, [str(e) for e in result.errors]
    assert len(result.plans) >= 2
