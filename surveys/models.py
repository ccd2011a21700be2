"""The survey domain: who was asked, what they answered, what was published, what was corrected.

Every fact that comes from outside carries a ``source`` (a Publication). Unknown values are
stored as NULL, never as 0 or False, so a gap stays a gap.
"""

from __future__ import annotations

import datetime
import re
from decimal import Decimal

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, REASON_MAX, TEXT_MAX


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
        SYNTHETIC = "synthetic", "Synthetic test data (not real)"

    class DatePrecision(models.TextChoices):
        DAY = "day", "Day"
        MONTH = "month", "Month"
        YEAR = "year", "Year"

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
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
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

    def __str__(self) -> str:
        return f"{self.code}: {self.title}"

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
        return _date_display(self.published_on, self.date_precision)


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
        indexes = [models.Index(fields=["survey_round", "status"], name="return_round_status")]
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


class Vendor(models.Model):
    name = models.CharField(max_length=100, unique=True)
    slug = models.SlugField(max_length=100, unique=True)
    country = models.CharField(max_length=100, blank=True, help_text="Empty when no source says.")
    country_source = models.ForeignKey(
        Publication, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(country="") | Q(country_source__isnull=False),
                name="vendor_country_has_source",
            ),
        ]

    def __str__(self) -> str:
        return self.name


class VendorAlias(models.Model):
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="aliases")
    name = models.CharField(max_length=100, unique=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "vendor aliases"

    def __str__(self) -> str:
        return f"{self.name} (alias of {self.vendor})"


class VendorConcern(models.Model):
    """A cited security or ethical concern about a vendor: which vendors count is data."""

    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="concerns")
    summary = models.TextField(max_length=TEXT_MAX)
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    in_force_from = models.DateField(
        null=True, blank=True, help_text="Empty: no start date stated; applies to every round."
    )
    in_force_until = models.DateField(null=True, blank=True)
    history = HistoricalRecords()

    class Meta:
        ordering = ["vendor__name", "pk"]
        constraints = [
            models.CheckConstraint(condition=~Q(summary=""), name="concern_has_summary"),
            models.CheckConstraint(
                condition=Q(in_force_from__isnull=True)
                | Q(in_force_until__isnull=True)
                | Q(in_force_until__gt=models.F("in_force_from")),
                name="concern_dates_ordered",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.vendor}: {self.summary[:60]}"


class FacialRecognitionKind(models.TextChoices):
    """Kinds of facial recognition, as the sources name them."""

    LIVE = "live", "Live"
    RETROSPECTIVE = "retrospective", "Retrospective"
    OPERATOR_INITIATED = "operator_initiated", "Operator-initiated (mobile phone)"
    DATABASE_ACCESS = "database_access", "Access to national image databases"
    OTHER = "other", "Other (national image databases PND and CAID, and Athena)"
    NONE_OF_THE_ABOVE = "none_of_the_above", "None of the above"


def _source_field(what: str) -> models.ForeignKey:
    return models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text=f"The source of {what}. Empty: the answer's source.",
    )


class Answer(models.Model):
    """What one body said (or sources say it said) about one system type in one round.

    Each field has its own source where it differs from the answer's (``<field>_source``): one
    source may say a body uses facial recognition and another that it intends to use it live.
    """

    class Intent(models.TextChoices):
        NOT_STATED = "", "Not stated"
        INTENDS = "intends", "Intends to use"
        NO_INTENTION = "no_intention", "No intention to use"
        UNSURE = "unsure", "Unsure"

    # The fields that carry their own source, in display order: (field, source field).
    SOURCED_FIELDS = (
        ("operates", "operates_source"),
        ("kind", "kind_source"),
        ("unit_count", "unit_count_source"),
        ("vendors", "vendors_source"),
        ("says_vendor_of_concern", "says_vendor_of_concern_source"),
        ("aware_of_concerns", "aware_source"),
        ("intent", "intent_source"),
    )

    survey_return = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="answers")
    system_type = models.ForeignKey(SystemType, on_delete=models.PROTECT, related_name="answers")
    operates = models.BooleanField(null=True, blank=True, help_text="Empty: not known.")
    kind = models.CharField(
        "kind of facial recognition",
        max_length=20,
        choices=[c for c in FacialRecognitionKind.choices if c[0] != "none_of_the_above"],
        blank=True,
        default="",
        help_text="Only where a source states it. Empty: not stated.",
    )
    unit_count = models.PositiveIntegerField(
        "units",
        null=True,
        blank=True,
        help_text="How many units (cameras, drones) a source says the body operates. Empty: "
        "not stated.",
    )
    vendors = models.ManyToManyField(Vendor, through="AnswerVendor", related_name="answers")
    says_vendor_of_concern = models.BooleanField(
        "says it uses a vendor of concern",
        null=True,
        blank=True,
        help_text="The body's own statement: yes, no, or empty when it did not say.",
    )
    aware_of_concerns = models.BooleanField(null=True, blank=True, help_text="Empty: not known.")
    intent = models.CharField(max_length=20, choices=Intent.choices, blank=True, default="")
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    operates_source = _source_field("whether the body operates it")
    kind_source = _source_field("the kind of facial recognition")
    unit_count_source = _source_field("the number of units")
    vendors_source = _source_field("the vendors named")
    says_vendor_of_concern_source = _source_field("the statement about vendors of concern")
    aware_source = _source_field("the awareness of concerns")
    intent_source = _source_field("the future use")
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey_return__survey_round__year", "survey_return__body__name", "system_type"]
        permissions = [("import_answers", "Can import per-body answers from a file")]
        constraints = [
            models.UniqueConstraint(
                fields=["survey_return", "system_type"], name="one_answer_per_system"
            ),
            models.CheckConstraint(
                condition=Q(unit_count__isnull=True) | ~Q(operates=False),
                name="answer_units_only_when_operating",
            ),
        ]

    def __str__(self) -> str:
        r = self.survey_return
        return f"{r.body.short_name}, {r.survey_round.year}, {self.system_type}"

    KIND_MESSAGE = "The kind of facial recognition applies only to a facial recognition answer."

    @staticmethod
    def kind_allowed(kind: str, system_type: SystemType) -> bool:
        """Only a facial-recognition answer has a kind (live, retrospective...)."""
        return not kind or system_type.slug == "facial-recognition"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.system_type_id and not self.kind_allowed(
            self.kind, SystemType.objects.get(pk=self.system_type_id)
        ):
            raise ValidationError({"kind": self.KIND_MESSAGE})

    def stated_source(self, field_name: str) -> Publication | None:
        """The publication that states this field, or None where the field is not stated."""
        if field_name == "vendors":
            stated = bool(self.vendors.all())
        else:
            stated = getattr(self, field_name) not in (None, "")
        return self.source_of(field_name) if stated else None

    def source_of(self, field_name: str) -> Publication:
        """The publication that states this field's value."""
        for name, source_name in self.SOURCED_FIELDS:
            if name == field_name:
                return getattr(self, source_name) or self.source
        raise ValueError(f"{field_name} has no source of its own")


class AnswerVendor(models.Model):
    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="answer_vendors")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="answer_vendors")
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "vendor"], name="vendor_once_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.vendor}"


class PublishedFinding(models.Model):
    """A figure exactly as a publication stated it. Never edited: changes are Corrections."""

    class Metric(models.TextChoices):
        INVITED = "invited", "Bodies invited"
        RESPONDED = "responded", "Returns received"
        RESPONSE_RATE = "response_rate", "Response rate"
        OPERATORS = "operators", "Bodies operating the system"
        CONCERN_USERS = "concern_users", "Bodies using equipment of concern"
        VENDOR_USERS = "vendor_users", "Bodies using the vendor's equipment"
        NON_UK_USERS = "non_uk_users", "Bodies using equipment made outside the UK"
        AWARE = "aware", "Bodies aware of security or ethical concerns"
        INTENDS = "intends", "Bodies intending to use it in future"
        NO_INTENTION = "no_intention", "Bodies with no intention to use it"
        UNSURE = "unsure", "Bodies unsure whether they will use it"
        LIVE_USERS = "live_users", "Bodies using it live"
        DATABASE_ACCESS = "database_access", "Bodies with access to national image databases"
        NON_OPERATORS = "non_operators", "Responding bodies not operating the system"
        KIND_MENTIONS = "kind_mentions", "Mentions of a kind of facial recognition"

    class Qualifier(models.TextChoices):
        EXACT = "exact", "exactly"
        AT_LEAST = "at_least", "at least"

    class Unit(models.TextChoices):
        COUNT = "count", "bodies"
        PERCENT = "percent", "per cent"
        MENTIONS = "mentions", "mentions (not bodies)"

    key = models.SlugField(max_length=100, unique=True, help_text="Stable id of this figure.")
    publication = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="findings")
    survey_round = models.ForeignKey(SurveyRound, on_delete=models.PROTECT, related_name="findings")
    metric = models.CharField(max_length=30, choices=Metric.choices)
    system_type = models.ForeignKey(
        SystemType, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    vendor = models.ForeignKey(
        Vendor, on_delete=models.PROTECT, null=True, blank=True, related_name="findings"
    )
    kind = models.CharField(
        "kind of facial recognition",
        max_length=20,
        choices=FacialRecognitionKind.choices,
        blank=True,
        help_text="For mentions of a kind of facial recognition: which kind.",
    )
    value = models.DecimalField(max_digits=9, decimal_places=2)
    unit = models.CharField(max_length=10, choices=Unit.choices, default=Unit.COUNT)
    qualifier = models.CharField(max_length=10, choices=Qualifier.choices, default=Qualifier.EXACT)
    numerator = models.PositiveIntegerField(
        null=True, blank=True, help_text="For a percentage: the count it was computed from."
    )
    denominator = models.PositiveIntegerField(null=True, blank=True)
    denominator_is_derived = models.BooleanField(
        default=False, help_text="The publication does not state it; it is derived arithmetic."
    )
    published_percent = models.PositiveSmallIntegerField(
        null=True, blank=True, help_text="A percentage the publication printed beside a count."
    )
    wording = models.TextField(max_length=TEXT_MAX, help_text="The words of the publication.")
    wording_is_verbatim = models.BooleanField(
        default=True,
        help_text="True: the wording is the source's own words, shown in quotation marks. "
        "False: a summary of what the source reports (no verbatim text is held), shown as such.",
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords()

    class Meta:
        ordering = ["survey_round__year", "publication__published_on", "key"]
        constraints = [
            models.CheckConstraint(condition=Q(value__gte=0), name="finding_value_non_negative"),
            models.CheckConstraint(
                condition=~Q(unit="percent") | Q(value__lte=100), name="finding_percent_at_most_100"
            ),
            models.CheckConstraint(
                condition=Q(denominator__isnull=True) | Q(denominator__gt=0),
                name="finding_denominator_positive",
            ),
            models.CheckConstraint(
                condition=Q(published_percent__isnull=True) | Q(published_percent__lte=100),
                name="finding_published_percent_at_most_100",
            ),
            models.CheckConstraint(condition=~Q(wording=""), name="finding_has_wording"),
            models.CheckConstraint(
                condition=Q(metric="kind_mentions", unit="mentions") & ~Q(kind="")
                | ~Q(metric="kind_mentions") & ~Q(unit="mentions") & Q(kind=""),
                name="finding_mentions_name_a_kind",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.publication.code}: {self.wording[:80]}"

    @property
    def wording_display(self) -> str:
        """The wording as printed: in quotation marks only when it is the source's words."""
        if self.wording_is_verbatim:
            return f"“{self.wording}”"
        return f"{self.wording} (summary of what the source reports, not its words)"

    def format_value(self, value: Decimal | None = None, qualifier: str | None = None) -> str:
        value = self.value if value is None else value
        qualifier = self.qualifier if qualifier is None else qualifier
        number = f"{Decimal(value).normalize():f}"
        text = f"{number}%" if self.unit == self.Unit.PERCENT else number
        if self.unit == self.Unit.MENTIONS:
            text = f"{text} mentions"
        if qualifier == self.Qualifier.AT_LEAST:
            text = f"at least {text}"
        if self.denominator and self.unit == self.Unit.COUNT:
            text = f"{text} of {self.denominator}"
        return text


class CorrectionQuerySet(models.QuerySet):
    def published(self) -> CorrectionQuerySet:
        """What the public sees: every correction but drafts."""
        return self.filter(status=Correction.Status.PUBLISHED)

    def in_force(self) -> CorrectionQuerySet:
        return self.published().filter(withdrawn_on__isnull=True)

    def current_for(self, finding_ids) -> dict[int, Correction]:
        """For each finding, the correction that sets its current value: of those in force,
        the one recorded last (so a new correction's old value is the value shown when it was
        entered). The one rule for the pages, the API, the admin, the downloads and the form;
        it does not depend on how a database sorts empty announcement dates."""
        current: dict[int, Correction] = {}
        for correction in (
            self.in_force().filter(finding_id__in=list(finding_ids)).order_by("recorded_at", "pk")
        ):
            current[correction.finding_id] = correction
        return current


class Correction(models.Model):
    """A later statement that changes a published figure or a body's answer. Kept forever."""

    finding = models.ForeignKey(
        PublishedFinding,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="corrections",
    )
    answer = models.ForeignKey(
        Answer, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )
    survey_return = models.ForeignKey(
        Return, on_delete=models.PROTECT, null=True, blank=True, related_name="corrections"
    )

    class AnswerField(models.TextChoices):
        OPERATES = "operates", "Operates the system"
        AWARE = "aware_of_concerns", "Aware of concerns"
        INTENT = "intent", "Future use"
        VENDORS = "vendors", "Vendors named"
        KIND = "kind", "Kind of facial recognition"
        UNIT_COUNT = "unit_count", "Units"
        SAYS_VENDOR_OF_CONCERN = "says_vendor_of_concern", "Says it uses a vendor of concern"
        NOTES = "notes", "Notes"
        STATUS = "status", "Response status (a return)"

    answer_field = models.CharField(
        max_length=30,
        blank=True,
        choices=AnswerField.choices,
        help_text="For an answer or a return: which field the correction changes.",
    )
    old_value = models.TextField()
    new_value = models.TextField(max_length=NOTES_MAX)
    new_qualifier = models.CharField(
        max_length=10, choices=PublishedFinding.Qualifier.choices, blank=True
    )
    old_source = models.ForeignKey(
        Publication,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        help_text="For an answer: the publication credited for the field's value before the "
        "correction (a withdrawal credits it again); empty: the answer's own source.",
    )
    reason = models.TextField(max_length=REASON_MAX)
    announced_on = models.DateField(null=True, blank=True, help_text="Empty when not stated.")
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="corrections")
    withdrawn_on = models.DateField(null=True, blank=True)
    withdrawal_reason = models.TextField(blank=True, max_length=REASON_MAX)
    recorded_at = models.DateTimeField(
        "drafted here", auto_now_add=True, help_text="When an editor entered it here (UTC)."
    )

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft (not public)"
        PUBLISHED = "published", "Published"

    status = models.CharField(
        max_length=10,
        choices=Status.choices,
        default=Status.PUBLISHED,
        help_text="A draft changes nothing the public sees until an editor publishes it.",
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who entered it.",
    )
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who published it.",
    )
    published_at = models.DateTimeField(
        "published here", null=True, blank=True, help_text="When it was published here (UTC)."
    )
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who published its withdrawal.",
    )
    changed_at = models.DateTimeField(
        auto_now=True, help_text="When it last changed here (published, withdrawn) (UTC)."
    )
    history = HistoricalRecords()

    objects = CorrectionQuerySet.as_manager()

    class Meta:
        ordering = [models.F("announced_on").desc(nulls_last=True), "-recorded_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(finding__isnull=False, answer__isnull=True, survey_return__isnull=True)
                | Q(finding__isnull=True, answer__isnull=False, survey_return__isnull=True)
                | Q(finding__isnull=True, answer__isnull=True, survey_return__isnull=False),
                name="correction_targets_one_thing",
                violation_error_message="Choose one thing to correct (a published finding, a "
                "body's answer or a body's return), not both or none.",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="correction_has_reason"),
            models.CheckConstraint(
                condition=Q(answer__isnull=True, survey_return__isnull=True) | ~Q(answer_field=""),
                name="answer_correction_names_field",
            ),
            models.CheckConstraint(
                condition=Q(withdrawn_on__isnull=True) | ~Q(withdrawal_reason=""),
                name="withdrawal_has_reason",
            ),
        ]

    def __str__(self) -> str:
        target = self.finding or self.answer or self.survey_return
        from surveys.values import correction_change_text

        return f"Correction to {target}: {correction_change_text(self)}"

    @property
    def body(self) -> Body | None:
        """The body whose answer or return is corrected (None for a published finding)."""
        if self.answer_id:
            return self.answer.survey_return.body
        if self.survey_return_id:
            return self.survey_return.body
        return None

    @property
    def target_label(self) -> str:
        if self.finding_id:
            f = self.finding
            what = f.get_metric_display()
            if f.system_type_id:
                what += f", {f.system_type.name}"
            if f.vendor_id:
                what += f" ({f.vendor.name})"
            return f"{f.publication.code}, {f.survey_round.year}: {what}"
        if self.survey_return_id:
            r = self.survey_return
            return f"{r.body.name}, {r.survey_round.year}: response status"
        a = self.answer
        r = a.survey_return
        field = self.get_answer_field_display().lower()
        return f"{r.body.name}, {r.survey_round.year}, {a.system_type.name}: {field}"

    @property
    def announced_display(self) -> str:
        return self.announced_on.strftime("%-d %B %Y") if self.announced_on else "date not stated"

    @property
    def published_here_at(self) -> datetime.datetime | None:
        """When the public could first see it here; None for a draft. One saved as
        published without a publication time (as corrections were before drafts) has been
        public since it was recorded."""
        if self.status == self.Status.DRAFT:
            return None
        return self.published_at or self.recorded_at


class WithdrawalDraft(models.Model):
    """A proposed withdrawal of a published correction. Nothing public changes, and its reason
    is not public, until an editor publishes it (a second editor, where the setting asks)."""

    correction = models.OneToOneField(
        Correction, on_delete=models.CASCADE, related_name="withdrawal_draft"
    )
    withdrawn_on = models.DateField(
        null=True, blank=True, help_text="The withdrawal's date. Empty: the day it is published."
    )
    reason = models.TextField(
        max_length=REASON_MAX, help_text="Why the correction is withdrawn. Public once published."
    )
    drafted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text="The editor who proposed it.",
    )
    drafted_at = models.DateTimeField("drafted here", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_draft_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Draft withdrawal of correction {self.correction_id}"


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
        max_length=5, choices=DatePrecision.choices, default=DatePrecision.DAY
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
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name}, {self.date_display}: {self.summary[:60]}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        errors = {}
        if self.occurred_until and self.occurred_on and self.occurred_until < self.occurred_on:
            errors["occurred_until"] = "The fact ends before it begins: check the two dates."
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
        return _date_display(self.occurred_on, self.date_precision)

    @property
    def until_display(self) -> str:
        return (
            _date_display(self.occurred_until, self.date_precision) if self.occurred_until else ""
        )


def _date_display(date: datetime.date, precision: str) -> str:
    if precision == "year":
        return str(date.year)
    if precision == "month":
        return date.strftime("%B %Y")
    return date.strftime("%-d %B %Y")


class CommissionerTerm(models.Model):
    """Who held the Commissioner's office, or that it was vacant, over a period."""

    holder = models.CharField(max_length=200, blank=True, help_text="Empty: the post was vacant.")
    starts_on = models.DateField(null=True, blank=True, help_text="Empty when not stated.")
    starts_precision = models.CharField(
        max_length=5, choices=Publication.DatePrecision.choices, default="day"
    )
    ends_on = models.DateField(null=True, blank=True, help_text="Empty: continues, or not stated.")
    summary = models.TextField(
        max_length=TEXT_MAX, help_text="What the source says about this period."
    )
    source = models.ForeignKey(Publication, on_delete=models.PROTECT, related_name="+")
    history = HistoricalRecords()

    class Meta:
        ordering = [models.F("starts_on").asc(nulls_first=True), "pk"]

    def __str__(self) -> str:
        return self.holder or "Vacant"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        if self.starts_on and self.ends_on and self.ends_on < self.starts_on:
            raise ValidationError({"ends_on": "The term ends before it starts: check the dates."})

    @property
    def starts_display(self) -> str:
        if self.starts_on is None:
            return "date not stated"
        return _date_display(self.starts_on, self.starts_precision)


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
