"""Read-only JSON API under /api/v1/: the same records and statistics as the pages.

Django REST framework with drf-spectacular for the OpenAPI schema. Every object is addressed
by a stable identifier (slug, year or code) and every figure carries its source.
"""

from __future__ import annotations

import django_filters
from django import forms
from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
    extend_schema_field,
)
from rest_framework import serializers, viewsets
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.pagination import LimitOffsetPagination
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys import stats
from surveys.models import (
    Answer,
    Body,
    CommissionerTerm,
    Correction,
    Publication,
    PublicEvidence,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.web import selectors

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.

ERROR = {"$ref": "#/components/schemas/Error"}
PARAMETER_ERRORS = {"$ref": "#/components/schemas/ParameterErrors"}
ERROR_SCHEMAS = {
    "Error": {
        "type": "object",
        "description": "What went wrong, in words.",
        "properties": {"detail": {"type": "string"}},
        "required": ["detail"],
    },
    "ParameterErrors": {
        "type": "object",
        "description": "Each refused query parameter, with what was wrong with it.",
        "additionalProperties": {"type": "array", "items": {"type": "string"}},
        "minProperties": 1,
    },
}
NO_NUL = "^[^\\x00]*$"  # Django refuses a NUL character in a query parameter


def _json(schema: dict, description: str, headers: dict | None = None) -> dict:
    response = {"description": description, "content": {"application/json": {"schema": schema}}}
    return {**response, "headers": headers} if headers else response


def document_errors(result, generator, request, public):
    """drf-spectacular postprocessing hook: every API operation's error responses (what
    DRF, the throttle and OpenDataMiddleware answer), the caching headers, and string query
    parameters without NUL."""
    result.setdefault("components", {}).setdefault("schemas", {}).update(ERROR_SCHEMAS)
    string = {"schema": {"type": "string"}}
    for path, item in result["paths"].items():
        if not path.startswith("/api/v1/"):
            continue
        for operation in item.values():
            responses = operation["responses"]
            parameters = operation.get("parameters", [])
            for parameter in parameters:
                schema = parameter["schema"]
                free_text = schema.get("type") == "string" and "enum" not in schema
                if parameter["in"] == "query" and free_text:
                    schema.setdefault("pattern", NO_NUL)
            if "200" in responses:
                responses["200"].setdefault("headers", {}).update(
                    {
                        "ETag": {**string, "description": "The data version."},
                        "Last-Modified": {**string, "description": "When the data last changed."},
                    }
                )
            if any(p["in"] == "query" for p in parameters):
                responses.setdefault(
                    "400", _json(PARAMETER_ERRORS, "A query parameter was refused.")
                )
            if any(p["in"] == "path" for p in parameters):
                responses.setdefault("404", _json(ERROR, "There is no such object."))
            responses.setdefault(
                "304",
                {
                    "description": "Not modified: the data has not changed since the version "
                    "the client names in If-None-Match (or, without it, If-Modified-Since).",
                    "headers": {"ETag": {**string, "description": "The data version."}},
                },
            )
            responses.setdefault(
                "429",
                _json(
                    ERROR,
                    "Too many requests from this address: wait the seconds Retry-After says.",
                    {"Retry-After": {"schema": {"type": "integer"}, "description": "Seconds."}},
                ),
            )
    return result


# --- Query parameters: what the schema says is accepted, anything else is a 400 ------------

MAX_OFFSET = 2**31 - 1


def integer_param(
    request, name: str, *, minimum: int | None = None, maximum: int | None = None
) -> int | None:
    """``?name=N`` as a whole number within bounds; ``None`` when absent; else a 400 naming it."""
    values = request.query_params.getlist(name)
    if not values:
        return None
    if len(values) > 1:
        raise ValidationError({name: ["Give this parameter once."]})
    try:
        number = int(values[0])
    except ValueError:
        raise ValidationError({name: ["Enter a whole number."]}) from None
    if (minimum is not None and number < minimum) or (maximum is not None and number > maximum):
        bounds = f"from {minimum} to {maximum}" if maximum is not None else f"of {minimum} or more"
        raise ValidationError({name: [f"Enter a whole number {bounds}."]})
    return number


class Pagination(LimitOffsetPagination):
    """``limit`` (1 or more, capped at 500) and ``offset`` (0 or more); anything else is a 400."""

    default_limit = 100
    max_limit = 500

    def get_limit(self, request):
        limit = integer_param(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = integer_param(request, self.offset_query_param, minimum=0, maximum=MAX_OFFSET)
        return offset or 0

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["description"] = f"Results per page (default {self.default_limit}, at most "
        limit["description"] += f"{self.max_limit}: a larger limit gives {self.max_limit})."
        limit["schema"] = {"type": "integer", "minimum": 1}
        offset["description"] = "How many results to skip."
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return [limit, offset]


class PublicationRef(serializers.SlugRelatedField):
    def __init__(self, **kwargs):
        super().__init__(slug_field="code", read_only=True, **kwargs)


class PublicationSerializer(serializers.ModelSerializer):
    survey_round = serializers.SlugRelatedField(slug_field="year", read_only=True, allow_null=True)

    class Meta:
        model = Publication
        fields = [
            "code",
            "title",
            "kind",
            "survey_round",
            "published_on",
            "date_precision",
            "url",
            "is_secondary",
            "standing",
            "notes",
        ]

    standing = serializers.ChoiceField(
        choices=["primary", "secondary", "vendor"],
        read_only=True,
        help_text="primary (the body, a court, the Commissioner, an official list), secondary "
        "(a report of another source) or vendor (a supplier's claim).",
    )


class RoundSerializer(serializers.ModelSerializer):
    source = PublicationRef(allow_null=True)
    system_types = serializers.SerializerMethodField(
        help_text="The system types the round asked about; empty when it asked about every type."
    )

    class Meta:
        model = SurveyRound
        fields = [
            "year",
            "invitations_sent_on",
            "question_count",
            "scope",
            "system_types",
            "notes",
            "source",
        ]

    def get_system_types(self, obj) -> list[str]:
        return sorted(c.system_type.slug for c in obj.coverage.all())


class BodySerializer(serializers.ModelSerializer):
    source = PublicationRef()
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    succeeded_by = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    succession_source = PublicationRef(allow_null=True)
    predecessors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)

    class Meta:
        model = Body
        fields = [
            "slug",
            "name",
            "short_name",
            "kind",
            "nation",
            "region",
            "ons_code",
            "aliases",
            "succeeded_by",
            "succeeded_on",
            "succession_source",
            "predecessors",
            "notes",
            "source",
        ]


class SystemTypeSerializer(serializers.ModelSerializer):
    class Meta:
        model = SystemType
        fields = ["slug", "name", "position", "description", "is_survey_category"]


class ConcernSerializer(serializers.Serializer):
    summary = serializers.CharField()
    source = serializers.CharField(source="source.code")
    in_force_from = serializers.DateField(allow_null=True)
    in_force_until = serializers.DateField(allow_null=True)


class VendorSerializer(serializers.ModelSerializer):
    country_source = PublicationRef(allow_null=True)
    aliases = serializers.SlugRelatedField(slug_field="name", many=True, read_only=True)
    concerns = ConcernSerializer(many=True, read_only=True)

    class Meta:
        model = Vendor
        fields = ["slug", "name", "country", "country_source", "aliases", "concerns"]


class ReturnSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    survey_round = serializers.SlugRelatedField(slug_field="year", read_only=True)
    source = PublicationRef(
        help_text="The publication that states the status; where status_is_derived, the one it "
        "is derived from, which does not name the body."
    )

    class Meta:
        model = Return
        fields = ["id", "body", "survey_round", "status", "status_is_derived", "source"]


class _AnswerSources(serializers.Serializer):
    def to_representation(self, answer: Answer) -> dict:
        return {
            name: source.code if (source := answer.stated_source(name)) else None
            for name, _ in Answer.SOURCED_FIELDS
        }


# Which publication states each field of an answer: one field per Answer.SOURCED_FIELDS.
AnswerSourcesSerializer = type(
    "AnswerSourcesSerializer",
    (_AnswerSources,),
    {
        name: serializers.CharField(
            read_only=True,
            allow_null=True,
            help_text=f"The publication that states {name}; null where it is not stated.",
        )
        for name, _ in Answer.SOURCED_FIELDS
    },
)


class AnswerSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="survey_return.body.slug", read_only=True)
    survey_round = serializers.IntegerField(source="survey_return.survey_round.year")
    system_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    vendors = serializers.SlugRelatedField(slug_field="slug", many=True, read_only=True)
    source = PublicationRef()
    sources = AnswerSourcesSerializer(
        source="*",
        read_only=True,
        help_text="Field by field, the publication that states it (sources may differ: one "
        "may say a body uses facial recognition, another that it intends to use it live).",
    )

    class Meta:
        model = Answer
        fields = [
            "id",
            "body",
            "survey_round",
            "system_type",
            "operates",
            "kind",
            "unit_count",
            "vendors",
            "says_vendor_of_concern",
            "aware_of_concerns",
            "intent",
            "notes",
            "source",
            "sources",
        ]


class EvidenceSerializer(serializers.ModelSerializer):
    body = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    system_type = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    source = PublicationRef()
    is_survey_data = serializers.SerializerMethodField(
        help_text="Always false: later public evidence is never a survey answer and never "
        "counted in a survey statistic."
    )

    class Meta:
        model = PublicEvidence
        fields = [
            "key",
            "body",
            "system_type",
            "vendor",
            "summary",
            "occurred_on",
            "occurred_until",
            "date_precision",
            "kind",
            "source",
            "notes",
            "is_survey_data",
        ]

    def get_is_survey_data(self, obj) -> bool:
        return False


class CommissionerTermSerializer(serializers.ModelSerializer):
    source = PublicationRef()

    class Meta:
        model = CommissionerTerm
        fields = ["id", "holder", "starts_on", "starts_precision", "ends_on", "summary", "source"]


def figure_field(**kwargs) -> serializers.DecimalField:
    """A published figure (a count or a percentage) as a JSON number, not a string."""
    return serializers.DecimalField(
        max_digits=9, decimal_places=2, min_value=0, coerce_to_string=False, **kwargs
    )


class FindingSerializer(serializers.ModelSerializer):
    """``value`` is the figure as first published; ``current_value`` after corrections."""

    value = figure_field(read_only=True, help_text="The figure as first published.")

    survey_round = serializers.SlugRelatedField(slug_field="year", read_only=True)
    publication = PublicationRef()
    system_type = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    vendor = serializers.SlugRelatedField(slug_field="slug", read_only=True, allow_null=True)
    # From stats.finding_views, computed by FindingViewSet for a whole page at once.
    current_value = serializers.SerializerMethodField()
    current_qualifier = serializers.SerializerMethodField()
    computed = serializers.SerializerMethodField()
    coverage = serializers.SerializerMethodField()
    status = serializers.SerializerMethodField()
    correction = serializers.SerializerMethodField()

    class Meta:
        model = PublishedFinding
        fields = [
            "key",
            "survey_round",
            "publication",
            "metric",
            "system_type",
            "vendor",
            "value",
            "unit",
            "qualifier",
            "numerator",
            "denominator",
            "denominator_is_derived",
            "published_percent",
            "kind",
            "wording_is_verbatim",
            "wording",
            "notes",
            "current_value",
            "current_qualifier",
            "computed",
            "coverage",
            "status",
            "correction",
        ]

    def _view(self, obj) -> stats.FindingView:
        return self.context["finding_views"][obj.pk]

    @extend_schema_field(figure_field(help_text="The figure after any correction in force."))
    def get_current_value(self, obj) -> float:
        return figure_field().to_representation(self._view(obj).current_value)

    def get_current_qualifier(self, obj) -> str | None:
        return self._view(obj).current_qualifier

    def get_computed(self, obj) -> int | None:
        return self._view(obj).computed

    def get_coverage(self, obj) -> int | None:
        return self._view(obj).coverage

    def get_status(self, obj) -> str | None:
        return self._view(obj).status

    def get_correction(self, obj) -> int | None:
        correction = self._view(obj).correction
        return correction.pk if correction else None


class CorrectionSerializer(serializers.ModelSerializer):
    """A correction's dates say what each one is: ``announced_on`` is the source's,
    ``published_at`` and ``recorded_at`` this dashboard's."""

    finding = serializers.SlugRelatedField(slug_field="key", read_only=True, allow_null=True)
    source = PublicationRef()
    published_at = serializers.DateTimeField(
        source="published_here_at",
        read_only=True,
        help_text="When the correction was published on this dashboard: from then on the "
        "public figures show it. Not the source's date (`announced_on`).",
    )

    class Meta:
        model = Correction
        fields = [
            "id",
            "finding",
            "answer_field",
            "old_value",
            "new_value",
            "new_qualifier",
            "reason",
            "announced_on",
            "source",
            "withdrawn_on",
            "withdrawal_reason",
            "published_at",
            "recorded_at",
        ]
        extra_kwargs = {
            "announced_on": {
                "help_text": "The date the source (`source`) announced the correction; null "
                "when it does not say."
            },
            "withdrawn_on": {
                "help_text": "The date the correction was withdrawn; null while it is in force."
            },
            "recorded_at": {
                "help_text": "When the correction was first entered on this dashboard, usually "
                "as a draft that the public did not see until `published_at`."
            },
        }


class IntegerFilter(django_filters.NumberFilter):
    """A whole number, as the schema says (NumberFilter alone takes decimals)."""

    field_class = forms.IntegerField


class StrictFilterSet(django_filters.FilterSet):
    """Refuses, besides values the filters refuse, what the schema does not allow either: a
    parameter given more than once, or an empty value for a number or a choice."""

    def is_valid(self):
        valid = super().is_valid()
        for name, filter_ in self.filters.items():
            values = self.data.getlist(name) if hasattr(self.data, "getlist") else []
            if len(values) > 1:
                self.form.add_error(name, "Give this parameter once.")
                continue
            text = isinstance(filter_, django_filters.CharFilter)  # an empty string is a string
            if values and not values[0].strip() and not text:
                self.form.add_error(name, "Give a value or leave the parameter out.")
        return valid and not self.form.errors


class BodyApiFilter(StrictFilterSet):
    nation = django_filters.ChoiceFilter(choices=Body.Nation.choices)
    region = django_filters.CharFilter()
    kind = django_filters.ChoiceFilter(choices=Body.Kind.choices)

    class Meta:
        model = Body
        fields = ["nation", "region", "kind"]


class AnswerFilter(StrictFilterSet):
    round = IntegerFilter(field_name="survey_return__survey_round__year")
    body = django_filters.CharFilter(field_name="survey_return__body__slug")
    nation = django_filters.ChoiceFilter(
        field_name="survey_return__body__nation", choices=Body.Nation.choices
    )
    region = django_filters.CharFilter(field_name="survey_return__body__region")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendors__slug", distinct=True)

    class Meta:
        model = Answer
        fields = ["round", "body", "nation", "region", "system_type", "vendor"]


class EvidenceFilter(StrictFilterSet):
    body = django_filters.CharFilter(field_name="body__slug")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    kind = django_filters.ChoiceFilter(choices=PublicEvidence.Kind.choices)

    class Meta:
        model = PublicEvidence
        fields = ["body", "system_type", "vendor", "kind"]


class ReturnFilter(StrictFilterSet):
    round = IntegerFilter(field_name="survey_round__year")
    body = django_filters.CharFilter(field_name="body__slug")
    nation = django_filters.ChoiceFilter(field_name="body__nation", choices=Body.Nation.choices)
    status = django_filters.ChoiceFilter(choices=Return.Status.choices)

    class Meta:
        model = Return
        fields = ["round", "body", "nation", "status"]


class FindingApiFilter(StrictFilterSet):
    round = IntegerFilter(field_name="survey_round__year")
    system_type = django_filters.CharFilter(field_name="system_type__slug")
    vendor = django_filters.CharFilter(field_name="vendor__slug")
    publication = django_filters.CharFilter(field_name="publication__code")

    class Meta:
        model = PublishedFinding
        fields = ["round", "system_type", "vendor", "publication", "metric"]


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
        .prefetch_related("coverage__system_type")
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


class AnswerViewSet(ReadOnly):
    queryset = (
        Answer.objects.select_related(
            "survey_return__body",
            "survey_return__survey_round",
            "system_type",
            "source",
            *(source_name for _, source_name in Answer.SOURCED_FIELDS),
        )
        .prefetch_related("vendors")
        .order_by("pk")
    )
    serializer_class = AnswerSerializer
    filterset_class = AnswerFilter


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

    queryset = selectors.findings_for_display().order_by("survey_round__year", "key")
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
    queryset = selectors.corrections_list()
    serializer_class = CorrectionSerializer


def definitions(request, names) -> dict:
    """Each statistic's definition, and the public page that defines them all."""
    return {
        "url": request.build_absolute_uri(reverse("surveys:about") + "#definitions"),
        **names,
    }


class DefinitionsSerializer(serializers.Serializer):
    url = serializers.URLField(help_text="The public page defining every figure.")


class RoundStatisticsRowSerializer(serializers.Serializer):
    round = serializers.IntegerField(help_text="The survey round's year.")
    invited = serializers.IntegerField(
        allow_null=True, help_text="Bodies with a return recorded; null without per-body returns."
    )
    responded = serializers.IntegerField(
        allow_null=True, help_text="Returns with status responded; null without per-body returns."
    )
    rate_percent = serializers.IntegerField(
        allow_null=True, help_text="responded / invited, a whole percentage rounded half up."
    )
    published_rate_percent = serializers.DecimalField(
        max_digits=5,
        decimal_places=2,
        coerce_to_string=False,
        allow_null=True,
        help_text="The response rate as published, where one was.",
    )
    published_invited = serializers.IntegerField(
        allow_null=True, help_text="Bodies invited, as published; null where no count was."
    )
    published_responded = serializers.IntegerField(
        allow_null=True, help_text="Replies received, as published; null where no count was."
    )
    published_rate_fits_published_counts = serializers.BooleanField(
        allow_null=True,
        help_text="Whether the published rate is the rounded ratio of the published counts; "
        "null where either is not published.",
    )
    system_types = serializers.ListField(
        child=serializers.SlugField(),
        help_text="The system types the round asked about; empty when it asked about every type.",
    )
    has_per_body_returns = serializers.BooleanField()


class RoundStatisticsSerializer(serializers.Serializer):
    results = RoundStatisticsRowSerializer(many=True)
    definitions = DefinitionsSerializer()


class FigureSerializer(serializers.Serializer):
    value = serializers.IntegerField(
        allow_null=True, help_text="The count; null (not 0) when no answer says anything about it."
    )
    coverage = serializers.IntegerField(
        help_text="How many responding bodies' answers the count rests on."
    )


class VendorCountSerializer(serializers.Serializer):
    vendor = serializers.SlugField()
    bodies = serializers.IntegerField(help_text="Distinct responding bodies recording it.")
    of_concern = serializers.BooleanField(
        help_text="A cited concern about the vendor was in force at the round's date."
    )


# One field per figure of surveys.stats.FIGURES: a new figure appears here by itself.
SystemTypeStatisticsRowSerializer = type(
    "SystemTypeStatisticsRowSerializer",
    (serializers.Serializer,),
    {
        "system_type": serializers.SlugField(),
        **{d.name: FigureSerializer(help_text=d.definition) for d in stats.FIGURES},
        "vendors": VendorCountSerializer(many=True),
    },
)
SystemTypeDefinitionsSerializer = type(
    "SystemTypeDefinitionsSerializer",
    (DefinitionsSerializer,),
    {d.name: serializers.CharField(help_text=d.label) for d in stats.FIGURES},
)


class SystemTypeStatisticsSerializer(serializers.Serializer):
    round = serializers.IntegerField()
    results = SystemTypeStatisticsRowSerializer(many=True)
    definitions = SystemTypeDefinitionsSerializer()


class RoundStatisticsView(APIView):
    """Per round: bodies invited, returns received, the computed and published rate."""

    @extend_schema(responses=RoundStatisticsSerializer)
    def get(self, request):
        coverage = {
            r.year: sorted(c.system_type.slug for c in r.coverage.all())
            for r in selectors.all_rounds()
        }
        rows = [
            {
                "round": r.year,
                "invited": r.invited,
                "responded": r.responded,
                "rate_percent": r.rate,
                "published_rate_percent": r.published_rate,
                "published_invited": r.published_invited,
                "published_responded": r.published_responded,
                "published_rate_fits_published_counts": r.published_rate_fits,
                "system_types": coverage.get(r.year, []),
                "has_per_body_returns": r.has_per_body_returns,
            }
            for r in stats.response_by_round()
        ]
        return Response(
            RoundStatisticsSerializer(
                {"results": rows, "definitions": definitions(request, {})}
            ).data
        )


class SystemTypeStatisticsView(APIView):
    """Per system type for one round: operators, bodies using a vendor named as of concern
    (derived from the vendors named, not a statement by the bodies), aware, each with its
    coverage, and the vendor breakdown."""

    @extend_schema(
        parameters=[
            OpenApiParameter(
                "round",
                int,
                required=True,
                description="The survey round's year, e.g. 2022.",
                examples=[OpenApiExample("The 2022 round", value=2022)],
            )
        ],
        responses={
            200: SystemTypeStatisticsSerializer,
            400: OpenApiResponse(PARAMETER_ERRORS, "No round given, or not a whole number."),
            404: OpenApiResponse(ERROR, "There is no survey round of that year."),
        },
    )
    def get(self, request):
        year = integer_param(request, "round")
        if year is None:
            raise ValidationError({"round": ["Give a survey round, e.g. ?round=2022."]})
        survey_round = SurveyRound.objects.filter(year=year).first()
        if survey_round is None:
            years = ", ".join(str(y) for y in SurveyRound.objects.values_list("year", flat=True))
            raise NotFound(f"There is no survey round {year}; choose one of {years}.")
        breakdown = stats.vendor_breakdown([survey_round])
        rows = []
        for row in stats.system_type_stats(survey_round=survey_round):
            vendors = [
                {"vendor": v.vendor_slug, "bodies": v.bodies, "of_concern": v.of_concern}
                for v in breakdown
                if v.system_type_id == row.system_type.pk
            ]
            rows.append({"system_type": row.system_type.slug, **row.figures, "vendors": vendors})
        names = {d.name: d.definition for d in stats.FIGURES}
        data = {
            "round": survey_round.year,
            "results": rows,
            "definitions": definitions(request, names),
        }
        return Response(SystemTypeStatisticsSerializer(data).data)
