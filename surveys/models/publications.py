"""Publications: every source the record cites, with its date (and how precise it is), its
copyright holder and the licence it may be reused under."""

from __future__ import annotations

import datetime

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX


def format_date(date: datetime.date, precision: str) -> str:
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return date.strftime("%B %Y")
    return date.strftime("%-d %B %Y")


def licence_groups(publications) -> list[tuple[str, list[str]]]:
    """The licence statements that cover these publications, each with the codes it covers
    (sorted): the Open Government Licence first, then each other holder's by name."""
    groups: dict[tuple[bool, str], list[str]] = {}
    for publication in publications:
        key = (publication.licence != Publication.Licence.OGL, publication.licence_display)
        groups.setdefault(key, []).append(publication.code)
    return [(statement, sorted(codes)) for (_, statement), codes in sorted(groups.items())]


class Publication(models.Model):
    """A document that states facts: an official publication, a news report quoting one, a list."""

    class Kind(models.TextChoices):
        INITIAL_ANALYSIS = "initial_analysis", "Initial analysis"
        FINAL_REPORT = "final_report", "Final report"
        PRESS_RELEASE = "press_release", "Press release"
        PRESS_RELEASE_UPDATE = "press_release_update", "Press release update"
        BLOG = "blog", "Blog post"
        FOI = "foi", "FOI release"
        NEWS = "news", "News report"
        ANNUAL_REPORT = "annual_report", "Annual report"
        JUDGMENT = "judgment", "Court judgment"
        FORCE_PAGE = "force_page", "A police force's own publication"
        VENDOR = "vendor", "A supplier's marketing"
        REFERENCE = "reference", "Reference list"
        SURVEY_RETURNS = "survey_returns", "Survey returns submitted online"
        SYNTHETIC = "synthetic", "Synthetic test data (not real)"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"
        NOT_STATED = "not_stated", "Not stated"

    class Licence(models.TextChoices):
        OGL = "ogl", "Open Government Licence v3.0"
        QUOTED = "quoted", "Quoted for reporting, not under the Open Government Licence"

    code = models.SlugField(
        max_length=40, unique=True, help_text="Short id used to cite it, e.g. PR2023."
    )
    title = models.CharField(max_length=500)
    kind = models.CharField(max_length=30, choices=Kind.choices)
    survey_round = models.ForeignKey(
        "SurveyRound",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="publications",
    )
    published_on = models.DateField(null=True, blank=True, help_text="Empty when not stated.")
    date_precision = models.CharField(
        max_length=10,
        choices=DatePrecision.choices,
        default=DatePrecision.DAY,
        help_text="How much of the date the source gives; 'Not stated' exactly when it gives none.",
    )
    copyright = models.CharField(
        max_length=200,
        blank=True,
        help_text="Whose copyright its words and figures are: 'Crown copyright', or the publisher "
        "(e.g. 'The Epoch Times'). Empty: its publisher, not named here.",
    )
    licence = models.CharField(
        max_length=10,
        choices=Licence.choices,
        blank=True,
        help_text="OGL only for Crown copyright published under the Open Government Licence; "
        "anything else is quoted or summarised for reporting, with attribution. Empty: not "
        "recorded, so treated as not under the OGL.",
    )
    url = models.URLField(max_length=500, blank=True)
    is_secondary = models.BooleanField(
        default=False, help_text="A report quoting an official publication, not the publication."
    )
    quotes = models.ForeignKey(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="quoted_by"
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["published_on", "code"]
        constraints = [
            # A date the source does not state is never shown as a day, month or year.
            models.CheckConstraint(
                condition=Q(published_on__isnull=True, date_precision="not_stated")
                | (Q(published_on__isnull=False) & ~Q(date_precision="not_stated")),
                name="publication_date_not_stated_iff_empty",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

    def save(self, *args, **kwargs) -> None:
        # No date: its precision can only be "not stated" (the constraint holds either way).
        if self.published_on is None:
            self.date_precision = self.DatePrecision.NOT_STATED
        super().save(*args, **kwargs)

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.published_on and self.date_precision == self.DatePrecision.NOT_STATED:
            raise ValidationError(
                {"date_precision": "A date is given: say whether it is a day, a month or a year."}
            )

    @property
    def standing(self) -> str:
        """primary, secondary (a report of another source) or vendor (a supplier's claim)."""
        if self.kind == self.Kind.VENDOR:
            return "vendor"
        return "secondary" if self.is_secondary else "primary"

    @property
    def date_display(self) -> str:
        if self.published_on is None:
            return "date not stated"
        return format_date(self.published_on, self.date_precision)

    @property
    def licence_display(self) -> str:
        """'© Crown copyright, Open Government Licence v3.0', or '© The Epoch Times; quoted
        for reporting, not under the Open Government Licence'."""
        holder = self.copyright or "its publisher"
        if self.licence == self.Licence.OGL:
            return f"© {holder}, {self.Licence.OGL.label}"
        return f"© {holder}; quoted for reporting, not under the Open Government Licence"
