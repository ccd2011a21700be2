"""A body's questionnaire to fill in offline: its rows in the import's column format, and the
completed file read back by the import's reader and rules.

One row per system type the round asks about. ``source`` is not the body's to give: the
return is its own source, so the column holds SOURCE_PLACEHOLDER (or blank). A file is read by
``surveys.editorial.import_columns.read_rows`` (the import's file limits, formula refusal and
column rules), then each row by ``return_values.read_answer`` (the import's value and
contradiction rules); any error and nothing is taken.
"""

from __future__ import annotations

from surveys.collection.return_values import AnswerData, coverage, read_answer, stored_answers
from surveys.editorial import answer_rules
from surveys.editorial.correction_values import vendor_lookup
from surveys.editorial.import_columns import read_rows
from surveys.editorial.import_plans import RowError
from surveys.models import Answer, BodyAlias, OnlineReturn, SurveyRound, Vendor
from surveys.values import (
    VENDOR_SEPARATOR,
    intent_text,
    kinds_text,
    vendor_entry,
    vendor_names,
    yes_no_text,
)

COLUMNS = (
    "body",
    "round",
    "system_type",
    "source",
    "operates",
    "kinds",
    "unit_count",
    "vendors",
    "aware_of_concerns",
    "intent",
    "notes",
)
SOURCE_PLACEHOLDER = "this return"
ANSWER_FIELDS = ("operates", "kinds", "unit_count", "aware_of_concerns", "intent", "notes")


def previous_answers(online_return: OnlineReturn) -> dict[int, AnswerData]:
    """The body's answers to the round before this one, by system type id (a fixed number of
    queries); vendors the list knows are chosen, in the order the source gave them."""
    invitation = online_return.invitation
    previous = (
        SurveyRound.objects.filter(year__lt=invitation.collection.year).order_by("-year").first()
    )
    if previous is None:
        return {}
    answers = Answer.objects.filter(
        survey_return__body_id=invitation.body_id, survey_return__survey_round=previous
    ).prefetch_related("answer_kinds", "vendors")
    return {
        answer.system_type_id: AnswerData(
            operates=answer.operates,
            vendor_ids=sorted(vendor.pk for vendor in answer.vendors.all()),
            unit_count=answer.unit_count,
            aware_of_concerns=answer.aware_of_concerns,
            intent=answer.intent,
            kinds=answer.kinds,
            notes=answer.notes,
        )
        for answer in answers
    }


def _vendors_cell(answer: AnswerData, names: dict[int, str]) -> str:
    entries = sorted(names[pk] for pk in answer.vendor_ids)
    if answer.other_vendors:
        entries.append(answer.other_vendors)
    return f"{VENDOR_SEPARATOR} ".join(entries)


def questionnaire_rows(online_return: OnlineReturn) -> list[list[str | int]]:
    """The rows to fill in: the return's draft once saved, else (if the round offers it) the
    body's previous answers, else blank answers."""
    invitation = online_return.invitation
    answers = stored_answers(online_return)
    if not answers and invitation.collection.offer_previous_answers:
        answers = previous_answers(online_return)
    names = dict(Vendor.objects.values_list("pk", "name"))
    rows = []
    for asked in coverage(online_return):
        answer = answers.get(asked.system_type_id)
        row = [
            invitation.body.name,
            str(invitation.collection.year),
            asked.system_type.slug,
            SOURCE_PLACEHOLDER,
        ]
        if answer is None:
            row += [""] * 7
        else:
            row += [
                yes_no_text(answer.operates),
                kinds_text(answer.kinds) if answer.kinds else "",
                "" if answer.unit_count is None else answer.unit_count,  # a number cell
                _vendors_cell(answer, names),
                yes_no_text(answer.aware_of_concerns),
                intent_text(answer.intent) if answer.intent else "",
                answer.notes,
            ]
        rows.append(row)
    return rows


def _split_vendors(text: str, known: dict[str, Vendor]) -> tuple[list[int], str]:
    """Vendors the list knows (by name, slug or alias, any role) and, as written, the rest."""
    chosen, others = [], []
    for entry in vendor_names(text):
        vendor = known.get(entry.casefold()) or known.get(vendor_entry(entry)[0].casefold())
        if vendor is None:
            others.append(entry)
        elif vendor.pk not in chosen:
            chosen.append(vendor.pk)
    return chosen, f"{VENDOR_SEPARATOR} ".join(others)


def read_questionnaire(
    data: bytes, *, filename: str, online_return: OnlineReturn
) -> tuple[dict[int, AnswerData], list[RowError]]:
    """The answers a completed questionnaire gives, by system type id, or its errors by row
    and column (then no answers). A system type without a row keeps its draft answer; a
    column left out keeps that field of the draft. Raises ImportFileError for a file that
    cannot be read at all."""
    rows = read_rows(data, filename=filename)
    invitation = online_return.invitation
    body = invitation.body
    body_names = {body.name.casefold(), body.short_name.casefold(), body.slug.casefold()}
    body_names |= {
        a.casefold() for a in BodyAlias.objects.filter(body=body).values_list("name", flat=True)
    }
    asked = {}
    for item in coverage(online_return):
        asked[item.system_type.slug.casefold()] = item
        asked[item.system_type.name.casefold()] = item
    known = vendor_lookup()
    draft = stored_answers(online_return)
    errors: list[RowError] = []
    answers: dict[int, AnswerData] = {}
    seen: dict[int, int] = {}
    for index, raw in enumerate(rows):
        number = index + 2
        if not raw:
            continue
        problems = answer_rules.cell_errors(raw)
        if problems:
            errors.extend(RowError(number, column, message) for column, message in problems)
            continue
        row = answer_rules.unescaped(raw)
        row_errors = _row_errors(row, number, body_names, body.name, invitation.collection.year)
        item = asked.get(row.get("system_type", "").casefold())
        if item is None:
            choices = ", ".join(sorted({i.system_type.slug for i in asked.values()}))
            row_errors.append(
                RowError(number, "system_type", f"is not asked this round (asked: {choices})")
            )
        elif item.system_type_id in seen:
            row_errors.append(
                RowError(number, "system_type", f"duplicate of row {seen[item.system_type_id]}")
            )
        if row_errors or item is None:
            errors.extend(row_errors)
            continue
        seen[item.system_type_id] = number
        base = draft.get(item.system_type_id, AnswerData())
        if "vendors" in row:
            vendor_ids, others = _split_vendors(row["vendors"], known)
        else:
            vendor_ids, others = base.vendor_ids, base.other_vendors
        written = {name: row[name] for name in ANSWER_FIELDS if name in row}
        answer, problems = read_answer(
            written, asked=item, vendor_ids=vendor_ids, other_vendors=others, base=base
        )
        if problems:
            errors.extend(
                RowError(number, "vendors" if column == "other_vendors" else column, message)
                for column, message in problems
            )
        else:
            answers[item.system_type_id] = answer
    return ({} if errors else answers), errors


def _row_errors(
    row: dict[str, str], number: int, body_names: set[str], body_name: str, year: int
) -> list[RowError]:
    errors = []
    if row.get("body", "").casefold() not in body_names:
        errors.append(RowError(number, "body", f"is not {body_name}: this questionnaire is theirs"))
    if row.get("body_slug") and row["body_slug"].casefold() not in body_names:
        errors.append(RowError(number, "body_slug", f"is not {body_name}'s"))
    if row.get("round", "").strip() != str(year):
        errors.append(RowError(number, "round", f"is not {year}: this questionnaire is for {year}"))
    source = row.get("source", "").strip().casefold()
    if source not in ("", SOURCE_PLACEHOLDER):
        errors.append(
            RowError(
                number,
                "source",
                f"leave it as {SOURCE_PLACEHOLDER!r}: the return is its own source",
            )
        )
    for column in row:
        if column not in COLUMNS and column != "body_slug" and row[column]:
            errors.append(
                RowError(number, column, "is not asked on this questionnaire: leave it blank")
            )
    return errors
