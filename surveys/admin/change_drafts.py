"""The desk of changes waiting for a second editor: each one's summary, and buttons to publish
it (a different editor: the form is submitted again, in one transaction with the decision) or
discard it. See ``surveys.admin.second_editor``."""

from __future__ import annotations

import copy

from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import HttpResponseRedirect, QueryDict
from django.shortcuts import get_object_or_404
from django.urls import path, reverse
from django.utils import timezone
from django.utils.datastructures import MultiValueDict
from django.views.decorators.http import require_POST

from surveys.admin.second_editor import RollBack, latest_history_id
from surveys.models import ChangeDraft


@admin.register(ChangeDraft)
class ChangeDraftAdmin(admin.ModelAdmin):
    """The changes waiting for a second editor: read, then publish or discard."""

    list_display = ["requested_at", "model", "object_repr", "requested_by", "outcome"]
    list_filter = ["outcome", "model"]
    list_select_related = ["requested_by", "decided_by"]
    readonly_fields = [
        "model",
        "object_repr",
        "summary",
        "requested_by",
        "requested_at",
        "outcome",
        "decided_by",
        "decided_at",
    ]
    fields = readonly_fields
    change_form_template = "admin/surveys/changedraft/change_form.html"

    def has_add_permission(self, request) -> bool:
        return False

    def has_change_permission(self, request, obj=None) -> bool:
        return False  # read here; published or discarded by the buttons below

    def has_delete_permission(self, request, obj=None) -> bool:
        return False

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/publish/",
                view(require_POST(self.publish_view)),
                name="surveys_changedraft_publish",
            ),
            path(
                "<int:pk>/discard/",
                view(require_POST(self.discard_view)),
                name="surveys_changedraft_discard",
            ),
            *super().get_urls(),
        ]

    def change_view(self, request, object_id, form_url="", extra_context=None):
        draft = self.get_object(request, object_id)
        extra_context = {
            **(extra_context or {}),
            "draft": draft,
            "may_decide": draft is not None and self._may_act(request, draft),
            "is_maker": draft is not None and draft.requested_by_id == request.user.pk,
        }
        return super().change_view(request, object_id, form_url, extra_context)

    def _target_admin(self, draft: ChangeDraft):
        from django.apps import apps

        model = apps.get_model(draft.model)
        return self.admin_site._registry[model]

    def _may_act(self, request, draft: ChangeDraft) -> bool:
        target = self._target_admin(draft)
        if draft.object_id is None:
            return target.has_add_permission(request)
        return target.has_change_permission(request)

    def _back(self, draft: ChangeDraft):
        return self._back_to(draft.pk)

    def _back_to(self, pk):
        return HttpResponseRedirect(reverse("admin:surveys_changedraft_change", args=[pk]))

    def _undecided(self, request, pk) -> ChangeDraft | None:
        """The draft, if this editor may decide it and nobody has yet (else a message)."""
        draft = get_object_or_404(ChangeDraft, pk=pk)
        if not self._may_act(request, draft):
            raise PermissionDenied
        if draft.outcome:
            messages.error(request, "This change was already decided.")
            return None
        return draft

    def publish_view(self, request, pk):
        draft = self._undecided(request, pk)
        if draft is None:
            return self._back_to(pk)
        if draft.requested_by_id == request.user.pk:
            messages.error(request, "A second editor publishes a change: not the one who made it.")
            return self._back(draft)
        target = self._target_admin(draft)
        if latest_history_id(target.model, draft.object_id) != draft.base_history_id:
            messages.error(
                request,
                f"{draft.object_repr} has changed since this change was made: discard it and "
                "make the change again on the record as it is now.",
            )
            return self._back(draft)
        errors = self._replay(request, draft, target)
        if errors:
            messages.error(request, f"The change no longer applies as made: {errors}")
            return self._back(draft)
        messages.success(request, f"Published the change to {draft.object_repr}.")
        return self._back(draft)

    def _replay(self, request, draft: ChangeDraft, target) -> str:
        """Submit the draft's form again as the second editor, in one transaction with the
        draft's decision. Returns the form's errors ("" when it was saved)."""
        replay = copy.copy(request)
        data = QueryDict(mutable=True)
        for name, value in draft.data:
            data.appendlist(name, value)
        data["_save"] = "Save"
        replay.POST = data
        replay._files = MultiValueDict()
        replay.replaying_change_draft = draft
        capture: dict = {}
        replay.change_draft_capture = capture
        object_id = str(draft.object_id) if draft.object_id else None
        try:
            with transaction.atomic():
                # a second click (or editor) waits here, then finds the draft decided
                if ChangeDraft.objects.select_for_update().get(pk=draft.pk).outcome:
                    return "it was already decided"
                response = target._changeform_view(replay, object_id, "", None)
                if "saved" not in capture:
                    raise RollBack
                draft.outcome = ChangeDraft.Outcome.PUBLISHED
                draft.decided_by, draft.decided_at = request.user, timezone.now()
                draft.save()
        except RollBack:
            return _form_errors(response) or "the form refused it"
        return ""

    def discard_view(self, request, pk):
        draft = self._undecided(request, pk)
        if draft is None:
            return self._back_to(pk)
        decided = ChangeDraft.objects.filter(pk=pk, outcome="").update(  # once, however clicked
            outcome=ChangeDraft.Outcome.DISCARDED,
            decided_by=request.user,
            decided_at=timezone.now(),
        )
        if decided:
            messages.success(request, f"Discarded the change to {draft.object_repr}.")
        else:
            messages.error(request, "This change was already decided.")
        return self._back(draft)


def _form_errors(response) -> str:
    context = getattr(response, "context_data", None) or {}
    found = []
    adminform = context.get("adminform")
    if adminform is not None:
        for field, errors in adminform.form.errors.items():
            found.append(f"{field}: {' '.join(errors)}")
    for formset in context.get("inline_admin_formsets", []):
        for errors in formset.formset.errors:
            for field, messages_ in errors.items():
                found.append(f"{field}: {' '.join(messages_)}")
        found.extend(formset.formset.non_form_errors())
    return "; ".join(found)
