"""What an answer's API record shows beside its own columns (its vendor links, its kinds and
the publications stating each field), read for a whole page in three queries, whatever the
page holds."""

from __future__ import annotations

from collections import defaultdict

from django.db.models import QuerySet

from surveys.models import Answer, AnswerKind, AnswerVendor, Publication

SOURCE_FIELDS = ("source", *(source for _, source in Answer.SOURCED_FIELDS))


def attach_details(answers: list[Answer], page: QuerySet[Answer]) -> list[Answer]:
    """Give each of ``answers`` (the rows of ``page``) its ``answer_vendors``, its
    ``answer_kinds`` and its sources, as ``prefetch_related`` and ``select_related`` would,
    without a join of the publications eight times over in the page's own query."""
    # An empty page asks too, of the page itself: the same queries whatever the page holds.
    ids = [answer.pk for answer in answers] or page.values("pk")
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
            "answer_vendors": _holding(AnswerVendor, links[answer.pk]),
            "answer_kinds": _holding(AnswerKind, kinds[answer.pk]),
        }
        for name in SOURCE_FIELDS:
            field = Answer._meta.get_field(name)
            publication_id = getattr(answer, field.attname)
            if publication_id is not None:
                field.set_cached_value(answer, publications[publication_id])
    return answers


def _holding(model, rows: list) -> QuerySet:
    """A queryset whose result is ``rows``, as a prefetch leaves one (never run: a related
    manager's own queryset, filtered by its answer, costs more to build than it serves)."""
    queryset = model._default_manager.get_queryset()
    queryset._result_cache = rows
    queryset._prefetch_done = True
    return queryset
