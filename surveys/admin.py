from django.contrib import admin
from simple_history.admin import SimpleHistoryAdmin

from surveys import models


class BodyAliasInline(admin.TabularInline):
    model = models.BodyAlias
    extra = 0


class VendorAliasInline(admin.TabularInline):
    model = models.VendorAlias
    extra = 0


class VendorConcernInline(admin.StackedInline):
    model = models.VendorConcern
    extra = 0


@admin.register(models.Body)
class BodyAdmin(SimpleHistoryAdmin):
    list_display = ["name", "short_name", "kind", "nation", "region"]
    list_filter = ["kind", "nation", "region"]
    search_fields = ["name", "short_name", "aliases__name"]
    prepopulated_fields = {"slug": ["short_name"]}
    inlines = [BodyAliasInline]


@admin.register(models.Vendor)
class VendorAdmin(SimpleHistoryAdmin):
    list_display = ["name", "country"]
    search_fields = ["name", "aliases__name"]
    prepopulated_fields = {"slug": ["name"]}
    inlines = [VendorAliasInline, VendorConcernInline]


@admin.register(models.Publication)
class PublicationAdmin(SimpleHistoryAdmin):
    list_display = ["code", "title", "kind", "published_on", "survey_round"]
    list_filter = ["kind", "survey_round"]
    search_fields = ["code", "title"]


@admin.register(models.SurveyRound)
class SurveyRoundAdmin(SimpleHistoryAdmin):
    list_display = ["year", "invitations_sent_on", "question_count"]


@admin.register(models.SystemType)
class SystemTypeAdmin(SimpleHistoryAdmin):
    list_display = ["position", "name", "slug", "is_survey_category"]


@admin.register(models.Return)
class ReturnAdmin(SimpleHistoryAdmin):
    list_display = ["body", "survey_round", "status", "source"]
    list_filter = ["survey_round", "status"]
    list_select_related = ["body", "survey_round", "source"]
    search_fields = ["body__name"]


@admin.register(models.Answer)
class AnswerAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "operates", "aware_of_concerns", "intent", "source"]
    list_filter = ["survey_return__survey_round", "system_type", "operates"]
    list_select_related = [
        "survey_return__body",
        "survey_return__survey_round",
        "system_type",
        "source",
    ]
    search_fields = ["survey_return__body__name"]


@admin.register(models.PublishedFinding)
class PublishedFindingAdmin(SimpleHistoryAdmin):
    list_display = ["key", "publication", "metric", "system_type", "qualifier", "value"]
    list_filter = ["survey_round", "publication", "metric", "system_type"]
    list_select_related = ["publication", "system_type"]
    search_fields = ["key", "wording"]


@admin.register(models.Correction)
class CorrectionAdmin(SimpleHistoryAdmin):
    list_display = ["__str__", "announced_on", "source", "withdrawn_on"]
    list_select_related = ["finding__publication", "source"]
