"""A body's answers as its return holds them (``AnswerData``), and reading them from what the
body wrote, on the form or in its questionnaire, by the rules imports use
(surveys.editorial.answer_rules): one reading for both routes."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from surveys.editorial import answer_rules
from surveys.limits import NOTES_MAX
from surveys.models import CollectionSystemType, OnlineAnswer, OnlineReturn
from surveys.models.collection import OTHER_VENDORS_MAX


@dataclass
class AnswerData:
    """One system type's answer; unknown is None, "" or [] (never no, never 0)."""

    operates: bool | None = None
    vendor_ids: list[int] = field(default_factory=list)
    other_vendors: str = ""
    unit_count: int | None = None
    aware_of_concerns: bool | None = None
    intent: str = ""
    kinds: list[str] = field(default_factory=list)
    notes: str = ""

    @classmethod
    def of(cls, answer: OnlineAnswer) -> AnswerData:
        """The stored answer (its vendors prefetched or fetched)."""
        return cls(
            operates=answer.operates,
            vendor_ids=sorted(vendor.pk for vendor in answer.vendors.all()),
            other_vendors=answer.other_vendors,
            unit_count=answer.unit_count,
            aware_of_concerns=answer.aware_of_concerns,
            intent=answer.intent,
            kinds=list(answer.kinds),
            notes=answer.notes,
        )


def coverage(online_return: OnlineReturn) -> list[CollectionSystemType]:
    """The system types the return's round asks about, in the site's order."""
    return list(
        CollectionSystemType.objects.filter(
            collection_id=online_return.invitation.collection_id
        ).select_related("system_type")
    )


def stored_answers(online_return: OnlineReturn) -> dict[int, AnswerData]:
    """The return's answers by system type id (two queries)."""
    answers = online_return.answers.prefetch_related("vendors")
    return {answer.system_type_id: AnswerData.of(answer) for answer in answers}


def read_answer(
    written: Mapping[str, str],
    *,
    asked: CollectionSystemType,
    vendor_ids: Iterable[int] = (),
    other_vendors: str = "",
    base: AnswerData | None = None,
) -> tuple[AnswerData | None, list[tuple[str, str]]]:
    """The answer a body wrote for one system type, or its errors as (field, message).

    ``written`` holds the fields as text (yes/no/blank, "live; retrospective"...); a field it
    lacks keeps its value in ``base``. The messages are the import's."""
    values, errors = answer_rules.parse_answer_values(written)
    answer = AnswerData(**vars(base)) if base else AnswerData()
    for name, value in values.items():
        if name != "says_vendor_of_concern":  # not asked of a body: an editor's judgement
            setattr(answer, name, value)
    answer.vendor_ids = sorted(set(vendor_ids))
    answer.other_vendors = other_vendors.strip()
    for name in ("notes", "other_vendors"):
        if "\x00" in getattr(answer, name):
            errors.append((name, "contains a null character, which text cannot hold"))
    if len(answer.notes) > NOTES_MAX:
        errors.append(("notes", f"must be {NOTES_MAX:,} characters or fewer"))
    if len(answer.other_vendors) > OTHER_VENDORS_MAX:
        errors.append(("other_vendors", f"must be {OTHER_VENDORS_MAX:,} characters or fewer"))
    if message := answer_rules.kinds_error(answer.kinds, asked.system_type):
        errors.append(("kinds", message))
    if answer.unit_count is not None and not asked.asks_unit_count:
        errors.append(("unit_count", f"is not asked for {asked.system_type.name} this round"))
    if not errors:
        errors.extend(
            answer_rules.contradictions(
                operates=answer.operates,
                names_vendor=bool(answer.vendor_ids or answer.other_vendors),
                aware=answer.aware_of_concerns,
                units=answer.unit_count,
            )
        )
    return (None if errors else answer), errors
