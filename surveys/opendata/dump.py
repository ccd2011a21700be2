"""Writing the open data set as it streams: one CSV per table in a zip with the dictionary
and a README, or one JSON document. Memory does not grow with the data."""

from __future__ import annotations

import csv
import datetime
import json
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager

from django.db import connections, router, transaction

from surveys.exports import Echo
from surveys.models import Body
from surveys.opendata.schema import (
    LICENCE,
    TABLES,
    columns,
    data_last_changed,
    dictionary,
    metadata,
    table_rows,
)


@contextmanager
def _snapshot():
    """One consistent view of every table while a download streams, so a correction saved
    meanwhile is either wholly in the file or not at all (PostgreSQL: a read-only
    repeatable-read transaction). SQLite, for development only, reads as it goes."""
    alias = router.db_for_read(Body)
    database = connections[alias]
    if database.vendor != "postgresql" or database.in_atomic_block:
        yield
        return
    with transaction.atomic(using=alias):
        with database.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
        yield


def _buffered(parts: Iterable[str], size: int = 64 * 1024) -> Iterator[str]:
    buffer, length = [], 0
    for part in parts:
        buffer.append(part)
        length += len(part)
        if length >= size:
            yield "".join(buffer)
            buffer, length = [], 0
    if buffer:
        yield "".join(buffer)


def json_chunks() -> Iterator[str]:
    """The whole data set as one JSON document: metadata, dictionary, then every table."""
    with _snapshot():
        yield from _json_chunks()


def _json_chunks() -> Iterator[str]:
    head = {**metadata(data_last_changed()), "dictionary": dictionary()}
    yield json.dumps(head, ensure_ascii=False, indent=1)[:-2] + ',\n "tables": {'
    for index, table in enumerate(TABLES):
        cols = columns(table)
        names = [column.name for column in cols]
        yield f"{',' if index else ''}\n  {json.dumps(table)}: ["
        rows = (
            ("," if n else "")
            + "\n   "
            + json.dumps(
                {
                    name: column.to_json(value)
                    for name, column, value in zip(names, cols, row, strict=True)
                },
                ensure_ascii=False,
            )
            for n, row in enumerate(table_rows(table))
        )
        yield from _buffered(rows)
        yield "\n  ]"
    yield "\n }\n}\n"


def csv_lines(table: str) -> Iterator[str]:
    writer = csv.writer(Echo())
    cols = columns(table)
    yield "\ufeff" + writer.writerow([column.name for column in cols])
    for row in table_rows(table):
        yield writer.writerow(
            [column.to_csv(value) for column, value in zip(cols, row, strict=True)]
        )


def table_csv_chunks(table: str) -> Iterator[str]:
    """One table as the zip holds it, read as one snapshot."""
    with _snapshot():
        yield from _buffered(csv_lines(table))


def dictionary_lines() -> Iterator[str]:
    writer = csv.writer(Echo())
    yield "\ufeff" + writer.writerow(["table", "column", "type", "nullable", "description"])
    for table in dictionary():
        for column in table["columns"]:
            yield writer.writerow(
                [
                    table["table"],
                    column["name"],
                    column["type"],
                    "yes" if column["nullable"] else "no",
                    column["description"],
                ]
            )


def readme_text(meta: dict) -> str:
    by_source = meta["licence"]["by_source"]
    lines = [
        meta["title"],
        "",
        f"Data last changed: {meta['data_last_changed'] or 'not recorded'}"
        f" (data version {meta['data_version']}).",
    ]
    if meta["synthetic"]:
        lines.append("WARNING: this download holds SYNTHETIC test data, not survey results.")
    lines += [
        "",
        "One CSV file per table (UTF-8, comma-separated, header row). data-dictionary.csv "
        "describes every column. Booleans are true/false; an empty cell in a column that can "
        "be empty means not known or not applicable. A text cell that begins with = + - @ "
        "tab, carriage return or ' has one extra ' in front, so that spreadsheets do not run "
        "it as a formula.",
        "",
        f"Load into an empty database: {meta['how_to_load']}.",
        "",
        f"Licence: {LICENCE['name']}, {LICENCE['url']}",
        LICENCE["attribution"],
        LICENCE["notes"],
        "",
        "The licence of each source's rows (publications.licence and publications.copyright):",
        *(f"- {group['licence']}: {', '.join(group['sources'])}." for group in by_source),
        "",
    ]
    return "\n".join(lines)


class _Sink:
    """A write-only file for zipfile that hands back what was written, so the zip streams."""

    def __init__(self):
        self.parts: list[bytes] = []

    def write(self, data: bytes) -> int:
        self.parts.append(bytes(data))
        return len(data)

    def flush(self) -> None:
        pass

    def take(self) -> bytes:
        data = b"".join(self.parts)
        self.parts.clear()
        return data


def zip_chunks() -> Iterator[bytes]:
    """The README, the data dictionary and one CSV per table, as a zip, written as it goes.
    Member times are the time the data last changed, so equal data gives equal bytes."""
    with _snapshot():
        yield from _zip_chunks()


def _zip_chunks() -> Iterator[bytes]:
    changed = data_last_changed()
    when = changed.astimezone(datetime.UTC) if changed else datetime.datetime(1980, 1, 1)
    stamp = when.timetuple()[:6]
    members: list[tuple[str, Iterable[str]]] = [
        ("README.txt", [readme_text(metadata(changed))]),
        ("data-dictionary.csv", dictionary_lines()),
        *((f"{table}.csv", csv_lines(table)) for table in TABLES),
    ]
    sink = _Sink()
    with zipfile.ZipFile(sink, "w", compression=zipfile.ZIP_DEFLATED) as archive:
        for name, lines in members:
            info = zipfile.ZipInfo(f"obscc-data/{name}", date_time=stamp)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o644 << 16
            with archive.open(info, "w", force_zip64=True) as member:
                for text in _buffered(lines):
                    member.write(text.encode())
                    if sink.parts:  # the compressor may hold everything back for now
                        yield sink.take()
        yield sink.take()
    yield sink.take()
