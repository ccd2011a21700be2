"""The tracker: one row per body invited to a round collected online, where its return stands,
with the counts at the top, a CSV export and the editors' actions (reminders, a new link,
withdrawing a body). Editors and Viewers see it; only Editors act."""

from __future__ import annotations

from collections import defaultdict

from django import forms
from django.conf import settings
from django.contrib import admin, messages
from django.template.response import TemplateResponse
from django.urls import reverse
from django.utils.html import format_html

from surveys.admin.base import Admin
from surveys.collection import links, opening, tracker
from surveys.exports import csv_response
from surveys.models import Collection, Invitation


class InvitationForm(forms.ModelForm):
    class Meta:
        model = Invitation
        fields = ["collection", "body", "contact_email"]

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        if "collection" in self.fields:
            self.fields["collection"].queryset = Collection.objects.filter(
                published_at__isnull=True
            )

    def clean(self):
        data = super().clean()
        body = data.get("body")
        if self.instance.pk is None and body is not None and body.succeeded_by_id:
            self.add_error("body", f"{body.name} has a successor: invite the successor instead.")
        return data


def _by_collection(queryset) -> dict[Collection, list[Invitation]]:
    grouped = defaultdict(list)
    for invitation in tracker.tracked(queryset):
        grouped[invitation.collection].append(invitation)
    return grouped


@admin.register(Invitation)
class InvitationAdmin(Admin):
    form = InvitationForm
    list_display = [
        "body",
        "year",
        "stage",
        "form_opened",
        "submitted",
        "late",
        "last_reminded_at",
        "review",
    ]
    list_filter = ["collection", ("withdrawn_at", admin.EmptyFieldListFilter)]
    list_select_related = ["body", "collection", "online_return"]
    search_fields = ["body__name", "body__short_name", "contact_email"]
    autocomplete_fields = ["body"]
    actions = [
        "export_as_csv",
        "send_reminders",
        "reissue_links",
        "revoke_links",
        "withdraw",
        "reinstate",
    ]
    change_list_template = "admin/surveys/invitation/change_list.html"

    def get_queryset(self, request):
        return tracker.tracked(super().get_queryset(request))

    def get_readonly_fields(self, request, obj=None):
        fixed = ["token_issued_at", "revoked_at", "withdrawn_at", "first_opened_at"]
        fixed += ["last_reminded_at"]
        return ["collection", "body", *fixed] if obj is not None else []

    def save_model(self, request, obj, form, change):
        if change:
            obj._change_reason = f"Contact changed by {request.user}"
            obj.save()
            return
        made = opening.add_invitation(
            obj.collection, obj.body, contact_email=obj.contact_email, user=request.user
        )
        obj.pk, obj.token_hash, obj.token_issued_at = made.pk, made.token_hash, made.token_issued_at

    def response_add(self, request, obj, post_url_continue=None):
        messages.success(
            request,
            f"Invited {obj.body.name}. Its link is issued with the others: print it with "
            f"invitation_links {obj.collection.year} --body {obj.body.slug}, or use "
            "\u201cIssue new links\u201d here.",
        )
        return super().response_add(request, obj, post_url_continue)

    @admin.display(description="Round", ordering="collection__year")
    def year(self, obj: Invitation) -> int:
        return obj.collection.year

    @admin.display(description="Stage")
    def stage(self, obj: Invitation) -> str:
        return tracker.stage(obj)

    @admin.display(description="Form opened", ordering="first_opened_at")
    def form_opened(self, obj: Invitation) -> str:
        return tracker.when(obj.first_opened_at) or "no"

    @admin.display(description="Submitted (by whom)")
    def submitted(self, obj: Invitation) -> str:
        online = tracker.online_return_of(obj)
        if online is None or online.submitted_at is None:
            return "\u2014"
        role = f", {online.submitted_by_role}" if online.submitted_by_role else ""
        return f"{tracker.when(online.submitted_at)} by {online.submitted_by_name}{role}"

    @admin.display(description="Late", boolean=True)
    def late(self, obj: Invitation) -> bool:
        return tracker.is_late(obj)

    @admin.display(description="Review")
    def review(self, obj: Invitation) -> str:
        online = tracker.online_return_of(obj)
        if online is None or online.submitted_at is None:
            return ""
        url = reverse("admin:surveys_onlinereturn_review", args=[online.pk])
        return format_html('<a href="{}">Review the return</a>', url)

    def changelist_view(self, request, extra_context=None):
        response = super().changelist_view(request, extra_context)
        cl = getattr(response, "context_data", {}).get("cl")
        if cl is not None:
            response.context_data["counts"] = tracker.counts_text(tracker.counts(cl.queryset))
        return response

    @admin.action(description="Download the selected rows as CSV")
    def export_as_csv(self, request, queryset):
        """The tracker's columns, spreadsheet-safe."""
        rows = list(tracker.csv_rows(queryset))
        return csv_response(tracker.CSV_HEADER, rows, filename="tracker.csv")

    @admin.action(
        description="Email a reminder (a new link) to the selected bodies not yet submitted",
        permissions=["change"],
    )
    def send_reminders(self, request, queryset):
        if links.prints_to_the_log() and not settings.DEBUG:
            messages.error(
                request,
                "No reminder sent: email is not set up (EMAIL_BACKEND is the console, which "
                "would write each link to the server's log). Set EMAIL_BACKEND and EMAIL_HOST "
                "(.env.example), or send them with send_invitations --reminders.",
            )
            return
        for collection, invitations in _by_collection(queryset).items():
            try:
                sent = links.send_invitations(
                    collection, reminders=True, invitations=invitations, user=request.user
                )
            except opening.RoundRefused as exc:
                messages.error(request, str(exc))
                continue
            messages.success(
                request,
                f"{collection.year}: emailed {len(sent.emailed)} reminder(s); each earlier link "
                "of those bodies stops working.",
            )
            if sent.no_contact:
                names = ", ".join(i.body.name for i in sent.no_contact)
                messages.warning(request, f"No contact email, not emailed: {names}.")
            if sent.failed:
                names = ", ".join(f"{i.body.name} ({why})" for i, why in sent.failed)
                messages.error(request, f"Could not send: {names}.")

    @admin.action(description="Issue new links for the selected bodies", permissions=["change"])
    def reissue_links(self, request, queryset):
        """Shown once on the page that answers (never in a message, which a cookie may hold)."""
        issued, refused = [], []
        for invitation in tracker.tracked(queryset).order_by("body__name"):
            if invitation.withdrawn_at is not None:
                refused.append(f"{invitation.body.name} (withdrawn)")
                continue
            try:
                token = opening.reissue(invitation, user=request.user)
            except opening.RoundRefused as exc:
                refused.append(f"{invitation.body.name} ({exc})")
                continue
            issued.append((invitation, links.link_for(token)))
        context = {
            **self.admin_site.each_context(request),
            "opts": self.model._meta,
            "title": "New links",
            "issued": issued,
            "refused": refused,
        }
        response = TemplateResponse(request, "admin/surveys/invitation/links.html", context)
        response["Cache-Control"] = "no-store"
        return response

    @admin.action(description="Revoke the selected bodies' links", permissions=["change"])
    def revoke_links(self, request, queryset):
        for invitation in queryset:
            opening.revoke(invitation, user=request.user)
        messages.success(
            request, f"Revoked {queryset.count()} link(s): they no longer open any return."
        )

    @admin.action(description="Withdraw the selected bodies from the round", permissions=["change"])
    def withdraw(self, request, queryset):
        done = 0
        for invitation in tracker.tracked(queryset):
            try:
                opening.withdraw(invitation, user=request.user)
                done += 1
            except opening.RoundRefused as exc:
                messages.error(request, f"{invitation.body.name}: {exc}")
        messages.success(request, f"Withdrew {done} invitation(s): their links stop working.")

    @admin.action(
        description="Reinstate the selected withdrawn bodies in the round", permissions=["change"]
    )
    def reinstate(self, request, queryset):
        done = 0
        for invitation in tracker.tracked(queryset).filter(withdrawn_at__isnull=False):
            try:
                opening.reinstate(invitation, user=request.user)
                done += 1
            except opening.RoundRefused as exc:
                messages.error(request, f"{invitation.body.name}: {exc}")
        messages.success(
            request,
            f"Reinstated {done} invitation(s): their links work again (a revoked link needs "
            "a new one).",
        )
