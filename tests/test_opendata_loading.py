"""Loading bulk downloads back (load_dump): a bad document, zip or file is refused with a clear
message and writes nothing; dump_data writes what the site serves."""

import io
import json
import zipfile

import pytest
from django.core.management import CommandError, call_command
from django.db import transaction

from surveys import opendata
from tests.test_opendata import ZIP, download

# --- Bad files -------------------------------------------------------------------------------


@pytest.fixture(scope="module")
def real_downloads(django_db_setup, django_db_blocker) -> tuple[str, bytes]:
    """The real data's JSON document and zip, made in a transaction that is rolled back, so
    the tests below load them into an empty database."""
    with django_db_blocker.unblock(), transaction.atomic():
        call_command("load_obscc", stdout=io.StringIO())
        downloads = "".join(opendata.json_chunks()), b"".join(opendata.zip_chunks())
        transaction.set_rollback(True)
    return downloads


@pytest.fixture
def dump_document(db, real_downloads) -> dict:
    return json.loads(real_downloads[0])


def spoil(document: dict, table: str, **changes) -> dict:
    document["tables"][table][0].update(changes)
    return document


BAD_DOCUMENTS = {
    "wrong format": (lambda d: {**d, "format": "something-else"}, "not an open-data download"),
    "newer version": (lambda d: {**d, "format_version": 99}, "format version 99"),
    "no tables": (lambda d: {k: v for k, v in d.items() if k != "tables"}, 'no "tables"'),
    "missing table": (
        lambda d: {**d, "tables": {k: v for k, v in d["tables"].items() if k != "returns"}},
        "no table returns",
    ),
    "unknown column": (
        lambda d: spoil(d, "bodies", colour="blue"),
        "bodies, row 1: unknown column colour",
    ),
    "bad choice": (
        lambda d: spoil(d, "returns", status="maybe"),
        "returns, row 1, column status: 'maybe' is not one of the allowed values",
    ),
    "text as number": (lambda d: spoil(d, "rounds", year="twenty"), "rounds, row 1, column year"),
    "number as boolean": (
        lambda d: spoil(d, "answers", operates=1),
        "answers, row 1, column operates: 1 is not boolean",
    ),
    "missing required": (
        lambda d: spoil(d, "bodies", name=None),
        "bodies, row 1, column name: cannot be empty",
    ),
    "bad date": (
        lambda d: spoil(d, "publications", published_on="31/02/2023"),
        "publications, row 1, column published_on",
    ),
    "dangling reference": (
        lambda d: spoil(d, "returns", body_id=99999),
        "do not fit together",
    ),
    "duplicate": (
        lambda d: spoil(d, "bodies", slug=d["tables"]["bodies"][1]["slug"]),
        "do not fit together",
    ),
}


@pytest.mark.parametrize("case", BAD_DOCUMENTS)
def test_a_bad_document_is_refused_with_a_clear_message_and_nothing_written(
    dump_document, tmp_path, case
):
    change, message = BAD_DOCUMENTS[case]
    path = tmp_path / "bad.json"
    path.write_text(json.dumps(change(dump_document)))
    with pytest.raises(CommandError) as error:
        call_command("load_dump", str(path))
    assert message in str(error.value)
    assert "Nothing was written." in str(error.value)
    assert set(opendata.table_counts().values()) == {0}


def rezip(data: bytes, table: str, edit) -> bytes:
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(data)) as source, zipfile.ZipFile(out, "w") as target:
        for name in source.namelist():
            text = source.read(name).decode("utf-8-sig")
            target.writestr(name, edit(text) if name.endswith(f"/{table}.csv") else text)
    return out.getvalue()


BAD_ZIPS = {
    "boolean": (
        "answers",
        lambda text: text.replace(",true,", ",maybe,", 1),
        "column operates: 'maybe' is not true, false or empty",
    ),
    "short row": (
        "bodies",
        lambda text: text.replace("\r\n", "\r\n1,2\r\n", 1),
        "short of this column",
    ),
    "long row": (
        "vendors",
        lambda text: text.replace("\r\n", "\r\n0,", 1),  # a cell more on the first row
        "more cells than the header row",
    ),
    "missing column": (
        "rounds",
        lambda text: text.replace("question_count", "questions", 1),
        "unknown column questions",
    ),
}


@pytest.mark.parametrize("case", BAD_ZIPS)
def test_a_bad_zip_is_refused_with_a_clear_message_and_nothing_written(
    db, real_downloads, tmp_path, case
):
    table, edit, message = BAD_ZIPS[case]
    data = rezip(real_downloads[1], table, edit)
    path = tmp_path / "bad.zip"
    path.write_bytes(data)
    with pytest.raises(CommandError, match="Nothing was written") as error:
        call_command("load_dump", str(path))
    assert message in str(error.value)
    assert set(opendata.table_counts().values()) == {0}


@pytest.mark.parametrize(
    "data, message",
    [
        (b"", "neither a zip nor a JSON document"),
        (b"\xff\xfe\x00binary", "neither a zip nor a JSON document"),
        (b"[1, 2]", "not an open-data download"),
        (b"PK\x03\x04 truncated", "zip file cannot be read"),
    ],
)
def test_files_that_are_not_downloads_are_refused(db, tmp_path, data, message):
    path = tmp_path / "file.json"
    path.write_bytes(data)
    with pytest.raises(CommandError, match=message):
        call_command("load_dump", str(path))


def test_a_missing_file_is_named(db, tmp_path):
    with pytest.raises(CommandError, match="Cannot read .*nowhere.json"):
        call_command("load_dump", str(tmp_path / "nowhere.json"))


def test_dump_data_writes_what_the_site_serves(real_data, client, tmp_path):
    path = tmp_path / "obscc.zip"
    call_command("dump_data", str(path), stdout=io.StringIO())
    assert path.read_bytes() == download(client, ZIP)
    with pytest.raises(CommandError, match="must end in .zip or .json"):
        call_command("dump_data", str(tmp_path / "obscc.txt"))
