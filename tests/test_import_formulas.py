"""What the import takes for a formula, and what it takes for prose: "-2 cameras
decommissioned" is a note, "-A1" and "+SUM(" are formulas. Downloads still escape every cell
that starts like a formula, and the import takes the escaped text back unchanged."""

import io

import pytest

from surveys.editorial.import_files import is_formula
from surveys.editorial.importing import import_answers
from surveys.exports import escape_cell
from surveys.models import Answer

pytestmark = pytest.mark.django_db

HEADER = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
PROSE = [
    "-2 cameras decommissioned",
    "+3 drones on order",
    "- see the covering letter",
    "--",
    "-A1 road cameras moved",
    "+44 20 7946 0000 is the switchboard",
    "-",
    "-Great! Two more cameras",
]
FORMULAS = [
    "=1+1",
    "@SUM(A1:A2)",
    "+SUM(A1:A2)",
    "-SUM(1)",
    "-A1",
    "+$B$2*2",
    "-A1+B1",
    "+1+2",
    "-2-3",
    "-cmd|' /C calc'!A0",
    "-2+3+cmd|' /C calc'!A0",
    "+Sheet1!A1",
    "-(1+2)",
]


def import_notes(world, notes: str):
    row = f"Northshire Police,2020,external-cctv,yes,,,,{notes},TESTREP\n"
    return import_answers(io.BytesIO((HEADER + row).encode()), filename="answers.csv")


@pytest.mark.parametrize("notes", PROSE)
def test_prose_starting_with_a_sign_is_imported_as_written(world, notes):
    result = import_notes(world, notes)
    assert result.ok, [str(e) for e in result.errors]
    assert Answer.objects.get().notes == notes


@pytest.mark.parametrize("formula", FORMULAS)
def test_a_formula_is_refused_naming_row_and_column(world, formula):
    result = import_notes(world, f'"{formula}"')
    assert [(e.row, e.column) for e in result.errors] == [(2, "notes")]
    assert "looks like a spreadsheet formula" in result.errors[0].message
    assert not Answer.objects.exists()


@pytest.mark.parametrize("text", PROSE + FORMULAS)
def test_downloads_escape_what_the_import_would_refuse_and_the_import_takes_it_back(world, text):
    escaped = escape_cell(text)
    assert escaped == "'" + text  # every text that starts like a formula is escaped
    assert not is_formula(escaped)
    result = import_notes(world, f'"{escaped}"')
    assert result.ok, [str(e) for e in result.errors]
    assert Answer.objects.get().notes == text
