"""An import file's cells, read within bounds that hold for any file, and what a cell means.

A CSV is read here; a workbook by surveys/editorial/import_xlsx.py, as a stream of its sheet's XML.
Reading stops at the first limit passed, saying which, and reading any file under the upload
limit peaks under 200 MB (tests/test_import_file_limits.py measures it on hostile files).
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from pathlib import Path

from surveys.editorial.import_bounds import (  # noqa: F401 (the readers' bounds, named here too)
    MAX_CELL_LENGTH,
    MAX_ELEMENTS,
    MAX_ROWS,
    ImportFileError,
)
from surveys.editorial.import_xlsx import xlsx_rows
from surveys.exports import FORMULA_PREFIXES

# After + or -, what makes the text a formula rather than prose such as "-2 cameras sold":
# a function call (SUM(), a DDE command (cmd|), a reference (A1, $B$2, Sheet1!A1), a
# parenthesis, or a number with an operator after it (1+2). A bare number is a number.
_FORMULA_AFTER_SIGN = re.compile(
    r"""
    [A-Za-z_][\w.]*[(|]                         # SUM(  cmd|
    | [\w.]+!\$?[A-Za-z]{1,3}\$?\d             # Sheet1!A1
    | \$?[A-Za-z]{1,3}\$?\d+(?![\w.])(?!\s+\w)  # A1, $B$2 alone or before an operator
    | \(                                         # (1+2)
    | [\d.,]+\s*[-+*/^&=<>(|]                    # 1+2, 2-cmd|
    """,
    re.VERBOSE,
)


def is_formula(cell: str) -> bool:
    """Whether a spreadsheet would run this text as a formula (the import refuses those).
    Downloads escape more widely (surveys.exports.escape_cell): anything starting with one of
    FORMULA_PREFIXES, which an apostrophe before it keeps as text here too."""
    if cell.startswith(("=", "@")):
        return True
    return cell.startswith(("+", "-")) and bool(_FORMULA_AFTER_SIGN.match(cell[1:]))


def unescape(cell: str) -> str:
    """Remove the apostrophe our downloads (and spreadsheets) put before text that starts like
    a formula or with an apostrophe, so a download imports back unchanged."""
    if cell.startswith("'") and cell[1:].startswith((*FORMULA_PREFIXES, "'")):
        return cell[1:]
    return cell


def file_rows(data: bytes, *, filename: str, width: int) -> Iterator[tuple[int, list[str]]]:
    """The file's rows as (row number, its first ``width`` cells stripped), row 1 first.

    Rows with no value may be left out (the numbers say where rows are). A row after
    MAX_ROWS + 1 that holds a value stops reading with an ImportFileError.
    """
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        rows = _csv_rows(data, width)
    elif suffix == ".xlsx":
        rows = xlsx_rows(data, width)
    else:
        raise ImportFileError(f"Unsupported file type {suffix or '(none)'!r}: use .csv or .xlsx.")
    for number, cells in rows:
        if number > MAX_ROWS + 1 and any(cells):
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} data rows, the most one import takes: "
                "split it into several files."
            )
        yield number, cells


def _csv_rows(data: bytes, width: int) -> Iterator[tuple[int, list[str]]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8."
        ) from exc
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes: it is not a CSV text file.")
    try:
        for number, values in enumerate(csv.reader(io.StringIO(text, newline="")), start=1):
            yield number, [value.strip() for value in values[:width]]
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}") from exc
