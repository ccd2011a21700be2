"""The admin desk for reference data conflicts: a value the files changed that was also
changed here. See ``surveys.editorial.reference_conflicts`` for what each decision does."""

from __future__ import annotations

from django.contrib import admin, messages
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html, format_html_join

from surveys import models
from surveys.editorial.reference_conflicts import conflict_differences, resolve_conflict


class HasConflicts(admin.SimpleListFilter):
    title = "conflicts"
    parameter_name = "conflicts"

    def lookups(self, request, model_admin):
        return [("yes", "Waiting for an editor"), ("no", "None")]

    def queryset(self, request, queryset):
        if self.value() == "yes":
            return queryset.exclude(conflicts={})
        if self.value() == "no":
            return queryset.filter(conflicts={})
        return queryset


TAKEN_AS_DRAFTS = (
    "The public sees these values, so they change only by correction: the files' value is "
    "saved as a correction draft and nothing public has changed yet. Preview and publish each "
    "draft (another editor publishes it where a second editor is required); discarding a "
    "draft keeps the database's value. Drafts: {}"
)


@admin.register(models.ReferenceRecord)
class ReferenceRecordAdmin(admin.ModelAdmin):
    """Reference data conflicts: a value the files changed that was also changed here.

    The load kept the database's value. An editor takes the file's value or keeps the
    database's; either way the next load does not ask again. A value the public sees that
    corrections change is taken as a correction draft, a published figure not at all.
    """

    list_display = ["model", "key", "conflict"]
    list_filter = [HasConflicts, "model"]
    search_fields = ["key"]
    actions = ["take_file_value", "keep_database_value"]
    readonly_fields = ["model", "key", "object_id", "loaded", "conflicts", "updated_at"]

    def get_changelist_instance(self, request):
        """Describe the page's conflicts together: the queries do not grow with the rows."""
        changelist = super().get_changelist_instance(request)
        described = conflict_differences(changelist.result_list)
        for record in changelist.result_list:
            record.differences = described.get(record.pk, [])
        return changelist

    @admin.display(description="Database value → file value")
    def conflict(self, obj):
        differences = getattr(obj, "differences", None)
        if differences is None:
            differences = conflict_differences([obj]).get(obj.pk, [])
        if not differences:
            return "—"
        return "; ".join(f"{d.field}: {d.change()}" for d in differences)

    def has_add_permission(self, request) -> bool:
        return False

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    @admin.action(
        description="Take the files' value for the selected conflicts",
        permissions=["change"],
    )
    def take_file_value(self, request, queryset):
        self._resolve(request, queryset, take_file=True)

    @admin.action(
        description="Keep the database's value for the selected conflicts",
        permissions=["change"],
    )
    def keep_database_value(self, request, queryset):
        self._resolve(request, queryset, take_file=False)

    def _resolve(self, request, queryset, *, take_file: bool) -> None:
        resolved, drafts = 0, []
        for record in queryset.exclude(conflicts={}):
            try:
                drafts += resolve_conflict(record, take_file=take_file, user=request.user)
            except ValidationError as exc:
                messages.error(request, f"{record}: {'; '.join(exc.messages)}")
            else:
                resolved += 1
        messages.info(request, f"{resolved} conflict(s) resolved.")
        if drafts:
            links = format_html_join(
                ", ",
                '<a href="{}">#{} ({})</a>',
                (
                    (
                        reverse("admin:surveys_correction_preview", args=[draft.pk]),
                        draft.pk,
                        draft.answer or draft.survey_return,
                    )
                    for draft in drafts
                ),
            )
            messages.warning(request, format_html(TAKEN_AS_DRAFTS, links))
