"""An answer's values as people write and read them: one home for yes/no, future use and
vendor lists, used by the import, the corrections and the downloads.

Unknown is never "no": a blank or "not known" parses to None, and None shows as "not known".
"""

from __future__ import annotations

from collections.abc import Iterable
from decimal import Decimal, InvalidOperation

from django.db import models

YES = {"yes", "y", "true", "1"}
NO = {"no", "n", "false", "0"}
UNKNOWN = {"", "unknown", "not known", "n/a", "na"}
VENDOR_SEPARATOR = ";"
KIND_SEPARATOR = ";"
NO_VENDORS = "none stated"
NO_NOTES = "no notes"


# The answer's choice lists live here, not on the model, so that the words that parse them need
# nothing from the models (which use these values): no import cycle.
class Intent(models.TextChoices):
    NOT_STATED = "", "Not stated"
    INTENDS = "intends", "Intends to use"
    NO_INTENTION = "no_intention", "No intention to use"
    UNSURE = "unsure", "Unsure"


class FacialRecognitionKind(models.TextChoices):
    """Kinds of facial recognition, as the sources name them."""

    LIVE = "live", "Live"
    RETROSPECTIVE = "retrospective", "Retrospective"
    OPERATOR_INITIATED = "operator_initiated", "Operator-initiated (mobile phone)"
    DATABASE_ACCESS = "database_access", "Access to national image databases"
    OTHER = "other", "Other (national image databases PND and CAID, and Athena)"
    NONE_OF_THE_ABOVE = "none_of_the_above", "None of the above"


# The kinds an answer can state (several: FOI0823's question allowed several); "none of the
# above" is only a published finding's category.
ANSWER_KINDS = [c for c in FacialRecognitionKind.choices if c[0] != "none_of_the_above"]
ANSWER_KIND_ORDER = {code: i for i, (code, _) in enumerate(ANSWER_KINDS)}


class VendorRole(models.TextChoices):
    """What a source says a vendor supplies an answer's system with."""

    EQUIPMENT = "equipment", "Equipment maker"
    SOFTWARE = "software", "Software (video management system)"


# The one rule for "uses a vendor named as of concern": only an equipment maker counts (the
# publications and the bodies speak of equipment); a software vendor alone settles nothing.
# The statistics, the bodies table and the import read it through AnswerVendor's queryset.
ROLES_COUNTING_TOWARD_CONCERN = frozenset({VendorRole.EQUIPMENT})


def parse_yes_no(value: str) -> bool | None:
    folded = value.strip().casefold()
    if folded in YES:
        return True
    if folded in NO:
        return False
    if folded in UNKNOWN:
        return None
    raise ValueError(f"{value!r} is not yes, no or blank (blank means not known)")


def yes_no_text(value: bool | None) -> str:
    return {True: "yes", False: "no", None: "not known"}[value]


def parse_intent(value: str) -> str:
    folded = value.strip().casefold().replace(" ", "_")
    for choice, label in Intent.choices:
        if folded in (choice, label.casefold().replace(" ", "_")):
            return choice
    allowed = ", ".join(c for c, _ in Intent.choices if c)
    raise ValueError(f"{value!r} is not a known intent ({allowed}, or blank)")


def intent_text(value: str) -> str:
    return value or "not stated"


def parse_kind(value: str) -> str:
    """One kind of facial recognition by its code or label."""
    folded = value.strip().casefold()
    for choice, label in ANSWER_KINDS:
        if folded in (choice, choice.replace("_", " "), label.casefold()):
            return choice
    allowed = ", ".join(c for c, _ in ANSWER_KINDS)
    raise ValueError(f"{value!r} is not a known kind of facial recognition ({allowed}, or blank)")


def parse_kinds(value: str) -> list[str]:
    """The kinds of facial recognition an answer states, separated by ";" ("live;
    retrospective"), each once, in a stable order; blank or "not stated" is none stated."""
    folded = value.strip().casefold()
    if folded in UNKNOWN or folded == "not stated":
        return []
    kinds = {parse_kind(part) for part in value.split(KIND_SEPARATOR) if part.strip()}
    return sorted(kinds, key=ANSWER_KIND_ORDER.__getitem__)


def kinds_text(kinds: Iterable[str]) -> str:
    """The kinds as ``parse_kinds`` reads them back ("live; retrospective"), or "not stated"."""
    return "; ".join(sorted(kinds, key=ANSWER_KIND_ORDER.__getitem__)) or "not stated"


def parse_count(value: str) -> int | None:
    """A number of units; blank is "not stated" (never 0)."""
    folded = value.strip().casefold()
    if folded in UNKNOWN or folded == "not stated":
        return None
    if not folded.isdigit() or len(folded) > 9:
        raise ValueError(f"{value!r} is not a whole number of units (or blank: not stated)")
    return int(folded)


def count_text(value: int | None) -> str:
    return "not stated" if value is None else str(value)


def notes_text(value: str) -> str:
    return value or NO_NOTES


def parse_notes(value: str) -> str:
    """Notes as a correction gives them; blank or "no notes" is none."""
    text = value.strip()
    return "" if text.casefold() == NO_NOTES else text


def vendor_names(text: str) -> list[str]:
    """The entries of a vendor list ("Hikvision; Milestone (software)"), each a name with any
    role suffix (``vendor_entry`` splits it); "none stated" or blank is none."""
    if text.strip().casefold() == NO_VENDORS:
        return []
    return [name for name in (part.strip() for part in text.split(VENDOR_SEPARATOR)) if name]


def vendor_entry(entry: str) -> tuple[str, str]:
    """A vendor list's entry as (name, role): "Milestone (software)" is Milestone's software;
    a name alone, or with "(equipment)", is an equipment maker."""
    name = entry.strip()
    if name.endswith(")") and "(" in name:
        head, _, suffix = name[:-1].rpartition("(")
        role = suffix.strip().casefold()
        if role in VendorRole.values:
            return head.strip(), role
    return name, VendorRole.EQUIPMENT


def vendor_entry_text(name: str, role: str) -> str:
    """One vendor as a vendor list writes it: the name, with its role unless equipment."""
    return name if role == VendorRole.EQUIPMENT else f"{name} ({role})"


def vendors_text(vendors: Iterable) -> str:
    """Vendors (or an answer's vendor links, with their role) as a list ``vendor_names`` and
    ``vendor_entry`` read back, e.g. "Hikvision; Milestone (software)"."""
    entries = []
    for item in vendors:
        vendor = getattr(item, "vendor", item)
        entries.append(vendor_entry_text(vendor.name, getattr(item, "role", VendorRole.EQUIPMENT)))
    return "; ".join(sorted(entries)) or NO_VENDORS


def correction_new_value_text(correction) -> str:
    """A correction's new value as the public pages show it: for a figure, with the qualifier
    that applies to it (the correction's own, or else the figure's), e.g. "at least 12"."""
    finding = correction.finding if correction.finding_id else None
    if finding is None:
        return correction.new_value
    try:
        value = Decimal(correction.new_value)
    except InvalidOperation:
        return correction.new_value
    return finding.format_value(value, correction.new_qualifier or finding.qualifier)


def correction_change_text(correction) -> str:
    """Old and new value of a correction, e.g. "at least 11 → at least 12"."""
    return f"{correction.old_value} → {correction_new_value_text(correction)}"
