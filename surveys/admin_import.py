"""Import per-body answers in the admin: upload, preview every change and error, confirm.

It calls the same validator and writer as ``manage.py import_returns`` (surveys.importing).
The uploaded file waits in ``IMPORT_DIR`` between preview and confirmation, named by a random
token kept in the editor's session; confirming validates it again before writing.
"""

from __future__ import annotations

import secrets
from pathlib import Path

from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.http import FileResponse
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import path

from surveys.importing import (
    COLUMN_GUIDE,
    COLUMNS,
    ImportFileError,
    import_answers,
    read_rows,
    validate,
)

SESSION_KEY = "answer_import"
EXAMPLE_FILE = Path(settings.BASE_DIR) / "docs" / "example-answers.csv"
ALLOWED_SUFFIXES = (".csv", ".xlsx")


class UploadForm(forms.Form):
    file = forms.FileField(
        label="CSV or XLSX file",
        help_text=f"Columns: {', '.join(COLUMNS)}. At most "
        f"{settings.IMPORT_MAX_BYTES // 1_000_000} MB.",
    )
    reason = forms.CharField(
        required=False,
        widget=forms.Textarea(attrs={"rows": 2, "cols": 60}),
        help_text="Needed when the file changes an existing answer's values (operates, aware "
        "of concerns, future use, vendors): each such change is published as a correction "
        "with this reason and the row's source.",
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


def _pending_path(token: str, suffix: str) -> Path:
    return Path(settings.IMPORT_DIR) / f"{token}{suffix}"


class ImportAnswersMixin:
    """Adds ``import/`` to the answers admin, for users with surveys.import_answers."""

    def get_urls(self):
        urls = [
            path(
                "import/",
                self.admin_site.admin_view(self.import_view),
                name="surveys_answer_import",
            ),
            path(
                "import/example-answers.csv",
                self.admin_site.admin_view(self.import_example_view),
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
        if request.method == "POST" and request.POST.get("step") == "confirm":
            return self._confirm(request, context)
        form = UploadForm(request.POST or None, request.FILES or None)
        if request.method == "POST" and form.is_valid():
            return self._preview(
                request, form.cleaned_data["file"], form.cleaned_data["reason"].strip(), context
            )
        context["form"] = form
        return TemplateResponse(request, "admin/surveys/answer/import.html", context)

    def import_example_view(self, request):
        """The example file the README links, for editors who cannot see the repository."""
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
            _pending_path(token, suffix).write_bytes(data)
            request.session[SESSION_KEY] = {
                "token": token,
                "suffix": suffix,
                "filename": upload.name,
                "reason": reason,
            }
            context["token"] = token
        return TemplateResponse(request, "admin/surveys/answer/import_preview.html", context)

    def _confirm(self, request, context):
        pending = request.session.get(SESSION_KEY) or {}
        if not pending or pending.get("token") != request.POST.get("token"):
            messages.error(request, "That import has expired or was already done: upload again.")
            return redirect("admin:surveys_answer_import")
        file_path = _pending_path(pending["token"], pending["suffix"])
        del request.session[SESSION_KEY]
        try:
            with file_path.open("rb") as handle:
                result = import_answers(
                    handle,
                    filename=pending["filename"],
                    change_reason=f"admin import of {pending['filename']} by {request.user}",
                    reason=pending.get("reason", ""),
                )
        except (OSError, ImportFileError) as exc:
            messages.error(request, f"Nothing was imported: {exc}")
            return redirect("admin:surveys_answer_import")
        finally:
            file_path.unlink(missing_ok=True)
        if not result.ok:  # the data changed since the preview
            context.update(
                result=result,
                filename=pending["filename"],
                title=f"Preview of {pending['filename']}",
            )
            return TemplateResponse(request, "admin/surveys/answer/import_preview.html", context)
        messages.success(request, f"{result.done_summary()} (from {pending['filename']}).")
        return redirect("admin:surveys_answer_changelist")
