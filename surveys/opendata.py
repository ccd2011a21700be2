"""The whole data set as open data: one CSV per table in a zip, or one JSON document, with a
data dictionary; and loading either back into an empty database (``manage.py load_dump``).

Both formats hold the same tables, columns and identifiers as the database, so statistics
computed from a loaded download are the dashboard's own. Rows are read in primary-key chunks
and written as they are read, so a download's memory does not grow with the data.
"""

from __future__ import annotations

import csv
import datetime
import io
import json
import zipfile
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from decimal import Decimal
from typing import IO, Any

from django.core.exceptions import ValidationError
from django.core.management.color import no_style
from django.db import IntegrityError, connection, connections, models, router, transaction
from simple_history.utils import bulk_create_with_history

from surveys.caching import bump_version, cached, current_version
from surveys.exports import FORMULA_PREFIXES, Echo
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    BodyAlias,
    Correction,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
    VendorConcern,
)
from surveys.selectors import data_last_changed
from surveys.synthetic import has_synthetic_data

FORMAT = "obscc-open-data"
FORMAT_VERSION = 1
CHUNK = 5000
LOADED_REASON = "Loaded from an open-data download"

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    ),
    "notes": (
        "Figures and wording from the Biometrics and Surveillance Camera Commissioner's "
        "publications are Crown copyright, published under the Open Government Licence v3.0. "
        "Rows whose source is a news report (publications.kind = news) quote that report "
        "briefly, for citation; its copyright stays with its publisher."
    ),
}

# Dependency order: a table only refers to tables above it (except the rounds/publications
# cycle and publications.quotes, which the database checks at the end of the load).
TABLES: dict[str, type[models.Model]] = {
    "publications": Publication,
    "rounds": SurveyRound,
    "bodies": Body,
    "body_aliases": BodyAlias,
    "system_types": SystemType,
    "vendors": Vendor,
    "vendor_aliases": VendorAlias,
    "vendor_concerns": VendorConcern,
    "returns": Return,
    "answers": Answer,
    "answer_vendors": AnswerVendor,
    "findings": PublishedFinding,
    "corrections": Correction,
}
TABLE_NAMES = {model: name for name, model in TABLES.items()}

TABLE_DESCRIPTIONS = {
    "publications": "Every document a fact comes from: reports, press releases, blog posts, "
    "FOI releases, news reports quoting them, reference lists.",
    "rounds": "The survey rounds (2017, 2019, 2022).",
    "bodies": "The policing bodies invited to answer the survey.",
    "body_aliases": "Other names a body goes or went by (former, Welsh, names used in a source).",
    "system_types": "The kinds of surveillance camera system the survey asks about.",
    "vendors": "Equipment makers named in the survey results.",
    "vendor_aliases": "Other spellings of a vendor's name.",
    "vendor_concerns": "Cited security or ethical concerns about a vendor. A vendor is 'of "
    "concern' in a round when a concern is in force on the date that round's survey went out.",
    "returns": "One row per body per round: whether it returned the survey.",
    "answers": "What one body answered about one system type in one round. Only answers a "
    "publication states per body are here; most published figures are totals only.",
    "answer_vendors": "The vendors an answer names (one row per answer and vendor).",
    "findings": "Figures exactly as a publication stated them. Never edited: a change is a "
    "row in corrections.",
    "corrections": "Later statements that change a published figure or a body's answer, kept "
    "forever, including withdrawn ones.",
}

# What each column means, where the model's help text does not already say it.
COLUMN_DESCRIPTIONS = {
    "id": "Identifier of the row, stable between downloads.",
    "notes": "Notes on this row from the people who entered it; may be empty.",
    "source_id": "The publication that states this row's facts.",
    "publications.title": "Title of the document.",
    "publications.kind": "What kind of document it is.",
    "publications.survey_round_id": "The round the document is about; empty if none.",
    "publications.date_precision": "How precise published_on is: a day, or only a month.",
    "publications.url": "Where the document is published; may be empty.",
    "publications.quotes_id": "For a secondary report: the publication it quotes.",
    "rounds.year": "Year of the round.",
    "rounds.invitations_sent_on": "When the survey went out; empty when not stated.",
    "rounds.question_count": "How many questions the survey asked; empty when not stated.",
    "rounds.scope": "What the round asked about, in words.",
    "rounds.source_id": "The publication that describes the round; empty if none.",
    "bodies.name": "Full name of the body.",
    "bodies.short_name": "Short name used in charts and tables.",
    "bodies.slug": "Stable text identifier, used in the dashboard's addresses.",
    "bodies.kind": "What kind of body it is.",
    "bodies.nation": "Nation the body polices.",
    "body_aliases.body_id": "The body the name belongs to.",
    "body_aliases.name": "The other name.",
    "body_aliases.kind": "What kind of name it is.",
    "body_aliases.source_id": "The publication that uses the name; empty if none.",
    "system_types.slug": "Stable text identifier, used in the dashboard's addresses.",
    "system_types.name": "Name of the system type.",
    "system_types.description": "What the system type covers.",
    "vendors.name": "Name of the vendor.",
    "vendors.slug": "Stable text identifier, used in the dashboard's addresses.",
    "vendors.country_source_id": "The publication that states the country; empty if none.",
    "vendor_aliases.vendor_id": "The vendor the name belongs to.",
    "vendor_aliases.name": "The other spelling.",
    "vendor_concerns.vendor_id": "The vendor the concern is about.",
    "vendor_concerns.summary": "The concern, in words.",
    "vendor_concerns.in_force_until": "Empty: still in force.",
    "returns.body_id": "The body.",
    "returns.survey_round_id": "The round.",
    "returns.status": "Whether the body returned the survey.",
    "answers.survey_return_id": "The return (body and round) the answer belongs to.",
    "answers.system_type_id": "The system type the answer is about.",
    "answers.intent": "Whether the body intends to use the system in future; empty when not "
    "stated.",
    "answer_vendors.answer_id": "The answer.",
    "answer_vendors.vendor_id": "A vendor the answer names.",
    "findings.publication_id": "The publication that states the figure.",
    "findings.survey_round_id": "The round the figure is about.",
    "findings.metric": "What the figure counts.",
    "findings.system_type_id": "The system type the figure is about; empty for the whole round.",
    "findings.vendor_id": "The vendor the figure is about; empty if none.",
    "findings.value": "The figure as published (before any correction).",
    "findings.unit": "Whether value counts bodies or is a percentage.",
    "findings.qualifier": "Whether the publication gives the figure exactly or as a minimum.",
    "findings.denominator": "What the figure is out of, where known.",
    "corrections.finding_id": "The finding corrected; empty when an answer is corrected.",
    "corrections.answer_id": "The answer corrected; empty when a finding or a return is corrected.",
    "corrections.survey_return_id": "The return corrected (its response status); empty when a "
    "finding or an answer is corrected.",
    "corrections.old_value": "The value before the correction.",
    "corrections.new_value": "The value after the correction.",
    "corrections.new_qualifier": "For a finding: the qualifier after the correction; empty: "
    "unchanged.",
    "corrections.reason": "Why the value changed, as the source gives it.",
    "corrections.source_id": "The publication that announces the correction.",
    "corrections.withdrawn_on": "When the correction itself was withdrawn; empty: in force.",
    "corrections.withdrawal_reason": "Why the correction was withdrawn.",
    "corrections.recorded_at": "When the correction was entered in this database (UTC).",
}

_TYPES = {
    models.BigAutoField: "integer",
    models.ForeignKey: "integer",
    models.PositiveSmallIntegerField: "integer",
    models.PositiveIntegerField: "integer",
    models.BooleanField: "boolean",
    models.DateField: "date",
    models.DateTimeField: "date-time",
    models.DecimalField: "decimal",
}


@dataclass(frozen=True)
class Column:
    table: str
    field: models.Field

    @property
    def name(self) -> str:
        return self.field.attname

    @property
    def type(self) -> str:
        return _TYPES.get(type(self.field), "text")

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def description(self) -> str:
        text = (
            COLUMN_DESCRIPTIONS.get(f"{self.table}.{self.name}")
            or str(self.field.help_text)
            or COLUMN_DESCRIPTIONS.get(self.name, "")
        )
        if self.field.choices:
            values = "; ".join(
                f"{value or '(empty)'} = {label}" for value, label in self.field.flatchoices
            )
            text = f"{text} One of: {values}."
        if self.field.is_relation:
            text = f"{text} Refers to {TABLE_NAMES[self.field.related_model]}.id."
        if self.field.null:
            text = f"{text} Empty means not known or not applicable."
        return text.strip()

    def to_json(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)  # at most 9 digits: the float prints back exactly
        return value

    def to_csv(self, value: Any) -> str:
        value = f"{value:f}" if isinstance(value, Decimal) else self.to_json(value)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if self.is_text and value.startswith((*FORMULA_PREFIXES, "'")):
            return "'" + value  # a spreadsheet would run it as a formula; load_dump strips it
        return str(value)


def columns(table: str) -> list[Column]:
    return [Column(table, field) for field in TABLES[table]._meta.concrete_fields]


def dictionary() -> list[dict]:
    """Every table and column: name, type, whether it can be empty, what it means."""
    return [
        {
            "table": table,
            "description": TABLE_DESCRIPTIONS[table],
            "columns": [
                {
                    "name": column.name,
                    "type": column.type,
                    "nullable": column.field.null,
                    "description": column.description,
                }
                for column in columns(table)
            ],
        }
        for table in TABLES
    ]


def metadata(changed: datetime.datetime | None) -> dict:
    """What a download says about itself; ``changed`` is when the data last changed."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": "Police surveillance camera survey results, England and Wales",
        "publisher": "OBSCC survey dashboard",
        "licence": LICENCE,
        "data_version": current_version(),
        "data_last_changed": changed.astimezone(datetime.UTC).isoformat() if changed else None,
        "synthetic": has_synthetic_data(),
        "how_to_load": "python manage.py load_dump FILE (into an empty database)",
    }


def page() -> dict:
    """What the open-data page shows: every table with its row count and its columns."""
    counts = cached("open_data_counts", (), table_counts)  # 13 COUNTs, once per data version
    return {
        "tables": [{**table, "rows": counts[table["table"]]} for table in dictionary()],
        "licence": LICENCE,
        "last_changed": data_last_changed(),
        "rounds": list(SurveyRound.objects.order_by("year").values_list("year", flat=True)),
    }


def table_counts() -> dict[str, int]:
    return {table: model.objects.count() for table, model in TABLES.items()}


def table_rows(table: str) -> Iterator[tuple]:
    """Every row of a table in primary-key order, one indexed query per chunk."""
    model = TABLES[table]
    names = [column.name for column in columns(table)]
    rows = model.objects.order_by("pk").values_list(*names)
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]


# --- Writing ------------------------------------------------------------------------------------


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


# --- Loading ------------------------------------------------------------------------------------


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
