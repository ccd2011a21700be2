"""Rounds collected online, in the admin: opening one ("Open a round", the same service as
``manage.py open_round``), extending its links, asking to publish it, and the requests a second
editor approves (surveys.collection.requests). The tracker and the review of returns are in
``collection_tracker`` and ``collection_review``."""

from __future__ import annotations

from django import forms
from django.contrib import admin, messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from surveys.admin.base import Admin
from surveys.collection import opening
from surveys.collection import requests as collection_requests
from surveys.models import Collection, CollectionRequest, SystemType
from surveys.models.collection import GRACE_DAYS


class OpenRoundForm(forms.Form):
    year = forms.IntegerField(min_value=2000, max_value=2100)
    deadline = forms.DateField(
        widget=forms.DateInput(attrs={"type": "date"}), help_text="The date returns are due."
    )
    grace_days = forms.IntegerField(
        min_value=0,
        max_value=365,
        initial=GRACE_DAYS,
        label="Grace period (days)",
        help_text="How long the links work after the deadline; it can be extended later.",
    )
    system_types = forms.ModelMultipleChoiceField(
        queryset=SystemType.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        help_text="None ticked: the system types of the last round.",
    )
    units = forms.ModelMultipleChoiceField(
        queryset=SystemType.objects.order_by("position"),
        required=False,
        widget=forms.CheckboxSelectMultiple,
        label="Ask the number of units for",
    )
    offer_previous_answers = forms.BooleanField(
        required=False,
        help_text="The downloadable questionnaire is pre-filled with the body's previous answers.",
    )


class CollectionForm(forms.ModelForm):
    class Meta:
        model = Collection
        fields = ["links_expire_on", "offer_previous_answers"]
        widgets = {"links_expire_on": forms.DateInput(attrs={"type": "date"})}

    def clean_links_expire_on(self):
        # The constraint names the deadline, which is not on the form, so Django skips it.
        until = self.cleaned_data["links_expire_on"]
        if until < self.instance.deadline:
            raise forms.ValidationError(
                f"The links cannot expire before the deadline ({self.instance.deadline:%-d %B %Y})."
            )
        return until


@admin.register(Collection)
class CollectionAdmin(Admin):
    form = CollectionForm
    list_display = ["year", "deadline", "links_expire_on", "opened_at", "published_at", "tracker"]
    readonly_fields = ["year", "deadline", "opened_at", "opened_by", "published_at", "survey_round"]
    actions = ["publish"]
    export_fields = [("Year", "year"), ("Deadline", "deadline"), ("Published", "published_at")]

    @admin.display(description="Tracker")
    def tracker(self, obj: Collection) -> str:
        url = reverse("admin:surveys_invitation_changelist") + f"?collection__id__exact={obj.pk}"
        return format_html('<a href="{}">Where each body stands</a>', url)

    def get_readonly_fields(self, request, obj=None):
        if obj is not None and obj.published_at is not None:
            return [*self.readonly_fields, "links_expire_on", "offer_previous_answers"]
        return self.readonly_fields

    def save_model(self, request, obj, form, change):
        obj._change_reason = f"Changed by {request.user}: {', '.join(form.changed_data)}"
        super().save_model(request, obj, form, change)

    def add_view(self, request, form_url="", extra_context=None):
        """Opening a round is a service, not a bare row: the same checks as open_round."""
        if not self.has_add_permission(request):
            raise PermissionDenied
        form = OpenRoundForm(request.POST or None)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                collection = opening.open_round(
                    data["year"],
                    deadline=data["deadline"],
                    system_types=[t.slug for t in data["system_types"]],
                    grace_days=data["grace_days"],
                    units=[t.slug for t in data["units"]],
                    offer_previous_answers=data["offer_previous_answers"],
                    user=request.user,
                )
            except opening.RoundRefused as exc:
                form.add_error(None, f"{exc} Nothing was written.")
            else:
                messages.success(
                    request,
                    f"Opened the {collection.year} round: {collection.invitations.count()} "
                    "bodies invited. Nothing is public until it is published. Print the links "
                    f"(invitation_links {collection.year}) or email them (send_invitations "
                    f"{collection.year}).",
                )
                return redirect(self.tracker_url(collection))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "Open a round",
            "form": form,
        }
        return TemplateResponse(request, "admin/surveys/collection/open_round.html", context)

    @staticmethod
    def tracker_url(collection: Collection) -> str:
        return (
            reverse("admin:surveys_invitation_changelist")
            + f"?collection__id__exact={collection.pk}"
        )

    @admin.action(description="Publish the selected round", permissions=["change"])
    def publish(self, request, queryset):
        for collection in queryset:
            try:
                made = collection_requests.make(
                    collection, CollectionRequest.Kind.PUBLISH, user=request.user
                )
            except collection_requests.RequestRefused as exc:
                messages.error(request, f"The {collection.year} round is not published: {exc}")
                continue
            messages.success(request, _outcome(made, f"The {collection.year} round is published."))


def _outcome(made: CollectionRequest, done: str) -> str:
    if made.approved:
        return done
    return "Asked: a second editor must approve it (Collection requests) before it is done."


@admin.register(CollectionRequest)
class CollectionRequestAdmin(Admin):
    list_display = [
        "requested_at",
        "kind",
        "collection",
        "online_return",
        "requested_by",
        "state",
        "decided_by",
    ]
    list_filter = ["kind", "approved", "collection"]
    list_select_related = [
        "collection",
        "online_return__invitation__body",
        "online_return__invitation__collection",
        "requested_by",
        "decided_by",
    ]
    actions = ["approve", "reject"]
    export_fields = [("Request", "__str__"), ("Requested at", "requested_at")]

    def has_add_permission(self, request) -> bool:
        return False  # made from the round, the tracker or a return's review

    def has_change_permission(self, request, obj=None) -> bool:
        if obj is not None:
            return False  # decided by the actions, never edited
        return super().has_change_permission(request, obj)

    @admin.display(description="State")
    def state(self, obj: CollectionRequest) -> str:
        return {None: "waiting", True: "approved", False: "rejected"}[obj.approved]

    @admin.action(
        description="Approve the selected requests (a second editor)", permissions=["change"]
    )
    def approve(self, request, queryset):
        self._decide(request, queryset, approve=True)

    @admin.action(description="Reject the selected requests", permissions=["change"])
    def reject(self, request, queryset):
        self._decide(request, queryset, approve=False)

    def _decide(self, request, queryset, *, approve: bool):
        for made in queryset:
            try:
                collection_requests.decide(made, user=request.user, approve=approve)
            except collection_requests.RequestRefused as exc:
                messages.error(
                    request, f"{made}: not {'approved' if approve else 'rejected'}: {exc}"
                )
            else:
                messages.success(
                    request, f"{made}: {'approved and done' if approve else 'rejected'}."
                )
