"""The import's edges on the synthetic world (test data only): blank lines, header quirks,
size limits, cell spelling, body slugs, partial rows and refusals. Written to kill the
surviving mutants of surveys/editorial/importing.py (see docs/mutation.md)."""

import io
import zipfile

import pytest
from openpyxl import Workbook

from surveys.editorial.import_columns import read_rows
from surveys.editorial.importing import ImportFileError, apply, import_answers, validate
from surveys.models import Answer, Correction
from tests import factories as f

pytestmark = pytest.mark.django_db

HEADER = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
NORTH = "Northshire Police,2020,external-cctv,yes,Redcam,yes,,synthetic,TESTREP\n"
SOUTH = "Southshire,2020,external-cctv,no,,,,,TESTREP\n"


def xlsx(*rows) -> bytes:
    book = Workbook()
    for row in rows:
        book.active.append(row)
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def answer(world, body, system_type=None):
    return Answer.objects.get(survey_return__body=body, system_type=system_type or world.external)


# --- Reading -----------------------------------------------------------------------------------


def test_blank_lines_in_the_middle_are_skipped_and_later_rows_imported(world):
    result = f.import_text(HEADER + NORTH + "\n,,,,,,,,\n" + SOUTH)
    assert result.ok, result.errors
    assert [plan.row for plan in result.plans] == [2, 5]  # numbering counts the blank lines
    assert Answer.objects.count() == 2
    assert answer(world, world.southshire).operates is False


def test_row_numbers_in_errors_count_blank_lines(world):
    result = f.import_text(
        HEADER + "\n" + NORTH + "\n" + "Nowhere,2020,drones,,,,,,TESTREP\n" + SOUTH
    )
    assert [(e.row, e.column) for e in result.errors] == [(5, "body")]
    assert len(result.plans) == 2  # the good rows after the bad one are still checked
    assert not Answer.objects.exists()


def test_a_repeated_header_column_is_refused(world):
    with pytest.raises(ImportFileError, match=r"repeated column\(s\): notes") as info:
        f.import_text(HEADER.strip() + ",Notes\n" + NORTH.strip() + ",again\n")
    assert "missing" not in str(info.value) and "unknown" not in str(info.value)


def test_header_names_are_normalised_and_trailing_blank_columns_ignored(world):
    header = "Body, Round ,System Type,Operates,SOURCE,,\n"
    result = f.import_text(header + "Northshire,2020,drones,yes,TESTREP,,\n")
    assert result.ok, result.errors
    assert answer(world, world.northshire, world.drones).operates is True


def test_a_blank_column_inside_the_header_is_unknown(world):
    with pytest.raises(ImportFileError, match=r"unknown column\(s\): \(blank\)"):
        f.import_text("body,,round,system_type,source\nNorthshire,x,2020,drones,TESTREP\n")


def test_upper_case_file_suffixes(world):
    assert f.import_text(HEADER + NORTH, filename="ANSWERS.CSV").ok
    data = xlsx(
        HEADER.strip().split(","), ["Southshire", 2020, "drones", "no"] + [None] * 4 + ["TESTREP"]
    )
    assert f.import_text(data, filename="Answers.XLSX").ok
    assert answer(world, world.southshire, world.drones).operates is False


def test_a_file_without_a_suffix_is_refused_by_name(world):
    with pytest.raises(ImportFileError, match=r"Unsupported file type '\(none\)'"):
        f.import_text(HEADER + NORTH, filename="answers")


def test_rows_shorter_than_the_header_leave_the_rest_blank(world):
    result = f.import_text(HEADER + "Northshire,2020,drones,yes\n")
    assert [(e.column, e.message) for e in result.errors] == [("source", "is required")]
    short = "body,round,system_type,source,notes\nNorthshire,2020,drones,TESTREP\n"
    result = f.import_text(short)
    assert result.ok and answer(world, world.northshire, world.drones).notes == ""


def test_the_row_limit_is_exact(world):
    line = "Northshire,2020,drones,TESTREP\n"
    at_limit = "body,round,system_type,source\n" + line * 50_000
    assert len(read_rows(at_limit.encode(), filename="a.csv")) == 50_000
    with pytest.raises(ImportFileError, match="more than 50,000 data rows"):
        read_rows((at_limit + line).encode(), filename="a.csv")


@pytest.mark.parametrize("length, ok", [(5000, True), (5001, False)])
def test_the_cell_size_limit_is_exact(world, length, ok):
    result = f.import_text(HEADER + NORTH.replace("synthetic", "n" * length))
    assert result.ok is ok
    if not ok:
        assert [(e.column, e.message) for e in result.errors] == [
            ("notes", "longer than 5000 characters")
        ]
        assert not Answer.objects.exists()


def test_an_oversized_cell_is_the_rows_only_error_and_is_not_echoed(world):
    result = f.import_text(HEADER + "N" * 6000 + ",2020,submarines,maybe,,,,,TESTREP\n")
    assert [(e.row, e.column, e.message) for e in result.errors] == [
        (2, "body", "longer than 5000 characters")
    ]


def test_a_csv_field_too_large_for_the_reader_is_a_file_error(world):
    with pytest.raises(ImportFileError, match="The CSV file cannot be read"):
        f.import_text(HEADER + NORTH.replace("synthetic", "n" * 200_000))


def test_an_xlsx_formula_cell_is_refused_not_evaluated(world):
    data = xlsx(
        HEADER.strip().split(","),
        ["Northshire", 2020, "drones", '=IF(1,"yes","no")', None, None, None, None, "TESTREP"],
    )
    result = f.import_text(data, filename="answers.xlsx")
    assert [(e.row, e.column) for e in result.errors] == [(2, "operates")]
    assert "spreadsheet formula" in result.errors[0].message
    assert not Answer.objects.exists()


def test_xlsx_numbers_read_as_text(world):
    data = xlsx(
        ["body", "round", "system_type", "source", "notes"],
        ["Northshire", 2020.0, "drones", "TESTREP", 12.5],
    )
    result = f.import_text(data, filename="answers.xlsx")
    assert result.ok, result.errors
    assert answer(world, world.northshire, world.drones).notes == "12.5"


def test_whole_numbers_stored_as_decimals_in_xlsx_read_as_whole(world):
    """Some spreadsheet programs store 2020 as 2020.0; it is still the round 2020."""
    data = xlsx(
        ["body", "round", "system_type", "source"], ["Northshire", 2020, "drones", "TESTREP"]
    )
    with zipfile.ZipFile(io.BytesIO(data)) as source:
        parts = {name: source.read(name) for name in source.namelist()}
    sheet = "xl/worksheets/sheet1.xml"
    assert b"<v>2020</v>" in parts[sheet]
    parts[sheet] = parts[sheet].replace(b"<v>2020</v>", b"<v>2020.0</v>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as target:
        for name, content in parts.items():
            target.writestr(name, content)
    result = f.import_text(buffer.getvalue(), filename="answers.xlsx")
    assert result.ok, result.errors
    assert answer(world, world.northshire, world.drones).survey_return.survey_round.year == 2020


def test_apostrophe_escapes_are_taken_back(world):
    header = "body,round,system_type,source,notes\n"
    f.import_text(header + "Northshire,2020,drones,TESTREP,'=1+1\n")
    assert answer(world, world.northshire, world.drones).notes == "=1+1"
    f.import_text(header + "Southshire,2020,drones,TESTREP,'plain\n")
    assert answer(world, world.southshire, world.drones).notes == "'plain"
    f.import_text(header + "Northshire,2020,external-cctv,TESTREP,''quoted\n")
    assert answer(world, world.northshire).notes == "'quoted"


# --- Spelling of values ------------------------------------------------------------------------


def test_padded_and_mixed_case_cells_are_understood(world):
    line = (
        "  Northshire  , 2020 , DRONES , Yes , redCAM ;  BLUECAM , No , Intends To Use , x "
        ",testrep\n"
    )
    result = f.import_text(HEADER + line)
    assert result.ok, result.errors
    drones = answer(world, world.northshire, world.drones)
    assert (drones.operates, drones.aware_of_concerns, drones.intent) == (True, False, "intends")
    assert set(drones.vendors.values_list("name", flat=True)) == {"Redcam", "Bluecam"}
    assert drones.notes == "x"


def test_a_vendor_named_twice_is_linked_once(world):
    result = f.import_text(HEADER + "Northshire,2020,drones,yes,Redcam; redcam,,,,TESTREP\n")
    assert result.ok
    assert list(answer(world, world.northshire, world.drones).vendors.all()) == [world.redcam]


def test_body_slug_wins_and_must_agree_with_the_name(world):
    header = "body,body_slug,round,system_type,source\n"
    result = f.import_text(header + "Northshire,northshire-police,2020,drones,TESTREP\n")
    assert result.ok
    result = f.import_text(header + ",southshire-constabulary,2020,drones,TESTREP\n")
    assert [(e.column, e.message) for e in result.errors] == [("body", "is required")]
    bad = f.import_text(header + "Northshire,southshire-constabulary,2020,drones,TESTREP\n")
    assert [(e.column, e.message) for e in bad.errors] == [
        ("body_slug", "'southshire-constabulary' is not 'Northshire'")
    ]
    unknown = f.import_text(header + "Northshire,nowhere,2020,drones,TESTREP\n")
    assert [(e.column, e.message) for e in unknown.errors] == [
        ("body_slug", "unknown body slug 'nowhere'")
    ]


def test_a_body_without_a_return_for_the_round(world):
    f.body("Westshire Police", source=world.report)
    result = f.import_text(HEADER + "Westshire Police,2020,drones,yes,,,,,TESTREP\n")
    assert [(e.column, e.message) for e in result.errors] == [
        ("body", "Westshire Police has no return for 2020")
    ]


def test_every_bad_cell_of_a_row_is_reported(world):
    result = f.import_text(HEADER + "Northshire,2020,drones,maybe,Acme,perhaps,someday,,\n")
    assert [e.column for e in result.errors] == [
        "source",
        "operates",
        "aware_of_concerns",
        "intent",
        "vendors",
    ]


# --- Contradictions ----------------------------------------------------------------------------


@pytest.mark.parametrize(
    "line, column, message",
    [
        ("no,Redcam,,", "operates", "yet names a vendor"),
        ("no,,yes,", "operates", "yet says it is aware"),
    ],
)
def test_not_operating_contradictions(world, line, column, message):
    result = f.import_text(HEADER + f"Northshire,2020,drones,{line},,TESTREP\n")
    assert [(e.column, message in e.message) for e in result.errors] == [(column, True)]


def test_a_contradiction_with_the_stored_answer_names_the_files_column(world):
    f.import_text(HEADER + "Northshire,2020,drones,no,,,,,TESTREP\n")
    result = f.import_text(
        "body,round,system_type,source,vendors\nNorthshire,2020,drones,TESTREP,Redcam\n"
    )
    assert [(e.column, "names a vendor" in e.message) for e in result.errors] == [("vendors", True)]
    # A file about other fields only leaves the stored "no" alone and is accepted.
    notes = f.import_text(
        "body,round,system_type,source,notes\nNorthshire,2020,drones,TESTREP,n\n",
        reason="Synthetic test: a note",
    )
    assert notes.ok


def test_operating_with_vendors_and_awareness_is_fine(world):
    assert f.import_text(HEADER + "Northshire,2020,drones,yes,Redcam,yes,,,TESTREP\n").ok
    assert f.import_text(HEADER + "Southshire,2020,drones,no,,no,,,TESTREP\n").ok


# --- Planning and writing ----------------------------------------------------------------------


def test_a_new_answer_lists_only_the_values_it_states(world):
    result = f.import_text(HEADER + "Northshire,2020,drones,,,,,,TESTREP\n", dry_run=True)
    (plan,) = result.plans
    assert plan.action == "create"
    assert [str(change) for change in plan.changes] == ["source none -> TESTREP"]
    assert plan.describe() == "Row 2: create Northshire, 2020, Drones: source TESTREP"
    some = f.import_text(HEADER + "Northshire,2020,drones,yes,,,,,TESTREP\n", dry_run=True)
    assert [str(c) for c in some.plans[0].changes] == [
        "source none -> TESTREP",
        "operates not known -> yes",  # the blank notes, awareness and intent are not listed
    ]
    full = f.import_text(
        HEADER + "Northshire,2020,drones,yes,Redcam,no,unsure,hi,TESTREP\n", dry_run=True
    )
    assert [str(c) for c in full.plans[0].changes] == [
        "source none -> TESTREP",
        "notes (empty) -> 'hi'",
        "operates not known -> yes",
        "aware_of_concerns not known -> no",
        "intent not stated -> unsure",
        "vendors none stated -> Redcam",
    ]


def test_unchanged_rows_are_described_and_not_written(world):
    f.import_text(HEADER + NORTH)
    result = f.import_text(HEADER + NORTH + SOUTH)
    assert [plan.action for plan in result.plans] == ["unchanged", "create"]
    assert result.plans[0].describe() == "Row 2: unchanged Northshire, 2020, External CCTV"
    assert result.summary() == "2 rows: 1 to create, 0 to update, 1 unchanged"
    north = answer(world, world.northshire)
    assert north.history.count() == 1
    assert answer(world, world.southshire).operates is False  # the row after is written


def test_a_notes_change_is_a_public_correction(world):
    f.import_text(HEADER + NORTH)
    with pytest.raises(ImportFileError, match="give a reason"):
        f.import_text(HEADER + NORTH.replace("synthetic", "revised"))
    result = f.import_text(
        HEADER + NORTH.replace("synthetic", "revised"), reason="Synthetic: clearer"
    )
    assert result.applied and result.public_changes == 1
    assert [c.field for c in result.plans[0].public_changes] == ["notes"]
    assert answer(world, world.northshire).notes == "revised"
    correction = Correction.objects.get()
    assert (correction.answer_field, correction.new_value) == ("notes", "revised")


def test_public_changes_become_corrections_and_other_fields_are_written(world):
    f.import_text(HEADER + NORTH)
    changed = "Northshire Police,2020,external-cctv,no,,no,unsure,new notes,TESTREP\n"
    result = f.import_text(HEADER + changed + SOUTH, reason="  Synthetic test: re-surveyed  ")
    assert result.public_changes == 1
    north = answer(world, world.northshire)
    assert (north.operates, north.aware_of_concerns, north.intent) == (False, False, "unsure")
    assert north.notes == "new notes"
    assert list(north.vendors.all()) == []
    fields = sorted(Correction.objects.values_list("answer_field", "reason"))
    assert fields == [
        ("aware_of_concerns", "Synthetic test: re-surveyed"),
        ("intent", "Synthetic test: re-surveyed"),
        ("notes", "Synthetic test: re-surveyed"),
        ("operates", "Synthetic test: re-surveyed"),
        ("vendors", "Synthetic test: re-surveyed"),
    ]
    assert answer(world, world.southshire).corrections.count() == 0


def test_a_whitespace_reason_is_no_reason(world):
    f.import_text(HEADER + NORTH)
    with pytest.raises(ImportFileError, match="give a reason"):
        f.import_text(HEADER + NORTH.replace("Redcam", "Bluecam"), reason="   ")


def test_apply_refuses_a_result_with_errors(world):
    result = validate(
        read_rows((HEADER + NORTH + "Nowhere,2020,drones,,,,,,X\n").encode(), filename="a.csv")
    )
    assert not result.ok and result.plans
    with pytest.raises(ValueError, match="with errors"):
        apply(result, change_reason="synthetic")
    assert not result.applied and not Answer.objects.exists()


def test_an_import_writes_unless_told_it_is_a_dry_run(world):
    result = import_answers(io.BytesIO((HEADER + NORTH).encode()), filename="answers.csv")
    assert result.applied
    assert answer(world, world.northshire).operates is True


def test_a_result_is_not_applied_until_written(world):
    result = validate(read_rows((HEADER + NORTH).encode(), filename="a.csv"))
    assert not result.applied
    assert apply(result, change_reason="synthetic test").applied
    assert answer(world, world.northshire).history.first().history_change_reason == (
        "synthetic test, row 2"
    )
