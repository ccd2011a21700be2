"""Recording and withdrawing corrections: the one path used by the admin and the tests.

A correction to a published figure never changes the figure: the figure keeps the value first
published and the correction carries the current one. A correction to a body's answer or to
its return (responded or not) also updates that record (so the statistics use it), and its
withdrawal puts the old value back. In the admin these values change only this way, so every
change to what the public pages show has a reason, a source and a public correction.
Every step is written to history with the correction's reason as the change reason.
"""

from __future__ import annotations

import datetime
from decimal import Decimal, InvalidOperation

from django.core.exceptions import ValidationError
from django.db import transaction

from surveys.importing import parse_intent, parse_yes_no
from surveys.models import Answer, Correction, PublishedFinding, Return

AnswerField = Correction.AnswerField


def finding_current(finding: PublishedFinding) -> tuple[Decimal, str]:
    """The figure's value and qualifier now: the latest correction in force, or as published."""
    latest = finding.corrections.in_force().order_by("-recorded_at").first()
    if latest is None:
        return finding.value, finding.qualifier
    return Decimal(latest.new_value), latest.new_qualifier or finding.qualifier


def answer_value_text(answer: Answer | Return, field: str) -> str:
    value = getattr(answer, field)
    if field in (AnswerField.OPERATES, AnswerField.AWARE):
        return {True: "yes", False: "no", None: "not known"}[value]
    if field == AnswerField.STATUS:
        return Return.Status(value).label.lower()
    return value or "not stated"


def parse_finding_value(finding: PublishedFinding, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError(f"{raw!r} is not a number.", code="invalid") from None
    if not value.is_finite() or value < 0:
        raise ValidationError("The new value must be a number of 0 or more.", code="invalid")
    if finding.unit == PublishedFinding.Unit.PERCENT and value > 100:
        raise ValidationError("A percentage cannot be more than 100.", code="invalid")
    if value != value.to_integral_value() and finding.unit == PublishedFinding.Unit.COUNT:
        raise ValidationError("A count of bodies must be a whole number.", code="invalid")
    return value


def parse_answer_value(field: str, raw: str):
    if field == AnswerField.STATUS:
        folded = raw.strip().casefold().replace("_", " ")
        for status in Return.Status:
            if folded in (status.value.replace("_", " "), status.label.casefold()):
                return status.value
        raise ValidationError(f"{raw!r} is not 'responded' or 'did not respond'.", code="invalid")
    try:
        if field in (AnswerField.OPERATES, AnswerField.AWARE):
            return parse_yes_no(raw.strip())
        if field == AnswerField.INTENT:
            return parse_intent(raw.strip())
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from None
    raise ValidationError(f"Unknown answer field {field!r}.", code="invalid")


def check_correction(correction: Correction):
    """Validate an unsaved correction; returns the parsed new value. Writes nothing."""
    errors: dict[str, str] = {}
    targets = (correction.finding_id, correction.answer_id, correction.survey_return_id)
    if sum(target is not None for target in targets) != 1:
        raise ValidationError(
            "Choose one thing to correct (a published finding, a body's answer or a body's "
            "return), not both or none."
        )
    if not (correction.reason or "").strip():
        errors["reason"] = "Say why the value is being corrected."
    if correction.source_id is None:
        errors["source"] = "Name the publication that announced the correction."
    value = None
    try:
        if correction.finding_id is not None:
            value = parse_finding_value(correction.finding, correction.new_value or "")
        elif not correction.answer_field:
            errors["answer_field"] = "Choose which part of the answer changes."
        elif (correction.answer_field == AnswerField.STATUS) != bool(correction.survey_return_id):
            errors["answer_field"] = (
                "A return's response status is its only field; an answer has no status."
            )
        else:
            value = parse_answer_value(correction.answer_field, correction.new_value or "")
    except ValidationError as exc:
        errors["new_value"] = exc.messages[0]
    if errors:
        raise ValidationError(errors)
    return value


@transaction.atomic
def record_correction(correction: Correction) -> Correction:
    """Validate and save a new correction (and, for an answer, the corrected answer)."""
    value = check_correction(correction)
    correction.reason = correction.reason.strip()
    if correction.finding_id is not None:
        current, qualifier = finding_current(correction.finding)
        correction.old_value = correction.finding.format_value(current, qualifier)
        correction.new_value = f"{value.normalize():f}"
    else:
        answer, field = correction.answer or correction.survey_return, correction.answer_field
        correction.old_value = answer_value_text(answer, field)
        setattr(answer, field, value)
        correction.new_value = answer_value_text(answer, field)
        answer._change_reason = f"Correction: {correction.reason}"
        answer.save()
    correction._change_reason = correction.reason
    correction.save()
    return correction


@transaction.atomic
def withdraw_correction(
    correction: Correction, *, reason: str, on: datetime.date | None = None
) -> Correction:
    """Withdraw a correction; it stays on record. An answer gets its old value back."""
    if correction.withdrawn_on is not None:
        raise ValidationError("This correction has already been withdrawn.")
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": "Say why the correction is withdrawn."})
    correction.withdrawn_on = on or datetime.date.today()
    correction.withdrawal_reason = reason.strip()
    if correction.answer_id or correction.survey_return_id:
        answer = correction.answer or correction.survey_return
        field = correction.answer_field
        if answer_value_text(answer, field) == correction.new_value:  # not changed since
            setattr(answer, field, parse_answer_value(field, correction.old_value))
            answer._change_reason = f"Correction withdrawn: {correction.withdrawal_reason}"
            answer.save()
    correction._change_reason = f"Withdrawn: {correction.withdrawal_reason}"
    correction.save()
    return correction
