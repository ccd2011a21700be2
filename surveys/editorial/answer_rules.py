"""What an answer's written values mean, and which answers contradict themselves: one home
for the rules that an import file, the online return form and its offline questionnaire all
apply (surveys.editorial.import_rows, surveys.collection.return_values)."""

from __future__ import annotations

from collections.abc import Mapping

from surveys.editorial.import_files import MAX_CELL_LENGTH, is_formula, unescape
from surveys.models import Answer, SystemType
from surveys.values import parse_count, parse_intent, parse_kinds, parse_yes_no

# Each answer column a file or form may give, and how its written value is read.
PARSERS = {
    "operates": parse_yes_no,
    "aware_of_concerns": parse_yes_no,
    "says_vendor_of_concern": parse_yes_no,
    "intent": parse_intent,
    "kinds": parse_kinds,
    "unit_count": parse_count,
}
FORMULA_MESSAGE = (
    "looks like a spreadsheet formula: enter the value, not a formula (to keep it as text, put "
    "an apostrophe before it)"
)


def cell_errors(row: Mapping[str, str]) -> list[tuple[str, str]]:
    """The first cell too long or that a spreadsheet would run as a formula, as
    (column, message); a row with one is read no further."""
    for column, value in row.items():
        if len(value) > MAX_CELL_LENGTH:
            return [(column, f"longer than {MAX_CELL_LENGTH} characters")]
        if is_formula(value):
            return [(column, FORMULA_MESSAGE)]
    return []


def unescaped(row: Mapping[str, str]) -> dict[str, str]:
    return {column: unescape(value) for column, value in row.items()}


def parse_answer_values(row: Mapping[str, str]) -> tuple[dict, list[tuple[str, str]]]:
    """The values of the answer columns the row has (an absent column is absent from the
    values), and the errors as (column, message)."""
    values: dict = {}
    errors: list[tuple[str, str]] = []
    if "notes" in row:
        values["notes"] = row["notes"]
    for column, parse in PARSERS.items():
        if column in row:
            try:
                values[column] = parse(row[column])
            except ValueError as exc:
                errors.append((column, str(exc)))
    return values, errors


def contradictions(
    *, operates: bool | None, names_vendor: bool, aware: bool | None, units: int | None
) -> list[tuple[str, str]]:
    """What an answer says that its "does not operate it" contradicts, as (the field that
    says it, message)."""
    if operates is not False:
        return []
    found = []
    if names_vendor:
        found.append(("vendors", "says the body does not operate it, yet names a vendor"))
    if aware is True:
        found.append(
            (
                "aware_of_concerns",
                "says the body does not operate it, yet says it is aware of concerns",
            )
        )
    if units is not None:
        found.append(
            ("unit_count", "says the body does not operate it, yet gives a number of units")
        )
    return found


def kinds_error(kinds, system_type: SystemType) -> str | None:
    return None if Answer.kinds_allowed(kinds, system_type) else Answer.KIND_MESSAGE
