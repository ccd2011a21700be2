"""Recording and withdrawing corrections: the one path used by the admin and the tests.

A correction to a published figure never changes the figure: the figure keeps the value first
published and the correction carries the current one. A correction to a body's answer or to
its return (responded or not) also updates that record (so the statistics use it), and its
withdrawal puts the old value back. In the admin these values change only this way, so every
change to what the public pages show has a reason, a source and a public correction.
Every step is written to history with the correction's reason as the change reason. How each
value is shown and read is in ``surveys.editorial.correction_values``.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone

from surveys.editorial.correction_values import (
    VendorLink,
    answer_value_text,
    finding_current,
    parse_answer_value,
    parse_finding_value,
    value_text,
)
from surveys.limits import REASON_MAX
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Correction,
    Return,
    WithdrawalDraft,
)
from surveys.stats import summaries

AnswerField = Correction.AnswerField


def set_answer_value(answer: Answer | Return, field: str, value, *, change_reason: str) -> None:
    """Write one corrected value (an answer's field, kinds or vendors, or a return's status)."""
    if field == AnswerField.VENDORS:
        set_vendors(answer, value, change_reason=change_reason)
        return
    if field == AnswerField.KINDS:
        set_kinds(answer, value, change_reason=change_reason)
        return
    setattr(answer, field, value)
    answer._change_reason = change_reason
    answer.save()


def set_vendors(answer: Answer, links: list[VendorLink], *, change_reason: str) -> None:
    """Make the answer's vendor links ``links`` (vendor and role), with history."""
    wanted = {link.vendor.pk: link.role for link in links}
    for link in AnswerVendor.objects.filter(answer=answer):
        role = wanted.pop(link.vendor_id, None)
        if role is None:
            link._change_reason = change_reason
            link.delete()
        elif link.role != role:
            link.role = role
            link._change_reason = change_reason
            link.save()
    for vendor_id, role in wanted.items():
        link = AnswerVendor(answer=answer, vendor_id=vendor_id, role=role)
        link._change_reason = change_reason
        link.save()


def set_kinds(answer: Answer, kinds: list[str], *, change_reason: str) -> None:
    """Make the kinds of facial recognition the answer states ``kinds``, with history."""
    for link in AnswerKind.objects.filter(answer=answer).exclude(kind__in=kinds):
        link._change_reason = change_reason
        link.delete()
    present = set(AnswerKind.objects.filter(answer=answer).values_list("kind", flat=True))
    for kind in kinds:
        if kind not in present:
            link = AnswerKind(answer=answer, kind=kind)
            link._change_reason = change_reason
            link.save()


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
    elif len(correction.reason.strip()) > REASON_MAX:
        errors["reason"] = reason_too_long(correction.reason)
    if correction.source_id is None:
        errors["source"] = "Name the publication that announced the correction."
    try:
        not_in_future(correction.announced_on, "The announcement date")
    except ValidationError as exc:
        errors["announced_on"] = exc.messages[0]
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


def reason_too_long(reason: str) -> str:
    return f"A reason is at most {REASON_MAX:,} characters; this one has {len(reason.strip()):,}."


def not_in_future(date: datetime.date | None, what: str) -> None:
    if date is not None and date > timezone.localdate():
        raise ValidationError(f"{what} cannot be in the future.", code="future")


class PublishRefused(Exception):
    """Publishing is not allowed (a second editor must publish, or it is not a draft)."""


def _current_text(correction: Correction) -> str:
    if correction.finding_id is not None:
        current, qualifier = finding_current(correction.finding)
        return correction.finding.format_value(current, qualifier)
    return answer_value_text(correction.answer or correction.survey_return, correction.answer_field)


def _normalised_new_value(correction: Correction, value) -> str:
    if correction.finding_id is not None:
        return f"{value.normalize():f}"
    return value_text(correction.answer_field, value)


@transaction.atomic
def save_draft(correction: Correction, *, user=None) -> Correction:
    """Validate and save a new correction as a draft: nothing the public sees changes until it
    is published. ``old_value`` is the value now; it is taken again at publication."""
    value = check_correction(correction)
    correction.reason = correction.reason.strip()
    correction.status = Correction.Status.DRAFT
    correction.drafted_by = user
    correction.old_value = _current_text(correction)
    correction.new_value = _normalised_new_value(correction, value)
    correction._change_reason = f"Draft: {correction.reason}"
    correction.save()
    return correction


def may_publish(correction_or_draft_by, user) -> str:
    """Why ``user`` may not publish what ``correction_or_draft_by`` drafted ("" when they may):
    with settings.CORRECTIONS_NEED_SECOND_EDITOR, the editor who drafted it cannot."""
    drafted_by = getattr(correction_or_draft_by, "drafted_by_id", correction_or_draft_by)
    same_editor = user is None or drafted_by is None or drafted_by == getattr(user, "pk", None)
    if settings.CORRECTIONS_NEED_SECOND_EDITOR and same_editor:
        return "A second editor must publish it: the editor who drafted it cannot."
    return ""


@transaction.atomic
def publish(correction: Correction, *, user=None, check_editor: bool = True) -> Correction:
    """Publish a draft: apply it (for an answer or a return, its record changes too) and make
    it public. Validated again: the data may have changed since the draft was saved."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    if correction.status != Correction.Status.DRAFT:
        raise PublishRefused("Only a draft can be published; this one already is.")
    if check_editor and (why := may_publish(correction, user)):
        raise PublishRefused(why)
    return _apply(correction, user=user)


def _apply(correction: Correction, *, user=None) -> Correction:
    value = check_correction(correction)
    correction.reason = correction.reason.strip()
    correction.old_value = _current_text(correction)
    if correction.finding_id is not None:
        correction.new_value = f"{value.normalize():f}"
    else:
        answer, field = correction.answer or correction.survey_return, correction.answer_field
        source_field = dict(Answer.SOURCED_FIELDS).get(field) if correction.answer_id else None
        if source_field:  # the corrected value is stated by the correction's source
            correction.old_source = getattr(answer, source_field)  # None: the answer's
            setattr(answer, source_field, correction.source)
        _write(answer, field, value, source_field, change_reason=f"Correction: {correction.reason}")
        correction.new_value = answer_value_text(answer, field)
    correction.status = Correction.Status.PUBLISHED
    correction.published_by = user
    correction.published_at = timezone.now()
    correction._change_reason = correction.reason
    correction.save()
    summaries.refresh()
    return correction


def _write(answer, field: str, value, source_field: str | None, *, change_reason: str) -> None:
    """Write a value, and the source credited for it when ``source_field`` is given."""
    set_answer_value(answer, field, value, change_reason=change_reason)
    # set_vendors and set_kinds save only the links
    if source_field and field in (AnswerField.VENDORS, AnswerField.KINDS):
        answer._change_reason = change_reason
        answer.save()


@transaction.atomic
def discard(correction: Correction, *, user=None) -> None:
    """Delete a draft before publication (its history keeps a record); a published correction
    is never deleted, only withdrawn. Two discards at once: the second is refused."""
    correction = Correction.objects.select_for_update().filter(pk=correction.pk).first()
    if correction is None:
        raise PublishRefused("That draft was already discarded.")
    if correction.status != Correction.Status.DRAFT:
        raise PublishRefused("A published correction cannot be discarded; withdraw it instead.")
    correction._change_reason = "Draft discarded before publication"
    correction.delete()


@transaction.atomic
def record_correction(correction: Correction, *, user=None) -> Correction:
    """Validate, save and publish a new correction at once (imports, which have their own
    preview, and scripts); editors in the admin go through a draft."""
    if correction.pk is None:
        correction.drafted_by = user
    return _apply(correction, user=user)


def check_withdrawal(correction: Correction, *, reason: str, on: datetime.date | None) -> None:
    """Why a correction cannot be withdrawn with this reason and date (a ValidationError)."""
    if correction.withdrawn_on is not None:
        raise ValidationError("This correction has already been withdrawn.")
    if correction.status != Correction.Status.PUBLISHED:
        raise ValidationError("A draft is not withdrawn: discard it, or publish it first.")
    if not reason.strip():
        raise ValidationError({"withdrawal_reason": "Say why the correction is withdrawn."})
    if len(reason.strip()) > REASON_MAX:
        raise ValidationError({"withdrawal_reason": reason_too_long(reason)})
    try:
        not_in_future(on, "The withdrawal date")
    except ValidationError as exc:
        raise ValidationError({"withdrawn_on": exc.messages[0]}) from None


@transaction.atomic
def draft_withdrawal(
    correction: Correction, *, reason: str, on: datetime.date | None = None, user=None
) -> WithdrawalDraft:
    """Propose withdrawing a published correction: nothing public changes, and the reason is
    not public, until the withdrawal is published (``publish_withdrawal``)."""
    correction = Correction.objects.select_for_update().get(pk=correction.pk)
    check_withdrawal(correction, reason=reason, on=on)
    if WithdrawalDraft.objects.filter(correction=correction).exists():
        raise ValidationError(
            "A withdrawal of this correction is already waiting: publish or discard it first."
        )
    draft = WithdrawalDraft(correction=correction, reason=reason.strip(), withdrawn_on=on)
    draft.drafted_by = user
    draft._change_reason = "Withdrawal drafted (not public)"
    draft.save()
    return draft


def _locked_withdrawal(draft: WithdrawalDraft) -> WithdrawalDraft:
    locked = (
        WithdrawalDraft.objects.select_for_update()
        .select_related("correction")
        .filter(pk=draft.pk)
        .first()
    )
    if locked is None:
        raise PublishRefused("That withdrawal was already published or discarded.")
    return locked


@transaction.atomic
def publish_withdrawal(
    draft: WithdrawalDraft, *, user=None, check_editor: bool = True
) -> Correction:
    """Publish a drafted withdrawal (a second editor, where the setting asks). Two publishes
    at once withdraw once: the second finds the draft gone and is refused."""
    draft = _locked_withdrawal(draft)
    if check_editor and (why := may_publish(draft, user)):
        raise PublishRefused(why)
    correction = withdraw_correction(
        draft.correction, reason=draft.reason, on=draft.withdrawn_on, user=user
    )
    draft._change_reason = "Withdrawal published"
    draft.delete()
    return correction


@transaction.atomic
def discard_withdrawal(draft: WithdrawalDraft, *, user=None) -> None:
    """Drop a drafted withdrawal: the correction stays in force (history keeps the draft)."""
    draft = _locked_withdrawal(draft)
    draft._change_reason = "Withdrawal draft discarded before publication"
    draft.delete()


@transaction.atomic
def withdraw_correction(
    correction: Correction, *, reason: str, on: datetime.date | None = None, user=None
) -> Correction:
    """Withdraw a correction at once; it stays on record. An answer gets its old value back,
    and the source credited for it. Editors go through ``draft_withdrawal``."""
    locked = Correction.objects.select_for_update().get(pk=correction.pk)
    check_withdrawal(locked, reason=reason, on=on)
    locked.withdrawn_on = on or timezone.localdate()
    locked.withdrawal_reason = reason.strip()
    locked.withdrawn_by = user
    if locked.answer_id or locked.survey_return_id:
        _restore(locked)
    locked._change_reason = f"Withdrawn: {locked.withdrawal_reason}"
    locked.save()
    summaries.refresh()
    correction.refresh_from_db()
    return correction


def _restore(correction: Correction) -> None:
    """Put back the value (and the source credited for it) a withdrawn correction replaced,
    unless the value has changed since."""
    answer = correction.answer or correction.survey_return
    field = correction.answer_field
    if answer_value_text(answer, field) != correction.new_value:
        return
    source_field = dict(Answer.SOURCED_FIELDS).get(field) if correction.answer_id else None
    if source_field and answer.source_of(field) == correction.source:
        setattr(answer, source_field, correction.old_source)  # None: the answer's source
    else:
        source_field = None
    _write(
        answer,
        field,
        parse_answer_value(field, correction.old_value),
        source_field,
        change_reason=f"Correction withdrawn: {correction.withdrawal_reason}",
    )
