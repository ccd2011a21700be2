"""Drafts in the admin: a correction is saved as a draft, previewed exactly as the public would
see it, then published (by a second editor where settings.CORRECTIONS_NEED_SECOND_EDITOR) or
discarded. After publication only withdrawal remains, and a withdrawal is drafted, previewed
and published the same way."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_POST, require_safe

from surveys.editorial import corrections, previews
from surveys.models import Correction, WithdrawalDraft
from surveys.values import correction_new_value_text

GONE = "That withdrawal was already published or discarded."


def _why(exc: Exception) -> str:
    return " ".join(exc.messages) if isinstance(exc, ValidationError) else str(exc)


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
            path(
                "<int:pk>/withdrawal/preview/",
                view(require_safe(self.withdrawal_preview_view)),
                name="surveys_correction_withdrawal_preview",
            ),
            path(
                "<int:pk>/withdrawal/publish/",
                view(require_POST(self.withdrawal_publish_view)),
                name="surveys_correction_withdrawal_publish",
            ),
            path(
                "<int:pk>/withdrawal/discard/",
                view(require_POST(self.withdrawal_discard_view)),
                name="surveys_correction_withdrawal_discard",
            ),
            *super().get_urls(),
        ]

    def response_add(self, request, obj, post_url_continue=None):
        messages.info(
            request,
            "Saved as a draft: nothing public has changed. Check the preview, then publish it.",
        )
        return redirect("admin:surveys_correction_preview", pk=obj.pk)

    def response_change(self, request, obj):
        if WithdrawalDraft.objects.filter(correction=obj).exists():
            messages.info(
                request,
                "The withdrawal is saved as a draft: nothing public has changed. Check the "
                "preview, then publish it.",
            )
            return redirect("admin:surveys_correction_withdrawal_preview", pk=obj.pk)
        return super().response_change(request, obj)

    def change_view(self, request, object_id, form_url="", extra_context=None):
        """A draft's own page says that it is a draft and where it is published or discarded;
        so does a correction whose withdrawal is waiting."""
        if request.method == "GET" and str(object_id).isdigit():
            draft = Correction.objects.filter(pk=object_id, status=Correction.Status.DRAFT)
            if draft.exists():
                messages.info(
                    request,
                    format_html(
                        'This correction is a draft: nothing public has changed. <a href="{}">'
                        "Preview it</a> to publish or discard it.",
                        reverse("admin:surveys_correction_preview", args=[object_id]),
                    ),
                )
            elif WithdrawalDraft.objects.filter(correction_id=object_id).exists():
                messages.info(
                    request,
                    format_html(
                        "A withdrawal of this correction is drafted: it is still in force. "
                        '<a href="{}">Preview the withdrawal</a> to publish or discard it.',
                        reverse("admin:surveys_correction_withdrawal_preview", args=[object_id]),
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
            Correction.objects.with_targets().select_related("drafted_by"), pk=pk
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
            "publish_label": "Publish the correction",
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

    def withdrawal_preview_view(self, request, pk: int):
        if not self.has_view_permission(request):
            raise PermissionDenied
        draft = (
            WithdrawalDraft.objects.select_related("correction__source", "drafted_by")
            .filter(correction_id=pk)
            .first()
        )
        if draft is None:
            messages.info(request, "No withdrawal of this correction is waiting.")
            return redirect("admin:surveys_correction_change", pk)
        correction = draft.correction
        try:
            preview = previews.preview(
                lambda: corrections.publish_withdrawal(draft, check_editor=False),
                rounds=previews.correction_rounds(correction),
                pages=previews.correction_pages(correction),
                page=request.GET.get("page", ""),
            )
            refused = ""
        except (ValidationError, corrections.PublishRefused) as exc:
            preview = None
            refused = f"This withdrawal cannot be published: {_why(exc)}"
        when = draft.withdrawn_on.strftime("%-d %B %Y") if draft.withdrawn_on else "today"
        drafted = f" Drafted by {draft.drafted_by}." if draft.drafted_by else ""
        context = {
            **self.admin_site.each_context(request),
            "heading": "Preview of a draft withdrawal: not public",
            "description": f"Withdraw the correction {correction.target_label}: "
            f"{correction_new_value_text(correction)} → {correction.old_value} again, as of "
            f"{when}. Reason (public once published): {draft.reason}{drafted}",
            "back_url": reverse("admin:surveys_correction_change", args=[pk]),
            "back_label": "The correction",
            "preview": preview,
            "refused": refused,
            "may_publish": refused or corrections.may_publish(draft, request.user),
            "is_editor": request.user.has_perm("surveys.change_correction"),
            "publish_url": reverse("admin:surveys_correction_withdrawal_publish", args=[pk]),
            "publish_label": "Publish the withdrawal",
            "discard_url": reverse("admin:surveys_correction_withdrawal_discard", args=[pk]),
            "discard_label": "Discard the draft withdrawal",
            "preview_url": reverse("admin:surveys_correction_withdrawal_preview", args=[pk]),
            "no_change_note": "the correction is listed as withdrawn once published.",
        }
        return TemplateResponse(request, "admin/surveys/draft_preview.html", context)

    def withdrawal_publish_view(self, request, pk: int):
        self._editor(request)
        draft = WithdrawalDraft.objects.filter(correction_id=pk).first()
        try:
            if draft is None:
                raise corrections.PublishRefused(GONE)
            corrections.publish_withdrawal(draft, user=request.user)
        except (corrections.PublishRefused, ValidationError) as exc:
            messages.error(request, f"Not withdrawn: {_why(exc)}")
            return redirect("admin:surveys_correction_change", pk)
        messages.success(
            request, "Published: the correction is withdrawn; it stays on the public record."
        )
        return redirect("admin:surveys_correction_change", pk)

    def withdrawal_discard_view(self, request, pk: int):
        self._editor(request)
        draft = WithdrawalDraft.objects.filter(correction_id=pk).first()
        try:
            if draft is None:
                raise corrections.PublishRefused(GONE)
            corrections.discard_withdrawal(draft, user=request.user)
        except corrections.PublishRefused as exc:
            messages.error(request, str(exc))
            return redirect("admin:surveys_correction_change", pk)
        messages.success(
            request, "The draft withdrawal is discarded: the correction stays in force."
        )
        return redirect("admin:surveys_correction_change", pk)
