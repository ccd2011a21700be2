"""The records each public page shows: bodies, system types, vendors, corrections, about."""

from __future__ import annotations

from collections import Counter

from django.db.models import Count, Exists, OuterRef, Q, QuerySet, Subquery, Sum
from django.db.models.functions import Coalesce
from django.shortcuts import get_object_or_404

from surveys import stats
from surveys.caching import cached, data_last_changed
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Body,
    CommissionerTerm,
    Correction,
    Publication,
    PublicEvidence,
    PublishedFinding,
    Return,
    RoundTypeSummary,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)
from surveys.stats import findings_for_display
from surveys.stats.publications import publications, publications_by_pk
from surveys.stats.summaries import ensure_current
from surveys.values import ANSWER_KINDS
from surveys.web.chart_data import system_summary, system_type_chart
from surveys.web.selectors.attached import ANSWER_LINK_LISTS, corrections_of, with_sources
from surveys.web.selectors.rounds import all_rounds, default_round

LIST_LIMIT = 50  # longer lists of bodies are left to the filterable bodies table


def round_has_returns(survey_round: SurveyRound) -> bool:
    """Whether any per-body return is recorded for the round. Without one (2017, 2019), which
    bodies were invited is not known. Read from ``round_from_param``'s annotation when there."""
    known = getattr(survey_round, "has_returns", None)
    if known is None:
        return Return.objects.filter(survey_round=survey_round).exists()
    return known


def with_answer_kinds(bodies: QuerySet[Body], survey_round: SurveyRound, system_type: SystemType):
    """``bodies`` with ``kind_<code>`` for each kind of facial recognition: whether its answer
    about ``system_type`` states that kind (in the same query, one EXISTS a kind)."""
    stated = AnswerKind.objects.filter(
        answer__survey_return__body=OuterRef("pk"),
        answer__survey_return__survey_round=survey_round,
        answer__system_type=system_type,
    )
    return bodies.annotate(
        **{f"kind_{code}": Exists(stated.filter(kind=code)) for code, _ in ANSWER_KINDS}
    )


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
    ensure_current()  # the rounds' summaries say which have no returns
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
                named.values("survey_round").annotate(c=Count("survey_round")).values("c")[:1]
            ),
            non_respondents_named_by=Subquery(named.values("source__code")[:1]),
        )
        .order_by("survey_round__year")
    )
    source_fields = [source for _, source in Answer.SOURCED_FIELDS]
    answers = with_sources(
        Answer.objects.filter(survey_return__body__in=lineage)
        .select_related("system_type")
        .prefetch_related(*ANSWER_LINK_LISTS)
        .order_by("survey_return__survey_round__year", "system_type__position")
    )
    # Each answer's return is one of ``returns`` (with its round and body): put in place, not
    # read again for every answer.
    of_return = {r.pk: r for r in returns}
    return_field = Answer._meta.get_field("survey_return")
    for answer in answers:
        return_field.set_cached_value(answer, of_return[answer.survey_return_id])
    corrections = corrections_of(answers, returns)
    # A derived status's source does not name the body: it is cited as what it is derived from.
    sources = {r.source_id: r.source for r in returns if not r.status_is_derived}
    for a in answers:
        for source in (a.source, *(getattr(a, name) for name in source_fields)):
            if source is not None:
                sources[source.pk] = source
    derived_from = {r.source_id: r.source for r in returns if r.status_is_derived}
    evidence = list(
        PublicEvidence.objects.filter(body__in=lineage).select_related("system_type", "vendor")
    )
    of_body, by_pk = {b.pk: b for b in lineage}, publications_by_pk()
    for e in evidence:  # its body is one of the lineage; its source one of the publications
        PublicEvidence.body.field.set_cached_value(e, of_body[e.body_id])
        PublicEvidence.source.field.set_cached_value(e, by_pk[e.source_id])
    # From the cached publications, whether or not the body has an area.
    ons_source = publications().get("ONSPFA2020")
    # Later evidence and corrections of its answers name the body too.
    for named in (*evidence, *corrections):
        sources[named.source_id] = named.source
    return {
        "body": body,
        "predecessors": lineage[1:],
        "successors": body.successor_line(),
        "ons_source": ons_source if body.ons_code else None,
        "rounds_without_returns": list(
            SurveyRound.objects.filter(Q(summary=None) | Q(summary__invited=0)).order_by("year")
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
    answers_shown = with_sources(
        answers.select_related("survey_return__body", "survey_return__survey_round")
        .prefetch_related(*ANSWER_LINK_LISTS)
        .order_by("survey_return__body__name")[:LIST_LIMIT]
    )
    chart = system_type_chart(system_type, views, [str(r.year) for r in rounds])
    evidence = PublicEvidence.objects.filter(system_type=system_type)
    return {
        "rounds": every_round,
        "not_asked": [r for r in every_round if not r.covers(system_type)],
        "evidence_total": evidence.count(),
        "evidence": list(evidence.select_related("body", "source")) if show_evidence else None,
        "system_type": system_type,
        "views": views,
        "corrected": [v for v in views if v.correction],
        "per_round": per_round,
        "breakdown": [(year_of[v.round_id], v) for v in breakdown],
        "answers": answers_shown,
        # Asked whether or not the list is full: the same queries whatever the data.
        "answers_total": _answers_recorded(answers_round, system_type),
        "latest_year": answers_round.year if answers_round else None,
        "chart": chart,
        "chart_summary": system_summary(system_type, views),
    }


def _answers_recorded(survey_round: SurveyRound, system_type: SystemType) -> int:
    """Every answer about ``system_type`` in ``survey_round``, whatever the status (from its
    summary, which ``all_rounds`` found current)."""
    recorded = RoundTypeSummary.objects.filter(survey_round=survey_round, system_type=system_type)
    return recorded.values_list("answers", flat=True).first() or 0


def system_types_index():
    ensure_current()
    rounds = list(SurveyRound.objects.order_by("year"))
    findings = dict(
        PublishedFinding.objects.values("system_type")
        .annotate(n=Count("pk"))
        .values_list("system_type", "n")
    )
    answered = dict(
        RoundTypeSummary.objects.values("system_type")
        .annotate(n=Sum("answers"))
        .values_list("system_type", "n")
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
    ensure_current()

    def count(model, field: str):
        rows = model.objects.filter(**{field: OuterRef("pk")}).order_by().values(field)
        return Coalesce(Subquery(rows.annotate(n=Count("pk")).values("n")), 0)

    return Vendor.objects.select_related("country_source").annotate(
        n_concerns=count(VendorConcern, "vendor"),
        n_bodies=Coalesce("summary__bodies", 0),
        n_findings=count(PublishedFinding, "vendor"),
    )


def vendor_detail(slug: str, *, as_published: bool = False):
    vendor = get_object_or_404(
        Vendor.objects.select_related("country_source").prefetch_related("aliases"), slug=slug
    )
    rounds = list(SurveyRound.objects.order_by("year"))
    year_of = {r.pk: r.year for r in rounds}
    types = {t.pk: t for t in SystemType.objects.all()}
    breakdown = stats.vendor_breakdown(rounds, vendor_id=vendor.pk)
    links = AnswerVendor.objects.filter(vendor=vendor)
    order = ["-answer__survey_return__survey_round__year", "answer__survey_return__body"]
    listed = _rounds_listed(rounds, breakdown)
    if listed is not None:
        links = links.filter(answer__survey_return__survey_round__in=listed)
        if len(listed) == 1:  # one round, one year: by body alone, which its index serves
            order = order[1:]
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
            links.select_related(
                "answer__survey_return__body",
                "answer__survey_return__survey_round",
                "answer__system_type",
                "answer__source",
                "answer__vendors_source",
            ).order_by(*order)[:LIST_LIMIT]
        ),
    }


def _rounds_listed(rounds: list[SurveyRound], breakdown) -> list[int] | None:
    """The newest rounds that hold the first ``LIST_LIMIT`` of a vendor's answers (listed
    newest round first), from its breakdown, which counts each round's answers of responding
    bodies naming it (one per system type and role): a floor of the round's answers naming
    it. None where every round is needed. The list then sorts those rounds' answers only."""
    named = Counter()
    for count in breakdown:
        named[count.round_id] += count.bodies
    listed, total = [], 0
    for survey_round in reversed(rounds):
        listed.append(survey_round.pk)
        total += named[survey_round.pk]
        if total >= LIST_LIMIT:
            return listed
    return None


# --- Corrections ------------------------------------------------------------------------------


def corrections_list() -> QuerySet[Correction]:
    """Every published correction (drafts are the editors' alone), newest first, with what
    it corrects: for the pages, the API and the feed."""
    return Correction.objects.published().with_targets()


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
            (stats.Agreement.LABELS[s], stats.Agreement.MEANINGS[s]) for s in stats.Agreement.LABELS
        ],
    }


# --- Downloads --------------------------------------------------------------------------------
