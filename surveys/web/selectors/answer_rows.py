"""The flat answers download, one row per answer, streamed in chunks."""

from __future__ import annotations

from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Publication,
)
from surveys.values import kinds_text, vendor_entry_text

# Each field the download credits to its own publication (empty where the field is not
# stated), as the API's ``sources`` does; the import reads these columns back.
SOURCE_COLUMNS = tuple(f"{name}_source" for name, _ in Answer.SOURCED_FIELDS)

# What each column of the answers download holds, as the open-data page lists it.
ANSWER_COLUMN_NOTES = {
    "round": "The survey round (its year).",
    "body": "The body's full name.",
    "body_slug": "The body's stable identifier, as in its page's address.",
    "system_type": "The system type's identifier (system_types.slug).",
    "operates": "yes or no: whether the body operates the system; empty when not stated.",
    "vendors": "The vendors the answer names, separated by '; ', each followed by "
    "'(software)' where the source names it for a video management system rather than as the "
    "equipment's maker; empty when it names none.",
    "aware_of_concerns": "yes or no: whether the body said it was aware of security or ethical "
    "concerns about the vendor; empty when not stated.",
    "intent": "Whether the body intends to use the system in future (for facial recognition: "
    "live facial recognition): intends, no_intention or unsure; empty when not stated.",
    "source": "The code of the publication the answer comes from (publications.code).",
    "notes": "Notes on the answer; may be empty.",
    "kinds": "For facial recognition, the kinds the source states (live, retrospective, ...), "
    "separated by '; '; a kind not listed is not known, not 'no'; empty when none is stated, "
    "and for other system types.",
    "unit_count": "How many units (e.g. drones) the body said it has; empty when not stated.",
    "says_vendor_of_concern": "yes or no: the body's own statement whether it uses equipment "
    "from a vendor of concern; empty when not stated.",
    **{
        column: f"The code of the publication that states {name}; empty where {name} is not "
        "stated. It is the answer's source unless another publication gave this field."
        for column, name in zip(SOURCE_COLUMNS, (n for n, _ in Answer.SOURCED_FIELDS), strict=True)
    },
}


def answer_rows(*, year: int | None = None, chunk_size: int = 5000):
    """Per-body answers as rows, one chunk of answers at a time (constant memory)."""
    answers = Answer.objects.order_by("pk")
    if year:
        answers = answers.filter(survey_return__survey_round__year=year)
    fields = (
        "pk",
        "survey_return__survey_round__year",
        "survey_return__body__name",
        "survey_return__body__slug",
        "system_type__slug",
        "operates",
        "unit_count",
        "says_vendor_of_concern",
        "aware_of_concerns",
        "intent",
        "source__code",
        "notes",
        "source_id",
        *(f"{source_name}_id" for _, source_name in Answer.SOURCED_FIELDS),
    )
    # A few dozen publications: read once rather than joined seven times per answer.
    codes = dict(Publication.objects.values_list("pk", "code"))
    last_pk = 0
    while True:  # keyset pagination: each chunk is one indexed query, whatever the size
        chunk = list(answers.filter(pk__gt=last_pk).values(*fields)[:chunk_size])
        if not chunk:
            return
        ids = [row["pk"] for row in chunk]
        vendors: dict[int, list[str]] = {}
        for answer_id, name, role in (
            AnswerVendor.objects.filter(answer_id__in=ids)
            .order_by("vendor__name")
            .values_list("answer_id", "vendor__name", "role")
        ):
            vendors.setdefault(answer_id, []).append(vendor_entry_text(name, role))
        kinds: dict[int, list[str]] = {}
        for answer_id, kind in AnswerKind.objects.filter(answer_id__in=ids).values_list(
            "answer_id", "kind"
        ):
            kinds.setdefault(answer_id, []).append(kind)
        for row in chunk:
            named = vendors.get(row["pk"], [])
            row["kinds"] = kinds.get(row["pk"], [])
            yield [
                row["survey_return__survey_round__year"],
                row["survey_return__body__name"],
                row["survey_return__body__slug"],
                row["system_type__slug"],
                _yes_no_blank(row["operates"]),
                "; ".join(named),
                _yes_no_blank(row["aware_of_concerns"]),
                row["intent"],
                row["source__code"],
                row["notes"],
                kinds_text(row["kinds"]) if row["kinds"] else "",
                "" if row["unit_count"] is None else row["unit_count"],
                _yes_no_blank(row["says_vendor_of_concern"]),
                *_credits(row, named, codes),
            ]
        last_pk = chunk[-1]["pk"]


def _credits(row: dict, vendors: list[str], codes: dict[int, str]) -> list[str]:
    """Each sourced field's publication code, as ``Answer.stated_source`` gives it."""
    credits = []
    for name, source_name in Answer.SOURCED_FIELDS:
        stated = bool(vendors) if name == "vendors" else row[name] not in (None, "", [])
        source_id = row[f"{source_name}_id"] or row["source_id"]
        credits.append(codes[source_id] if stated else "")
    return credits


def _yes_no_blank(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"
