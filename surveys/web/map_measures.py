"""What the tile map can show, each in the bodies table's own words (``surveys.web.tables``)."""

from __future__ import annotations

from surveys.models import Answer, Return, SystemType, Vendor
from surveys.web.hexmap import Category, Measure
from surveys.web.tables import concern_heading, concern_label, status_label

RESPONDED = Category("strong", "Responded", "●")
NOT_RESPONDED = Category("weak", "Did not respond", "○")
NO_RETURN = Category("unknown", "No return recorded", "?")


def _response(record) -> tuple[Category, str]:
    category = {
        Return.Status.RESPONDED: RESPONDED,
        Return.Status.DID_NOT_RESPOND: NOT_RESPONDED,
    }.get(record.status, NO_RETURN)
    return category, status_label(record)


def response(year: int) -> Measure:
    return Measure(
        key="response",
        caption=f"Response to the {year} survey",
        categories=(RESPONDED, NOT_RESPONDED, NO_RETURN),
        classify=_response,
    )


CONCERN_YES = Category("strong", "Yes: an answer names a vendor of concern", "●")
CONCERN_NO = Category("weak", "No: the answers name none", "○")
CONCERN_NO_DATA = Category("unknown", "No data: no answer says", "?")


def _concern(record) -> tuple[Category, str]:
    label = concern_label(record)
    category = {"Yes": CONCERN_YES, "No": CONCERN_NO}.get(label, CONCERN_NO_DATA)
    return category, label


def concern(system_type: SystemType | None) -> Measure:
    return Measure(
        key="concern",
        caption=concern_heading(system_type),
        categories=(CONCERN_YES, CONCERN_NO, CONCERN_NO_DATA),
        classify=_concern,
        question=concern_heading(system_type),
    )


OPERATES = Category("strong", "Operates it", "●")
DOES_NOT = Category("weak", "Does not operate it", "○")
NOT_KNOWN = Category("unknown", "Not known: no answer says", "?")


def _operates(record) -> tuple[Category, str]:
    if record.operates_type is True:
        return OPERATES, "Operates it"
    if record.operates_type is False:
        return DOES_NOT, "Does not operate it"
    return NOT_KNOWN, "Not known"


def operates(system_type: SystemType) -> Measure:
    return Measure(
        key="operates",
        caption=f"Operates {system_type.name}",
        categories=(OPERATES, DOES_NOT, NOT_KNOWN),
        classify=_operates,
        question=system_type.name,
    )


NAMED = Category("strong", "Named in its answers", "●")
NOT_NAMED = Category("weak", "Not named in its answers", "○")
NO_ANSWERS = Category("unknown", "No answers recorded", "?")


def _vendor(record) -> tuple[Category, str]:
    if record.names_vendor:
        return NAMED, "Named in its answers"
    if record.has_answers:
        return NOT_NAMED, "Not named in its answers"
    return NO_ANSWERS, "No answers recorded"


def vendor(chosen: Vendor) -> Measure:
    return Measure(
        key="vendor",
        caption=f"Records vendor {chosen.name}",
        categories=(NAMED, NOT_NAMED, NO_ANSWERS),
        classify=_vendor,
        question=chosen.name,
    )


INTENDS = Category("strong", "Intends to use it", "●")
NO_INTENTION = Category("weak", "No intention to use it", "○")
UNSURE = Category("middle", "Unsure", "~")
NOT_STATED = Category("unknown", "Not stated", "?")


def _intent(record) -> tuple[Category, str]:
    category = {
        Answer.Intent.INTENDS: INTENDS,
        Answer.Intent.NO_INTENTION: NO_INTENTION,
        Answer.Intent.UNSURE: UNSURE,
    }.get(record.live_fr_intent or "", NOT_STATED)
    return category, category.label


def live_facial_recognition_intent() -> Measure:
    return Measure(
        key="intent",
        caption="Intends to use live facial recognition in future",
        categories=(INTENDS, NO_INTENTION, UNSURE, NOT_STATED),
        classify=_intent,
        question="intends to use live facial recognition",
    )
