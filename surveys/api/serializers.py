"""How each record is written in the API: one serializer per model, with its sources."""

from __future__ import annotations

from rest_framework import serializers

from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    CommissionerTerm,
    Publication,
    PublicEvidence,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from surveys.values import ANSWER_KINDS

# --- Errors, as the schema documents them ----------------------------------------------------
# A refused parameter: 400 with each parameter's messages, {"round": ["Enter a whole number."]};
# anything else (404, 429): {"detail": "..."}. A 304 has no body.


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
            "date_display",
            "url",
            "is_secondary",
            "standing",
            "copyright",
            "licence",
            "licence_display",
            "notes",
        ]

    date_display = serializers.CharField(
        read_only=True,
        help_text="The date as the pages show it: '14 November 2022', 'February 2023', '2023', "
        "or 'date not stated' (published_on null, date_precision not_stated).",
    )
    licence_display = serializers.CharField(
        read_only=True,
        help_text="The licence of the rows citing this source, as the pages state it: '© Crown "
        "copyright, Open Government Licence v3.0', or '© <holder>; quoted for reporting, not "
        "under the Open Government Licence'. Empty licence: not recorded, so not the OGL.",
    )
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


class AnswerVendorSerializer(serializers.Serializer):
    vendor = serializers.CharField(source="vendor.slug", read_only=True)
    role = serializers.ChoiceField(
        choices=AnswerVendor.Role.choices,
        read_only=True,
        help_text="What the source names the vendor for: equipment (the maker) or software (a "
        'video management system). Only an equipment maker counts toward "uses a vendor '
        'named as of concern".',
    )


class AnswerSerializer(serializers.ModelSerializer):
    body = serializers.CharField(source="survey_return.body.slug", read_only=True)
    survey_round = serializers.IntegerField(source="survey_return.survey_round.year")
    system_type = serializers.SlugRelatedField(slug_field="slug", read_only=True)
    kinds = serializers.ListField(
        child=serializers.ChoiceField(choices=ANSWER_KINDS),
        read_only=True,
        help_text="For facial recognition: the kinds a source says the body uses (several may "
        "be stated); empty where none is stated. A kind not listed is not known, not a no.",
    )
    vendors = serializers.SerializerMethodField(
        help_text="The vendors named (slugs), of every role: see vendor_roles."
    )
    vendor_roles = AnswerVendorSerializer(
        source="answer_vendors",
        many=True,
        read_only=True,
        help_text="Each vendor named and what for (its role).",
    )
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
            "kinds",
            "unit_count",
            "vendors",
            "vendor_roles",
            "says_vendor_of_concern",
            "aware_of_concerns",
            "intent",
            "notes",
            "source",
            "sources",
        ]

    def get_vendors(self, obj) -> list[str]:
        return sorted(link.vendor.slug for link in obj.answer_vendors.all())


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
