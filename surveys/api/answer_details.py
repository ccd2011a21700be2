"""What an answer's API record shows beside its own columns (its vendor links, its kinds and
the publications stating each field), read for a whole page in three queries, whatever the
page holds: the page is a subquery of each, so an empty page asks the same questions."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from surveys.models import Answer, AnswerKind, AnswerVendor, Publication

SOURCE_FIELDS = ("source", *(source for _, source in Answer.SOURCED_FIELDS))


def attach_details(answers: list[Answer], page: QuerySet[Answer]) -> list[Answer]:
    """Give each of ``answers`` (the rows of ``page``) its ``answer_vendors``, its
    ``answer_kinds`` and its sources, as ``prefetch_related`` and ``select_related`` would,
    without a join of the publications eight times over in the page's own query."""
    ids = page.values("pk")
    links = defaultdict(list)
    for link in AnswerVendor.objects.filter(answer__in=ids).select_related("vendor").order_by("pk"):
        links[link.answer_id].append(link)
    kinds = defaultdict(list)
    for kind in AnswerKind.objects.filter(answer__in=ids).order_by("pk"):
        kinds[kind.answer_id].append(kind)
    # Every publication: a few dozen rows, edited by hand, whatever the number of answers.
    publications = {p.pk: p for p in Publication.objects.only("code").order_by()}
    for answer in answers:
        answer._prefetched_objects_cache = {
            "answer_vendors": _cached(answer, "answer_vendors", links[answer.pk]),
            "answer_kinds": _cached(answer, "answer_kinds", kinds[answer.pk]),
        }
        for name in SOURCE_FIELDS:
            field = Answer._meta.get_field(name)
            publication_id = getattr(answer, field.attname)
            if publication_id is not None:
                field.set_cached_value(answer, publications[publication_id])
    return answers


def _cached(answer: Answer, name: str, rows: list) -> QuerySet:
    """The related manager's queryset holding ``rows``, as a prefetch leaves it."""
    queryset = getattr(answer, name).all()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset
