"""The API's statistics: per round and per system type, typed from the figure list."""

from __future__ import annotations

from django.urls import reverse
from drf_spectacular.utils import (
    OpenApiExample,
    OpenApiParameter,
    OpenApiResponse,
    extend_schema,
)
from rest_framework import serializers
from rest_framework.exceptions import NotFound, ValidationError
from rest_framework.response import Response
from rest_framework.views import APIView

from surveys import stats
from surveys.api.finding_serializers import FigureField

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.
from surveys.api.schema import ERROR, PARAMETER_ERRORS, integer_param
from surveys.models import (
    AnswerVendor,
    SurveyRound,
)
from surveys.web import selectors


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
    published_rate_percent = FigureField(
        max_digits=5,
        decimal_places=2,
        allow_null=True,
        help_text="The response rate as published, where one was: a whole number as published "
        "(91), with its decimals where it has any.",
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


class ShareFigureSerializer(FigureSerializer):
    denominator = serializers.IntegerField(
        source="out_of",
        help_text="What the percentage is out of: the coverage, unless the figure says otherwise.",
    )
    percentage = serializers.IntegerField(
        allow_null=True,
        help_text="value / denominator, a whole percentage rounded half up; null where the "
        "value is.",
    )


def figure_serializer(description: stats.FigureDescription) -> FigureSerializer:
    """The typed shape of one figure, as its description says: a count, or a share."""
    shape = ShareFigureSerializer if description.share else FigureSerializer
    return shape(help_text=description.definition)


def system_type_statistics_description() -> str:
    """The operation's description, from the figure list."""

    def one(d: stats.FigureDescription) -> str:
        note = f", {d.note[:1].lower()}{d.note[1:].rstrip('.')}" if d.note else ""
        return f"`{d.name}`: {d.label}{note}"

    figures = "; ".join(one(d) for d in stats.FIGURES)
    return (
        "Per system type for one round: each figure computed from the per-body answers, with "
        f"its coverage (a share also with its denominator and percentage): {figures}; and the "
        "vendor breakdown."
    )


class VendorCountSerializer(serializers.Serializer):
    vendor = serializers.SlugField()
    bodies = serializers.IntegerField(help_text="Distinct responding bodies recording it.")
    of_concern = serializers.BooleanField(
        help_text="A cited concern about the vendor was in force at the round's date."
    )
    role = serializers.ChoiceField(
        choices=AnswerVendor.Role.choices,
        help_text="What the answers name the vendor for: equipment (the maker) or software (a "
        "video management system); only an equipment maker counts toward the concern figure.",
    )


# One field per figure of surveys.stats.FIGURES: a new figure appears here by itself.
SystemTypeStatisticsRowSerializer = type(
    "SystemTypeStatisticsRowSerializer",
    (serializers.Serializer,),
    {
        "system_type": serializers.SlugField(),
        **{d.name: figure_serializer(d) for d in stats.FIGURES},
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


def round_param(request, *, required: bool) -> SurveyRound | None:
    """``?round=YEAR`` as a survey round: a 400 if not a whole number (or missing where
    required), a 404 naming the rounds there are if no round has that year."""
    year = integer_param(request, "round")
    if year is None:
        if required:
            raise ValidationError({"round": ["Give a survey round, e.g. ?round=2022."]})
        return None
    survey_round = SurveyRound.objects.filter(year=year).first()
    if survey_round is None:
        years = ", ".join(str(y) for y in SurveyRound.objects.values_list("year", flat=True))
        raise NotFound(f"There is no survey round {year}; choose one of {years}.")
    return survey_round


def round_parameter(*, required: bool) -> OpenApiParameter:
    return OpenApiParameter(
        "round",
        int,
        required=required,
        description="The survey round's year, e.g. 2022."
        + ("" if required else " Without it, every round."),
        examples=[OpenApiExample("The 2022 round", value=2022)],
    )


class RoundStatisticsView(APIView):
    """Per round: bodies invited, returns received, the computed and published rate."""

    @extend_schema(
        parameters=[round_parameter(required=False)],
        responses={
            200: RoundStatisticsSerializer,
            400: OpenApiResponse(PARAMETER_ERRORS, "The round is not a whole number."),
            404: OpenApiResponse(ERROR, "There is no survey round of that year."),
        },
    )
    def get(self, request):
        survey_round = round_param(request, required=False)
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
            if survey_round is None or r.year == survey_round.year
        ]
        return Response(
            RoundStatisticsSerializer(
                {"results": rows, "definitions": definitions(request, {})}
            ).data
        )


class SystemTypeStatisticsView(APIView):
    """Per system type for one round: every figure of ``stats.FIGURES`` and the vendors."""

    @extend_schema(
        description=system_type_statistics_description(),
        parameters=[round_parameter(required=True)],
        responses={
            200: SystemTypeStatisticsSerializer,
            400: OpenApiResponse(PARAMETER_ERRORS, "No round given, or not a whole number."),
            404: OpenApiResponse(ERROR, "There is no survey round of that year."),
        },
    )
    def get(self, request):
        survey_round = round_param(request, required=True)
        breakdown = stats.vendor_breakdown([survey_round])
        rows = []
        for row in stats.system_type_stats(survey_round=survey_round):
            vendors = [
                {
                    "vendor": v.vendor_slug,
                    "bodies": v.bodies,
                    "of_concern": v.of_concern,
                    "role": v.role,
                }
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
