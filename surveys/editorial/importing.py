"""The one import path for per-body answers (CSV or XLSX), used by the command and the admin.

``validate`` reads and checks every row and plans the changes without writing; ``apply``
writes a clean plan in one transaction. A file with any bad row writes nothing. Re-importing
the same file changes nothing. The file's columns are read in ``import_columns``, each row is
checked in ``import_rows``, and what the import would do is an ``import_plans.ImportResult``.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import IO

from django.db import transaction
from tqdm import tqdm

from surveys.editorial import corrections
from surveys.editorial.correction_values import value_text
from surveys.editorial.import_columns import read_rows
from surveys.editorial.import_files import ImportFileError
from surveys.editorial.import_plans import FieldChange, ImportResult, PlannedAnswer
from surveys.editorial.import_rows import Lookups, validate_row
from surveys.models import Answer, Correction
from surveys.stats import summaries

SOURCE_FIELD = dict(Answer.SOURCED_FIELDS)


def validate(rows: list[dict[str, str]], *, progress: bool = False) -> ImportResult:
    """Check every row and plan the changes; writes nothing."""
    result = ImportResult()
    lookups = Lookups()
    seen: dict[tuple, int] = {}
    numbered: Iterable = enumerate(rows, start=2)  # row 1 is the header
    if progress:
        numbered = tqdm(numbered, total=len(rows), desc="Checking", unit="row", disable=None)
    for number, row in numbered:
        if not row:
            continue
        plan, errors = validate_row(number, row, lookups, seen)
        result.errors.extend(errors)
        if plan is not None:
            result.plans.append(plan)
    return result


def apply(
    result: ImportResult, *, change_reason: str, reason: str = "", progress: bool = False
) -> ImportResult:
    """Write a validated plan in one transaction; refuses a plan with errors.

    New answers are created as the file gives them. A change to a value the public pages show
    of an existing answer (operates, aware of concerns, future use, vendors, notes...) is
    recorded as a correction with ``reason`` and the source of the field's own column (else the
    row's), so it is listed publicly and credits that source; it needs a reason.
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
    with transaction.atomic(), summaries.deferred():
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
                if name != "kinds":  # links of their own, written below
                    setattr(answer, name, value)
            if plan.existing is None:
                for name, publication in plan.credits.items():
                    setattr(answer, SOURCE_FIELD[name], publication)
            answer._change_reason = f"{change_reason}, row {plan.row}"
            answer.save()
            if plan.existing is None:
                corrections.set_vendors(answer, plan.vendors, change_reason=answer._change_reason)
                kinds = plan.values.get("kinds", [])
                corrections.set_kinds(answer, kinds, change_reason=answer._change_reason)
            for change in corrected:
                corrections.record_correction(
                    Correction(
                        answer=answer,
                        answer_field=change.field,
                        new_value=_correction_value(change, plan),
                        reason=reason.strip(),
                        source=plan.credits.get(change.field, plan.values["source"]),
                    )
                )
    result.applied = True
    return result


def _correction_value(change: FieldChange, plan: PlannedAnswer) -> str:
    """The new value as a correction takes it (a note's own text, not its quoted display)."""
    if change.field == "notes":
        return value_text("notes", plan.values["notes"])
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
