"""The one import path for per-body answers (CSV or XLSX), used by the command and the admin.

``validate`` reads and checks every row and plans the changes without writing; ``apply``
writes a clean plan in one transaction. A file with any bad row writes nothing. Re-importing
the same file changes nothing.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import IO

from django.db import transaction
from tqdm import tqdm

from surveys import stats
from surveys.editorial import corrections
from surveys.editorial.import_files import (
    MAX_CELL_LENGTH,
    ImportFileError,
    file_rows,
    is_formula,
    unescape,
)
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    BodyAlias,
    Correction,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.values import (
    count_text,
    intent_text,
    kind_text,
    parse_count,
    parse_intent,
    parse_kind,
    parse_yes_no,
    vendor_names,
    vendors_text,
    yes_no_text,
)

REQUIRED_COLUMNS = ("body", "round", "system_type", "source")
# A column absent from the file leaves that field of an existing answer as it is.
ANSWER_COLUMNS = (
    "operates",
    "kind",
    "unit_count",
    "vendors",
    "says_vendor_of_concern",
    "aware_of_concerns",
    "intent",
    "notes",
)
# body_slug: the body's slug, as /data/answers.csv has it beside its name (it wins if both).
OPTIONAL_COLUMNS = (*ANSWER_COLUMNS, "body_slug")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# An existing answer's values that the public pages show (the statistics count all but the
# notes): they change by correction.
PUBLIC_FIELDS = (
    "operates",
    "kind",
    "unit_count",
    "says_vendor_of_concern",
    "aware_of_concerns",
    "intent",
    "vendors",
    "notes",
)
# The column guide the admin's import page shows (docs/importing.md has the same table).
COLUMN_GUIDE = (
    ("body", True, "Name, short name, slug or alias (any case), e.g. Hampshire Constabulary."),
    ("round", True, "Survey year, e.g. 2022."),
    ("system_type", True, "Slug or name, e.g. external-cctv or Body-worn video."),
    ("source", True, "Code of the publication that says so, e.g. INIT2022."),
    (
        "body_slug",
        False,
        "The body's slug, as /data/answers.csv has it; wins over body, which must agree.",
    ),
    ("operates", False, "yes / no; blank means not known."),
    (
        "kind",
        False,
        "For facial recognition: the kind (live, retrospective, ...); blank: not stated.",
    ),
    ("unit_count", False, "How many units (cameras, drones); blank: not stated."),
    ("vendors", False, "Vendor names or aliases separated by ;. Blank means none stated."),
    (
        "says_vendor_of_concern",
        False,
        "yes / no: the body itself says it uses a vendor of concern; blank means not known.",
    ),
    ("aware_of_concerns", False, "yes / no; blank means not known."),
    ("intent", False, "Future use: intends, no_intention, unsure, or blank."),
    ("notes", False, "Free text."),
)


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
    changes: list[FieldChange]

    @property
    def action(self) -> str:
        if self.existing is None:
            return "create"
        return "update" if self.changes else "unchanged"

    @property
    def public_changes(self) -> list[FieldChange]:
        """Changes to an existing answer's values the public pages show: corrections."""
        if self.existing is None:
            return []
        return [c for c in self.changes if c.field in PUBLIC_FIELDS]

    def heading(self) -> str:
        body = self.survey_return.body.short_name
        what = f"{body}, {self.survey_return.survey_round.year}, {self.system_type.name}"
        return f"Row {self.row}: {self.action} {what}"

    def describe(self) -> str:
        """One line: a new answer's values, or an existing answer's old -> new values."""
        if self.action == "unchanged":
            return self.heading()
        if self.action == "create":
            changes = "; ".join(f"{change.field} {change.new}" for change in self.changes)
        else:
            changes = "; ".join(str(change) for change in self.changes)
        return f"{self.heading()}: {changes}"


@dataclass(frozen=True)
class FieldChange:
    field: str
    old: str
    new: str

    def __str__(self) -> str:
        return f"{self.field} {self.old} -> {self.new}"


def _shown(name: str, value) -> str:
    """A field's value as the change list shows it; unknown is never "no" or blank."""
    if name in ("operates", "aware_of_concerns", "says_vendor_of_concern"):
        return yes_no_text(value)
    if name == "kind":
        return kind_text(value)
    if name == "unit_count":
        return count_text(value)
    if name == "vendors":
        return vendors_text(value)
    if name == "source":
        return value.code if value else "none"
    if name == "intent":
        return intent_text(value)
    return repr(value) if value else "(empty)"


@dataclass
class ImportResult:
    plans: list[PlannedAnswer] = field(default_factory=list)
    errors: list[RowError] = field(default_factory=list)
    applied: bool = False

    @property
    def ok(self) -> bool:
        return not self.errors

    @property
    def public_changes(self) -> int:
        """How many existing answers would change in what the public pages show."""
        return sum(1 for plan in self.plans if plan.public_changes)

    def count(self, action: str) -> int:
        return sum(1 for plan in self.plans if plan.action == action)

    @property
    def corrections(self) -> int:
        """How many corrections writing would record: one per public field changed."""
        return sum(len(plan.public_changes) for plan in self.plans)

    def summary(self) -> str:
        return (
            f"{len(self.plans)} rows: {self.count('create')} to create, "
            f"{self.count('update')} to update, {self.count('unchanged')} unchanged"
        )

    def done_summary(self) -> str:
        """What writing did, e.g. "Created 3 answers, updated 1, recorded 1 correction"."""
        created, corrections = self.count("create"), self.corrections
        done = (
            f"Created {created} answer{'s' if created != 1 else ''}, "
            f"updated {self.count('update')}, "
            f"recorded {corrections} correction{'s' if corrections != 1 else ''}"
        )
        unchanged = self.count("unchanged")
        return f"{done}, left {unchanged} unchanged" if unchanged else done


# --- Reading -----------------------------------------------------------------------------------


def read_rows(data: bytes, *, filename: str) -> list[dict[str, str]]:
    """The file's data rows as dicts keyed by normalised column name; a blank row is {}."""
    # A header of more names than COLUMNS has an unknown or repeated one within the first
    # len(COLUMNS) + 1 cells, so no cell beyond them needs reading.
    raw = file_rows(data, filename=filename, width=len(COLUMNS) + 1)
    number, header = next(raw, (0, None))
    if header is None:
        raise ImportFileError("The file is empty: it needs a header row and data rows.")
    columns = [name.lower().replace(" ", "_") for name in header] if number == 1 else []
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
    rows: list[dict[str, str]] = []
    for number, cells in raw:
        if not any(cells):
            continue
        rows.extend({} for _ in range(number - 2 - len(rows)))  # numbering keeps blank rows
        rows.append({name: cells[i] if i < len(cells) else "" for i, name in enumerate(columns)})
    if not rows:
        raise ImportFileError("The file has a header row but no data rows.")
    return rows


# --- Validating --------------------------------------------------------------------------------


class _Lookups:
    """Everything a row refers to, loaded once (a fixed number of queries per file)."""

    def __init__(self) -> None:
        self.bodies: dict[str, Body] = {}
        self.slugs: dict[str, Body] = {}
        for body in Body.objects.all():
            self.slugs[body.slug] = body
            for key in (body.name, body.short_name, body.slug):
                self.bodies[key.casefold()] = body
        for alias in BodyAlias.objects.select_related("body"):
            self.bodies.setdefault(alias.name.casefold(), alias.body)
        self.vendors = corrections.vendor_lookup()
        self.system_types: dict[str, SystemType] = {}
        for system_type in SystemType.objects.all():
            self.system_types[system_type.slug.casefold()] = system_type
            self.system_types[system_type.name.casefold()] = system_type
        self.rounds = {str(r.year): r for r in SurveyRound.objects.all()}
        self.concern_vendors = stats.concern_vendor_ids(self.rounds.values())
        self.sources = {p.code.casefold(): p for p in Publication.objects.all()}
        self.returns = {
            (r.body_id, r.survey_round_id): r
            for r in Return.objects.select_related("body", "survey_round")
        }
        self.answers: dict[tuple[int, int], Answer] = {}
        self.answer_vendors: dict[int, list[Vendor]] = {}
        for answer in Answer.objects.select_related("source"):
            self.answers[(answer.survey_return_id, answer.system_type_id)] = answer
        for link in AnswerVendor.objects.select_related("vendor"):
            self.answer_vendors.setdefault(link.answer_id, []).append(link.vendor)


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
        if is_formula(value):
            error(
                column,
                "looks like a spreadsheet formula: enter the value, not a formula (to keep "
                "it as text, put an apostrophe before it)",
            )
            return None, errors
    row = {column: unescape(value) for column, value in row.items()}
    for column in REQUIRED_COLUMNS:
        if not row.get(column):
            error(column, "is required")

    body = lookups.bodies.get(row.get("body", "").casefold())
    if row.get("body") and body is None:
        error("body", f"unknown body {row['body']!r}")
    if row.get("body_slug"):
        by_slug = lookups.slugs.get(row["body_slug"])
        if by_slug is None:
            error("body_slug", f"unknown body slug {row['body_slug']!r}")
        elif body is not None and by_slug != body:
            error("body_slug", f"{row['body_slug']!r} is not {row['body']!r}")
        body = by_slug
    survey_round = lookups.rounds.get(row.get("round", ""))
    if row.get("round") and survey_round is None:
        error("round", f"unknown round {row['round']!r} (known: {', '.join(lookups.rounds)})")
    system_type = lookups.system_types.get(row.get("system_type", "").casefold())
    if row.get("system_type") and system_type is None:
        error("system_type", f"unknown system type {row['system_type']!r}")
    source = lookups.sources.get(row.get("source", "").casefold())
    if row.get("source") and source is None:
        error("source", f"unknown source {row['source']!r}: use a publication code such as PR2023")

    # Only the columns the file has: an absent column leaves the field as it is.
    values: dict = {"source": source}
    if "notes" in row:
        values["notes"] = row["notes"]
    parsers = {
        "operates": parse_yes_no,
        "aware_of_concerns": parse_yes_no,
        "says_vendor_of_concern": parse_yes_no,
        "intent": parse_intent,
        "kind": parse_kind,
        "unit_count": parse_count,
    }
    for column, parse in parsers.items():
        if column in row:
            try:
                values[column] = parse(row[column])
            except ValueError as exc:
                error(column, str(exc))

    vendors: list[Vendor] | None = None
    if "vendors" in row:
        vendors = []
        for name in vendor_names(row["vendors"]):
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
    if system_type is not None and not Answer.kind_allowed(values.get("kind", ""), system_type):
        error("kind", Answer.KIND_MESSAGE)
    if errors or survey_return is None or system_type is None:
        return None, errors

    existing = lookups.answers.get((survey_return.pk, system_type.pk))
    old_vendors = lookups.answer_vendors.get(existing.pk, []) if existing else []
    if vendors is None:
        vendors = old_vendors
    # Contradictions in the answer as it would be after this row (file over database).
    operates = values.get("operates", existing.operates if existing else None)
    aware = values.get("aware_of_concerns", existing.aware_of_concerns if existing else None)
    units = values.get("unit_count", existing.unit_count if existing else None)
    if operates is False and {"operates", "vendors", "aware_of_concerns", "unit_count"} & set(row):
        column = "operates" if "operates" in values else "vendors"
        if vendors:
            error(column, "says the body does not operate it, yet names a vendor")
        if aware is True:
            error(column, "says the body does not operate it, yet says it is aware of concerns")
        if units is not None:
            error(column, "says the body does not operate it, yet gives a number of units")
        if errors:
            return None, errors
    says_concern = values.get(
        "says_vendor_of_concern", existing.says_vendor_of_concern if existing else None
    )
    if says_concern is False and {"vendors", "says_vendor_of_concern"} & set(row):
        of_concern = lookups.concern_vendors.get(survey_return.survey_round_id, set())
        if named := sorted(vendor.name for vendor in vendors if vendor.pk in of_concern):
            column = "vendors" if "vendors" in row else "says_vendor_of_concern"
            error(
                column,
                "says the body uses no vendor of concern, yet names "
                f"{', '.join(named)}, of concern in {survey_return.survey_round.year}",
            )
            return None, errors
    changes: list[FieldChange] = []
    for name, value in values.items():
        if existing is not None and name == "source":
            continue  # an existing answer keeps its source; a changed value cites the row's
        old = getattr(existing, name) if existing else None
        if existing is None or old != value:
            if existing is None and name != "source" and value in (None, ""):
                continue
            changes.append(FieldChange(name, _shown(name, old), _shown(name, value)))
    if {v.pk for v in old_vendors} != {v.pk for v in vendors}:
        changes.append(
            FieldChange("vendors", _shown("vendors", old_vendors), _shown("vendors", vendors))
        )
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


def apply(
    result: ImportResult, *, change_reason: str, reason: str = "", progress: bool = False
) -> ImportResult:
    """Write a validated plan in one transaction; refuses a plan with errors.

    New answers are created as the file gives them. A change to a value the public pages show
    of an existing answer (operates, aware of concerns, future use, vendors, notes...) is
    recorded as a correction with ``reason`` and the row's source, so it is listed publicly;
    it needs a reason.
    """
    if not result.ok:
        raise ValueError("refusing to apply an import with errors")
    if result.public_changes and not reason.strip():
        raise ImportFileError(
            f"The file changes what the public pages show for {result.public_changes} existing "
            "answer(s): give a reason, which is published with each correction."
        )
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
            corrected = plan.public_changes
            by_correction = {change.field for change in corrected}
            for name, value in plan.values.items():
                if name in by_correction or (plan.existing is not None and name == "source"):
                    continue
                setattr(answer, name, value)
            answer._change_reason = f"{change_reason}, row {plan.row}"
            answer.save()
            if plan.existing is None:
                corrections.set_vendors(answer, plan.vendors, change_reason=answer._change_reason)
            for change in corrected:
                corrections.record_correction(
                    Correction(
                        answer=answer,
                        answer_field=change.field,
                        new_value=_correction_value(change, plan),
                        reason=reason.strip(),
                        source=plan.values["source"],
                    )
                )
    result.applied = True
    return result


def _correction_value(change: FieldChange, plan: PlannedAnswer) -> str:
    """The new value as a correction takes it (a note's own text, not its quoted display)."""
    if change.field == "notes":
        return corrections.value_text("notes", plan.values["notes"])
    return change.new


def import_answers(
    file: IO[bytes],
    *,
    filename: str,
    dry_run: bool = False,
    change_reason: str | None = None,
    reason: str = "",
    progress: bool = False,
) -> ImportResult:
    """Read, validate and (unless dry_run or any row is bad) write a file of answers."""
    rows = read_rows(file.read(), filename=filename)
    result = validate(rows, progress=progress)
    if result.ok and not dry_run:
        apply(
            result,
            change_reason=change_reason or f"import of {filename}",
            reason=reason,
            progress=progress,
        )
    return result
