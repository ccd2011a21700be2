"""The admin's shared base: history for reading only, a spreadsheet-safe CSV export, and no
deletion of survey records."""

from __future__ import annotations

from django.contrib import admin
from django.core.exceptions import PermissionDenied
from simple_history.admin import SimpleHistoryAdmin

from surveys.admin.second_editor import SecondEditorChanges
from surveys.exports import csv_response
from surveys.stats import summaries


def _resolve(obj, path):
    if callable(path):
        return path(obj)
    for part in path.split("__"):
        obj = getattr(obj, part, None)
        if obj is None:
            return ""
        if callable(obj):
            obj = obj()
    return obj


@admin.action(description="Download the selected rows as CSV")
def export_as_csv(modeladmin, request, queryset):
    """Spreadsheet-safe export: text that starts like a formula is escaped."""
    fields = modeladmin.export_fields
    rows = ([_resolve(obj, path) for _, path in fields] for obj in queryset.iterator())
    name = queryset.model._meta.verbose_name_plural.replace(" ", "-")
    return csv_response([header for header, _ in fields], rows, filename=f"{name}.csv")


class Admin(SecondEditorChanges, SimpleHistoryAdmin):
    """Shared defaults: history, CSV export, no deletion of survey records, and (where the
    setting asks) a second editor for every change made on a record's form.

    History is for reading: simple-history's revert form would save a POST past the change
    form's rules (and, before this, for users who may only view), so it is refused for everyone.
    A change goes through the record's own form, or a correction.
    """

    actions = [export_as_csv]
    export_fields: list[tuple[str, str]] = [("Name", "__str__")]
    list_per_page = 50

    def save_related(self, request, form, formsets, change) -> None:
        super().save_related(request, form, formsets, change)
        summaries.refresh()  # in the change form's transaction, after its inlines

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def revert_disabled(self, request, obj=None) -> bool:
        return True

    def history_form_view(self, request, object_id, version_id, extra_context=None):
        if request.method != "GET":
            raise PermissionDenied("Reverting from history is turned off.")
        return super().history_form_view(request, object_id, version_id, extra_context)
