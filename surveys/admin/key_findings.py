"""The overview's "Key findings" in the admin. An editor's addition, change or removal is saved
as a draft (surveys.editorial.key_finding_drafts), previewed exactly as the overview will show
it, then published (by a second editor where settings.CORRECTIONS_NEED_SECOND_EDITOR) or
discarded."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils import timezone
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from surveys.admin.base import Admin
from surveys.editorial import key_finding_drafts, previews
from surveys.editorial.corrections import PublishRefused, may_publish
from surveys.models import KeyFinding, KeyFindingDraft

Action = KeyFindingDraft.Action
DRAFT_RELATED = [
    "finding__survey_round",
    "finding__publication",
    "key_finding__finding__survey_round",
    "drafted_by",
]


class KeyFindingDraftForm(forms.ModelForm):
    """The key finding as it will be, and why: saving it saves a draft, not the key finding."""

    reason = forms.CharField(
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Why it changes. Kept in the key finding's history; not shown publicly.",
    )
    remove = forms.BooleanField(
        required=False,
        label="Remove from the overview",
        help_text="Propose removing this key finding (the published finding itself stays).",
    )

    class Meta:
        model = KeyFinding
        fields = ["finding", "position", "sentence"]

    def clean(self):
        cleaned = super().clean()
        if (
            self.instance.pk is not None
            and not cleaned.get("remove")
            and not set(self.changed_data) & {"finding", "position", "sentence"}
        ):
            raise ValidationError(
                "Nothing would change: edit the sentence, position or finding, or tick "
                "“Remove from the overview”."
            )
        return cleaned


@admin.register(KeyFinding)
class KeyFindingAdmin(Admin):
    """Which published findings the overview puts first, in what order, in what words."""

    changes_wait_for_second_editor = False  # its drafts have their own second editor

    form = KeyFindingDraftForm
    list_display = ["position", "sentence", "finding"]
    list_display_links = ["sentence"]
    list_filter = ["finding__survey_round"]
    list_select_related = ["finding__publication", "finding__survey_round"]
    search_fields = ["sentence", "finding__key", "finding__wording"]
    autocomplete_fields = ["finding"]
    change_list_template = "admin/surveys/keyfinding/change_list.html"
    export_fields = [
        ("Position", "position"),
        ("Sentence", "sentence"),
        ("Finding", "finding__key"),
    ]

    def get_fields(self, request, obj=None):
        fields = ["finding", "position", "sentence", "reason"]
        return fields + ["remove"] if obj is not None else fields

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "drafts/<int:pk>/preview/",
                view(require_safe(self.draft_preview_view)),
                name="surveys_keyfinding_draft_preview",
            ),
            path(
                "drafts/<int:pk>/publish/",
                view(require_POST(self.draft_publish_view)),
                name="surveys_keyfinding_draft_publish",
            ),
            path(
                "drafts/<int:pk>/discard/",
                view(require_POST(self.draft_discard_view)),
                name="surveys_keyfinding_draft_discard",
            ),
            *super().get_urls(),
        ]

    def changelist_view(self, request, extra_context=None):
        drafts = KeyFindingDraft.objects.select_related(*DRAFT_RELATED)
        extra_context = {**(extra_context or {}), "key_finding_drafts": drafts}
        return super().changelist_view(request, extra_context)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        if request.method == "GET":
            drafts = KeyFindingDraft.objects.filter(key_finding_id=object_id).values_list(
                "pk", flat=True
            )
            for pk in drafts:
                messages.info(
                    request,
                    format_html(
                        'A draft of this key finding waits: <a href="{}">preview it</a> to '
                        "publish or discard it.",
                        reverse("admin:surveys_keyfinding_draft_preview", args=[pk]),
                    ),
                )
        return super().change_view(request, object_id, form_url, extra_context)

    def save_model(self, request, obj, form, change):
        """Save a draft instead: the key finding changes only when the draft is published."""
        current = KeyFinding.objects.get(pk=obj.pk) if change else None
        action, proposed = (Action.CHANGE, obj) if change else (Action.ADD, obj)
        if change and form.cleaned_data.get("remove"):
            # Removed as it is now, whatever else the form edited.
            action, proposed = Action.DELETE, current
        obj._draft = key_finding_drafts.save_draft(
            action=action,
            key_finding=current,
            finding=proposed.finding,
            position=proposed.position,
            sentence=proposed.sentence,
            reason=form.cleaned_data["reason"],
            user=request.user,
        )

    def save_related(self, request, form, formsets, change):
        pass  # nothing is saved until the draft is published

    def log_addition(self, request, obj, message):
        pass  # the draft's history is the record; the key finding does not exist yet

    def log_change(self, request, obj, message):
        pass  # the key finding has not changed: the draft's history is the record

    def _to_preview(self, request, obj):
        messages.info(
            request,
            "Saved as a draft: nothing public has changed. Check the preview, then publish it.",
        )
        return redirect("admin:surveys_keyfinding_draft_preview", pk=obj._draft.pk)

    def response_add(self, request, obj, post_url_continue=None):
        return self._to_preview(request, obj)

    def response_change(self, request, obj):
        return self._to_preview(request, obj)

    def _editor(self, request) -> None:
        if not (
            request.user.has_perm("surveys.change_keyfinding")
            and request.user.has_perm("surveys.add_keyfindingdraft")
        ):
            raise PermissionDenied

    def _gone(self, request):
        messages.info(request, "That draft has already been published or discarded.")
        return redirect("admin:surveys_keyfinding_changelist")

    def draft_preview_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        draft = KeyFindingDraft.objects.select_related(*DRAFT_RELATED).filter(pk=pk).first()
        if draft is None:
            return self._gone(request)
        rounds = {draft.finding.survey_round}
        if draft.key_finding is not None:
            rounds.add(draft.key_finding.finding.survey_round)
        rounds = sorted(rounds, key=lambda r: r.year)
        try:
            preview = previews.preview(
                lambda: key_finding_drafts.apply(draft, change_reason="Preview (rolled back)"),
                rounds=rounds,
                pages=[
                    previews.PreviewPage(f"/?round={r.year}", f"Overview, {r.year}") for r in rounds
                ],
                page=request.GET.get("page", ""),
            )
            refused = ""
        except ValidationError as exc:  # the key findings changed since it was drafted
            preview = None
            refused = (
                f"This draft cannot be published as it is: {' '.join(exc.messages)} "
                "Discard it and draft the change again."
            )
        context = {
            **self.admin_site.each_context(request),
            "heading": "Preview of a draft key finding: not public",
            "description": describe(draft),
            "back_url": reverse("admin:surveys_keyfinding_changelist"),
            "back_label": "Key findings",
            "preview": preview,
            "refused": refused,
            "may_publish": refused or may_publish(draft, request.user),
            "is_editor": request.user.has_perm("surveys.change_keyfinding"),
            "publish_url": reverse("admin:surveys_keyfinding_draft_publish", args=[pk]),
            "discard_url": reverse("admin:surveys_keyfinding_draft_discard", args=[pk]),
            "preview_url": reverse("admin:surveys_keyfinding_draft_preview", args=[pk]),
            "no_change_note": "the key findings' words and order are on the overview below.",
        }
        return TemplateResponse(request, "admin/surveys/draft_preview.html", context)

    def draft_publish_view(self, request, pk: int):
        self._editor(request)
        draft = KeyFindingDraft.objects.filter(pk=pk).first()
        if draft is None:
            return self._gone(request)
        try:
            key_finding_drafts.publish(draft, user=request.user)
        except PublishRefused as exc:
            messages.error(request, f"Not published: {exc}")
            return redirect("admin:surveys_keyfinding_draft_preview", pk=pk)
        except ValidationError as exc:
            messages.error(request, f"Not published: {' '.join(exc.messages)}")
            return redirect("admin:surveys_keyfinding_draft_preview", pk=pk)
        messages.success(request, "Published: the overview shows it now.")
        return redirect("admin:surveys_keyfinding_changelist")

    def draft_discard_view(self, request, pk: int):
        self._editor(request)
        draft = KeyFindingDraft.objects.filter(pk=pk).first()
        if draft is None:
            return self._gone(request)
        key_finding_drafts.discard(draft, user=request.user)
        messages.success(request, "The draft is discarded; its history keeps a record.")
        return redirect("admin:surveys_keyfinding_changelist")


def describe(draft: KeyFindingDraft) -> str:
    """What the draft changes, from the key finding as it is now, and who drafted it why."""
    after = f"position {draft.position}: “{draft.sentence}” ({draft.finding.key})"
    now = draft.key_finding
    if draft.action == Action.ADD:
        what = f"Add at {after}."
    elif now is None:
        what = f"{draft.get_action_display()} a key finding that has since been removed."
    else:
        before = f"position {now.position}: “{now.sentence}” ({now.finding.key})"
        what = (
            f"Remove {before}." if draft.action == Action.DELETE else f"Change {before} → {after}."
        )
    by = draft.drafted_by or "an editor"
    on = timezone.localtime(draft.drafted_at)
    return f"{what} Reason: {draft.reason} Drafted by {by} on {on:%-d %B %Y, %H:%M}."
