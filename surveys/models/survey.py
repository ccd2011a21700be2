"""The survey record: rounds and the system types they asked about, bodies and
their returns."""

from __future__ import annotations

import datetime
import re

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, TEXT_MAX
from surveys.models.publications import Publication, format_date  # noqa: F401


class SurveyRound(models.Model):
    year = models.PositiveSmallIntegerField(unique=True)
    invitations_sent_on = models.DateField(null=True, blank=True)
    question_count = models.PositiveSmallIntegerField(null=True, blank=True)
    scope = models.TextField(blank=True, max_length=TEXT_MAX)
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    source = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    system_types = models.ManyToManyField(
        "SystemType",
        through="RoundSystemType",
        blank=True,
        related_name="+",
        help_text="The system types the round asked about. None listed: every type.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="round_year_plausible"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} survey"

    @property
    def reference_date(self) -> datetime.date:
        """The date at which 'of concern' is judged: when the survey went out."""
        return self.invitations_sent_on or datetime.date(self.year, 12, 31)

    def covered_type_ids(self) -> set[int] | None:
        """The ids of the system types the round asked about; None when it asked about all.
        Reads a prefetched ``coverage`` when there is one."""
        ids = {row.system_type_id for row in self.coverage.all()}
        return ids or None

    def covers(self, system_type: SystemType) -> bool:
        ids = self.covered_type_ids()
        return ids is None or system_type.pk in ids


class RoundSystemType(models.Model):
    """A system type a round asked about (a round that lists none asked about every type)."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="coverage")
    system_type = models.ForeignKey("SystemType", on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "system_type"], name="system_type_once_per_round"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.survey_round}: {self.system_type}"


class Body(models.Model):
    class Kind(models.TextChoices):
        TERRITORIAL = "territorial", "Territorial police force"
        SPECIAL = "special", "Special police force"
        NATIONAL_AGENCY = "national_agency", "National law-enforcement agency"

    class Nation(models.TextChoices):
        ENGLAND = "england", "England"
        WALES = "wales", "Wales"
        NATIONAL = "national", "National (not one nation)"

    name = models.CharField(max_length=200, unique=True)
    short_name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    kind = models.CharField(max_length=20, choices=Kind.choices)
    nation = models.CharField(max_length=20, choices=Nation.choices)
    region = models.CharField(max_length=100, blank=True, help_text="Empty for national bodies.")
    ons_code = models.CharField(
        "ONS code",
        max_length=9,
        blank=True,
        help_text="The police force area's ONS (GSS) code, e.g. E23000010. Empty for national "
        "bodies, which have no police force area.",
    )
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    succeeded_by = models.ForeignKey(
        "self",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="predecessors",
        help_text="The body that took over this one's area or functions (a merger).",
    )
    succeeded_on = models.DateField(
        null=True, blank=True, help_text="When the successor took over."
    )
    succession_source = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "bodies"
        # The bodies table's choice of regions walks it, one probe per region (filters.py).
        indexes = [models.Index(fields=["region"], name="body_region")]
        constraints = [
            models.CheckConstraint(
                condition=~Q(nation="national") | Q(region=""),
                name="body_national_has_no_region",
            ),
            models.UniqueConstraint(
                fields=["ons_code"], condition=~Q(ons_code=""), name="ons_code_unique"
            ),
            models.CheckConstraint(
                condition=Q(ons_code="") | Q(ons_code__regex=r"^(E23|W15)[0-9]{6}$"),
                name="ons_code_is_police_force_area",
            ),
            models.CheckConstraint(
                condition=Q(succeeded_by__isnull=True, succeeded_on__isnull=True)
                | Q(
                    succeeded_by__isnull=False,
                    succeeded_on__isnull=False,
                    succession_source__isnull=False,
                ),
                name="succession_has_date_and_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        self._clean_ons_code()
        if self.pk and self.succeeded_by_id == self.pk:
            raise ValidationError({"succeeded_by": "A body cannot succeed itself."})
        if self.pk and self.succeeded_by_id:
            successor = Body.objects.get(pk=self.succeeded_by_id)  # as stored, not as in memory
            if self in successor.successor_line():
                raise ValidationError({"succeeded_by": "That would make a circle of successors."})

    # The prefix of a police force area's ONS (GSS) code, by nation.
    ONS_PREFIXES = {Nation.ENGLAND: "E23", Nation.WALES: "W15"}

    def _clean_ons_code(self) -> None:
        """An ONS code fits the body's nation: E23 in England, W15 in Wales, none for a
        national body (it has no police force area)."""
        from django.core.exceptions import ValidationError

        if not self.ons_code:
            return
        prefix = self.ONS_PREFIXES.get(self.nation)
        if prefix is None:
            raise ValidationError(
                {"ons_code": "A national body has no police force area, so no ONS code."}
            )
        if not re.fullmatch(rf"{prefix}[0-9]{{6}}", self.ons_code):
            raise ValidationError(
                {
                    "ons_code": f"A police force area in {self.get_nation_display()} has an ONS "
                    f"code of {prefix} followed by six digits, e.g. {prefix}000001."
                }
            )

    def lineage(self) -> list[Body]:
        """This body and every body it succeeded, directly or not, nearest first."""
        found, queue, seen = [self], [self], {self.pk}
        while queue:
            for predecessor in queue.pop(0).predecessors.all():
                if predecessor.pk not in seen:
                    seen.add(predecessor.pk)
                    found.append(predecessor)
                    queue.append(predecessor)
        return found

    def successor_line(self) -> list[Body]:
        """The bodies that succeeded this one, in order (empty when it continues)."""
        line, body, seen = [], self, {self.pk}
        while body.succeeded_by_id and body.succeeded_by_id not in seen:
            body = body.succeeded_by
            seen.add(body.pk)
            line.append(body)
        return line


class BodyAlias(models.Model):
    """Another name a body goes or went by; used for matching imports and for display."""

    class Kind(models.TextChoices):
        FORMER = "former", "Former name"
        WELSH = "welsh", "Welsh name"
        VARIANT = "variant", "Name used in a source"

    body = models.ForeignKey(Body, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=200, unique=True)
    kind = models.CharField(max_length=10, choices=Kind.choices)
    until_year = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="For a former name: the last year it was used."
    )
    source = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "body aliases"

    def __str__(self) -> str:
        return f"{self.name} ({self.get_kind_display().lower()} of {self.body.short_name})"


class Return(models.Model):
    """One body's place in one round: whether it responded, and the source that says so."""

    class Status(models.TextChoices):
        RESPONDED = "responded", "Responded"
        DID_NOT_RESPOND = "did_not_respond", "Did not respond"

    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="returns")
    survey_round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="returns")
    status = models.CharField(max_length=20, choices=Status.choices)
    status_is_derived = models.BooleanField(
        default=False,
        help_text="No source names this body with its status: it is derived (e.g. invited and "
        "not named among the non-respondents). The source is the one it is derived from.",
    )
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey_round__year", "body__name"]
        # Statistics select a round's responding returns, then join their answers.
        indexes = [
            models.Index(fields=["survey_round", "status"], name="return_round_status"),
            # A body's page counts the non-respondents its rounds name.
            models.Index(
                fields=["survey_round"],
                condition=Q(status="did_not_respond", status_is_derived=False),
                name="return_named_non_respondents",
            ),
            # A round's returns a page at a time, in the API's order (by id).
            models.Index(fields=["survey_round", "id"], name="return_round_in_order"),
        ]
        constraints = [
            models.UniqueConstraint(fields=["body", "survey_round"], name="one_return_per_round"),
            models.CheckConstraint(
                condition=Q(status__in=["responded", "did_not_respond"]),
                name="return_status_valid",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name}, {self.survey_round.year}: {self.get_status_display()}"


class SystemType(models.Model):
    slug = models.SlugField(max_length=50, unique=True)
    name = models.CharField(max_length=100, unique=True)
    position = models.PositiveSmallIntegerField(unique=True, help_text="Display order.")
    description = models.TextField(blank=True, max_length=TEXT_MAX)
    is_survey_category = models.BooleanField(
        default=True,
        help_text="False for a grouping a source used that is not one of the survey's categories.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["position"]

    def __str__(self) -> str:
        return self.name
