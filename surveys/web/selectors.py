"""Page-level read functions: one per page, each a fixed number of queries, returning a page's
context (a dict, or a dataclass where one is shared).

They combine the statistics of ``stats`` with the records a page lists. Views stay thin.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db.models import Count, Exists, OuterRef, Prefetch, Q, QuerySet, Subquery, Value
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from surveys import stats
from surveys.caching import cached, data_last_changed
from surveys.charts import ChartData
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    CommissionerTerm,
    Correction,
    KeyFinding,
    Publication,
    PublicEvidence,
    PublishedFinding,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.stats import findings_for_display
from surveys.web.chart_data import category_chart, system_summary, system_type_chart, trend_chart

Metric = PublishedFinding.Metric
LIST_LIMIT = 50  # longer lists of bodies are left to the filterable bodies table
CONCERN_METRICS = (Metric.CONCERN_USERS, Metric.VENDOR_USERS)


def all_rounds() -> list[SurveyRound]:
    """Every round, oldest first, with the system types each covers (two queries)."""
    coverage = RoundSystemType.objects.select_related("system_type")
    return list(
        SurveyRound.objects.annotate(
            has_returns=Exists(Return.objects.filter(survey_round=OuterRef("pk")))
        )
        .select_related("source")
        .order_by("year")
        .prefetch_related(Prefetch("coverage", coverage))
    )


def default_round(rounds: list[SurveyRound]) -> SurveyRound | None:
    """The latest round that asked about every system type (a round about drones only, like
    2023's, is not what a page shows first); the latest round when none did."""
    full = [r for r in rounds if r.covered_type_ids() is None]
    return (full or rounds or [None])[-1]


def rounds_covering(system_type: SystemType) -> list[SurveyRound]:
    """The rounds that asked about ``system_type``, oldest first."""
    return [r for r in all_rounds() if r.covers(system_type)]


def round_from_param(value: str | None) -> tuple[SurveyRound | None, list[SurveyRound], str]:
    """The round a ``?round=YEAR`` asks for (the latest full round when absent), all rounds,
    and an error."""
    rounds = all_rounds()
    latest = default_round(rounds)
    if not value:
        return latest, rounds, ""
    chosen = next((r for r in rounds if str(r.year) == value.strip()), None)
    if chosen is None:
        years = ", ".join(str(r.year) for r in rounds)
        return latest, rounds, f"There is no survey round {value[:20]!r}; choose one of {years}."
    return chosen, rounds, ""


# --- Overview ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class SystemCard:
    system_type: SystemType
    findings: list[stats.FindingView]
    computed: stats.Figure


@dataclass(frozen=True)
class KeySentence:
    """One sentence of "Key findings": the editor's words around the finding's value."""

    key_finding: KeyFinding
    view: stats.FindingView
    as_published: bool

    @property
    def text(self) -> str:
        finding = self.view.finding
        value = finding.format_value() if self.as_published else self.view.current_display
        text = self.key_finding.text(value)
        return text[:1].upper() + text[1:]


@dataclass(frozen=True)
class Overview:
    survey_round: SurveyRound
    key_sentences: list[KeySentence]
    rounds: list[SurveyRound]
    response: stats.RoundResponse | None
    response_findings: list[stats.FindingView]
    cards: list[SystemCard]
    category_chart: ChartData
    category_summary: str
    trend_chart: ChartData
    trend_summary: str


def overview(*, survey_round: SurveyRound, rounds: list[SurveyRound], as_published: bool = False):
    views = stats.finding_views(
        findings_for_display()
        .filter(survey_round=survey_round)
        .order_by("publication__published_on", "pk"),
        as_published=as_published,
    )
    key_findings = list(
        KeyFinding.objects.filter(finding__survey_round=survey_round).order_by("position")
    )
    # Each sentence knows its finding's correction even when the reader asks for the figures
    # as published, so it can say that a correction exists.
    current = {v.finding.pk: v for v in views}
    if as_published and key_findings:
        chosen = [current[k.finding_id].finding for k in key_findings]
        current = {v.finding.pk: v for v in stats.finding_views(chosen)}
    key_sentences = [KeySentence(k, current[k.finding_id], as_published) for k in key_findings]
    responses = stats.response_by_round()
    by_type = stats.system_type_stats(survey_round=survey_round)
    concern_views = [v for v in views if v.finding.metric in CONCERN_METRICS]
    cards = [
        SystemCard(
            system_type=row.system_type,
            findings=[v for v in concern_views if v.finding.system_type_id == row.system_type.pk],
            computed=row.concern_users,
        )
        for row in by_type
    ]
    chart, chart_summary = category_chart(survey_round, views, by_type)
    trend, trend_summary = trend_chart(rounds, responses)
    return Overview(
        survey_round=survey_round,
        key_sentences=key_sentences,
        rounds=rounds,
        response=next((r for r in responses if r.year == survey_round.year), None),
        response_findings=[
            v
            for v in views
            if v.finding.metric in (Metric.INVITED, Metric.RESPONDED, Metric.RESPONSE_RATE)
        ],
        cards=[c for c in cards if c.findings or c.computed.value is not None],
        category_chart=chart,
        category_summary=chart_summary,
        trend_chart=trend,
        trend_summary=trend_summary,
    )


# --- Bodies -----------------------------------------------------------------------------------


def bodies_for_round(survey_round: SurveyRound) -> QuerySet[Body]:
    """Every body with its status and answer counts in ``survey_round`` (one query)."""
    concern_ids = stats.concern_vendor_ids([survey_round])[survey_round.pk]
    answers = Answer.objects.filter(
        survey_return__body=OuterRef("pk"),
        survey_return__survey_round=survey_round,
        survey_return__status=Return.Status.RESPONDED,
    )

    def count(qs):
        return Coalesce(
            Subquery(
                qs.order_by().values("survey_return__body").annotate(c=Count("pk")).values("c")
            ),
            0,
        )

    survey_return = Return.objects.filter(body=OuterRef("pk"), survey_round=survey_round)
    return Body.objects.annotate(
        status=Subquery(survey_return.values("status")[:1]),
        status_is_derived=Subquery(survey_return.values("status_is_derived")[:1]),
        answered=count(answers),
        operated=count(answers.filter(operates=True)),
        # Answers that say whether the body operates the type: none, and "operated" is unknown.
        operates_known=count(answers.filter(operates__isnull=False)),
        vendors_known=Exists(answers.filter(stats.CONCERN_USERS.known({}))),
        uses_concern=Exists(answers.filter(answer_vendors__vendor__in=concern_ids)),
    )


def round_has_returns(survey_round: SurveyRound) -> bool:
    """Whether any per-body return is recorded for the round. Without one (2017, 2019), which
    bodies were invited is not known. Read from ``round_from_param``'s annotation when there."""
    known = getattr(survey_round, "has_returns", None)
    if known is None:
        return Return.objects.filter(survey_round=survey_round).exists()
    return known


def with_answer_kind(bodies: QuerySet[Body], survey_round: SurveyRound, system_type: SystemType):
    """``bodies`` with ``answer_kind``: the kind of ``system_type`` its answer gives (facial
    recognition: live, retrospective...), empty where not stated."""
    answer = Answer.objects.filter(
        survey_return__body=OuterRef("pk"),
        survey_return__survey_round=survey_round,
        system_type=system_type,
    )
    return bodies.annotate(answer_kind=Coalesce(Subquery(answer.values("kind")[:1]), Value("")))


def body_detail(slug: str):
    """A body's page: its own records and those of the bodies it succeeded (a merger), so its
    history continues across rounds; and later public evidence, apart from the survey."""
    body = get_object_or_404(
        Body.objects.select_related("source", "succeeded_by", "succession_source").prefetch_related(
            "aliases__source", "predecessors"
        ),
        slug=slug,
    )
    lineage = body.lineage()
    # For a derived "responded": the non-respondents its round names, and who names them.
    named = Return.objects.filter(
        survey_round=OuterRef("survey_round"),
        status=Return.Status.DID_NOT_RESPOND,
        status_is_derived=False,
    ).order_by()
    returns = list(
        Return.objects.filter(body__in=lineage)
        .select_related("survey_round", "source", "body")
        .annotate(
            named_non_respondents=Subquery(
                named.values("survey_round").annotate(c=Count("pk")).values("c")[:1]
            ),
            non_respondents_named_by=Subquery(named.values("source__code")[:1]),
        )
        .order_by("survey_round__year")
    )
    source_fields = [source for _, source in Answer.SOURCED_FIELDS]
    answers = list(
        Answer.objects.filter(survey_return__body__in=lineage)
        .select_related(
            "survey_return__survey_round",
            "survey_return__body",
            "system_type",
            "source",
            *source_fields,
        )
        .prefetch_related(Prefetch("vendors", queryset=Vendor.objects.order_by("name")))
        .order_by("survey_return__survey_round__year", "system_type__position")
    )
    corrections = list(
        Correction.objects.published()
        .filter(Q(answer__survey_return__body__in=lineage) | Q(survey_return__body__in=lineage))
        .select_related(
            "source",
            "answer__system_type",
            "answer__survey_return__survey_round",
            "answer__survey_return__body",
            "survey_return__survey_round",
            "survey_return__body",
        )
    )
    # A derived status's source does not name the body: it is cited as what it is derived from.
    sources = {r.source_id: r.source for r in returns if not r.status_is_derived}
    for a in answers:
        for source in (a.source, *(getattr(a, name) for name in source_fields)):
            if source is not None:
                sources[source.pk] = source
    derived_from = {r.source_id: r.source for r in returns if r.status_is_derived}
    evidence = list(
        PublicEvidence.objects.filter(body__in=lineage).select_related(
            "body", "system_type", "vendor", "source"
        )
    )
    return {
        "body": body,
        "predecessors": lineage[1:],
        "successors": body.successor_line(),
        "ons_source": Publication.objects.filter(code="ONSPFA2020").first()
        if body.ons_code
        else None,
        "rounds_without_returns": list(
            SurveyRound.objects.exclude(returns__isnull=False).order_by("year")
        ),
        "evidence": evidence,
        "returns": returns,
        "derived_from": sorted(
            (p for pk, p in derived_from.items() if pk not in sources), key=lambda p: p.code
        ),
        "answers": answers,
        "corrections": corrections,
        "sources": sorted(sources.values(), key=lambda p: p.code),
    }


# --- System types -----------------------------------------------------------------------------


def system_type_detail(slug: str, *, as_published: bool = False, show_evidence: bool = False):
    system_type = get_object_or_404(SystemType, slug=slug)
    every_round = all_rounds()
    rounds = [r for r in every_round if r.covers(system_type)]
    answers_round = default_round(rounds)
    views = stats.finding_views(
        findings_for_display()
        .filter(system_type=system_type)
        .order_by("survey_round__year", "publication__published_on", "pk"),
        as_published=as_published,
    )
    by_key = stats.system_type_stats_by_round(rounds, system_type_ids=[system_type.pk])
    per_round = [(r, by_key[(r.pk, system_type.pk)]) for r in rounds]
    breakdown = stats.vendor_breakdown(rounds, system_type=system_type)
    year_of = {r.pk: r.year for r in rounds}
    # The latest full round's answers; every round's are in the bodies table and the downloads.
    answers = Answer.objects.filter(
        system_type=system_type, survey_return__survey_round=answers_round
    )
    answers_shown = list(
        answers.select_related(
            "survey_return__body",
            "survey_return__survey_round",
            "source",
            *(source for _, source in Answer.SOURCED_FIELDS),
        )
        .prefetch_related(Prefetch("vendors", queryset=Vendor.objects.order_by("name")))
        .order_by("survey_return__body__name")[:LIST_LIMIT]
    )
    chart = system_type_chart(system_type, views, [str(r.year) for r in rounds])
    evidence = PublicEvidence.objects.filter(system_type=system_type)
    return {
        "not_asked": [r for r in every_round if not r.covers(system_type)],
        "evidence_total": evidence.count(),
        "evidence": list(evidence.select_related("body", "source")) if show_evidence else None,
        "system_type": system_type,
        "views": views,
        "corrected": [v for v in views if v.correction],
        "per_round": per_round,
        "breakdown": [(year_of[v.round_id], v) for v in breakdown],
        "answers": answers_shown,
        "answers_total": answers.count()
        if len(answers_shown) == LIST_LIMIT
        else len(answers_shown),
        "latest_year": answers_round.year if answers_round else None,
        "chart": chart,
        "chart_summary": system_summary(system_type, views),
    }


def system_types_index():
    rounds = list(SurveyRound.objects.order_by("year"))
    findings = dict(
        PublishedFinding.objects.values("system_type")
        .annotate(n=Count("pk"))
        .values_list("system_type", "n")
    )
    answered = dict(
        Answer.objects.values("system_type").annotate(n=Count("pk")).values_list("system_type", "n")
    )
    return {
        "rounds": rounds,
        "system_types": [
            (t, findings.get(t.pk, 0), answered.get(t.pk, 0)) for t in SystemType.objects.all()
        ],
    }


# --- Vendors ----------------------------------------------------------------------------------


def vendors_index() -> list[Vendor]:
    return cached("vendors_index", (), lambda: list(_vendors_index()))


def _vendors_index():
    return Vendor.objects.select_related("country_source").annotate(
        n_concerns=Count("concerns", distinct=True),
        n_bodies=Count(
            "answer_vendors__answer__survey_return__body",
            filter=Q(answer_vendors__answer__survey_return__status=Return.Status.RESPONDED),
            distinct=True,
        ),
        n_findings=Count("findings", distinct=True),
    )


def vendor_detail(slug: str, *, as_published: bool = False):
    vendor = get_object_or_404(
        Vendor.objects.select_related("country_source").prefetch_related("aliases"), slug=slug
    )
    rounds = list(SurveyRound.objects.order_by("year"))
    year_of = {r.pk: r.year for r in rounds}
    types = {t.pk: t for t in SystemType.objects.all()}
    breakdown = stats.vendor_breakdown(rounds, vendor_id=vendor.pk)
    return {
        "vendor": vendor,
        "concerns": list(vendor.concerns.select_related("source")),
        "breakdown": [(year_of[v.round_id], types[v.system_type_id], v) for v in breakdown],
        "views": stats.finding_views(
            findings_for_display().filter(vendor=vendor).order_by("survey_round__year", "pk"),
            as_published=as_published,
        ),
        "evidence": list(
            PublicEvidence.objects.filter(vendor=vendor).select_related("body", "source")
        ),
        "links_total": AnswerVendor.objects.filter(vendor=vendor).count(),
        "links": list(
            AnswerVendor.objects.filter(vendor=vendor)
            .select_related(
                "answer__survey_return__body",
                "answer__survey_return__survey_round",
                "answer__system_type",
                "answer__source",
                "answer__vendors_source",
            )
            .order_by("-answer__survey_return__survey_round__year", "answer__survey_return__body")[
                :LIST_LIMIT
            ]
        ),
    }


# --- Corrections ------------------------------------------------------------------------------


def corrections_list() -> QuerySet[Correction]:
    """Every published correction (drafts are the editors' alone), newest first, with what
    it corrects: for the pages, the API and the feed."""
    return Correction.objects.published().select_related(
        "source",
        "finding__publication",
        "finding__survey_round",
        "finding__system_type",
        "finding__vendor",
        "answer__survey_return__body",
        "answer__survey_return__survey_round",
        "answer__system_type",
        "survey_return__body",
        "survey_return__survey_round",
    )


def correction_detail(pk: int) -> Correction:
    return get_object_or_404(corrections_list(), pk=pk)


# --- About ------------------------------------------------------------------------------------


def about():
    return {
        "publications": list(Publication.objects.select_related("survey_round", "quotes")),
        "last_changed": data_last_changed(),
        "rounds": all_rounds(),
        "commissioner_terms": list(CommissionerTerm.objects.select_related("source")),
        "status_meanings": [
            *(
                (stats.Agreement.LABELS[s], stats.Agreement.MEANINGS[s])
                for s in stats.Agreement.LABELS
            ),
            (
                stats.Agreement.DERIVED_DENOMINATOR_LABEL,
                stats.Agreement.MEANINGS["derived_denominator"],
            ),
        ],
    }


# --- Downloads --------------------------------------------------------------------------------


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
