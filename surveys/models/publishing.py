"""What was published and corrected: published findings, corrections, drafted withdrawals."""

from __future__ import annotations

import datetime
import functools
import re
from decimal import Decimal
from pathlib import Path

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, REASON_MAX, TEXT_MAX
from surveys.models.answers import Answer, Vendor
from surveys.models.survey import Body, Publication, Return, SurveyRound, SystemType
from surveys.values import FacialRecognitionKind, correction_change_text

# The verbatim texts of the sources the data quotes (surveys/data/sources/, one per code).
SOURCE_TEXTS = Path(__file__).resolve().parent.parent / "data" / "sources"


@functools.cache
def held_source_text(code: str) -> str:
    """The source's own words as held here, white space made single; empty when none is held."""
    path = SOURCE_TEXTS / f"{code}.txt"
    if not re.fullmatch(r"[\w-]+", code) or not path.is_file():
        return ""
    return " ".join(path.read_text(encoding="utf-8").split())


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
            text = f"{text} {'mention' if Decimal(value) == 1 else 'mentions'}"
        if qualifier == self.Qualifier.AT_LEAST:
            text = f"at least {text}"
        if self.denominator and self.unit == self.Unit.COUNT:
            text = f"{text} of {self.denominator}"
        return text


def editor_field(help_text: str) -> models.ForeignKey:
    """Which editor did something: kept when the account goes (set to empty)."""
    return models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        help_text=help_text,
    )


# A correction's source and what it corrects (a figure, an answer or a return), as every list
# of corrections names them.
CORRECTION_TARGETS = (
    "source",
    "finding__publication",
    "finding__survey_round",
    "finding__system_type",
    "finding__vendor",
    "answer__survey_return__body",
    "answer__survey_return__survey_round",
    "answer__system_type",
    "survey_return__body",
    "survey_return__survey_round",
)


class CorrectionQuerySet(models.QuerySet):
    def published(self) -> CorrectionQuerySet:
        """What the public sees: every correction but drafts."""
        return self.filter(status=Correction.Status.PUBLISHED)

    def with_targets(self) -> CorrectionQuerySet:
        """With its source and what it corrects (a figure, an answer or a return), as every
        list of corrections names them: one query."""
        return self.select_related(*CORRECTION_TARGETS)

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
        KINDS = "kinds", "Kinds of facial recognition"
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
    drafted_by = editor_field("The editor who entered it.")
    published_by = editor_field("The editor who published it.")
    published_at = models.DateTimeField(
        "published here", null=True, blank=True, help_text="When it was published here (UTC)."
    )
    withdrawn_by = editor_field("The editor who published its withdrawal.")
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
    def reason_is_verbatim(self) -> bool:
        """Whether the reason is its source's own words, found word for word in the text of
        the source held here: an editor's summary never is."""
        text = held_source_text(self.source.code)
        return bool(text) and " ".join(self.reason.split()) in text

    @property
    def reason_display(self) -> str:
        """The reason as printed: in quotation marks only when it is the source's words."""
        return f"“{self.reason}”" if self.reason_is_verbatim else self.reason

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
    drafted_by = editor_field("The editor who proposed it.")
    drafted_at = models.DateTimeField("drafted here", auto_now_add=True)
    history = HistoricalRecords()

    class Meta:
        constraints = [
            models.CheckConstraint(condition=~Q(reason=""), name="withdrawal_draft_has_reason"),
        ]

    def __str__(self) -> str:
        return f"Draft withdrawal of correction {self.correction_id}"
