"""The survey records' desk: bodies, vendors, publications, rounds, system types, returns,
answers, evidence and the Commissioner's terms."""

from __future__ import annotations

from django import forms
from django.conf import settings
from django.contrib import admin
from django.db.models import TextField

from surveys import models
from surveys.admin.base import Admin
from surveys.admin.imports import ImportAnswersMixin


class BodyAliasInline(admin.TabularInline):
    model = models.BodyAlias
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(models.Body)
class BodyAdmin(Admin):
    list_display = ["name", "short_name", "kind", "nation", "region", "ons_code", "succeeded_by"]
    list_filter = ["kind", "nation", "region"]
    list_select_related = ["succeeded_by"]
    search_fields = ["name", "short_name", "slug", "aliases__name", "ons_code"]
    prepopulated_fields = {"slug": ["short_name"]}
    autocomplete_fields = ["source", "succeeded_by", "succession_source"]
    fieldsets = [
        (
            None,
            {
                "fields": [
                    "name",
                    "short_name",
                    "slug",
                    "kind",
                    "nation",
                    "region",
                    "ons_code",
                    "source",
                    "notes",
                ]
            },
        ),
        (
            "Succession (a merger)",
            {
                "description": "The body that took over this one, from a date, with the source "
                "that says so. Its pages then follow the line of succession.",
                "fields": ["succeeded_by", "succeeded_on", "succession_source"],
            },
        ),
    ]
    inlines = [BodyAliasInline]
    export_fields = [
        ("Name", "name"),
        ("Short name", "short_name"),
        ("Kind", "get_kind_display"),
        ("Nation", "get_nation_display"),
        ("Region", "region"),
        ("ONS code", "ons_code"),
    ]


class VendorAliasInline(admin.TabularInline):
    model = models.VendorAlias
    extra = 0


class VendorConcernInline(admin.StackedInline):
    model = models.VendorConcern
    extra = 0
    autocomplete_fields = ["source"]


@admin.register(models.Vendor)
class VendorAdmin(Admin):
    list_display = ["name", "country", "country_source"]
    list_select_related = ["country_source"]
    search_fields = ["name", "slug", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    autocomplete_fields = ["country_source"]
    inlines = [VendorAliasInline, VendorConcernInline]
    export_fields = [("Name", "name"), ("Country", "country")]


@admin.register(models.Publication)
class PublicationAdmin(Admin):
    list_display = ["code", "title", "kind", "published_on", "survey_round"]
    list_filter = ["kind", "survey_round"]
    list_select_related = ["survey_round"]
    search_fields = ["code", "title"]
    autocomplete_fields = ["quotes"]
    export_fields = [("Code", "code"), ("Title", "title"), ("Date", "published_on"), ("URL", "url")]


class RoundSystemTypeInline(admin.TabularInline):
    """The system types a round asked about; none listed: every type."""

    model = models.RoundSystemType
    extra = 0
    verbose_name = "system type asked about"
    verbose_name_plural = "system types asked about (none listed: every type)"


@admin.register(models.SurveyRound)
class SurveyRoundAdmin(Admin):
    list_display = ["year", "invitations_sent_on", "question_count", "source"]
    list_select_related = ["source"]
    search_fields = ["year"]
    autocomplete_fields = ["source"]
    inlines = [RoundSystemTypeInline]


@admin.register(models.SystemType)
class SystemTypeAdmin(Admin):
    list_display = ["position", "name", "slug", "is_survey_category"]
    list_display_links = ["name"]
    search_fields = ["name", "slug"]


PUBLIC_VALUE_HELP = (
    "What the public pages show from this record, its notes included, changes only through a "
    "correction (Corrections > Add: a reason and a source; saved as a draft, previewed, then "
    "published and listed publicly as a correction). The sources can be edited here, with "
    "history."
)


class PublicValuesReadOnly:
    """Once a record exists, the values the statistics count change only by a correction."""

    public_fields: tuple[str, ...] = ()

    def get_readonly_fields(self, request, obj=None):
        fixed = list(super().get_readonly_fields(request, obj))
        return fixed + list(self.public_fields) if obj is not None else fixed


class AnswerInline(PublicValuesReadOnly, admin.TabularInline):
    """A return's answers, for reading and for their notes: new answers are added on their own
    page or by import, and their values change by correction."""

    model = models.Answer
    extra = 0
    public_fields = (
        "system_type",
        "operates",
        "unit_count",
        "says_vendor_of_concern",
        "aware_of_concerns",
        "intent",
        "notes",
    )
    fields = [*public_fields, "source"]
    autocomplete_fields = ["source"]
    show_change_link = True
    formfield_overrides = {TextField: {"widget": forms.Textarea(attrs={"rows": 2, "cols": 30})}}

    def get_queryset(self, request):
        return super().get_queryset(request).select_related("system_type", "source")

    def has_add_permission(self, request, obj=None) -> bool:
        return False


@admin.register(models.Return)
class ReturnAdmin(PublicValuesReadOnly, Admin):
    public_fields = ("body", "survey_round", "status")
    fieldsets = [
        (
            None,
            {"fields": ["body", "survey_round", "status", "status_is_derived", "source", "notes"]},
        ),
        ("How to change the response status", {"description": PUBLIC_VALUE_HELP, "fields": []}),
    ]
    list_display = ["body", "survey_round", "status", "source"]
    list_filter = ["survey_round", "status"]
    list_select_related = ["body", "survey_round", "source"]
    search_fields = ["body__name", "body__short_name"]
    autocomplete_fields = ["body", "source"]
    inlines = [AnswerInline]
    export_fields = [
        ("Body", "body__name"),
        ("Round", "survey_round__year"),
        ("Status", "get_status_display"),
        ("Source", "source__code"),
    ]

    def has_add_permission(self, request) -> bool:
        """With a second editor required, a new return (a body's response to a round, which the
        statistics count at once) comes only from the reference files or a published round
        collected online, both of which a second editor has seen; never from this form."""
        if settings.CORRECTIONS_NEED_SECOND_EDITOR:
            return False
        return super().has_add_permission(request)


class AnswerVendorInline(admin.TabularInline):
    """Vendors are entered with a new answer; afterwards they change by import (with history)."""

    model = models.AnswerVendor
    extra = 0
    autocomplete_fields = ["vendor"]

    def has_add_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_add_permission(request, obj)

    def has_change_permission(self, request, obj=None) -> bool:
        return obj is None and super().has_change_permission(request, obj)


class AnswerKindInline(AnswerVendorInline):
    """Kinds of facial recognition, like vendors: entered with a new answer, then corrected."""

    model = models.AnswerKind
    autocomplete_fields = []


@admin.register(models.Answer)
class AnswerAdmin(PublicValuesReadOnly, ImportAnswersMixin, Admin):
    public_fields = (
        "survey_return",
        "system_type",
        "operates",
        "unit_count",
        "says_vendor_of_concern",
        "aware_of_concerns",
        "intent",
        "notes",
    )
    fieldsets = [
        (None, {"fields": [*public_fields, "source"]}),
        (
            "Sources of single fields",
            {
                "description": "Where one field is stated by another publication than the "
                "answer's source. Empty: the answer's source.",
                "fields": [source for _, source in models.Answer.SOURCED_FIELDS],
            },
        ),
        ("How to change these values", {"description": PUBLIC_VALUE_HELP, "fields": []}),
    ]
    list_display = ["__str__", "operates", "aware_of_concerns", "intent", "source"]
    list_filter = ["survey_return__survey_round", "system_type", "operates", "aware_of_concerns"]
    list_select_related = [
        "survey_return__body",
        "survey_return__survey_round",
        "system_type",
        "source",
    ]
    search_fields = ["survey_return__body__name", "system_type__name", "notes"]
    autocomplete_fields = [
        "survey_return",
        "source",
        *(source for _, source in models.Answer.SOURCED_FIELDS),
    ]
    inlines = [AnswerKindInline, AnswerVendorInline]
    change_list_template = "admin/surveys/answer/change_list.html"
    export_fields = [
        ("Body", "survey_return__body__name"),
        ("Round", "survey_return__survey_round__year"),
        ("System type", "system_type__name"),
        ("Operates", "operates"),
        ("Aware of concerns", "aware_of_concerns"),
        ("Intent", "intent"),
        ("Notes", "notes"),
        ("Source", "source__code"),
    ]

    def changelist_view(self, request, extra_context=None):
        extra_context = {
            **(extra_context or {}),
            "second_editor_required": settings.CORRECTIONS_NEED_SECOND_EDITOR,
        }
        return super().changelist_view(request, extra_context)

    def has_add_permission(self, request) -> bool:
        """With a second editor required, a new answer comes in as an import draft, which a
        second editor publishes; entered here it would be public at once."""
        if settings.CORRECTIONS_NEED_SECOND_EDITOR:
            return False
        return super().has_add_permission(request)


@admin.register(models.PublicEvidence)
class PublicEvidenceAdmin(Admin):
    """Later public evidence: dated facts about a body, not survey answers (never counted)."""

    list_display = ["occurred_on", "body", "system_type", "vendor", "kind", "source"]
    list_filter = ["kind", "system_type", "source"]
    list_select_related = ["body", "system_type", "vendor", "source"]
    search_fields = ["key", "summary", "body__name"]
    autocomplete_fields = ["body", "vendor", "source"]
    prepopulated_fields = {"key": ["summary"]}
    export_fields = [
        ("Key", "key"),
        ("Body", "body__name"),
        ("System type", "system_type__name"),
        ("Vendor", "vendor__name"),
        ("Summary", "summary"),
        ("Date", "occurred_on"),
        ("Until", "occurred_until"),
        ("Kind", "get_kind_display"),
        ("Source", "source__code"),
    ]


@admin.register(models.CommissionerTerm)
class CommissionerTermAdmin(Admin):
    list_display = ["__str__", "starts_on", "ends_on", "source"]
    list_select_related = ["source"]
    search_fields = ["holder", "summary"]
    autocomplete_fields = ["source"]
    export_fields = [
        ("Holder", "holder"),
        ("From", "starts_on"),
        ("Until", "ends_on"),
        ("Summary", "summary"),
        ("Source", "source__code"),
    ]


@admin.register(models.VendorConcern)
class VendorConcernAdmin(Admin):
    list_display = ["vendor", "summary", "source", "in_force_from", "in_force_until"]
    list_select_related = ["vendor", "source"]
    search_fields = ["vendor__name", "summary"]
    autocomplete_fields = ["vendor", "source"]
