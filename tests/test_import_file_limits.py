"""Reading an import file stays within bounds whatever the file: hostile workbooks (a huge
declared sheet, rows of formatted empty cells, zip bombs, a bloated string table) are read or
refused with a clear message while the reading process's peak memory stays under 200 MB.

Each file is read in a child Python process (Django set up, then read_rows, as the admin and
the command call it), whose peak resident memory (ru_maxrss) is measured: a memory
measurement, not a timing. The child's address space is capped, so reading code that does
not bound itself fails here instead of exhausting the machine.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import zipfile
from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

import pytest
from django.conf import settings

from surveys.editorial.import_columns import COLUMNS
from surveys.editorial.import_files import MAX_ELEMENTS

ROOT = Path(__file__).resolve().parent.parent
PEAK_LIMIT_MB = 200
HEADER = ["body", "round", "system_type", "source", "operates", "notes"]
DATA = ["Kent Police", "2022", "drones", "PR2023", "yes", "synthetic"]
# Rows of every column (each field with its own source column too) that fit in an upload.
FULL_ROWS = 30_000

MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
RELS = "http://schemas.openxmlformats.org/package/2006/relationships"
OFFICE = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
TYPES = (
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.'
    'relationships+xml"/><Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" ContentType="application/vnd.'
    'openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" ContentType="application/vnd.openxmlformats-'
    'officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" ContentType="application/vnd.openxmlformats'
    '-officedocument.spreadsheetml.sharedStrings+xml"/></Types>'
)
ROOT_RELS = (
    f'<Relationships xmlns="{RELS}"><Relationship Id="rId1" '
    f'Type="{OFFICE}/officeDocument" Target="xl/workbook.xml"/></Relationships>'
)
WORKBOOK = (
    f'<workbook xmlns="{MAIN}" xmlns:r="{OFFICE}"><sheets>'
    '<sheet name="Answers" sheetId="1" r:id="rId1"/></sheets></workbook>'
)
WORKBOOK_RELS = (
    f'<Relationships xmlns="{RELS}">'
    f'<Relationship Id="rId1" Type="{OFFICE}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{OFFICE}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{OFFICE}/sharedStrings" Target="sharedStrings.xml"/>'
    "</Relationships>"
)
# Two cell formats, the second with a fill: what formatting whole rows gives each cell.
STYLES = (
    f'<styleSheet xmlns="{MAIN}"><fonts count="1"><font/></fonts>'
    '<fills count="1"><fill><patternFill patternType="none"/></fill></fills>'
    '<borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="2"><xf/><xf fillId="0" applyFill="1"/></cellXfs></styleSheet>'
)


def cells(values: Iterable[str]) -> str:
    return "".join(f'<c t="inlineStr"><is><t>{value}</t></is></c>' for value in values)


def sheet(body: Iterable[str], *, dimension: str = "A1:F2") -> Iterator[bytes]:
    """A worksheet's XML: the header row, then ``body``, in chunks."""
    yield (
        f'<worksheet xmlns="{MAIN}"><dimension ref="{dimension}"/><sheetData>'
        f'<row r="1">{cells(HEADER)}</row>'
    ).encode()
    for part in body:
        yield part.encode()
    yield b"</sheetData></worksheet>"


def xlsx(worksheet: Iterable[bytes], strings: Iterable[bytes] = (b"<sst/>",)) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as book:
        for name, text in [
            ("[Content_Types].xml", TYPES),
            ("_rels/.rels", ROOT_RELS),
            ("xl/workbook.xml", WORKBOOK),
            ("xl/_rels/workbook.xml.rels", WORKBOOK_RELS),
            ("xl/styles.xml", STYLES),
        ]:
            book.writestr(name, text)
        for name, chunks in [
            ("xl/sharedStrings.xml", strings),
            ("xl/worksheets/sheet1.xml", worksheet),
        ]:
            with book.open(name, "w") as part:
                for chunk in chunks:
                    part.write(chunk)
    return out.getvalue()


def declare_size(data: bytes, name: str, size: int) -> bytes:
    """The workbook with one part's declared (uncompressed) size replaced: a lying zip."""
    data = bytearray(data)
    with zipfile.ZipFile(io.BytesIO(bytes(data))) as book:
        local, entry = book.getinfo(name).header_offset, book.start_dir
    data[local + 22 : local + 26] = size.to_bytes(4, "little")
    while data[entry + 46 : entry + 46 + len(name)] != name.encode():
        lengths = [
            int.from_bytes(data[entry + at : entry + at + 2], "little") for at in (28, 30, 32)
        ]
        entry += 46 + sum(lengths)
    data[entry + 24 : entry + 28] = size.to_bytes(4, "little")
    return bytes(data)


def repeated(text: str, times: int, *, per_chunk: int = 10_000) -> Iterator[str]:
    while times > 0:
        yield text * min(times, per_chunk)
        times -= per_chunk


def empty_formatted_rows(count: int, *, cells_per_row: int = 16_384) -> Iterator[str]:
    """Data, then rows formatted whole: every cell of each written, empty, with a format."""
    yield f'<row r="2">{cells(DATA)}</row>'
    for number in range(3, count + 3):
        yield f'<row r="{number}" spans="1:16384" s="1" customFormat="1">'
        yield from repeated('<c s="1"/>', cells_per_row)
        yield "</row>"


def data_row() -> list[str]:
    return [f'<row r="2">{cells(DATA)}</row>']


def full_rows(count: int) -> Iterator[str]:
    """Rows of every column, each value distinct: the most an import takes."""
    for n in range(count):
        yield f"<row>{cells(f'{n}{column[:2]}' for column in COLUMNS)}</row>"


def shared_strings(count: int, length: int) -> Iterator[bytes]:
    """A string table of ``count`` strings of ``length`` digits."""
    yield b"<sst>"
    for n in range(0, count, 10_000):
        batch = range(n, min(n + 10_000, count))
        yield "".join(f"<si><t>{m % 10**length:0{length}}</t></si>" for m in batch).encode()
    yield b"</sst>"


def bomb() -> bytes:
    """Whitespace that inflates to twice the unzipped limit, after a good header."""
    return xlsx(sheet(repeated(" ", 2 * settings.IMPORT_MAX_UNCOMPRESSED_BYTES, per_chunk=10**6)))


ELEMENTS_PER_ROW = 16_384 + 1  # a row formatted whole: every cell, and the row
# name -> (the file, its name, what reading it says: rows read or words of the error)
HOSTILE: dict[str, tuple[Callable[[], bytes], str, str]] = {
    "declared dimension A1:XFD50001 and 50,000 formatted rows": (
        lambda: xlsx(
            sheet(
                data_row()
                + [
                    f'<row r="{n}" spans="1:16384" s="1" customFormat="1"/>'
                    for n in range(3, 50_002)
                ],
                dimension="A1:XFD50001",
            )
        ),
        "a.xlsx",
        "1 rows",
    ),
    "one row of 16,384 empty formatted cells": (
        lambda: xlsx(sheet(empty_formatted_rows(1))),
        "a.xlsx",
        "1 rows",
    ),
    "rows of empty formatted cells within the element limit": (
        lambda: xlsx(sheet(empty_formatted_rows(MAX_ELEMENTS // ELEMENTS_PER_ROW - 5))),
        "a.xlsx",
        "1 rows",
    ),
    "rows of empty formatted cells past the element limit": (
        lambda: xlsx(sheet(empty_formatted_rows(MAX_ELEMENTS // ELEMENTS_PER_ROW + 5))),
        "a.xlsx",
        "more than 4,000,000 cells, rows and strings",
    ),
    "zip bomb: a sheet declaring twice the unzipped limit": (bomb, "a.xlsx", "once unzipped"),
    "zip bomb: a sheet declaring 1,000 bytes that inflates further": (
        lambda: declare_size(bomb(), "xl/worksheets/sheet1.xml", 1000),
        "a.xlsx",
        "not a readable XLSX",
    ),
    "a string table of a million strings": (
        lambda: xlsx(sheet(data_row()), strings=shared_strings(1_000_000, 4)),
        "a.xlsx",
        "1 rows",
    ),
    "a string table of more text than a CSV upload": (
        lambda: xlsx(sheet(data_row()), strings=shared_strings(1_500_000, 4)),
        "a.xlsx",
        "characters",
    ),
    "a string table past the element limit": (
        lambda: xlsx(sheet(data_row()), strings=shared_strings(MAX_ELEMENTS // 2 + 10_000, 1)),
        "a.xlsx",
        "more than 4,000,000 cells, rows and strings",
    ),
    "a cell of 50 MB of text": (
        lambda: xlsx(
            sheet(
                [f'<row r="2">{cells(DATA[:-1])}<c t="inlineStr"><is><t>']
                + list(repeated("x", 50_000_000, per_chunk=1_000_000))
                + ["</t></is></c></row>"]
            )
        ),
        "a.xlsx",
        "1 rows",
    ),
    "30,000 rows of every column": (
        lambda: xlsx(sheet(full_rows(FULL_ROWS))),
        "a.xlsx",
        f"{FULL_ROWS} rows",
    ),
    "a data row past row 50,001": (
        lambda: xlsx(sheet([*data_row(), f'<row r="1048576">{cells(DATA)}</row>'])),
        "a.xlsx",
        "more than 50,000 data rows",
    ),
    "a CSV row of 5 million empty cells": (
        lambda: (",".join(HEADER) + "\n" + ",".join(DATA) + "," * 5_000_000 + "\n").encode(),
        "a.csv",
        "1 rows",
    ),
    "a CSV of 30,000 rows of every column": (
        lambda: "".join(
            [",".join(COLUMNS) + "\n"]
            + [",".join(f"{n}{column[:2]}" for column in COLUMNS) + "\n" for n in range(FULL_ROWS)]
        ).encode(),
        "a.csv",
        f"{FULL_ROWS} rows",
    ),
}


CHILD = """
import json, sys
import django

django.setup()
from surveys.editorial.import_columns import read_rows
from surveys.editorial.importing import ImportFileError

path, name = sys.argv[1:]
data = open(path, "rb").read()
try:
    outcome = f"{sum(1 for row in read_rows(data, filename=name) if row)} rows"
except ImportFileError as exc:
    outcome = str(exc)
# VmHWM, not ru_maxrss: after fork and exec, ru_maxrss starts at the parent's size.
status = open("/proc/self/status").read()
peak = int(status.split("VmHWM:")[1].split()[0]) // 1024
print(json.dumps({"outcome": outcome, "peak_mb": peak}))
"""


def read_in_child(path: Path, name: str) -> dict:
    """read_rows in a fresh process capped at 2 GB of address space: its outcome and peak MB."""

    def cap():
        import resource

        resource.setrlimit(resource.RLIMIT_AS, (2 * 1024**3, 2 * 1024**3))

    done = subprocess.run(
        [sys.executable, "-c", CHILD, str(path), name],
        cwd=ROOT,
        env={**os.environ, "PYTHONPATH": str(ROOT)},
        capture_output=True,
        text=True,
        preexec_fn=cap,
        timeout=600,  # a guard against reading that never ends, not a measure
    )
    assert done.returncode == 0, done.stderr[-3000:]
    return json.loads(done.stdout.strip().splitlines()[-1])


@pytest.mark.parametrize("name", HOSTILE)
def test_reading_any_file_under_the_upload_limit_peaks_under_200_mb(name, tmp_path):
    build, filename, expected = HOSTILE[name]
    data = build()
    assert len(data) <= settings.IMPORT_MAX_BYTES  # any file the admin accepts
    path = tmp_path / filename
    path.write_bytes(data)
    read = read_in_child(path, filename)
    assert expected in read["outcome"]
    assert read["peak_mb"] < PEAK_LIMIT_MB, read
