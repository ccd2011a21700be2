"""The counts the summary tables hold, counted from the answers and returns themselves: what
``summaries.rebuild`` writes, and what the tests compare the summaries with. ``types`` (system
type ids) and ``vendors`` (vendor ids) limit a count to the rows one write can change."""

from __future__ import annotations

from collections.abc import Collection

from django.db.models import Count, F, Q, QuerySet
from django.db.models.functions import Coalesce

from surveys.models import Answer, AnswerVendor, Return, SurveyRound
from surveys.stats import facts
from surveys.stats.figures import FIGURES, concern_vendor_ids

RESPONDED = Return.Status.RESPONDED


Ids = Collection[int] | None  # None: every one


def _answers_in(rounds: list[SurveyRound], types: Ids = None) -> QuerySet[Answer]:
    answers = Answer.objects.filter(
        survey_return__survey_round__in=rounds, survey_return__status=RESPONDED
    )
    return answers if types is None else answers.filter(system_type__in=types)


def answer_counts(rounds: list[SurveyRound], types: Ids = None) -> dict[tuple[int, int], int]:
    """Per (round id, system type id): every answer recorded, whatever the return's status
    (one query)."""
    answers = Answer.objects.filter(survey_return__survey_round__in=rounds)
    if types is not None:
        answers = answers.filter(system_type__in=types)
    rows = answers.values("survey_return__survey_round", "system_type").annotate(n=Count("pk"))
    return {
        (row["survey_return__survey_round"], row["system_type"]): row["n"]
        for row in rows.order_by()
    }


def vendor_link_counts(rounds: list[SurveyRound], types: Ids = None) -> dict[tuple[int, int], int]:
    """Per (round id, system type id): every vendor link of every answer recorded, whatever
    the return's status (one query)."""
    links = AnswerVendor.objects.filter(answer__survey_return__survey_round__in=rounds)
    if types is not None:
        links = links.filter(answer__system_type__in=types)
    rows = links.values("answer__survey_return__survey_round", "answer__system_type").annotate(
        n=Count("pk")
    )
    return {
        (row["answer__survey_return__survey_round"], row["answer__system_type"]): row["n"]
        for row in rows.order_by()
    }


def cited_rows(
    rounds: list[SurveyRound], types: Ids = None
) -> dict[tuple[int, int], dict[str, dict[str, int]]]:
    """Per (round id, system type id): for each metric a published finding is compared with
    the answers on (``facts.FACTS``), how many responding answers in its coverage cite each
    publication (by id, as text): what the summaries hold for ``stats.provenance`` (one
    query, grouped by each answer's facts and sources)."""
    flags = facts.flags()
    sources = {
        f"source_{field}": Coalesce(F(f"{facts.SOURCE_FIELD[field]}_id"), F("source_id"))
        for field in facts.CITED_FIELDS
    }
    rows = (
        _answers_in(rounds, types)
        .annotate(**flags, **sources)
        .values("survey_return__survey_round", "system_type", *flags, *sources)
        .annotate(n=Count("pk"))
        .order_by()
    )
    counted: dict[tuple[int, int], dict[str, dict[int, int]]] = {}
    for row in rows:
        key = (row["survey_return__survey_round"], row["system_type"])
        for metric, publications in facts.cited_by(row).items():
            per = counted.setdefault(key, {}).setdefault(str(metric), {})
            for publication in publications:
                per[publication] = per.get(publication, 0) + row["n"]
    return {  # in order, whatever order the rows came in: the same JSON from any rebuild
        key: {
            metric: {str(p): n for p, n in sorted(per.items())}
            for metric, per in sorted(by_metric.items())
            if per
        }
        for key, by_metric in counted.items()
    }


def round_counts(rounds: list[SurveyRound]) -> list[tuple[int, int, int]]:
    """Per round (id): the returns recorded and those responding, counted from the returns:
    what the summaries hold (one query)."""
    return list(
        SurveyRound.objects.filter(pk__in=[r.pk for r in rounds])
        .annotate(
            n_invited=Count("returns"),
            n_responded=Count("returns", filter=Q(returns__status=RESPONDED)),
        )
        .values_list("pk", "n_invited", "n_responded")
    )


def figure_rows(
    rounds: list[SurveyRound], types: Ids = None
) -> dict[tuple[int, int], dict[str, int]]:
    """Every figure's counts per (round id, system type id), counted from the answers: what
    the summaries hold (one query)."""
    concern_ids = concern_vendor_ids(rounds)
    annotations = {"answered": Count("pk", distinct=True)}
    for d in FIGURES:
        annotations.update(d.annotations(concern_ids))
    rows = (
        _answers_in(rounds, types)
        .values("survey_return__survey_round", "system_type")
        .annotate(**annotations)
        .order_by()
    )
    return {(row.pop("survey_return__survey_round"), row.pop("system_type")): row for row in rows}


def vendor_rows_by_round(
    rounds: list[SurveyRound], types: Ids = None, vendors: Ids = None
) -> list[dict]:
    """Per round, system type, vendor and role, the distinct responding bodies recording it,
    counted from the answers: what the summaries hold (one query)."""
    links = AnswerVendor.objects.filter(
        answer__survey_return__survey_round__in=rounds,
        answer__survey_return__status=RESPONDED,
    )
    if types is not None:
        links = links.filter(answer__system_type__in=types)
    if vendors is not None:
        links = links.filter(vendor__in=vendors)
    rows = (
        links.values("answer__survey_return__survey_round", "answer__system_type", "vendor", "role")
        .annotate(bodies=Count("answer__survey_return__body", distinct=True))
        .order_by()
    )
    return [
        {
            "round_id": row["answer__survey_return__survey_round"],
            "system_type_id": row["answer__system_type"],
            "vendor_id": row["vendor"],
            "role": row["role"],
            "bodies": row["bodies"],
        }
        for row in rows
    ]


def stated_rows(
    rounds: list[SurveyRound], field: str, types: Ids = None
) -> dict[tuple[int, int], dict[str, int]]:
    """``stated_counts`` counted from the answers: what the summaries hold (one query)."""
    rows = (
        _answers_in(rounds, types)
        .exclude(**{field: ""})
        .values("survey_return__survey_round", "system_type", field)
        .annotate(n=Count("survey_return__body", distinct=True))
        .order_by()
    )
    counts: dict[tuple[int, int], dict[str, int]] = {}
    for row in rows:
        key = (row["survey_return__survey_round"], row["system_type"])
        counts.setdefault(key, {})[row[field]] = row["n"]
    return counts


def vendor_rows() -> list[dict]:
    """Per vendor, the distinct responding bodies recording it in any round."""
    rows = (
        AnswerVendor.objects.filter(answer__survey_return__status=RESPONDED)
        .values("vendor")
        .annotate(bodies=Count("answer__survey_return__body", distinct=True))
        .order_by()
    )
    return [{"vendor_id": row["vendor"], "bodies": row["bodies"]} for row in rows]


def body_vendor_counts(bodies: Ids = None, vendors: Ids = None) -> QuerySet:
    """Per body and vendor, the responding answers naming the vendor, in any round, as rows
    (body, vendor, answers) of one query."""
    links = AnswerVendor.objects.filter(answer__survey_return__status=RESPONDED)
    if bodies is not None:
        links = links.filter(answer__survey_return__body__in=bodies)
    if vendors is not None:
        links = links.filter(vendor__in=vendors)
    return (
        links.values_list("answer__survey_return__body", "vendor")
        .annotate(answers=Count("answer", distinct=True))
        .order_by()
    )


def body_round_vendor_counts(rounds: list[SurveyRound], pairs: Q | None = None) -> QuerySet:
    """Per round, body and vendor, the responding answers naming the vendor, as rows (round,
    body, vendor, answers) of one query; ``pairs``: a condition on the links (body and
    vendor) limiting it to the rows one write can change."""
    links = AnswerVendor.objects.filter(
        answer__survey_return__survey_round__in=rounds, answer__survey_return__status=RESPONDED
    )
    if pairs is not None:
        links = links.filter(pairs)
    return (
        links.values_list(
            "answer__survey_return__survey_round", "answer__survey_return__body", "vendor"
        )
        .annotate(answers=Count("pk"))  # a link names a vendor once per answer
        .order_by()
    )
