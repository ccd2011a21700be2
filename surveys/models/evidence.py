"""Later public evidence and the Commissioner's office over time (never counted)."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, TEXT_MAX
from surveys.models.answers import Vendor
from surveys.models.publications import format_date
from surveys.models.survey import Body, Publication, SystemType


class PublicEvidence(models.Model):
    """A dated public fact about a body that is not a survey answer: a force's own page, a
    court judgment, a news or supplier's report. Shown apart; never counted in a statistic."""

    class Kind(models.TextChoices):
        PRIMARY = "primary", "Primary (the body, a court or the Commissioner)"
        SECONDARY = "secondary", "Secondary (a news or trade report)"
        VENDOR = "vendor", "Vendor (a supplier's marketing)"

    DatePrecision = Publication.DatePrecision

    key = models.SlugField(max_length=100, unique=True, help_text="Stable id of this fact.")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="evidence")
    system_type = models.ForeignKey(
        SystemType, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="evidence"
    )
    summary = models.TextField(
        max_length=TEXT_MAX, help_text="What the source says, in the dashboard's words."
    )
    occurred_on = models.DateField(help_text="When it happened (or began).")
    date_precision = models.CharField(
        max_length=10, choices=DatePrecision.choices, default=DatePrecision.DAY
    )
    occurred_until = models.DateField(null=True, blank=True, help_text="When it ended, if stated.")
    kind = models.CharField(max_length=10, choices=Kind.choices)
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="evidence")
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["occurred_on", "body__name", "key"]
        verbose_name = "later public evidence"
        verbose_name_plural = "later public evidence"
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="evidence_has_summary"),
            models.CheckConstraint(
                condition=Q(occurred_until__isnull=True)
                | Q(occurred_until__gte=models.F("occurred_on")),
                name="evidence_dates_ordered",
            ),
            # occurred_on is required: its precision is a day, a month or a year.
            models.CheckConstraint(
                condition=~Q(date_precision="not_stated"), name="evidence_date_is_stated"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name}, {self.date_display}: {self.summary[:60]}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.occurred_until and self.occurred_on and self.occurred_until < self.occurred_on:
            errors["occurred_until"] = "The fact ends before it begins: check the two dates."
        if self.date_precision == self.DatePrecision.NOT_STATED:
            errors["date_precision"] = (
                "Later evidence is dated: say whether the date is a day, a month or a year."
            )
        if (
            self.kind == self.Kind.PRIMARY
            and self.source_id
            and Publication.objects.filter(pk=self.source_id, is_secondary=True).exists()
        ):
            errors["kind"] = (
                f"{self.source.code} is a secondary source (a report of another source): "
                "the fact cannot be primary evidence. Choose secondary, or cite the primary source."
            )
        if errors:
            raise ValidationError(errors)

    @property
    def date_display(self) -> str:
        return format_date(self.occurred_on, self.date_precision)

    @property
    def until_display(self) -> str:
        return format_date(self.occurred_until, self.date_precision) if self.occurred_until else ""


class CommissionerTerm(models.Model):
    """Who held the Commissioner's office, or that it was vacant, over a period."""

    holder = models.CharField(max_length=200, blank=True, help_text="Empty: the post was vacant.")
    starts_on = models.DateField(null=True, blank=True, help_text="Empty when not stated.")
    starts_precision = models.CharField(
        max_length=10, choices=Publication.DatePrecision.choices, default="day"
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: continues, or not stated.")
    summary = models.TextField(
        max_length=TEXT_MAX, help_text="What the source says about this period."
    )
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("starts_on").asc(nulls_first=True), "pk"]
        constraints = [
            models.CheckConstraint(
                condition=Q(starts_on__isnull=True, starts_precision="not_stated")
                | (Q(starts_on__isnull=False) & ~Q(starts_precision="not_stated")),
                name="commissioner_term_start_not_stated_iff_empty",
            ),
        ]

    def __str__(self) -> str:
        return self.holder or "Vacant"

    def save(self, *args, **kwargs) -> None:
        if self.starts_on is None:
            self.starts_precision = Publication.DatePrecision.NOT_STATED
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The term ends before it starts: check the dates."})
        if self.starts_on and self.starts_precision == Publication.DatePrecision.NOT_STATED:
            raise ValidationError(
                {"starts_precision": "A date is given: say whether it is a day, a month or a year."}
            )

    @property
    def starts_display(self) -> str:
        if self.starts_on is None:
            return "date not stated"
        return format_date(self.starts_on, self.starts_precision)
