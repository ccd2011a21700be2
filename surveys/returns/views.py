"""A body's return at its link: the start page, the form (save as draft, continue to
review), the review and submission, and the receipt (a page and a CSV). Thin: the reading is
in surveys.returns.forms, the writing in surveys.collection.returns."""

from __future__ import annotations

from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.views.decorators.http import require_http_methods, require_safe

from surveys.collection import returns
from surveys.collection.return_values import stored_answers
from surveys.exports import csv_response, download_name
from surveys.models import Vendor
from surveys.returns.access import answer_rows, link_or_404, posted_version
from surveys.returns.forms import INTENT, KINDS, LIMITS, YES_NO, SubmitForm, TypeForm


@require_safe
def start(request, token: str):
    link = link_or_404(token, peek=True)
    return render(request, "returns/start.html", link.context)


@require_http_methods(["GET", "HEAD", "POST"])
def form(request, token: str):
    link = link_or_404(token)
    if not link.online_return.body_may_edit:
        return redirect("returns:receipt", token)
    vendors = list(Vendor.objects.order_by("name").only("pk", "name"))
    stale = ""
    if request.method == "POST":
        known = {vendor.pk for vendor in vendors}
        posted = [TypeForm.posted(asked, request.POST, known) for asked in link.asked]
        forms = [type_form for type_form, _ in posted]
        version = posted_version(request)
        if not any(type_form.errors for type_form in forms):
            answers = {f.asked.system_type_id: answer for f, answer in posted}
            try:
                returns.save_draft(
                    link.online_return,
                    answers,
                    expected_version=version,
                    saved_by=returns.LINK,
                )
            except returns.ReturnClosed:
                return redirect("returns:receipt", token)
            except returns.StaleReturn as exc:
                stale = str(exc)
            else:
                if request.POST.get("action") == "review":
                    return redirect("returns:review", token)
                return redirect(reverse("returns:form", args=[token]) + "?saved=1")
    else:
        answers = stored_answers(link.online_return)
        forms = [TypeForm.shown(asked, answers.get(asked.system_type_id)) for asked in link.asked]
        version = link.online_return.version
    errors = [entry for type_form in forms for entry in type_form.summary()]
    context = {
        **link.context,
        "forms": forms,
        "vendors": vendors,
        "yes_no": YES_NO,
        "intents": INTENT,
        "kinds": KINDS,
        "limits": LIMITS,
        "version": version,
        "error_list": errors,
        "stale": stale,
        "saved": request.method == "GET" and request.GET.get("saved") == "1",
    }
    return render(request, "returns/form.html", context, status=409 if stale else 200)


@require_http_methods(["GET", "HEAD", "POST"])
def review(request, token: str):
    link = link_or_404(token)
    if not link.online_return.body_may_edit:
        return redirect("returns:receipt", token)
    submit_form = SubmitForm(request.POST or None)
    stale = ""
    if request.method == "POST" and submit_form.is_valid():
        try:
            returns.submit(
                link.online_return,
                name=submit_form.cleaned_data["name"],
                role=submit_form.cleaned_data["role"],
                expected_version=posted_version(request),
            )
        except returns.StaleReturn:
            link = link_or_404(token)  # the answers as they now stand
            stale = (
                "The answers changed after you opened this page (someone else saved the "
                "return). Check the answers below as they now stand, then submit again."
            )
        else:
            return redirect("returns:receipt", token)
    errors = [
        (f"#{submit_form[name].id_for_label}", error)
        for name, field_errors in submit_form.errors.items()
        for error in field_errors
    ]
    context = {
        **link.context,
        "answers": answer_rows(link),
        "submit_form": submit_form,
        "error_list": errors,
        "stale": stale,
        "version": link.online_return.version,
    }
    return render(request, "returns/review.html", context, status=409 if stale else 200)


@require_safe
def receipt(request, token: str):
    link = link_or_404(token)
    if link.online_return.body_may_edit:
        return redirect("returns:start", token)
    return render(request, "returns/receipt.html", {**link.context, "answers": answer_rows(link)})


@require_safe
def receipt_csv(request, token: str):
    """The answers as submitted, one row per answer, with who submitted them and when."""
    link = link_or_404(token)
    if link.online_return.body_may_edit:
        return redirect("returns:start", token)
    submitted = link.online_return
    when = timezone.localtime(submitted.submitted_at).isoformat(timespec="seconds")
    rows = [
        [
            link.invitation.body.name,
            link.invitation.collection.year,
            shown["asked"].system_type.name,
            label,
            value,
            when,
            submitted.submitted_by_name,
            submitted.submitted_by_role,
        ]
        for shown in answer_rows(link)
        for label, value in shown["rows"]
    ]
    header = [
        "body",
        "round",
        "system_type",
        "question",
        "answer",
        "submitted_at",
        "submitted_by",
        "role",
    ]
    year, body = link.invitation.collection.year, link.invitation.body.slug
    return csv_response(header, rows, filename=download_name("return", year, body, suffix="csv"))
