"""Checking one row of an import against the database, and planning the change it makes.

Everything a file's rows refer to is loaded once (``Lookups``), so checking a file takes the
same few queries however many rows it has. A row either plans one answer or gives its errors.
"""

from __future__ import annotations

from surveys import stats
from surveys.editorial import answer_rules
from surveys.editorial.correction_values import VendorLink, vendor_links, vendor_lookup
from surveys.editorial.import_columns import FIELD_SOURCE_COLUMNS, REQUIRED_COLUMNS
from surveys.editorial.import_plans import FieldChange, PlannedAnswer, RowError
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Body,
    BodyAlias,
    Publication,
    Return,
    SurveyRound,
    SystemType,
)
from surveys.values import (
    ROLES_COUNTING_TOWARD_CONCERN,
    count_text,
    intent_text,
    kinds_text,
    vendors_text,
    yes_no_text,
)


class Lookups:
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
        self.vendors = vendor_lookup()
        self.system_types: dict[str, SystemType] = {}
        for system_type in SystemType.objects.all():
            self.system_types[system_type.slug.casefold()] = system_type
            self.system_types[system_type.name.casefold()] = system_type
        self.rounds = {str(r.year): r for r in SurveyRound.objects.all()}
        self.concern_vendors = stats.concern_vendor_ids(self.rounds.values())
        self.publications = {p.pk: p for p in Publication.objects.all()}
        self.sources = {p.code.casefold(): p for p in self.publications.values()}
        self.returns = {
            (r.body_id, r.survey_round_id): r
            for r in Return.objects.select_related("body", "survey_round")
        }
        self.answers: dict[tuple[int, int], Answer] = {}
        self.answer_vendors: dict[int, list[VendorLink]] = {}
        self.answer_kinds: dict[int, list[str]] = {}
        for answer in Answer.objects.select_related("source"):
            self.answers[(answer.survey_return_id, answer.system_type_id)] = answer
        for link in AnswerVendor.objects.select_related("vendor").order_by("pk"):
            self.answer_vendors.setdefault(link.answer_id, []).append(
                VendorLink(link.vendor, link.role)
            )
        for answer_id, kind in AnswerKind.objects.values_list("answer_id", "kind"):
            self.answer_kinds.setdefault(answer_id, []).append(kind)


def validate_row(
    number: int, row: dict[str, str], lookups: Lookups, seen: dict[tuple, int]
) -> tuple[PlannedAnswer | None, list[RowError]]:
    errors: list[RowError] = []

    def error(column: str, message: str) -> None:
        errors.append(RowError(number, column, message))

    for column, message in answer_rules.cell_errors(row):
        error(column, message)
        return None, errors
    row = answer_rules.unescaped(row)
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
    parsed, problems = answer_rules.parse_answer_values(row)
    values: dict = {"source": source, **parsed}
    for column, message in problems:
        error(column, message)

    credits: dict[str, Publication] = {}  # field -> the publication its own column names
    for column, name in FIELD_SOURCE_COLUMNS.items():
        if code := row.get(column):
            credits[name] = lookups.sources.get(code.casefold())
            if credits[name] is None:
                error(column, f"unknown source {code!r}: use a publication code such as PR2023")

    vendors: list[VendorLink] | None = None
    if "vendors" in row:
        try:
            vendors = vendor_links(row["vendors"], lookups.vendors)
        except ValueError as exc:
            error("vendors", str(exc))

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
    if system_type is not None and (
        message := answer_rules.kinds_error(values.get("kinds"), system_type)
    ):
        error("kinds", message)
    if errors or survey_return is None or system_type is None:
        return None, errors

    existing = lookups.answers.get((survey_return.pk, system_type.pk))
    old_vendors = lookups.answer_vendors.get(existing.pk, []) if existing else []
    if vendors is None:
        vendors = old_vendors
    old_kinds = sorted(lookups.answer_kinds.get(existing.pk, [])) if existing else []
    # Contradictions in the answer as it would be after this row (file over database).
    operates = values.get("operates", existing.operates if existing else None)
    aware = values.get("aware_of_concerns", existing.aware_of_concerns if existing else None)
    units = values.get("unit_count", existing.unit_count if existing else None)
    if operates is False and {"operates", "vendors", "aware_of_concerns", "unit_count"} & set(row):
        column = "operates" if "operates" in values else "vendors"
        for _field, message in answer_rules.contradictions(
            operates=operates, names_vendor=bool(vendors), aware=aware, units=units
        ):
            error(column, message)
        if errors:
            return None, errors
    says_concern = values.get(
        "says_vendor_of_concern", existing.says_vendor_of_concern if existing else None
    )
    if says_concern is False and {"vendors", "says_vendor_of_concern"} & set(row):
        of_concern = lookups.concern_vendors.get(survey_return.survey_round_id, set())
        if named := sorted(
            link.vendor.name
            for link in vendors
            if link.vendor.pk in of_concern and link.role in ROLES_COUNTING_TOWARD_CONCERN
        ):
            column = "vendors" if "vendors" in row else "says_vendor_of_concern"
            error(
                column,
                "says the body uses no vendor of concern, yet names "
                f"{', '.join(named)}, of concern in {survey_return.survey_round.year}",
            )
            return None, errors
    # The change list names a field's own source only where it is not the row's, which a
    # new or changed value is otherwise credited to.
    credited = {name: p.code for name, p in credits.items() if p != source}
    changes: list[FieldChange] = []
    for name, value in values.items():
        if existing is not None and name == "source":
            continue  # an existing answer keeps its source; a changed value cites the row's
        if name == "kinds":
            old = old_kinds if existing else []
        else:
            old = getattr(existing, name) if existing else None
        if existing is None or _differs(name, old, value):
            if existing is None and name != "source" and value in (None, "", []):
                continue
            changes.append(
                FieldChange(name, _shown(name, old), _shown(name, value), credited.get(name, ""))
            )
    if {(v.vendor.pk, v.role) for v in old_vendors} != {(v.vendor.pk, v.role) for v in vendors}:
        old, new = _shown("vendors", old_vendors), _shown("vendors", vendors)
        changes.append(FieldChange("vendors", old, new, credited.get("vendors", "")))
    errors.extend(_credit_errors(number, credits, changes, existing, values, vendors, lookups))
    if errors:
        return None, errors
    return PlannedAnswer(
        number, survey_return, system_type, values, vendors, existing, changes, credits
    ), []


def _credit_errors(
    number: int,
    credits: dict[str, Publication],
    changes: list[FieldChange],
    existing: Answer | None,
    values: dict,
    vendors: list[VendorLink],
    lookups: Lookups,
) -> list[RowError]:
    """A field's source names who states its value: there must be a value, and a source
    changes only with its value (a credit on its own is changed by a correction)."""
    errors = []
    changed = {change.field for change in changes}
    source_field = dict(Answer.SOURCED_FIELDS)
    for name, publication in credits.items():
        column = f"{name}_source"
        if name == "vendors":
            stated = bool(vendors)
        elif name == "kinds":
            old_kinds = lookups.answer_kinds.get(getattr(existing, "pk", None), [])
            stated = bool(values.get("kinds", old_kinds))
        else:
            stated = values.get(name, getattr(existing, name, None)) not in (None, "")
        if not stated:
            message = f"names {publication.code} as the source of {name}, but {name} is not stated"
            errors.append(RowError(number, column, message))
            continue
        if existing is None or name in changed:
            continue
        old = lookups.publications[
            getattr(existing, f"{source_field[name]}_id") or existing.source_id
        ]
        if old != publication:
            errors.append(
                RowError(
                    number,
                    column,
                    f"changes only the source credited for {name} ({old.code} -> "
                    f"{publication.code}), not its value: an import changes a credit only with "
                    "its value; record a correction in the admin, which publishes the new "
                    "credit with its reason",
                )
            )
    return errors


def _differs(name: str, old, new) -> bool:
    if name == "kinds":
        return sorted(old or []) != sorted(new or [])
    return old != new


def _shown(name: str, value) -> str:
    """A field's value as the change list shows it; unknown is never "no" or blank."""
    if name in ("operates", "aware_of_concerns", "says_vendor_of_concern"):
        return yes_no_text(value)
    if name == "kinds":
        return kinds_text(value)
    if name == "unit_count":
        return count_text(value)
    if name == "vendors":
        return vendors_text(value)
    if name == "source":
        return value.code if value else "none"
    if name == "intent":
        return intent_text(value)
    return repr(value) if value else "(empty)"
