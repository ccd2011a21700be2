"""The editorial machinery: draft imports, the data version, reference records and loads."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import REASON_MAX


class ImportDraft(models.Model):
    """An uploaded answers file waiting to be published or discarded: nothing it holds is public
    until an editor publishes it (a second editor, where the setting requires it)."""

    filename = models.CharField(max_length=255)
    stored_name = models.CharField(max_length=100, unique=True, help_text="File in var/imports.")
    reason = models.TextField(
        blank=True, max_length=REASON_MAX, help_text="Published with each correction it makes."
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    uploaded_at = models.DateTimeField(auto_now_add=True)
    summary = models.TextField(blank=True, help_text="What publishing it will change.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-uploaded_at"]

    def __str__(self) -> str:
        return f"Draft import {self.filename} ({self.uploaded_at:%Y-%m-%d %H:%M})"


class DataVersion(models.Model):
    """One row counting changes to the survey data: the key of the statistics cache, and the
    time the data last changed. Bumped after every save or delete of survey data."""

    version = models.BigIntegerField(default=1)
    changed_at = models.DateTimeField(auto_now=True)

    class Meta:
        constraints = [models.CheckConstraint(condition=Q(pk=1), name="data_version_singleton")]

    def __str__(self) -> str:
        return f"Data version {self.version} ({self.changed_at:%Y-%m-%d %H:%M})"


class ReferenceRecord(models.Model):
    """What the reference files (``surveys/data``) last loaded into one row, field by field.

    The files seed the database; after that the database is the record. A later load compares
    three values per field: the file's, the one last loaded (``loaded``) and the database's.
    It changes a field only when the file changed it and nobody changed it in the database
    since; when both changed, the file's value waits in ``conflicts`` for an editor.
    """

    model = models.CharField(max_length=60, help_text="The table, e.g. surveys.body.")
    key = models.CharField(max_length=300, help_text="The row's key in the reference files.")
    object_id = models.PositiveIntegerField()
    loaded = models.JSONField(default=dict, help_text="Each field's value as last loaded.")
    conflicts = models.JSONField(
        default=dict, blank=True, help_text="File values not applied: the database differs."
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["model", "key"]
        constraints = [
            models.UniqueConstraint(fields=["model", "key"], name="one_reference_record_per_key")
        ]

    def __str__(self) -> str:
        return f"{self.model} {self.key}"


class ReferenceLoad(models.Model):
    """One run of ``load_obscc``: when, on which files, and what it did."""

    loaded_at = models.DateTimeField(auto_now_add=True)
    files_digest = models.CharField(max_length=64, help_text="SHA-256 of the reference files.")
    summary = models.TextField()

    class Meta:
        ordering = ["-loaded_at"]

    def __str__(self) -> str:
        return f"Reference load of {self.loaded_at:%Y-%m-%d %H:%M}"


class ChangeDraft(models.Model):
    """An editor's save of a public record in the admin, held for a second editor where
    ``settings.CORRECTIONS_NEED_SECOND_EDITOR`` asks: the form's data as submitted (checked by
    the form when it was made), what it would change, and who decided."""

    class Outcome(models.TextChoices):
        WAITING = "", "Waiting for a second editor"
        PUBLISHED = "published", "Published"
        DISCARDED = "discarded", "Discarded"

    model = models.CharField(max_length=60, help_text="The table, e.g. surveys.vendor.")
    object_id = models.PositiveIntegerField(null=True, blank=True, help_text="Empty: a new row.")
    object_repr = models.CharField("record", max_length=300)
    base_history_id = models.PositiveIntegerField(
        null=True,
        blank=True,
        help_text="The record's latest history entry when the change was made: publishing "
        "refuses a change to a record that has changed since.",
    )
    data = models.JSONField(help_text="The form as submitted: [name, value] pairs.")
    summary = models.TextField(help_text="What publishing it will change.")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    outcome = models.CharField(
        max_length=10, choices=Outcome.choices, blank=True, default=Outcome.WAITING
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-requested_at"]
        verbose_name = "change waiting for a second editor"
        verbose_name_plural = "changes waiting for a second editor"
        constraints = [
            models.CheckConstraint(
                condition=Q(outcome="", decided_at__isnull=True)
                | (~Q(outcome="") & Q(decided_at__isnull=False, decided_by__isnull=False)),
                name="change_draft_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"Change to {self.object_repr} ({self.requested_at:%Y-%m-%d %H:%M})"
