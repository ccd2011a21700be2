"""The one import path for per-body answers (CSV or XLSX), used by the command and the admin.

``validate`` reads and checks every row and plans the changes without writing; ``apply``
writes a clean plan in one transaction. A file with any bad row writes nothing. Re-importing
the same file changes nothing.
"""

from __future__ import annotations

import csv
import io
import zipfile
from collections.abc import Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from django.db import transaction
from tqdm import tqdm

from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    BodyAlias,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
)

REQUIRED_COLUMNS = ("body", "round", "system_type", "source")
OPTIONAL_COLUMNS = ("operates", "vendors", "aware_of_concerns", "intent", "notes")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
UNKNOWN = {"", "unknown", "not known", "n/a", "na"}
VENDOR_SEPARATOR = ";"
MAX_CELL_LENGTH = 5000
MAX_ROWS = 50_000  # one round of 5,000 bodies x 10 system types; split larger files
FORMULA_PREFIXES = ("=", "@")


class ImportFileError(Exception):
    """The file as a whole cannot be read: wrong format, encoding or columns."""


@dataclass(frozen=True)
class RowError:
    row: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"Row {self.row}, column {self.column}: {self.message}"


@dataclass
class PlannedAnswer:
    row: int
    survey_return: Return
    system_type: SystemType
    values: dict
    vendors: list[Vendor]
    existing: Answer | None
    changes: list[str]

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "update" if self.changes else "unchanged"

    def describe(self) -> str:
        body = self.survey_return.body.short_name
        what = f"{body}, {self.survey_return.survey_round.year}, {self.system_type.name}"
        if self.action == "update":
            return f"Row {self.row}: update {what} ({', '.join(self.changes)})"
        return f"Row {self.row}: {self.action} {what}"


@dataclass
class ImportResult:
    plans: list[PlannedAnswer] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    def count(self, action: str) -> int:
        return sum(1 for plan in self.plans if plan.action == action)

    def summary(self) -> str:
        return (
            f"{len(self.plans)} rows: {self.count('create')} to create, "
            f"{self.count('update')} to update, {self.count('unchanged')} unchanged"
        )


# --- Reading -----------------------------------------------------------------------------------


def _cell(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    return str(value).strip()


def _rows_from_csv(data: bytes) -> Iterator[list[str]]:
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ImportFileError(
            f"The file is not UTF-8 text (byte {exc.start}): save it as CSV UTF-8."
        ) from exc
    if "\x00" in text:
        raise ImportFileError("The file contains NUL bytes: it is not a CSV text file.")
    try:
        yield from csv.reader(io.StringIO(text, newline=""))
    except csv.Error as exc:
        raise ImportFileError(f"The CSV file cannot be read: {exc}") from exc


def _rows_from_xlsx(data: bytes) -> Iterator[list[str]]:
    from openpyxl import load_workbook

    try:
        # data_only=False: a formula comes back as its "=..." text and is refused, not hidden.
        workbook = load_workbook(io.BytesIO(data), read_only=True, data_only=False)
    except (zipfile.BadZipFile, KeyError, ValueError, OSError) as exc:
        raise ImportFileError("The file is not a readable XLSX workbook.") from exc
    try:
        for values in workbook.worksheets[0].iter_rows(values_only=True):
            yield [_cell(v) for v in values]
    finally:
        workbook.close()


def read_rows(data: bytes, *, filename: str) -> list[dict[str, str]]:
    """The file's data rows as dicts keyed by normalised column name."""
    suffix = Path(filename).suffix.lower()
    if suffix == ".csv":
        raw = _rows_from_csv(data)
    elif suffix == ".xlsx":
        raw = _rows_from_xlsx(data)
    else:
        raise ImportFileError(f"Unsupported file type {suffix or '(none)'!r}: use .csv or .xlsx.")
    try:
        header = next(raw)
    except StopIteration:
        raise ImportFileError("The file is empty: it needs a header row and data rows.") from None
    columns = [_cell(name).lower().replace(" ", "_") for name in header]
    while columns and not columns[-1]:
        columns.pop()
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name or "(blank)" for name in columns if name not in COLUMNS]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if duplicated:
        problems.append(f"repeated column(s): {', '.join(duplicated)}")
    if problems:
        raise ImportFileError(
            f"Header row: {'; '.join(problems)}. Expected columns: {', '.join(COLUMNS)}."
        )
    rows = []
    for values in raw:
        if len(rows) >= MAX_ROWS:
            raise ImportFileError(
                f"The file has more than {MAX_ROWS:,} data rows, the most one import takes: "
                "split it into several files."
            )
        cells = [_cell(v) for v in values]
        if not any(cells):
            rows.append({})  # keep numbering; blank lines are skipped when validating
            continue
        rows.append({name: (cells[i] if i < len(cells) else "") for i, name in enumerate(columns)})
    if not any(rows):
        raise ImportFileError("The file has a header row but no data rows.")
    return rows


# --- Validating --------------------------------------------------------------------------------


class _Lookups:
    """Everything a row refers to, loaded once (a fixed number of queries per file)."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        for body in Body.objects.all():
            for key in (body.name, body.short_name, body.slug):
                self.bodies[key.casefold()] = body
        for alias in BodyAlias.objects.select_related("body"):
            self.bodies.setdefault(alias.name.casefold(), alias.body)
        self.vendors: dict[str, Vendor] = {}
        for vendor in Vendor.objects.all():
            self.vendors[vendor.name.casefold()] = vendor
            self.vendors[vendor.slug.casefold()] = vendor
        for alias in VendorAlias.objects.select_related("vendor"):
            self.vendors.setdefault(alias.name.casefold(), alias.vendor)
        self.system_types: dict[str, SystemType] = {}
        for system_type in SystemType.objects.all():
            self.system_types[system_type.slug.casefold()] = system_type
            self.system_types[system_type.name.casefold()] = system_type
        self.rounds = {str(r.year): r for r in SurveyRound.objects.all()}
        self.sources = {p.code.casefold(): p for p in Publication.objects.all()}
        self.returns = {
            (r.body_id, r.survey_round_id): r
            for r in Return.objects.select_related("body", "survey_round")
        }
        self.answers: dict[tuple[int, int], Answer] = {}
        self.answer_vendors: dict[int, set[int]] = {}
        for answer in Answer.objects.all():
            self.answers[(answer.survey_return_id, answer.system_type_id)] = answer
        for answer_id, vendor_id in AnswerVendor.objects.values_list("answer_id", "vendor_id"):
            self.answer_vendors.setdefault(answer_id, set()).add(vendor_id)


def parse_yes_no(value: str) -> bool | None:
    folded = value.casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    if folded in UNKNOWN:
        return None
    raise ValueError(f"{value!r} is not yes, no or blank (blank means not known)")


def parse_intent(value: str) -> str:
    folded = value.casefold().replace(" ", "_")
    for choice, label in Answer.Intent.choices:
        if folded in (choice, label.casefold().replace(" ", "_")):
            return choice
    allowed = ", ".join(c for c, _ in Answer.Intent.choices if c)
    raise ValueError(f"{value!r} is not a known intent ({allowed}, or blank)")


def _validate_row(
    number: int, row: dict[str, str], lookups: _Lookups, seen: dict[tuple, int]
) -> tuple[PlannedAnswer | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column, value in row.items():
        if len(value) > MAX_CELL_LENGTH:
            error(column, f"longer than {MAX_CELL_LENGTH} characters")
            return None, errors
        if value.startswith(FORMULA_PREFIXES):
            error(column, "looks like a spreadsheet formula: enter the value, not a formula")
            return None, errors
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            error(column, "is required")

    body = lookups.bodies.get(row.get("body", "").casefold())
    if row.get("body") and body is None:
        error("body", f"unknown body {row['body']!r}")
    survey_round = lookups.rounds.get(row.get("round", ""))
    if row.get("round") and survey_round is None:
        error("round", f"unknown round {row['round']!r} (known: {', '.join(lookups.rounds)})")
    system_type = lookups.system_types.get(row.get("system_type", "").casefold())
    if row.get("system_type") and system_type is None:
        error("system_type", f"unknown system type {row['system_type']!r}")
    source = lookups.sources.get(row.get("source", "").casefold())
    if row.get("source") and source is None:
        error("source", f"unknown source {row['source']!r}: use a publication code such as PR2023")

    values: dict = {"notes": row.get("notes", ""), "source": source}
    for column in ("operates", "aware_of_concerns"):
        try:
            values[column] = parse_yes_no(row.get(column, ""))
        except ValueError as exc:
            error(column, str(exc))
    try:
        values["intent"] = parse_intent(row.get("intent", ""))
    except ValueError as exc:
        error("intent", str(exc))

    vendors: list[Vendor] = []
    for name in filter(None, (v.strip() for v in row.get("vendors", "").split(VENDOR_SEPARATOR))):
        vendor = lookups.vendors.get(name.casefold())
        if vendor is None:
            error("vendors", f"unknown vendor {name!r}")
        elif vendor not in vendors:
            vendors.append(vendor)

    survey_return = None
    if body and survey_round:
        survey_return = lookups.returns.get((body.pk, survey_round.pk))
        if survey_return is None:
            error("body", f"{body.name} has no return for {survey_round.year}")
        elif survey_return.status != Return.Status.RESPONDED:
            error("body", f"{body.name} did not respond in {survey_round.year}: no answers")
    if body and survey_round and system_type:
        key = (body.pk, survey_round.pk, system_type.pk)
        if key in seen:
            error("system_type", f"duplicate of row {seen[key]} (same body, round and system type)")
        else:
            seen[key] = number
    if errors or survey_return is None or system_type is None:
        return None, errors

    existing = lookups.answers.get((survey_return.pk, system_type.pk))
    changes: list[str] = []
    if existing is not None:
        changes = [name for name, value in values.items() if getattr(existing, name) != value]
        if lookups.answer_vendors.get(existing.pk, set()) != {v.pk for v in vendors}:
            changes.append("vendors")
    return PlannedAnswer(number, survey_return, system_type, values, vendors, existing, changes), []


def validate(rows: list[dict[str, str]], *, progress: bool = False) -> ImportResult:
    """Check every row and plan the changes; writes nothing."""
    result = ImportResult()
    lookups = _Lookups()
    seen: dict[tuple, int] = {}
    numbered: Iterable = enumerate(rows, start=2)  # row 1 is the header
    if progress:
        numbered = tqdm(numbered, total=len(rows), desc="Checking", unit="row", disable=None)
    for number, row in numbered:
        if not row:
            continue
        plan, errors = _validate_row(number, row, lookups, seen)
        result.errors.extend(errors)
        if plan is not None:
            result.plans.append(plan)
    return result


# --- Writing -----------------------------------------------------------------------------------


def apply(result: ImportResult, *, change_reason: str, progress: bool = False) -> ImportResult:
    """Write a validated plan in one transaction; refuses a plan with errors."""
    if not result.ok:
        raise ValueError("refusing to apply an import with errors")
    plans: Iterable[PlannedAnswer] = result.plans
    if progress:
        plans = tqdm(plans, desc="Importing", unit="row", disable=None)
    with transaction.atomic():
        for plan in plans:
            if plan.action == "unchanged":
                continue
            answer = plan.existing or Answer(
                survey_return=plan.survey_return, system_type=plan.system_type
            )
            for name, value in plan.values.items():
                setattr(answer, name, value)
            answer._change_reason = f"{change_reason}, row {plan.row}"
            answer.save()
            _set_vendors(answer, plan.vendors, change_reason=answer._change_reason)
    result.applied = True
    return result


def _set_vendors(answer: Answer, vendors: list[Vendor], *, change_reason: str) -> None:
    wanted = {v.pk for v in vendors}
    for link in AnswerVendor.objects.filter(answer=answer).exclude(vendor_id__in=wanted):
        link._change_reason = change_reason
        link.delete()
    present = set(AnswerVendor.objects.filter(answer=answer).values_list("vendor_id", flat=True))
    for vendor_id in wanted - present:
        link = AnswerVendor(answer=answer, vendor_id=vendor_id)
        link._change_reason = change_reason
        link.save()


def import_answers(
    file: IO[bytes],
    *,
    filename: str,
    dry_run: bool = False,
    change_reason: str | None = None,
    progress: bool = False,
) -> ImportResult:
    """Read, validate and (unless dry_run or any row is bad) write a file of answers."""
    rows = read_rows(file.read(), filename=filename)
    result = validate(rows, progress=progress)
    if result.ok and not dry_run:
        apply(result, change_reason=change_reason or f"import of {filename}", progress=progress)
    return result
