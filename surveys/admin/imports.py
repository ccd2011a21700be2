"""Import per-body answers in the admin: upload, preview every change and error, publish.

It calls the same validator and writer as ``manage.py import_returns``
(surveys.editorial.importing).
A valid upload is a draft (an ``ImportDraft``; the file waits in ``IMPORT_DIR`` under a random
token): nothing public changes until an editor publishes it (a second editor, where
settings.CORRECTIONS_NEED_SECOND_EDITOR asks), and it can be discarded before. Publishing
validates the file again before writing. The public pages can be previewed as they will be.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.views.decorators.http import require_http_methods, require_safe

from surveys.editorial import corrections, importing, previews
from surveys.editorial.import_columns import COLUMN_GUIDE, COLUMNS, read_rows
from surveys.editorial.import_files import MAX_ROWS
from surveys.editorial.importing import ImportFileError, import_answers, validate
from surveys.limits import FILENAME_MAX, REASON_MAX
from surveys.models import ImportDraft, SurveyRound

EXAMPLE_FILE = Path(settings.BASE_DIR) / "docs" / "example-answers.csv"
ALLOWED_SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        max_length=FILENAME_MAX,
        help_text=f"Columns: {', '.join(COLUMNS)}. At most "
        f"{settings.IMPORT_MAX_BYTES // 1_000_000} MB and {MAX_ROWS:,} rows.",
    )
    reason = forms.CharField(
        required=False,
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed when the file changes an existing answer's values (operates, aware "
        "of concerns, future use, vendors, notes): each such change is published as a correction "
        f"with this reason and the row's source. At most {REASON_MAX:,} characters.",
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in ALLOWED_SUFFIXES:
            raise forms.ValidationError("Upload a .csv or .xlsx file.")
        if upload.size > settings.IMPORT_MAX_BYTES:
            raise forms.ValidationError(
                f"The file is {upload.size:,} bytes; the limit is {settings.IMPORT_MAX_BYTES:,}."
            )
        return upload


def _draft_path(draft: ImportDraft) -> Path:
    return Path(settings.IMPORT_DIR) / draft.stored_name


def _draft(token: str) -> ImportDraft | None:
    """The draft a form's token names (the stored file's name without its suffix)."""
    if not token or not token.replace("-", "").replace("_", "").isalnum():
        return None
    return (
        ImportDraft.objects.select_related("uploaded_by")
        .filter(stored_name__in=[f"{token}{suffix}" for suffix in ALLOWED_SUFFIXES])
        .first()
    )


def _locked(draft: ImportDraft | None) -> ImportDraft | None:
    """The draft again, its row locked for this transaction; None once another request has
    published or discarded it."""
    if draft is None:
        return None
    return ImportDraft.objects.select_for_update().filter(pk=draft.pk).first()


def _token(draft: ImportDraft) -> str:
    return Path(draft.stored_name).stem


def _read(draft: ImportDraft):
    return validate(read_rows(_draft_path(draft).read_bytes(), filename=draft.filename))


def _public_preview(draft: ImportDraft, result, page: str = ""):
    """The import applied inside a rolled-back transaction: every changed value, and the
    chosen public page as it will be."""
    years = sorted({plan.survey_return.survey_round.year for plan in result.plans})
    rounds = list(SurveyRound.objects.filter(year__in=years))
    changed = [plan for plan in result.plans if plan.action != "unchanged"]
    pages = [previews.PreviewPage(f"/?round={year}", f"Overview, {year}") for year in years]
    pages += [
        previews.PreviewPage(f"/forces/?round={year}", f"Forces and other bodies, {year}")
        for year in years
    ]
    seen: set[str] = set()
    for plan in changed:
        for url, title in (
            (f"/forces/{plan.survey_return.body.slug}/", plan.survey_return.body.name),
            (f"/systems/{plan.system_type.slug}/", plan.system_type.name),
        ):
            if url not in seen and len(seen) < 6:
                seen.add(url)
                pages.append(previews.PreviewPage(url, title))
    return previews.preview(
        lambda: importing.apply(
            result, change_reason="preview (rolled back)", reason=draft.reason or "preview"
        ),
        rounds=rounds,
        pages=pages,
        page=page,
    )


class ImportAnswersMixin:
    """Adds ``import/`` to the answers admin, for users with surveys.import_answers."""

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(
                    require_http_methods(["GET", "HEAD", "POST"])(self.import_view)
                ),
                name="surveys_answer_import",
            ),
            path(
                "import/draft/<str:token>/",
                self.admin_site.admin_view(require_safe(self.import_draft_view)),
                name="surveys_answer_import_draft",
            ),
            path(
                "import/example-answers.csv",
                self.admin_site.admin_view(require_safe(self.import_example_view)),
                name="surveys_answer_import_example",
            ),
        ]
        return urls + super().get_urls()

    def import_view(self, request):
        if not request.user.has_perm("surveys.import_answers"):
            raise PermissionDenied
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Import per-body answers",
            "columns": COLUMNS,
            "column_guide": COLUMN_GUIDE,
        }
        context["drafts"] = list(ImportDraft.objects.select_related("uploaded_by"))
        if request.method == "POST" and request.POST.get("step") == "confirm":
            return self._confirm(request, context)
        if request.method == "POST" and request.POST.get("step") == "discard":
            return self._discard(request)
        if request.method == "GET" and request.GET.get("draft"):
            return self._show_draft(request, request.GET["draft"], context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return self._preview(
                request, form.cleaned_data["file"], form.cleaned_data["reason"].strip(), context
            )
        context["form"] = form
        return TemplateResponse(request, "admin/surveys/answer/import.html", context)

    def import_example_view(self, request):
        """The example file the import guide links, for editors who cannot see the repository."""
        if not request.user.has_perm("surveys.import_answers"):
            raise PermissionDenied
        return FileResponse(
            EXAMPLE_FILE.open("rb"),
            as_attachment=True,
            filename=EXAMPLE_FILE.name,
            content_type="text/csv; charset=utf-8",
        )

    def _preview(self, request, upload, reason, context):
        data = upload.read()
        suffix = Path(upload.name).suffix.lower()
        try:
            result = validate(read_rows(data, filename=upload.name))
        except ImportFileError as exc:
            context.update(form=UploadForm(), file_error=str(exc), filename=upload.name)
            return TemplateResponse(request, "admin/surveys/answer/import.html", context)
        context.update(
            result=result, filename=upload.name, reason=reason, title=f"Preview of {upload.name}"
        )
        if result.ok and result.public_changes and not reason:
            context["reason_missing"] = True
        elif result.ok:
            token = secrets.token_urlsafe(16)
            Path(settings.IMPORT_DIR).mkdir(parents=True, exist_ok=True)
            draft = ImportDraft(
                filename=upload.name,
                stored_name=f"{token}{suffix}",
                reason=reason,
                uploaded_by=request.user,
                summary=result.summary(),
            )
            _draft_path(draft).write_bytes(data)
            draft._change_reason = f"Draft import of {upload.name}"
            draft.save()
            return self._draft_response(request, draft, result, context)
        return TemplateResponse(request, "admin/surveys/answer/import_preview.html", context)

    def _draft_response(self, request, draft, result, context):
        context.update(
            result=result,
            filename=draft.filename,
            reason=draft.reason,
            token=_token(draft),
            draft=draft,
            title=f"Draft import of {draft.filename}: not public yet",
            # A draft that no longer validates (the data changed since) has no preview: its
            # errors are listed and it can only be discarded.
            preview=_public_preview(draft, result) if result.ok else None,
            may_publish=corrections.may_publish(draft.uploaded_by_id, request.user),
        )
        return TemplateResponse(request, "admin/surveys/answer/import_preview.html", context)

    def _show_draft(self, request, token, context):
        draft = _draft(token)
        if draft is None:
            messages.error(
                request, "That draft import no longer exists: it was published or discarded."
            )
            return redirect("admin:surveys_answer_import")
        try:
            result = _read(draft)
        except (OSError, ImportFileError) as exc:
            messages.error(request, f"The draft's file cannot be read: {exc}")
            return redirect("admin:surveys_answer_import")
        return self._draft_response(request, draft, result, context)

    def import_draft_view(self, request, token: str):
        """A public page as it will be once the draft import is published."""
        if not request.user.has_perm("surveys.import_answers"):
            raise PermissionDenied
        draft = _draft(token)
        if draft is None:
            messages.error(request, "That draft import no longer exists.")
            return redirect("admin:surveys_answer_import")
        back = f"{reverse('admin:surveys_answer_import')}?draft={token}"
        try:
            result = _read(draft)
        except (OSError, ImportFileError) as exc:
            messages.error(request, f"The draft's file cannot be read: {exc}")
            return redirect("admin:surveys_answer_import")
        if not result.ok:  # the data changed since the upload: the draft's page lists why
            return redirect(back)
        preview = _public_preview(draft, result, request.GET.get("page", ""))
        context = {
            **self.admin_site.each_context(request),
            "heading": f"Preview of the draft import {draft.filename}: not public",
            "description": f"{result.summary()}. Uploaded by {draft.uploaded_by or 'an editor'}"
            f" on {draft.uploaded_at:%-d %B %Y, %H:%M}.",
            "back_url": back,
            "back_label": "Draft import",
            "preview": preview,
            "may_publish": corrections.may_publish(draft.uploaded_by_id, request.user),
            "is_editor": True,
            "publish_url": reverse("admin:surveys_answer_import"),
            "publish_fields": [("step", "confirm"), ("token", token)],
            "discard_url": reverse("admin:surveys_answer_import"),
            "discard_fields": [("step", "discard"), ("token", token)],
            "preview_url": reverse("admin:surveys_answer_import_draft", args=[token]),
            "no_change_note": "new answers may still add rows to the body and system pages.",
        }
        return TemplateResponse(request, "admin/surveys/draft_preview.html", context)

    def _discard(self, request):
        with transaction.atomic():
            draft = _locked(_draft(request.POST.get("token", "")))
            if draft is None:
                messages.error(request, "That draft import no longer exists.")
                return redirect("admin:surveys_answer_import")
            draft._change_reason = "Draft import discarded before publication"
            draft.delete()
        _draft_path(draft).unlink(missing_ok=True)  # once the row is gone for good
        messages.success(
            request, f"Discarded the draft import of {draft.filename}: nothing was written."
        )
        return redirect("admin:surveys_answer_import")

    def _confirm(self, request, context):
        # The draft's row is locked until the import commits or rolls back: a second confirm
        # (a double click) waits, then finds the draft gone and writes nothing.
        with transaction.atomic():
            draft = _locked(_draft(request.POST.get("token", "")))
            if draft is None:
                messages.error(
                    request, "That import was already published or discarded: nothing was written."
                )
                return redirect("admin:surveys_answer_import")
            if why := corrections.may_publish(draft.uploaded_by_id, request.user):
                messages.error(request, f"Not published: {why}")
                return redirect(f"{reverse('admin:surveys_answer_import')}?draft={_token(draft)}")
            file_path = _draft_path(draft)
            try:
                with file_path.open("rb") as handle:
                    result = import_answers(
                        handle,
                        filename=draft.filename,
                        change_reason=f"admin import of {draft.filename} by {request.user}",
                        reason=draft.reason,
                    )
            except (OSError, ImportFileError) as exc:
                messages.error(request, f"Nothing was imported: {exc}")
                return redirect("admin:surveys_answer_import")
            if not result.ok:  # the data changed since the preview: the draft stays
                context.update(
                    result=result,
                    filename=draft.filename,
                    title=f"Preview of {draft.filename}",
                    draft=draft,
                    token=_token(draft),
                )
                return TemplateResponse(
                    request, "admin/surveys/answer/import_preview.html", context
                )
            draft._change_reason = f"Published by {request.user}: {result.done_summary()}"
            draft.delete()
        file_path.unlink(missing_ok=True)  # once the import is committed
        messages.success(request, f"{result.done_summary()} (from {draft.filename}).")
        return redirect("admin:surveys_answer_changelist")
