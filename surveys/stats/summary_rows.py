"""Writing the summary rows from the survey data: a round's from scratch (``round_rows``,
``body_type_rows``, ``body_round_rows``), or those one write can change, limited by ``types``
and a condition on the answers or returns (``surveys.stats.summary_parts``). Each is a few
statements whatever the number of answers; the counts are ``surveys.stats.counting``'s."""

from __future__ import annotations

from django.db import connection
from django.db.models import (
    Count,
    Exists,
    F,
    FilteredRelation,
    OuterRef,
    Q,
    QuerySet,
)

from surveys.models import (
    Answer,
    AnswerVendor,
    BodyRoundSummary,
    BodyRoundVendorSummary,
    BodyTypeSummary,
    BodyVendorSummary,
    Return,
    RoundSummary,
    RoundSystemType,
    RoundTypeSummary,
    RoundTypeValueSummary,
    RoundTypeVendorSummary,
    SurveyRound,
    SystemType,
    counts_toward_concern,
)
from surveys.stats.counting import (
    Ids,
    answer_counts,
    body_round_vendor_counts,
    body_vendor_counts,
    cited_rows,
    figure_rows,
    round_counts,
    stated_rows,
    vendor_link_counts,
    vendor_rows_by_round,
)
from surveys.stats.facts import flag
from surveys.stats.figures import concern_links

RESPONDED = Return.Status.RESPONDED
EVERY = Q()  # no condition: every answer or return of the round
# The choice fields of the answers whose stated values are counted (``stats.stated_counts``).
STATED_FIELDS = ("intent",)  # kinds, a set per answer, are counted from AnswerKind


def asked_type_ids(survey_round: SurveyRound) -> list[int]:
    """The system types ``survey_round`` asked about: those it lists, or else every one of
    the survey's own categories (a grouping only a source used is never asked about)."""
    listed = RoundSystemType.objects.filter(survey_round=survey_round).values_list(
        "system_type_id", flat=True
    )
    return list(listed) or list(
        SystemType.objects.filter(is_survey_category=True).values_list("pk", flat=True)
    )


def round_summaries(rounds: list[SurveyRound]) -> list[RoundSummary]:
    return [
        RoundSummary(survey_round_id=pk, invited=invited, responded=responded)
        for pk, invited, responded in round_counts(rounds)
    ]


def type_summaries(rounds: list[SurveyRound], types: Ids = None) -> list[RoundTypeSummary]:
    """Per (round, system type) with an answer: every figure's counts (four queries)."""
    every_answer = answer_counts(rounds, types)
    links = vendor_link_counts(rounds, types)
    figures = figure_rows(rounds, types)
    cited = cited_rows(rounds, types)
    return [
        RoundTypeSummary(
            survey_round_id=round_id,
            system_type_id=type_id,
            answers=every_answer.get((round_id, type_id), 0),
            answered=figures.get((round_id, type_id), {}).get("answered", 0),
            vendor_links=links.get((round_id, type_id), 0),
            cited=cited.get((round_id, type_id), {}),
            counts={
                k: v for k, v in figures.get((round_id, type_id), {}).items() if k != "answered"
            },
        )
        for round_id, type_id in sorted(set(every_answer) | set(figures))
    ]


def vendor_summaries(
    rounds: list[SurveyRound], types: Ids = None, vendors: Ids = None
) -> list[RoundTypeVendorSummary]:
    return [
        RoundTypeVendorSummary(
            survey_round_id=row["round_id"],
            system_type_id=row["system_type_id"],
            vendor_id=row["vendor_id"],
            role=row["role"],
            bodies=row["bodies"],
        )
        for row in vendor_rows_by_round(rounds, types, vendors)
    ]


def value_summaries(rounds: list[SurveyRound], types: Ids = None) -> list[RoundTypeValueSummary]:
    return [
        RoundTypeValueSummary(
            survey_round_id=round_id, system_type_id=type_id, field=field, value=value, bodies=n
        )
        for field in STATED_FIELDS
        for (round_id, type_id), counts in stated_rows(rounds, field, types).items()
        for value, n in counts.items()
    ]


def round_rows(rounds: list[SurveyRound]) -> None:
    """The rows per round and per round and system type (and vendor, and value)."""
    RoundSummary.objects.bulk_create(round_summaries(rounds))
    RoundTypeSummary.objects.bulk_create(type_summaries(rounds))
    RoundTypeVendorSummary.objects.bulk_create(vendor_summaries(rounds))
    RoundTypeValueSummary.objects.bulk_create(value_summaries(rounds))


def body_vendor_rows() -> None:
    """Every body's rows per vendor: one INSERT ... SELECT statement."""
    _insert_rows(BodyVendorSummary, body_vendor_counts(), ("body_id", "vendor_id", "answers"))


def body_round_vendor_rows(rounds: list[SurveyRound], pairs: Q | None = None) -> None:
    """The rounds' rows per body and vendor (those of ``pairs``, a condition on the links'
    bodies and vendors, or every one): one INSERT ... SELECT statement."""
    _insert_rows(
        BodyRoundVendorSummary,
        body_round_vendor_counts(rounds, pairs=pairs),
        ("survey_round_id", "body_id", "vendor_id", "answers"),
    )


def _insert_rows(model, rows: QuerySet, columns: tuple[str, ...]) -> None:
    """INSERT INTO ``model`` (columns) the rows of a values_list query, in the database."""
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(c) for c in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params)


def body_type_rows(
    survey_round: SurveyRound, concern_ids: set[int], asked: list[int], answers: Q = EVERY
) -> None:
    """The round's per-answer flags (of the answers matching ``answers``): one INSERT ...
    SELECT statement, whatever the number of bodies."""
    # Per answer, probes of its vendor links by the (answer, vendor) index: the same rules as
    # CONCERN_USERS.counts and .known (the tests hold them equal), in a form that stays
    # an index lookup per answer at any size.
    links = AnswerVendor.objects.filter(answer=OuterRef("pk"))
    rows = Answer.objects.filter(survey_return__survey_round=survey_round).filter(
        answers, survey_return__status=RESPONDED
    )
    _insert(
        BodyTypeSummary,
        rows,
        survey_return=F("survey_return_id"),
        body=F("survey_return__body_id"),
        survey_round=F("survey_return__survey_round_id"),
        system_type=F("system_type_id"),
        asked=flag(Q(system_type__in=asked)),
        operates=F("operates"),
        uses_concern=Exists(links.filter(concern_links(concern_ids, prefix=""))),
        vendors_known=flag(
            Q(Exists(links.filter(counts_toward_concern())))
            | Q(operates=False)
            | Q(says_vendor_of_concern=False)
        ),
    )


def body_round_rows(
    survey_round: SurveyRound, asked: list[int], bodies: list[int] | None = None
) -> None:
    """Per return (of ``bodies``, or every one), counted from its per-answer flags: one
    INSERT ... SELECT statement, after ``body_type_rows``."""
    summaries = "round_type_summaries"
    condition = Q(type_summaries__survey_round=survey_round)
    rows = Return.objects.filter(survey_round=survey_round)
    if bodies is not None:
        rows = rows.filter(body__in=bodies)
        # Said again of the flags joined (each return's own): their index finds them.
        every_type = list(SystemType.objects.values_list("pk", flat=True))
        condition &= Q(type_summaries__system_type__in=every_type, type_summaries__body__in=bodies)
    rows = rows.annotate(
        round_type_summaries=FilteredRelation("type_summaries", condition=condition)
    )
    rows = rows.annotate(
        n_answered=Count(summaries),
        n_operated=Count(summaries, filter=Q(round_type_summaries__operates=True)),
        n_asked=Count(summaries, filter=Q(round_type_summaries__asked=True)),
        n_asked_known=Count(
            summaries,
            filter=Q(
                round_type_summaries__asked=True, round_type_summaries__operates__isnull=False
            ),
        ),
        n_concern=Count(summaries, filter=Q(round_type_summaries__uses_concern=True)),
        n_known=Count(summaries, filter=Q(round_type_summaries__vendors_known=True)),
    )
    _insert(
        BodyRoundSummary,
        rows,
        survey_return=F("pk"),
        body=F("body_id"),
        survey_round=F("survey_round_id"),
        status=F("status"),
        status_is_derived=F("status_is_derived"),
        answered=F("n_answered"),
        operated=F("n_operated"),
        answers_complete=flag(Q(n_asked=len(asked))),
        operates_complete=flag(Q(n_asked_known=len(asked))),
        uses_concern=flag(Q(n_concern__gt=0)),
        vendors_known=flag(Q(n_known__gt=0)),
    )


def _insert(model, queryset: QuerySet, **columns) -> None:
    """INSERT INTO ``model`` (columns) SELECT ... FROM ``queryset``, in the database."""
    aliases = {f"summary_{name}": expression for name, expression in columns.items()}
    rows = queryset.annotate(**aliases).values(*aliases).order_by()
    select, params = rows.query.sql_with_params()
    quote = connection.ops.quote_name
    names = ", ".join(quote(model._meta.get_field(name).column) for name in columns)
    with connection.cursor() as cursor:
        cursor.execute(f"INSERT INTO {quote(model._meta.db_table)} ({names}) {select}", params)
