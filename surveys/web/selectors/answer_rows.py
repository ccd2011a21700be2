"""The flat answers download, one row per answer, streamed in chunks."""

from __future__ import annotations

from surveys.models import (
    Answer,
    AnswerVendor,
)


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
        "kind",
        "unit_count",
        "says_vendor_of_concern",
        "aware_of_concerns",
        "intent",
        "source__code",
        "notes",
    )
    last_pk = 0
    while True:  # keyset pagination: each chunk is one indexed query, whatever the size
        chunk = list(answers.filter(pk__gt=last_pk).values_list(*fields)[:chunk_size])
        if not chunk:
            return
        vendors: dict[int, list[str]] = {}
        for answer_id, name in (
            AnswerVendor.objects.filter(answer_id__in=[row[0] for row in chunk])
            .order_by("vendor__name")
            .values_list("answer_id", "vendor__name")
        ):
            vendors.setdefault(answer_id, []).append(name)
        for (
            pk,
            year_,
            body,
            slug,
            system,
            operates,
            kind,
            units,
            says_concern,
            aware,
            intent,
            source,
            notes,
        ) in chunk:
            yield [
                year_,
                body,
                slug,
                system,
                _yes_no_blank(operates),
                "; ".join(vendors.get(pk, [])),
                _yes_no_blank(aware),
                intent,
                source,
                notes,
                kind,
                "" if units is None else units,
                _yes_no_blank(says_concern),
            ]
        last_pk = chunk[-1][0]


def _yes_no_blank(value: bool | None) -> str:
    return "" if value is None else "yes" if value else "no"
