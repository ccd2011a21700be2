"""Reviewing a submitted return in the admin: every value, the change it would make to each
public figure (the import drafts' rolled-back preview), and the editors' actions: accept it,
return it to the body with a message, change its values. Returning and changing are requests
a second editor approves where settings.CORRECTIONS_NEED_SECOND_EDITOR asks
(surveys.collection.requests)."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect
from django.template.response import TemplateResponse
from django.urls import path, reverse
from django.utils.html import format_html
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from surveys.admin.base import Admin
from surveys.collection import publishing, review
from surveys.collection import requests as collection_requests
from surveys.limits import NOTES_MAX, REASON_MAX
from surveys.models import CollectionRequest, OnlineReturn, Vendor
from surveys.models.collection import OTHER_VENDORS_MAX
from surveys.values import ANSWER_KINDS, Intent

YES_NO = [("", "Not known"), ("yes", "Yes"), ("no", "No")]
AS_BOOL = {"": None, "yes": True, "no": False}
AS_CHOICE = {None: "", True: "yes", False: "no"}


class AnswerChangeForm(forms.Form):
    operates = forms.ChoiceField(choices=YES_NO, required=False, label="Operates it")
    vendors = forms.ModelMultipleChoiceField(
        queryset=Vendor.objects.order_by("name"), required=False
    )
    other_vendors = forms.CharField(
        required=False,
        max_length=OTHER_VENDORS_MAX,
        help_text="What the body typed; empty it once each vendor is matched above.",
    )
    unit_count = forms.IntegerField(required=False, min_value=0, max_value=10**9 - 1)
    aware_of_concerns = forms.ChoiceField(choices=YES_NO, required=False)
    intent = forms.ChoiceField(choices=Intent.choices, required=False, label="Future use")
    kinds = forms.MultipleChoiceField(
        choices=ANSWER_KINDS, required=False, widget=forms.CheckboxSelectMultiple
    )
    notes = forms.CharField(required=False, max_length=NOTES_MAX, widget=forms.Textarea)

    def __init__(self, *args, system_type, **kwargs):
        super().__init__(*args, **kwargs)
        self.system_type = system_type
        if system_type.slug != review.FACIAL_RECOGNITION:
            del self.fields["kinds"]

    def values(self) -> dict:
        data = self.cleaned_data
        values = {
            "operates": AS_BOOL[data["operates"]],
            "vendors": sorted(v.pk for v in data["vendors"]),
            "other_vendors": data["other_vendors"].strip(),
            "unit_count": data["unit_count"],
            "aware_of_concerns": AS_BOOL[data["aware_of_concerns"]],
            "intent": data["intent"],
            "notes": data["notes"].strip(),
        }
        if "kinds" in data:
            values["kinds"] = list(data["kinds"])
        return values


class ReasonForm(forms.Form):
    reason = forms.CharField(
        max_length=REASON_MAX,
        widget=forms.Textarea(attrs={"rows": 2}),
        help_text="Why the values change (kept in the return's history).",
    )


def _answer_forms(online_return: OnlineReturn, data=None) -> list[AnswerChangeForm]:
    current = review.current_values(online_return)
    found = []
    for row in online_return.invitation.collection.coverage.select_related("system_type"):
        values = current.get(row.system_type.slug, {})
        initial = {
            **values,
            "operates": AS_CHOICE[values.get("operates")],
            "aware_of_concerns": AS_CHOICE[values.get("aware_of_concerns")],
        }
        found.append(
            AnswerChangeForm(
                data, prefix=row.system_type.slug, initial=initial, system_type=row.system_type
            )
        )
    return found


@admin.register(OnlineReturn)
class OnlineReturnAdmin(Admin):
    list_display = ["invitation", "status", "submitted_at", "submitted_by_name", "saved_at", "open"]
    list_filter = ["status", "invitation__collection"]
    list_select_related = ["invitation__body", "invitation__collection"]
    search_fields = ["invitation__body__name", "submitted_by_name"]
    export_fields = [("Return", "__str__"), ("Status", "status"), ("Submitted", "submitted_at")]

    def has_add_permission(self, request) -> bool:
        return False  # a body's return is made at its link

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return False  # changed only through the review's actions, each recorded
        return super().has_change_permission(request, obj)

    def get_readonly_fields(self, request, obj=None):
        names = [f.name for f in OnlineReturn._meta.fields]
        return [*names, "open"]

    @admin.display(description="Review")
    def open(self, obj: OnlineReturn) -> str:
        url = reverse("admin:surveys_onlinereturn_review", args=[obj.pk])
        return format_html('<a href="{}">Review the return</a>', url)

    def get_urls(self):
        view = self.admin_site.admin_view
        return [
            path(
                "<int:pk>/review/",
                view(require_safe(self.review_view)),
                name="surveys_onlinereturn_review",
            ),
            path(
                "<int:pk>/review/page/",
                view(require_safe(self.page_view)),
                name="surveys_onlinereturn_review_page",
            ),
            path(
                "<int:pk>/accept/",
                view(require_POST(self.accept_view)),
                name="surveys_onlinereturn_accept",
            ),
            path(
                "<int:pk>/reopen/",
                view(require_POST(self.reopen_view)),
                name="surveys_onlinereturn_reopen",
            ),
            path(
                "<int:pk>/change-values/",
                view(require_http_methods(["GET", "HEAD", "POST"])(self.change_values_view)),
                name="surveys_onlinereturn_change_values",
            ),
            *super().get_urls(),
        ]

    def _return(self, request, pk: int) -> OnlineReturn:
        if not self.has_view_permission(request):
            raise PermissionDenied
        return get_object_or_404(
            OnlineReturn.objects.select_related("invitation__body", "invitation__collection"),
            pk=pk,
        )

    def _editor(self, request) -> None:
        if not self.has_change_permission(request):
            raise PermissionDenied

    def _preview(self, online_return: OnlineReturn, page: str = ""):
        if online_return.invitation.collection.published_at is not None:
            return None, "The round is published: its public pages show it."
        try:
            return review.preview(online_return, page=page), ""
        except publishing.PublishRefused as exc:
            return None, str(exc)

    def review_view(self, request, pk: int):
        online_return = self._return(request, pk)
        preview, refused = self._preview(online_return)
        waiting = CollectionRequest.objects.filter(
            online_return=online_return, approved__isnull=True
        ).select_related("requested_by")
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Return of {online_return.invitation.body.name}, "
            f"{online_return.invitation.collection.year}",
            "online_return": online_return,
            "status_line": review.status_line(online_return),
            "answers": review.shown_answers(online_return),
            "preview": preview,
            "refused": refused,
            "waiting": list(waiting),
            "is_editor": self.has_change_permission(request),
            "published": online_return.invitation.collection.published_at is not None,
        }
        return TemplateResponse(request, "admin/surveys/onlinereturn/review.html", context)

    def page_view(self, request, pk: int):
        """A public page as it would be with this return published beside the accepted ones."""
        online_return = self._return(request, pk)
        preview, refused = self._preview(online_return, request.GET.get("page", ""))
        back = reverse("admin:surveys_onlinereturn_review", args=[pk])
        context = {
            **self.admin_site.each_context(request),
            "heading": f"Preview: the {online_return.invitation.collection.year} round with the "
            f"return of {online_return.invitation.body.name}: not public",
            "description": "The round's accepted returns and this one, as the public would see "
            "them once the round is published. Nothing here is public.",
            "back_url": back,
            "back_label": "The return",
            "preview": preview,
            "refused": refused,
            "is_editor": False,
            "preview_url": reverse("admin:surveys_onlinereturn_review_page", args=[pk]),
            "no_change_note": "the return may still add rows to the body's page.",
        }
        return TemplateResponse(request, "admin/surveys/draft_preview.html", context)

    def accept_view(self, request, pk: int):
        self._editor(request)
        online_return = self._return(request, pk)
        try:
            review.accept(online_return, user=request.user)
        except review.ReviewRefused as exc:
            messages.error(request, f"Not accepted: {exc}")
        else:
            messages.success(request, "Accepted: it is published with the round.")
        return redirect("admin:surveys_onlinereturn_review", pk)

    def reopen_view(self, request, pk: int):
        self._editor(request)
        online_return = self._return(request, pk)
        message = request.POST.get("message", "")[: REASON_MAX + 1]
        try:
            made = collection_requests.make(
                online_return.invitation.collection,
                CollectionRequest.Kind.REOPEN,
                user=request.user,
                online_return=online_return,
                message=message,
            )
        except collection_requests.RequestRefused as exc:
            messages.error(request, f"Not returned: {exc}")
        else:
            messages.success(
                request,
                "Returned to the body: it sees your message on its link."
                if made.approved
                else "Asked: a second editor must approve returning it (Collection requests).",
            )
        return redirect("admin:surveys_onlinereturn_review", pk)

    def change_values_view(self, request, pk: int):
        online_return = self._return(request, pk)
        if request.method == "POST":
            self._editor(request)
        answer_forms = _answer_forms(online_return, request.POST or None)
        reason = ReasonForm(request.POST or None)
        if (
            request.method == "POST"
            and reason.is_valid()
            and all(f.is_valid() for f in answer_forms)
        ):
            payload = {
                "version": online_return.version,
                "answers": {f.system_type.slug: f.values() for f in answer_forms},
            }
            try:
                made = collection_requests.make(
                    online_return.invitation.collection,
                    CollectionRequest.Kind.CHANGE,
                    user=request.user,
                    online_return=online_return,
                    payload=payload,
                    message=reason.cleaned_data["reason"],
                )
            except collection_requests.RequestRefused as exc:
                reason.add_error(None, f"Not changed: {exc}")
            else:
                messages.success(
                    request,
                    "Changed."
                    if made.approved
                    else "Asked: a second editor must approve the change (Collection requests).",
                )
                return redirect("admin:surveys_onlinereturn_review", pk)
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": f"Change the return of {online_return.invitation.body.name}",
            "online_return": online_return,
            "answer_forms": answer_forms,
            "reason_form": reason,
            "is_editor": self.has_change_permission(request),
        }
        return TemplateResponse(request, "admin/surveys/onlinereturn/change_values.html", context)
