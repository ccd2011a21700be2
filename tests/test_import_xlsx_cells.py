"""The XLSX reader gives each cell as a spreadsheet shows it, for workbooks as Excel writes
them (shared strings, rich text, booleans, whole numbers as decimals, formulas with a cached
value, the strict namespace), and a file over a limit is refused with a message by the command
and the admin, writing nothing."""

from __future__ import annotations

import contextlib
import io
import random
import zipfile

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import CommandError, call_command

from surveys.editorial.import_columns import read_rows
from surveys.editorial.importing import ImportFileError
from surveys.editorial.roles import EDITORS
from surveys.models import Answer
from tests import factories as f
from tests.test_import_file_limits import HOSTILE, MAIN, cells, sheet, xlsx

STRICT = "http://purl.oclc.org/ooxml/spreadsheetml/main"
STRINGS = (
    b"<sst><si><t>Kent Police</t></si>"
    b"<si><r><t>dro</t></r><r><rPr><b/></rPr><t>nes</t></r></si>"  # rich text: two runs
    b"<si><t>PR2023</t><rPh><t>phonetic, not the text</t></rPh></si>"
    b"<si><t xml:space='preserve'>  some notes  </t></si></sst>"
)
# As Excel writes a row: shared strings by number, a year as a decimal, a formula with the
# value it last computed, a boolean, and a cell beyond the header's columns.
EXCEL_ROW = (
    '<row r="2"><c r="A2" t="s"><v>0</v></c><c r="B2"><v>2022.0</v></c>'
    '<c r="C2" t="s"><v>1</v></c><c r="D2" t="s"><v>2</v></c><c r="E2" t="b"><v>1</v></c>'
    '<c r="F2" t="s"><v>3</v></c><c r="XFD2" t="s"><v>0</v></c></row>'
)
HEADER = ["body", "round", "system_type", "source", "operates", "notes"]


def test_cells_read_as_excel_writes_them():
    rows = read_rows(xlsx(sheet([EXCEL_ROW]), strings=[STRINGS]), filename="a.xlsx")
    assert rows == [
        {
            "body": "Kent Police",
            "round": "2022",
            "system_type": "drones",
            "source": "PR2023",
            "operates": "True",
            "notes": "some notes",
        }
    ]


def test_a_formula_comes_as_its_text_not_its_cached_value():
    row = '<row r="2"><c r="A2" t="str"><f>UPPER("kent")</f><v>KENT</v></c></row>'
    [read] = read_rows(xlsx(sheet([row])), filename="a.xlsx")
    assert read["body"] == '=UPPER("kent")'


def test_cells_without_references_and_blank_rows_keep_their_places():
    rows = [
        '<row r="3"><c/><c t="inlineStr"><is><t>2022</t></is></c></row>',
        f'<row r="5">{cells(["Kent Police"])}</row>',
    ]
    read = read_rows(xlsx(sheet(rows)), filename="a.xlsx")
    assert read[0] == {}  # row 2 is blank: row 3 is still the second data row
    assert read[1]["round"] == "2022" and read[1]["body"] == ""
    assert read[2] == {} and read[3]["body"] == "Kent Police"


def test_the_strict_namespace_reads_the_same():
    transitional = xlsx(sheet([EXCEL_ROW]), strings=[STRINGS])
    strict = xlsx(
        [chunk.replace(MAIN.encode(), STRICT.encode()) for chunk in sheet([EXCEL_ROW])],
        strings=[STRINGS.replace(b"<sst>", f'<sst xmlns="{STRICT}">'.encode())],
    )
    assert read_rows(strict, filename="a.xlsx") == read_rows(transitional, filename="a.xlsx")


def test_a_dtd_is_refused():
    laughs = [b'<!DOCTYPE x [<!ENTITY a "aaaaaaaaaa">]>', *sheet([])]
    with pytest.raises(ImportFileError, match="DTD"):
        read_rows(xlsx(laughs), filename="a.xlsx")


@pytest.mark.django_db
@pytest.mark.parametrize(
    "name", ["zip bomb: a sheet declaring twice the unzipped limit", "a data row past row 50,001"]
)
def test_the_command_refuses_a_file_over_a_limit_and_writes_nothing(real_data, tmp_path, name):
    build, filename, expected = HOSTILE[name]
    path = tmp_path / filename
    path.write_bytes(build())
    before = Answer.objects.count()
    with pytest.raises(CommandError, match=expected) as refused:
        call_command("import_returns", str(path), stdout=io.StringIO())
    assert "Nothing was written" in str(refused.value)
    assert Answer.objects.count() == before


@pytest.mark.django_db
def test_the_admin_shows_why_a_file_over_a_limit_is_refused(real_data, client):
    client.force_login(f.account("editor", EDITORS))
    build, filename, expected = HOSTILE["zip bomb: a sheet declaring twice the unzipped limit"]
    response = client.post(
        "/admin/surveys/answer/import/",
        {"step": "upload", "file": SimpleUploadedFile(filename, build())},
    )
    assert response.status_code == 200
    assert expected in response.content.decode()
    assert "Nothing was written" in response.content.decode()


def stored(data: bytes) -> bytes:
    """The workbook with its parts stored, not deflated: damage then reaches the XML."""
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as book:
        for info in source.infolist():
            book.writestr(info.filename, source.read(info))
    return out.getvalue()


def test_a_damaged_workbook_is_refused_with_a_message_never_an_exception():
    good = xlsx(sheet([EXCEL_ROW]), strings=[STRINGS])
    seeds = [good, stored(good)]
    damage = random.Random(1)
    for _ in range(1500):
        data = bytearray(damage.choice(seeds))
        for _ in range(damage.randint(1, 5)):
            data[damage.randrange(len(data))] = damage.choice([*b'<>"1A', damage.randrange(256)])
        with contextlib.suppress(ImportFileError):  # anything else fails the test
            read_rows(bytes(data), filename="a.xlsx")
