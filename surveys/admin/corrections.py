"""The admin of published findings and their corrections: findings are never edited or deleted;
a correction is entered as a draft, previewed, published (surveys.admin.drafts), and ends by
being withdrawn."""

from __future__ import annotations

from django import forms
from django.contrib import admin
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils.html import format_html

from surveys import models
from surveys.admin.base import Admin
from surveys.admin.drafts import CorrectionDraftsMixin
from surveys.editorial import corrections
from surveys.limits import REASON_MAX
from surveys.values import correction_change_text, correction_new_value_text


def finding_label(finding: models.PublishedFinding) -> str:
    """How the admin names a finding in pickers: its publication, round, what it counts (system
    type, vendor, kind) and the start of its wording. Two findings with the same words (the
    100% response rates of 2017 and 2019) differ by their round."""
    what = [f"{finding.survey_round.year} round", finding.get_metric_display()]
    what += [str(part) for part in (finding.system_type, finding.vendor) if part is not None]
    if finding.kind:
        what.append(finding.get_kind_display())
    wording = finding.wording if len(finding.wording) <= 80 else finding.wording[:79] + "…"
    return f"{finding.publication.code}, {', '.join(what)}: {wording}"


FINDING_RELATED = ["publication", "survey_round", "system_type", "vendor"]


class FindingChoiceField(forms.ModelChoiceField):
    def label_from_instance(self, obj) -> str:
        return finding_label(obj)


@admin.register(models.PublishedFinding)
class PublishedFindingAdmin(Admin):
    """A figure is entered once, as published; afterwards only its notes change."""

    # The correction form's autocomplete lists findings by this label (see admin_site).
    autocomplete_label = staticmethod(finding_label)
    list_display = ["key", "publication", "survey_round", "metric", "system_type", "published"]
    list_filter = ["survey_round", "publication", "metric", "system_type"]
    list_select_related = ["publication", "survey_round", "system_type", "vendor"]
    search_fields = ["key", "wording", "publication__code", "survey_round__year"]
    autocomplete_fields = ["publication", "system_type", "vendor"]
    export_fields = [
        ("Key", "key"),
        ("Publication", "publication__code"),
        ("Round", "survey_round__year"),
        ("Metric", "get_metric_display"),
        ("System type", "system_type__name"),
        ("Published", "format_value"),
        ("Wording", "wording"),
    ]

    @admin.display(description="As published")
    def published(self, obj):
        return obj.format_value()

    def get_queryset(self, request):
        return super().get_queryset(request).select_related(*FINDING_RELATED)

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        return [f.name for f in obj._meta.fields if f.name not in ("id", "notes")]


class CorrectionForm(forms.ModelForm):
    class Meta:
        model = models.Correction
        fields = [
            "finding",
            "answer",
            "survey_return",
            "answer_field",
            "new_value",
            "new_qualifier",
            "reason",
            "announced_on",
            "source",
        ]
        help_texts = {
            "new_value": "For a figure: the corrected number. For an answer: yes, no or blank "
            "(not known), or for future use: intends, no_intention, unsure. For a return's "
            "response status: responded or did not respond.",
            "reason": "Why the value changes, as the announcement gives it. Shown to the public.",
            "source": "The publication that announced the correction.",
            "new_qualifier": "For a figure: whether the new value is exact or a minimum "
            '("at least"). Empty: the figure\'s own qualifier.',
        }
        field_classes = {"finding": FindingChoiceField}

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        finding = self.fields.get("finding")
        if finding is not None:
            finding.queryset = finding.queryset.select_related(*FINDING_RELATED)

    def clean(self):
        cleaned = super().clean()
        if not self.errors:
            try:
                corrections.check_correction(self.instance.__class__(**_instance_fields(cleaned)))
            except ValidationError as exc:
                self._update_errors(exc)
        return cleaned


def _instance_fields(cleaned: dict) -> dict:
    return {
        k: v for k, v in cleaned.items() if k in {f.name for f in models.Correction._meta.fields}
    }


class WithdrawalForm(forms.ModelForm):
    """Proposes a withdrawal: saved as a draft (``corrections.draft_withdrawal``), previewed,
    then published; nothing on the correction changes until then."""

    class Meta:
        model = models.Correction
        fields = ["withdrawn_on", "withdrawal_reason"]
        labels = {
            "withdrawn_on": "Date of the withdrawal",
            "withdrawal_reason": "Why the correction is withdrawn",
        }
        help_texts = {
            "withdrawn_on": "Empty: the day the withdrawal is published.",
            "withdrawal_reason": "Public, for ever, once the withdrawal is published. At most "
            f"{REASON_MAX:,} characters.",
        }

    def clean(self):
        cleaned = super().clean()
        if not self.has_changed():
            return cleaned
        saved = models.Correction.objects.get(pk=self.instance.pk)
        try:
            corrections.check_withdrawal(
                saved,
                reason=cleaned.get("withdrawal_reason") or "",
                on=cleaned.get("withdrawn_on"),
            )
        except ValidationError as exc:
            self._update_errors(exc)
        if models.WithdrawalDraft.objects.filter(correction=saved).exists():
            raise ValidationError(
                "A withdrawal of this correction is already waiting: publish or discard it first."
            )
        return cleaned


@admin.register(models.Correction)
class CorrectionAdmin(CorrectionDraftsMixin, Admin):
    """Enter a correction to a published figure or an answer; later, withdraw it if needed."""

    changes_wait_for_second_editor = False  # its drafts have their own second editor

    list_display = ["correction", "announced_on", "source", "state", "recorded_at", "published_at"]
    list_filter = ["status", "withdrawn_on", "source"]
    list_select_related = models.CORRECTION_TARGETS
    search_fields = [
        "reason",
        "finding__wording",
        "answer__survey_return__body__name",
        "survey_return__body__name",
    ]
    autocomplete_fields = ["finding", "answer", "survey_return", "source"]
    export_fields = [
        ("Correction", "__str__"),
        ("Old value", "old_value"),
        ("New value", correction_new_value_text),
        ("Reason", "reason"),
        ("Announced", "announced_on"),
        ("Source", "source__code"),
        ("Withdrawn", "withdrawn_on"),
    ]

    @admin.display(description="Correction")
    def correction(self, obj):
        return f"{obj.target_label}: {correction_change_text(obj)}"

    @admin.display(description="New value")
    def new_value_shown(self, obj):
        """The qualifier ("at least") belongs to the new value."""
        return correction_new_value_text(obj)

    @admin.display(description="State")
    def state(self, obj):
        if obj.status == models.Correction.Status.DRAFT:
            url = reverse("admin:surveys_correction_preview", args=[obj.pk])
            return format_html('<strong>Draft</strong> (<a href="{}">preview</a>)', url)
        if obj.withdrawn_on:
            return format_html("<strong>Withdrawn</strong> {}", obj.withdrawn_on)
        return "In force"

    def get_form(self, request, obj=None, change=False, **kwargs):
        kwargs["form"] = WithdrawalForm if obj is not None else CorrectionForm
        return super().get_form(request, obj, change=change, **kwargs)

    def get_fields(self, request, obj=None):
        if obj is None:
            return CorrectionForm.Meta.fields
        return [
            "target",
            "old_value",
            "new_value_shown",
            "reason",
            "announced_on",
            "source",
            "recorded_at",
            "published_at",
            "withdrawn_on",
            "withdrawal_reason",
        ]

    def get_readonly_fields(self, request, obj=None):
        if obj is None:
            return []
        fixed = ["target", "old_value", "new_value_shown", "reason", "announced_on", "source"]
        fixed += ["recorded_at", "published_at"]
        if not self._withdrawable(obj):
            fixed += ["withdrawn_on", "withdrawal_reason"]
        return fixed

    @staticmethod
    def _withdrawable(obj) -> bool:
        """Published, in force as saved and with no withdrawal waiting. (A refused withdrawal
        has already put its date on ``obj``: the form copies what it can onto the instance,
        which must not lock the fields that hold the error.)"""
        return (
            models.Correction.objects.in_force()
            .filter(pk=obj.pk, withdrawal_draft__isnull=True)
            .exists()
        )

    @admin.display(description="Corrects")
    def target(self, obj):
        if obj.finding_id:
            return finding_label(obj.finding)
        return f"{obj.answer or obj.survey_return} ({obj.get_answer_field_display()})"

    def render_change_form(self, request, context, add=False, change=False, form_url="", obj=None):
        context["submit_label"] = (
            "Save as draft and preview"
            if add
            else "Save the withdrawal as draft and preview"
            if obj is not None and self._withdrawable(obj)
            else ""
        )
        return super().render_change_form(request, context, add, change, form_url, obj)

    def render_history_view(self, request, template, context, **kwargs):
        """Name each version as the list of corrections does (what it corrects, and its old
        and new values with their qualifiers) instead of str(), which starts with the whole
        wording of the finding. One method renders both pages: the history, which lists a
        page of versions, and one version's page, which shows that version alone."""
        if "page_obj" in context:
            for record in context["page_obj"].object_list:
                record.history_object = self.correction(record.history_object)
            context["title"] = f"View history: {self.correction(context['object'])}"
        else:
            context["title"] = f"View {self.correction(context['original'])}"
        return super().render_history_view(request, template, context, **kwargs)

    def save_model(self, request, obj, form, change):
        if not change:  # a draft: previewed, then published (CorrectionDraftsMixin)
            corrections.save_draft(obj, user=request.user)
            return
        if form.has_changed():  # a draft withdrawal; the correction itself is unchanged
            saved = models.Correction.objects.get(pk=obj.pk)
            corrections.draft_withdrawal(
                saved, reason=obj.withdrawal_reason, on=obj.withdrawn_on, user=request.user
            )
            obj.refresh_from_db()

    def save_related(self, request, form, formsets, change):
        if not change:
            super().save_related(request, form, formsets, change)
