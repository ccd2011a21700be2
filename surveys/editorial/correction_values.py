"""A correction's values: each shown as the corrections and the public pages show it, and read
from what an editor typed, checked against what its field can hold. Nothing here writes.

Imports use the same words and the same vendor names (``value_text``, ``vendor_lookup``).
"""

from __future__ import annotations

from decimal import Decimal, InvalidOperation
from typing import NamedTuple

from django.core.exceptions import ValidationError

from surveys.limits import NOTES_MAX
from surveys.models import (
    Answer,
    AnswerVendor,
    Correction,
    PublishedFinding,
    Return,
    Vendor,
    VendorAlias,
)
from surveys.values import (
    count_text,
    intent_text,
    kinds_text,
    notes_text,
    parse_count,
    parse_intent,
    parse_kinds,
    parse_notes,
    parse_yes_no,
    vendor_entry,
    vendor_names,
    vendors_text,
    yes_no_text,
)

AnswerField = Correction.AnswerField


def finding_current(finding: PublishedFinding) -> tuple[Decimal, str]:
    """The figure's value and qualifier now: the latest correction in force, or as published."""
    latest = Correction.objects.current_for([finding.pk]).get(finding.pk)
    if latest is None:
        return finding.value, finding.qualifier
    return Decimal(latest.new_value), latest.new_qualifier or finding.qualifier


def answer_value_text(answer: Answer | Return, field: str) -> str:
    if field == AnswerField.VENDORS:
        return vendors_text(answer.answer_vendors.select_related("vendor"))
    return value_text(field, getattr(answer, field))


def value_text(field: str, value) -> str:
    """One field's value as the corrections show it ("yes", "not stated", "Hikvision",
    "Milestone (software)", "live; retrospective")."""
    if field == AnswerField.VENDORS:
        return vendors_text(value)
    if field in (AnswerField.OPERATES, AnswerField.AWARE, AnswerField.SAYS_VENDOR_OF_CONCERN):
        return yes_no_text(value)
    if field == AnswerField.STATUS:
        return Return.Status(value).label.lower()
    if field == AnswerField.KINDS:
        return kinds_text(value)
    if field == AnswerField.UNIT_COUNT:
        return count_text(value)
    if field == AnswerField.NOTES:
        return notes_text(value)
    return intent_text(value)


MAX_COUNT = 10_000_000  # what a published figure's column holds (9 digits, 2 decimals)


def parse_finding_value(finding: PublishedFinding, raw: str) -> Decimal:
    try:
        value = Decimal(raw.strip())
    except (InvalidOperation, AttributeError):
        raise ValidationError(f"{raw!r} is not a number.", code="invalid") from None
    if not value.is_finite() or value < 0:
        raise ValidationError("The new value must be a number of 0 or more.", code="invalid")
    if finding.unit == PublishedFinding.Unit.PERCENT and value > 100:
        raise ValidationError("A percentage cannot be more than 100.", code="invalid")
    if value != value.to_integral_value() and finding.unit != PublishedFinding.Unit.PERCENT:
        raise ValidationError("A count must be a whole number.", code="invalid")
    if value >= MAX_COUNT:
        raise ValidationError(f"The new value must be below {MAX_COUNT:,}.", code="invalid")
    if value.as_tuple().exponent < -2:
        raise ValidationError("Give at most two decimal places.", code="invalid")
    if (
        finding.unit == PublishedFinding.Unit.COUNT
        and finding.denominator
        and value > finding.denominator
    ):
        raise ValidationError(
            f"The figure counts bodies out of {finding.denominator}: the new value cannot be more.",
            code="invalid",
        )
    return value


def parse_answer_value(field: str, raw: str):
    if field == AnswerField.STATUS:
        folded = raw.strip().casefold().replace("_", " ")
        for status in Return.Status:
            if folded in (status.value.replace("_", " "), status.label.casefold()):
                return status.value
        raise ValidationError(f"{raw!r} is not 'responded' or 'did not respond'.", code="invalid")
    if field == AnswerField.VENDORS:
        return _parse_vendors(raw)
    if field == AnswerField.NOTES:
        if len(raw.strip()) > NOTES_MAX:
            raise ValidationError(f"Notes are at most {NOTES_MAX:,} characters.", code="invalid")
        return parse_notes(raw)
    try:
        if field in (AnswerField.OPERATES, AnswerField.AWARE, AnswerField.SAYS_VENDOR_OF_CONCERN):
            return parse_yes_no(raw.strip())
        if field == AnswerField.INTENT:
            return parse_intent(raw.strip())
        if field == AnswerField.KINDS:
            return parse_kinds(raw)
        if field == AnswerField.UNIT_COUNT:
            return parse_count(raw)
    except ValueError as exc:
        raise ValidationError(str(exc), code="invalid") from None
    raise ValidationError(f"Unknown answer field {field!r}.", code="invalid")


def vendor_lookup() -> dict[str, Vendor]:
    """Every vendor by its case-folded name, slug and aliases (two queries): the one way a
    written vendor name is matched, by imports and corrections alike."""
    known: dict[str, Vendor] = {}
    for vendor in Vendor.objects.all():
        known[vendor.name.casefold()] = vendor
        known[vendor.slug.casefold()] = vendor
    for alias in VendorAlias.objects.select_related("vendor"):
        known.setdefault(alias.name.casefold(), alias.vendor)
    return known


def _parse_vendors(raw: str) -> list[VendorLink]:
    try:
        return vendor_links(raw, vendor_lookup())
    except ValueError as exc:
        message = str(exc)
        raise ValidationError(f"{message[0].upper()}{message[1:]}.", code="invalid") from None


class VendorLink(NamedTuple):
    """A vendor an answer names, and what the source says it supplies (its role)."""

    vendor: Vendor
    role: str


def vendor_links(raw: str, known: dict[str, Vendor]) -> list[VendorLink]:
    """A vendor list ("Hikvision; Milestone (software)") as links, each vendor once; raises
    ValueError naming an unknown vendor or a vendor given twice with different roles."""
    links: dict[int, VendorLink] = {}
    for entry in vendor_names(raw):
        vendor = known.get(entry.casefold())
        role = AnswerVendor.Role.EQUIPMENT
        if vendor is None:
            name, role = vendor_entry(entry)
            vendor = known.get(name.casefold())
            if vendor is None:
                raise ValueError(f"unknown vendor {name!r}")
        if vendor.pk in links and links[vendor.pk].role != role:
            raise ValueError(f"{vendor.name} is named twice, with different roles")
        links.setdefault(vendor.pk, VendorLink(vendor, role))
    return list(links.values())
