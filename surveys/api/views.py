"""The API's read-only endpoints for the records, paginated."""

from __future__ import annotations

from django.db.models import Prefetch
from django_filters.rest_framework import DjangoFilterBackend
from django_filters.utils import translate_validation
from rest_framework import viewsets
from rest_framework.exceptions import NotFound
from rest_framework.response import Response

from surveys import stats
from surveys.api.answer_details import attach_details
from surveys.api.filters import (
    AnswerFilter,
    BodyApiFilter,
    EvidenceFilter,
    FindingApiFilter,
    ReturnFilter,
    in_round,
)
from surveys.api.finding_serializers import CorrectionSerializer, FindingSerializer

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.
from surveys.api.pagination import Pagination
from surveys.api.schema import integer_param
from surveys.api.serializers import (
    AnswerSerializer,
    BodySerializer,
    CommissionerTermSerializer,
    EvidenceSerializer,
    PublicationSerializer,
    ReturnSerializer,
    RoundSerializer,
    SystemTypeSerializer,
    VendorSerializer,
)
from surveys.models import (
    Answer,
    AnswerRound,
    Body,
    CommissionerTerm,
    Publication,
    PublicEvidence,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.web import selectors


def _by_round_only(request) -> bool:
    """The list is filtered by the round, if at all, and by nothing else."""
    return not set(request.query_params) - {"round", "limit", "offset"}


class ReadOnly(viewsets.ReadOnlyModelViewSet):
    pagination_class = Pagination

    def get_object(self):
        # No identifier holds a NUL character (and PostgreSQL cannot even compare one).
        if "\x00" in str(self.kwargs.get(self.lookup_url_kwarg or self.lookup_field, "")):
            raise NotFound()
        return super().get_object()


class BodyViewSet(ReadOnly):
    queryset = (
        Body.objects.select_related("source", "succeeded_by", "succession_source")
        .prefetch_related("aliases", "predecessors")
        .order_by("name")
    )
    serializer_class = BodySerializer
    lookup_field = "slug"
    filterset_class = BodyApiFilter


class RoundViewSet(ReadOnly):
    queryset = (
        SurveyRound.objects.select_related("source")
        .prefetch_related(
            Prefetch("coverage", RoundSystemType.objects.select_related("system_type"))
        )
        .order_by("year")
    )
    serializer_class = RoundSerializer
    lookup_field = "year"


class PublicationViewSet(ReadOnly):
    queryset = Publication.objects.select_related("survey_round").order_by("code")
    serializer_class = PublicationSerializer
    lookup_field = "code"


class SystemTypeViewSet(ReadOnly):
    queryset = SystemType.objects.order_by("position")
    serializer_class = SystemTypeSerializer
    lookup_field = "slug"


class VendorViewSet(ReadOnly):
    queryset = (
        Vendor.objects.select_related("country_source")
        .prefetch_related("aliases", "concerns__source")
        .order_by("name")
    )
    serializer_class = VendorSerializer
    lookup_field = "slug"


class ReturnViewSet(ReadOnly):
    queryset = Return.objects.select_related("body", "survey_round", "source").order_by("pk")
    serializer_class = ReturnSerializer
    filterset_class = ReturnFilter

    def records_count(self, request) -> int | None:
        """Filtered by nothing but the round: the count the summaries hold."""
        if not _by_round_only(request):
            return None
        return stats.returns_recorded(integer_param(request, "round"))


class AnswerViewSet(ReadOnly):
    # The vendor links, kinds and sources are read beside the page (``attach_details``).
    queryset = Answer.objects.select_related(
        "survey_return__body", "survey_return__survey_round", "system_type"
    ).order_by("pk")
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilter

    def filter_queryset(self, queryset):
        """As DRF's filter backend does, keeping the filter set: what it found out about a
        figure serves the count and the page."""
        self.filterset = DjangoFilterBackend().get_filterset(self.request, queryset, self)
        if not self.filterset.is_valid():
            raise translate_validation(self.filterset.errors)
        return self.filterset.qs

    def _figure_only(self, request):
        """The figure and its round, where the list is filtered by a figure (and its round)
        and nothing else."""
        if set(request.query_params) - {"figure", "round", "limit", "offset"}:
            return None
        return self.filterset.figure_rows

    def records_count(self, request) -> int | None:
        """Filtered by nothing but the round, or by a figure: the count the summaries hold."""
        if _by_round_only(request):
            return stats.answers_recorded(integer_param(request, "round"))
        if figure_rows := self._figure_only(request):
            figure, survey_round = figure_rows
            return stats.figure_answers_count(
                figure.description.name, survey_round, figure.system_type, part=figure.part
            )
        return None

    def page_ids(self, request, offset: int, limit: int):
        """Filtered by one round and nothing else: the page's ids, from the index holding
        each round's answers in id order (the round's first answer may be the millionth).
        Filtered by a figure (and its round) and nothing else: the page of the figure's
        answers, read in id order among the round's answers."""
        if figure_rows := self._figure_only(request):
            answers = stats.in_round_order(self.filterset.figure_answers, figure_rows[1])
            return answers.values("pk")[offset : offset + limit]
        year = integer_param(request, "round")
        if year is None or not _by_round_only(request):
            return None
        rows = AnswerRound.objects.filter(survey_round=in_round(year)).order_by("answer")
        return rows.values("answer")[offset : offset + limit]

    def list(self, request, *args, **kwargs):
        queryset = self.filter_queryset(self.get_queryset())
        if self._figure_only(request):
            # The page's ids (``page_ids``) are the figure's answers: read those rows alone,
            # not every answer of the figure again beside them.
            queryset = self.get_queryset()
        page = self.paginate_queryset(queryset)
        attach_details(page, self.paginator.page_query)
        return self.get_paginated_response(self.get_serializer(page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        answer = self.get_object()
        attach_details([answer], Answer.objects.filter(pk=answer.pk))
        return Response(self.get_serializer(answer).data)


class EvidenceViewSet(ReadOnly):
    """Later public evidence: dated public facts about bodies, not survey answers."""

    queryset = PublicEvidence.objects.select_related(
        "body", "system_type", "vendor", "source"
    ).order_by("occurred_on", "key")
    serializer_class = EvidenceSerializer
    lookup_field = "key"
    filterset_class = EvidenceFilter


class CommissionerTermViewSet(ReadOnly):
    """Who held the Commissioner's office over time, or that it was vacant."""

    queryset = CommissionerTerm.objects.select_related("source")
    serializer_class = CommissionerTermSerializer


class FindingViewSet(ReadOnly):
    """Each figure as published, with its current value after any correction in force."""

    queryset = stats.findings_for_display().order_by("survey_round__year", "key")
    serializer_class = FindingSerializer
    lookup_field = "key"
    filterset_class = FindingApiFilter

    def _serializer(self, instance, findings: list, **kwargs):
        """A serializer told each finding's current value and status, computed together."""
        views = {v.finding.pk: v for v in stats.finding_views(findings)}
        context = {**self.get_serializer_context(), "finding_views": views}
        return self.get_serializer(instance, context=context, **kwargs)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        return self.get_paginated_response(self._serializer(page, page, many=True).data)

    def retrieve(self, request, *args, **kwargs):
        finding = self.get_object()
        return Response(self._serializer(finding, [finding]).data)


class CorrectionViewSet(ReadOnly):
    """Every published correction with what it corrects joined in, so that a page makes the
    same queries however many corrections, of whatever kind, it holds."""

    queryset = selectors.corrections_list()
    serializer_class = CorrectionSerializer
