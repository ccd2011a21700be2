"""What a page's long lists of answers carry, read without a queryset per answer and without
joining again what the page has read already: an answer's vendors and kinds as plain lists,
its publications (and a correction's) from the cached publications, a body's corrections by
the ids of the answers and returns the page holds."""

from __future__ import annotations

from collections.abc import Iterable

from django.db.models import Prefetch, Q

from surveys.models import Answer, AnswerKind, AnswerVendor, Correction, Return
from surveys.stats.publications import publications_by_pk

# The same as lists (Answer.vendors_named, Answer.kinds_stated), for long tables: no queryset
# is built per answer.
ANSWER_LINK_LISTS = (
    Prefetch(
        "answer_vendors",
        queryset=AnswerVendor.objects.select_related("vendor").order_by("vendor__name"),
        to_attr=Answer.VENDORS_PREFETCHED,
    ),
    # By answer, not in the answers' own order (five joins): Answer.kinds sorts them.
    Prefetch(
        "answer_kinds",
        queryset=AnswerKind.objects.order_by("answer_id", "kind"),
        to_attr=Answer.KINDS_PREFETCHED,
    ),
)
# An answer's publications: its own and each field's (read from the cached publications, not
# joined: eight joins of one table made the planner's search the query's slowest part).
ANSWER_SOURCES = ("source", *(source for _, source in Answer.SOURCED_FIELDS))


def with_sources(answers: Iterable[Answer]) -> list[Answer]:
    """``answers`` (a queryset, read here) with the publications of ``ANSWER_SOURCES`` in
    place, as select_related would put them."""
    answers = list(answers)
    by_pk = publications_by_pk()
    fields = [Answer._meta.get_field(name) for name in ANSWER_SOURCES]
    for answer in answers:
        for field in fields:
            pk = getattr(answer, field.attname)
            field.set_cached_value(answer, by_pk[pk] if pk is not None else None)
    return answers


def corrections_of(answers: list[Answer], returns: list[Return]) -> list[Correction]:
    """The published corrections of ``answers`` and ``returns`` (a body's, with their rounds,
    bodies and system types in place): by their ids, with each answer, return and source put
    in place rather than joined again (ten joins for a table that is mostly empty)."""
    by_pk = publications_by_pk()
    of_answer, of_return = {a.pk: a for a in answers}, {r.pk: r for r in returns}
    corrections = list(
        Correction.objects.published().filter(
            Q(answer_id__in=list(of_answer)) | Q(survey_return_id__in=list(of_return))
        )
    )
    fields = [Correction._meta.get_field(name) for name in ("source", "answer", "survey_return")]
    for c in corrections:
        source, answer, survey_return = fields
        source.set_cached_value(c, by_pk[c.source_id])
        answer.set_cached_value(c, of_answer.get(c.answer_id))
        survey_return.set_cached_value(c, of_return.get(c.survey_return_id))
    return corrections
