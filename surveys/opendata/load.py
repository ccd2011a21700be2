"""Loading a download (zip or JSON) back into an empty database, all or nothing
(``manage.py load_dump``)."""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, models, transaction
from simple_history.utils import bulk_create_with_history

from surveys.caching import bump_version
from surveys.models import EVERY_ROUND, Correction
from surveys.opendata.schema import (
    CHUNK,
    FORMAT,
    FORMAT_VERSION,
    LOADED_REASON,
    TABLES,
    Column,
    columns,
    table_counts,
)
from surveys.stats import summaries


class DumpError(Exception):
    """A file that cannot be loaded, or a database it cannot be loaded into."""


def load(handle: IO[bytes]) -> dict[str, int]:
    """Load a download (zip or JSON) into an empty database, all or nothing.
    Returns the number of rows loaded per table."""
    existing = {table: n for table, n in table_counts().items() if n}
    if existing:
        held = ", ".join(f"{n} {table}" for table, n in existing.items())
        raise DumpError(
            f"The database already holds survey data ({held}). A download loads into an "
            "empty database only."
        )
    if handle.read(4) == b"PK\x03\x04":
        handle.seek(0)
        return _load_tables(_zip_tables(handle), from_csv=True)
    handle.seek(0)
    return _load_tables(_json_tables(handle), from_csv=False)


def _json_tables(handle: IO[bytes]) -> Iterator[tuple[str, Iterable[dict]]]:
    try:
        document = json.load(handle)
    except (UnicodeDecodeError, json.JSONDecodeError) as exc:
        raise DumpError(f"This is neither a zip nor a JSON document ({exc}).") from exc
    if not isinstance(document, dict) or document.get("format") != FORMAT:
        raise DumpError(f'This JSON document is not an open-data download (no "{FORMAT}").')
    if document.get("format_version") != FORMAT_VERSION:
        raise DumpError(
            f"This download has format version {document.get('format_version')!r}; this "
            f"version of the dashboard loads version {FORMAT_VERSION}."
        )
    tables = document.get("tables")
    if not isinstance(tables, dict):
        raise DumpError('The document has no "tables" object.')
    _check_table_names(tables)
    for table in TABLES:
        rows = tables[table]
        if not isinstance(rows, list) or not all(isinstance(row, dict) for row in rows):
            raise DumpError(f'"{table}" must be a list of objects.')
        yield table, rows


def _zip_tables(handle: IO[bytes]) -> Iterator[tuple[str, Iterable[dict]]]:
    try:
        archive = zipfile.ZipFile(handle)
    except zipfile.BadZipFile as exc:
        raise DumpError(f"This zip file cannot be read ({exc}).") from exc
    with archive:
        found = {
            name.rsplit("/", 1)[-1].removesuffix(".csv"): name
            for name in archive.namelist()
            if name.endswith(".csv") and not name.endswith("data-dictionary.csv")
        }
        _check_table_names(found)
        for table in TABLES:
            with archive.open(found[table]) as raw:
                text = io.TextIOWrapper(raw, encoding="utf-8-sig", newline="")
                yield table, csv.DictReader(text)


def _check_table_names(found) -> None:
    missing = [table for table in TABLES if table not in found]
    unknown = sorted(set(found) - set(TABLES))
    if missing:
        raise DumpError(f"The download has no table {', '.join(missing)}.")
    if unknown:
        raise DumpError(f"The download has tables this dashboard does not know: {unknown}.")


def _value(column: Column, raw: Any, *, from_csv: bool) -> Any:
    field = column.field
    if from_csv:
        if raw is None:
            raise ValidationError("the row is short of this column")
        if raw == "" and (field.null or not column.is_text):
            raw = None
        elif column.type == "boolean":
            if raw not in ("true", "false"):
                raise ValidationError(f"{raw!r} is not true, false or empty")
            raw = raw == "true"
        elif column.is_text and raw.startswith("'"):
            raw = raw[1:]
    elif isinstance(raw, float):
        raw = Decimal(repr(raw))
    if raw is None:
        if not field.null:
            raise ValidationError("cannot be empty")
        return None
    if isinstance(raw, bool) != (column.type == "boolean") or (
        column.is_text and not isinstance(raw, str)
    ):
        raise ValidationError(f"{raw!r} is not {column.type}")
    if field.is_relation:
        return field.target_field.to_python(raw)
    value = field.to_python(raw)
    if isinstance(value, datetime.datetime) and value.tzinfo is None:
        raise ValidationError(f"{raw!r} has no time zone")
    if value == "" and field.blank:
        return value
    if field.choices and value not in dict(field.flatchoices):
        raise ValidationError(f"{raw!r} is not one of the allowed values")
    field.run_validators(value)
    return value


def _objects(table: str, rows: Iterable[dict], *, from_csv: bool) -> Iterator[models.Model]:
    model, cols = TABLES[table], columns(table)
    names = {column.name for column in cols}
    for number, row in enumerate(rows, start=1):
        where = f"{table}, row {number}"
        if not isinstance(row, dict):
            raise DumpError(f"{where}: not a row of named columns.")
        if None in row:
            raise DumpError(f"{where}: more cells than the header row has columns.")
        unknown = sorted(str(name) for name in set(row) - names)
        if unknown:
            raise DumpError(f"{where}: unknown column {', '.join(unknown)}.")
        values = {}
        for column in cols:
            if column.name not in row:
                raise DumpError(f"{where}: no column {column.name}.")
            try:
                values[column.name] = _value(column, row[column.name], from_csv=from_csv)
            except (ValidationError, ValueError, TypeError, AttributeError) as exc:
                message = "; ".join(exc.messages) if isinstance(exc, ValidationError) else exc
                raise DumpError(f"{where}, column {column.name}: {message}.") from exc
        yield model(**values)


def _batches(objects: Iterable[models.Model]) -> Iterator[list[models.Model]]:
    batch = []
    for obj in objects:
        batch.append(obj)
        if len(batch) == CHUNK:
            yield batch
            batch = []
    if batch:
        yield batch


def _load_tables(tables: Iterator[tuple[str, Iterable[dict]]], *, from_csv: bool):
    counts = {}
    recorded_at = Correction._meta.get_field("recorded_at")
    recorded_at.auto_now_add = False  # keep the download's times (a command, one thread)
    try:
        with transaction.atomic():
            for table, rows in tables:
                counts[table] = 0
                for batch in _batches(_objects(table, rows, from_csv=from_csv)):
                    bulk_create_with_history(
                        batch, TABLES[table], default_change_reason=LOADED_REASON
                    )
                    counts[table] += len(batch)
            # References are checked at the end of the transaction; check them now, so a
            # dangling one is reported here whatever transaction the caller is in.
            connection.check_constraints(
                table_names=[model._meta.db_table for model in TABLES.values()]
            )
            with connection.cursor() as cursor:
                for sql in connection.ops.sequence_reset_sql(no_style(), list(TABLES.values())):
                    cursor.execute(sql)
            bump_version()  # bulk inserts send no signals
            summaries.mark([EVERY_ROUND])
            summaries.refresh()
    except IntegrityError as exc:
        raise DumpError(
            f"The rows do not fit together (a duplicate, or a reference to a row that is not "
            f"in the download): {exc}"
        ) from exc
    except (csv.Error, UnicodeDecodeError) as exc:
        raise DumpError(f"A CSV file cannot be read: {exc}.") from exc
    finally:
        recorded_at.auto_now_add = True
    return counts
