"""The questionnaire to complete offline: downloaded as XLSX from the body's link, uploaded
back there, read by surveys.collection.questionnaire (the import's reader and rules) and, with
no error, saved as the draft and shown for review."""

from __future__ import annotations

from pathlib import Path

from django.conf import settings
from django.shortcuts import redirect, render
from django.views.decorators.http import require_http_methods, require_safe

from surveys.collection import questionnaire, returns
from surveys.editorial.import_bounds import ImportFileError
from surveys.exports import download_name, xlsx_response
from surveys.returns.access import link_or_404, posted_version
from surveys.returns.forms import UploadForm

SUFFIXES = (".xlsx", ".csv")


@require_safe
def questionnaire_xlsx(request, token: str):
    link = link_or_404(token)
    collection, body = link.invitation.collection, link.invitation.body
    about = [
        ("What", f"The {collection.year} survey's questionnaire for {body.name}"),
        ("Deadline", collection.deadline.isoformat()),
        (
            "How",
            "One row per system type. Fill in the columns operates to notes, save, and "
            "upload the file at the link you downloaded it from. Leave body, round, system_type "
            f"and source as they are (source: '{questionnaire.SOURCE_PLACEHOLDER}').",
        ),
        ("operates, aware_of_concerns", "yes, no, or blank (not known)"),
        ("unit_count", "A whole number, or blank (not stated); only where the round asks"),
        ("vendors", "Names separated by ; (a name the list lacks is kept as you wrote it)"),
        (
            "kinds",
            "Facial recognition only: live; retrospective; operator_initiated; "
            "database_access; other",
        ),
        ("intent", "intends, no_intention, unsure, or blank (not stated)"),
    ]
    return xlsx_response(
        questionnaire.COLUMNS,
        questionnaire.questionnaire_rows(link.online_return),
        filename=download_name("questionnaire", collection.year, body.slug, suffix="xlsx"),
        title=f"questionnaire-{collection.year}",
        about=about,
    )


@require_http_methods(["GET", "HEAD", "POST"])
def upload(request, token: str):
    link = link_or_404(token)
    if not link.online_return.body_may_edit:
        return redirect("returns:receipt", token)
    form = UploadForm(request.POST or None, request.FILES or None)
    row_errors, stale = [], ""
    if request.method == "POST" and form.is_valid():
        upload = form.cleaned_data["file"]
        if Path(upload.name).suffix.lower() not in SUFFIXES:
            form.add_error("file", "The file must be an .xlsx or .csv file")
        elif upload.size > settings.IMPORT_MAX_BYTES:
            form.add_error(
                "file", f"The file must be smaller than {settings.IMPORT_MAX_BYTES // 1_000_000} MB"
            )
        else:
            try:
                answers, row_errors = questionnaire.read_questionnaire(
                    upload.read(), filename=upload.name, online_return=link.online_return
                )
            except ImportFileError as exc:
                form.add_error("file", str(exc))
            else:
                if row_errors:
                    form.add_error(
                        "file",
                        f"The file has {len(row_errors)} error{'s' if len(row_errors) > 1 else ''}"
                        ": nothing was saved. Correct the file and upload it again",
                    )
                else:
                    try:
                        returns.save_draft(
                            link.online_return,
                            answers,
                            expected_version=posted_version(request),
                            saved_by=f"{returns.LINK} (questionnaire uploaded)",
                            reason="Draft saved from an uploaded questionnaire",
                        )
                    except returns.StaleReturn as exc:
                        stale = str(exc)
                    else:
                        return redirect("returns:review", token)
    errors = [(f"#{form['file'].id_for_label}", e) for e in form.errors.get("file", [])]
    errors += [(f"#row-{e.row}-{e.column}", str(e)) for e in row_errors]
    context = {
        **link.context,
        "form": form,
        "row_errors": row_errors,
        "error_list": errors,
        "stale": stale,
        "version": link.online_return.version,
    }
    return render(request, "returns/upload.html", context, status=409 if stale else 200)
