"""Drafts in the admin: a correction is saved as a draft, previewed exactly as the public would
see it, then published (by a second editor where settings.CORRECTIONS_NEED_SECOND_EDITOR) or
discarded. After publication only withdrawal remains."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from surveys import corrections, previews
from surveys.models import Correction
from surveys.values import correction_new_value_text


class CorrectionDraftsMixin:
    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/preview/",
                view(require_safe(self.preview_view)),
                name="surveys_correction_preview",
            ),
            path(
                "<int:pk>/publish/",
                view(require_POST(self.publish_view)),
                name="surveys_correction_publish",
            ),
            path(
                "<int:pk>/discard/",
                view(require_POST(self.discard_view)),
                name="surveys_correction_discard",
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(
            request,
            "Saved as a draft: nothing public has changed. Check the preview, then publish it.",
        )
        return redirect("admin:surveys_correction_preview", pk=obj.pk)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A draft's own page says that it is a draft and where it is published or discarded."""
        draft = Correction.objects.filter(pk=object_id, status=Correction.Status.DRAFT).first()
        if draft is not None and request.method == "GET":
            messages.info(
                request,
                format_html(
                    'This correction is a draft: nothing public has changed. <a href="{}">'
                    "Preview it</a> to publish or discard it.",
                    reverse("admin:surveys_correction_preview", args=[draft.pk]),
                ),
            )
        return super().change_view(request, object_id, form_url, extra_context)

    def _editor(self, request) -> None:
        if not (
            request.user.has_perm("surveys.add_correction")
            and request.user.has_perm("surveys.change_correction")
        ):
            raise PermissionDenied

    def preview_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        correction = get_object_or_404(
            Correction.objects.select_related(
                "finding__survey_round",
                "finding__system_type",
                "finding__vendor",
                "finding__publication",
                "answer__survey_return__body",
                "answer__survey_return__survey_round",
                "answer__system_type",
                "survey_return__body",
                "survey_return__survey_round",
                "source",
                "drafted_by",
            ),
            pk=pk,
        )
        if correction.status != Correction.Status.DRAFT:
            messages.info(request, "This correction is published: it can only be withdrawn.")
            return redirect("admin:surveys_correction_change", correction.pk)
        # The value now, not the one when the draft was saved: it may have changed since.
        now = corrections._current_text(correction)
        try:
            preview = previews.preview(
                lambda: corrections.publish(correction, check_editor=False),
                rounds=previews.correction_rounds(correction),
                pages=previews.correction_pages(correction),
                page=request.GET.get("page", ""),
            )
            refused = ""
        except ValidationError as exc:  # the data changed since the draft was saved
            preview = None
            refused = (
                f"This draft cannot be published as it is: {' '.join(exc.messages)} "
                "Discard it and enter a new correction."
            )
        drafted = f" Drafted by {correction.drafted_by}." if correction.drafted_by else ""
        context = {
            **self.admin_site.each_context(request),
            "heading": "Preview of a draft correction: not public",
            "description": f"{correction.target_label}: {now} → "
            f"{correction_new_value_text(correction)}. Reason: {correction.reason} Source: "
            f"{correction.source.code}.{drafted}",
            "back_url": reverse("admin:surveys_correction_changelist"),
            "back_label": "Corrections",
            "preview": preview,
            "refused": refused,
            "may_publish": refused or corrections.may_publish(correction, request.user),
            "is_editor": request.user.has_perm("surveys.change_correction"),
            "publish_url": reverse("admin:surveys_correction_publish", args=[correction.pk]),
            "discard_url": reverse("admin:surveys_correction_discard", args=[correction.pk]),
            "preview_url": reverse("admin:surveys_correction_preview", args=[correction.pk]),
            "no_change_note": "the correction itself is listed once published.",
        }
        return TemplateResponse(request, "admin/surveys/draft_preview.html", context)

    def publish_view(self, request, pk: int):
        self._editor(request)
        correction = get_object_or_404(Correction, pk=pk)
        try:
            corrections.publish(correction, user=request.user)
        except corrections.PublishRefused as exc:
            messages.error(request, f"Not published: {exc}")
            return redirect("admin:surveys_correction_preview", pk=pk)
        except corrections.ValidationError as exc:
            messages.error(request, f"Not published: {' '.join(exc.messages)}")
            return redirect("admin:surveys_correction_preview", pk=pk)
        messages.success(request, "Published: the correction is now on the public pages.")
        return redirect("admin:surveys_correction_change", pk)

    def discard_view(self, request, pk: int):
        self._editor(request)
        correction = get_object_or_404(Correction, pk=pk)
        try:
            corrections.discard(correction, user=request.user)
        except corrections.PublishRefused as exc:
            messages.error(request, str(exc))
            return redirect("admin:surveys_correction_change", pk)
        messages.success(request, "The draft is discarded; its history keeps a record.")
        return redirect("admin:surveys_correction_changelist")
