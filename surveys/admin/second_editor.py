"""Changes that wait for a second editor (maker-checker) everywhere in the admin.

With ``settings.CORRECTIONS_NEED_SECOND_EDITOR``, an editor's save of a public record on its
admin form (a body, a vendor and its concerns, a publication, a round, a published finding, a
source credited on an answer...) is checked by the form exactly as a save would be, inside a
transaction that is then rolled back, and kept as a ``ChangeDraft``: nothing public changes.
A different editor publishes it, which submits the same form again (so the same rules apply),
or either editor discards it. A record that changed since the draft was made is refused, never
overwritten. Corrections and key findings have drafts of their own and are not held here.
"""

from __future__ import annotations

from django.conf import settings
from django.contrib import messages
from django.contrib.admin.models import LogEntry
from django.core.exceptions import FieldDoesNotExist
from django.db import transaction
from django.http import HttpResponseRedirect
from django.urls import reverse

from surveys.caching import is_public_model
from surveys.models import ChangeDraft

# Form fields that are no part of the change itself.
NOT_DATA = {"csrfmiddlewaretoken", "_save", "_continue", "_addanother", "_saveasnew"}


class RollBack(Exception):
    pass


def latest_history_id(model, object_id) -> int | None:
    history = getattr(model, "history", None)
    if history is None or object_id is None:
        return None
    return (
        history.filter(id=object_id).order_by("-history_id").values_list("history_id", flat=True)
    ).first()


class SecondEditorChanges:
    """Mixed into every admin of survey records: a save of a public record (one the data
    version watches) becomes a draft where the setting asks. ``changes_wait_for_second_editor
    = False`` for an admin with drafts of its own."""

    changes_wait_for_second_editor = True

    def changeform_view(self, request, object_id=None, form_url="", extra_context=None):
        if (
            request.method == "POST"
            and settings.CORRECTIONS_NEED_SECOND_EDITOR
            and self.changes_wait_for_second_editor
            and is_public_model(self.model)
            and getattr(request, "replaying_change_draft", None) is None
        ):
            return self._propose(request, object_id, form_url, extra_context)
        return super().changeform_view(request, object_id, form_url, extra_context)

    def _propose(self, request, object_id, form_url, extra_context):
        """Run the form in a transaction that is rolled back: its errors come back as they
        would; a valid change is kept as a draft instead of being written."""
        capture: dict = {}
        request.change_draft_capture = capture
        try:
            with transaction.atomic():
                response = super().changeform_view(request, object_id, form_url, extra_context)
                raise RollBack
        except RollBack:
            pass
        finally:
            del request.change_draft_capture
        if "saved" not in capture:
            return response  # the form with its errors (or a refusal): nothing written
        draft = ChangeDraft.objects.create(
            model=self.model._meta.label_lower,
            object_id=int(object_id) if object_id else None,
            object_repr=capture["saved"][:300],
            base_history_id=latest_history_id(self.model, object_id),
            data=[
                [k, v] for k, values in request.POST.lists() if k not in NOT_DATA for v in values
            ],
            summary=capture.get("summary", ""),
            requested_by=request.user,
        )
        messages.warning(
            request,
            f"Your change to {draft.object_repr} waits for a second editor: nothing is public "
            "until another editor publishes it.",
        )
        return HttpResponseRedirect(reverse("admin:surveys_changedraft_change", args=[draft.pk]))

    def save_model(self, request, obj, form, change):
        draft = getattr(request, "replaying_change_draft", None)
        if draft is not None:
            obj._change_reason = (
                f"proposed by {draft.requested_by} on {draft.requested_at:%Y-%m-%d %H:%M}, "
                f"published by {request.user} (second editor)"
            )
        capture = getattr(request, "change_draft_capture", None)
        if capture is not None:
            capture["before"] = _field_values(form, change)
        super().save_model(request, obj, form, change)
        if capture is not None:
            capture["saved"] = str(obj)

    def _captured(self, request, entry: LogEntry) -> LogEntry:
        capture = getattr(request, "change_draft_capture", None)
        if capture is not None:
            lines = capture.get("before", [])
            capture["summary"] = "\n".join(
                [entry.get_change_message() or "No fields changed.", *lines]
            )
        return entry

    def log_addition(self, request, obj, message):
        return self._captured(request, super().log_addition(request, obj, message))

    def log_change(self, request, obj, message):
        return self._captured(request, super().log_change(request, obj, message))

    def message_user(self, request, *args, **kwargs):
        if getattr(request, "change_draft_capture", None) is None:
            super().message_user(request, *args, **kwargs)


def _shown(value) -> str:
    if value in (None, ""):
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if hasattr(value, "all") and callable(value.all):
        value = list(value.all())
    if isinstance(value, list | tuple):
        return ", ".join(str(v) for v in value) or "empty"
    return str(value)


def _field_values(form, change: bool) -> list[str]:
    """Each field the form changes, from what it was to what it becomes."""
    lines = []
    for name in form.changed_data:
        label = form.fields[name].label or name
        new = _shown(form.cleaned_data.get(name))
        lines.append(
            f"{label}: {_shown(_initial(form, name))} → {new}" if change else f"{label}: {new}"
        )
    return lines


def _initial(form, name):
    """The field's value before the change (a related row, not its key)."""
    value = form.initial.get(name)
    try:
        field = form.instance._meta.get_field(name)
    except FieldDoesNotExist:
        return value
    if field.many_to_one and value not in (None, ""):
        return field.related_model._default_manager.filter(pk=value).first()
    return value
