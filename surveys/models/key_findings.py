"""The overview's key findings and their drafts."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import REASON_MAX
from surveys.models.publishing import PublishedFinding


class KeyFinding(models.Model):
    """A published finding an editor puts in the overview's "Key findings", in plain English.

    ``sentence`` holds ``{value}`` where the finding's value goes: its current value after
    corrections, or as first published when the reader asks for that."""

    finding = models.OneToOneField(
        PublishedFinding, on_delete=models.PROTECT, related_name="key_finding"
    )
    position = models.PositiveSmallIntegerField(help_text="Order in the block, smallest first.")
    sentence = models.CharField(
        max_length=300,
        help_text='Plain English, with {value} where the figure goes, e.g. "{value} respondents '
        'say their external camera systems come from vendors named as of concern."',
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["finding__survey_round__year", "position", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence__contains="{value}"), name="key_finding_has_value"
            ),
        ]

    def __str__(self) -> str:
        return self.sentence

    def clean(self) -> None:
        check_key_sentence(self.sentence)

    def text(self, value: str) -> str:
        return self.sentence.replace("{value}", value)


def check_key_sentence(sentence: str) -> None:
    """A key finding's sentence holds ``{value}`` once, and no other braces."""
    from django.core.exceptions import ValidationError

    if sentence.count("{value}") != 1 or sentence.replace("{value}", "").count("{"):
        raise ValidationError(
            {"sentence": "Write {value} once where the figure goes, and no other braces."}
        )


class KeyFindingDraft(models.Model):
    """An editor's proposed addition, change or removal of a key finding: nothing of it is
    public until an editor publishes it (a second editor, where the setting requires it).
    ``finding``, ``position`` and ``sentence`` are the key finding as it will be."""

    class Action(models.TextChoices):
        ADD = "add", "Add"
        CHANGE = "change", "Change"
        DELETE = "delete", "Remove"

    action = models.CharField(max_length=6, choices=Action.choices)
    # Empty for an addition; emptied when the key finding is removed before this is published,
    # which then cannot be.
    key_finding = models.ForeignKey(
        KeyFinding, on_delete=models.SET_NULL, null=True, blank=True, related_name="drafts"
    )
    finding = models.ForeignKey(PublishedFinding, on_delete=models.PROTECT, related_name="+")
    position = models.PositiveSmallIntegerField()
    sentence = models.CharField(max_length=300)
    reason = models.TextField(
        max_length=REASON_MAX, help_text="Why it changes; kept in the key finding's history."
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    drafted_at = models.DateTimeField(auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["drafted_at", "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(sentence__contains="{value}"), name="key_finding_draft_has_value"
            ),
            models.CheckConstraint(
                condition=Q(action__in=["add", "change", "delete"]),
                name="key_finding_draft_action_known",
            ),
        ]

    def __str__(self) -> str:
        return f"Draft: {self.get_action_display().lower()} “{self.sentence}”"

    def clean(self) -> None:
        check_key_sentence(self.sentence)
