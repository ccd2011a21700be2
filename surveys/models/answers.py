"""What bodies answered: vendors and their concerns, answers, the vendors an answer names."""

from __future__ import annotations

from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, TEXT_MAX
from surveys.models.survey import Publication, Return, SystemType
from surveys.values import (
    ANSWER_KIND_ORDER,
    ANSWER_KINDS,
    ROLES_COUNTING_TOWARD_CONCERN,
    Intent,
    VendorRole,
)


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

    Intent = Intent

    # The fields that carry their own source, in display order: (field, source field).
    SOURCED_FIELDS = (
        ("operates", "operates_source"),
        ("kinds", "kind_source"),
        ("unit_count", "unit_count_source"),
        ("vendors", "vendors_source"),
        ("says_vendor_of_concern", "says_vendor_of_concern_source"),
        ("aware_of_concerns", "aware_source"),
        ("intent", "intent_source"),
    )

    survey_return = models.ForeignKey(Return, on_delete=models.PROTECT, related_name="answers")
    system_type = models.ForeignKey(SystemType, on_delete=models.PROTECT, related_name="answers")
    operates = models.BooleanField(null=True, blank=True, help_text="Empty: not known.")
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
    kind_source = _source_field("the kinds of facial recognition")
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

    KIND_MESSAGE = "The kinds of facial recognition apply only to a facial recognition answer."

    @staticmethod
    def kinds_allowed(kinds, system_type: SystemType) -> bool:
        """Only a facial-recognition answer has kinds (live, retrospective...)."""
        return not kinds or system_type.slug == "facial-recognition"

    # Where a page prefetched an answer's links as plain lists (``Prefetch(..., to_attr=...)``:
    # no queryset built per answer), they are read from these attributes.
    VENDORS_PREFETCHED, KINDS_PREFETCHED = "vendor_links", "kind_links"

    @property
    def vendors_named(self) -> list[AnswerVendor]:
        """The answer's vendors (links with their roles): as prefetched, in that order."""
        if self.VENDORS_PREFETCHED in self.__dict__:
            return self.__dict__[self.VENDORS_PREFETCHED]
        return list(self.answer_vendors.all())

    @property
    def kinds_stated(self) -> list[AnswerKind]:
        if self.KINDS_PREFETCHED in self.__dict__:
            return self.__dict__[self.KINDS_PREFETCHED]
        return list(self.answer_kinds.all())

    @property
    def kinds(self) -> list[str]:
        """The kinds of facial recognition a source says the body uses, in a stable order
        (read from ``answer_kinds``: prefetch it). A kind not listed is not known, not "no"."""
        return sorted((k.kind for k in self.kinds_stated), key=ANSWER_KIND_ORDER.__getitem__)

    @property
    def kind_labels(self) -> list[str]:
        labels = dict(ANSWER_KINDS)
        return [labels[kind] for kind in self.kinds]

    def stated_source(self, field_name: str) -> Publication | None:
        """The publication that states this field, or None where the field is not stated."""
        if field_name == "vendors":
            stated = bool(self.vendors_named)
        elif field_name == "kinds":
            stated = bool(self.kinds_stated)
        else:
            stated = getattr(self, field_name) not in (None, "")
        return self.source_of(field_name) if stated else None

    def source_of(self, field_name: str) -> Publication:
        """The publication that states this field's value."""
        for name, source_name in self.SOURCED_FIELDS:
            if name == field_name:
                return getattr(self, source_name) or self.source
        raise ValueError(f"{field_name} has no source of its own")


class AnswerKind(models.Model):
    """One kind of facial recognition a source says the body uses (an answer may state
    several); its source is the answer's ``kind_source`` (else the answer's)."""

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="answer_kinds")
    kind = models.CharField("kind of facial recognition", max_length=20, choices=ANSWER_KINDS)
    history = HistoricalRecords()

    class Meta:
        ordering = ["answer", "kind"]
        constraints = [
            models.UniqueConstraint(fields=["answer", "kind"], name="kind_once_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.get_kind_display()}"

    def clean(self) -> None:
        from django.core.exceptions import ValidationError

        system_type_id = getattr(getattr(self, "answer", None), "system_type_id", None)
        if system_type_id and not Answer.kinds_allowed(
            [self.kind], SystemType.objects.get(pk=system_type_id)
        ):
            raise ValidationError({"kind": Answer.KIND_MESSAGE})


class AnswerVendorQuerySet(models.QuerySet):
    def counting_toward_concern(self) -> AnswerVendorQuerySet:
        """The links whose role counts toward "uses a vendor named as of concern"."""
        return self.filter(role__in=ROLES_COUNTING_TOWARD_CONCERN)


def counts_toward_concern(prefix: str = "") -> Q:
    """``ROLES_COUNTING_TOWARD_CONCERN`` as a condition on answer vendor links, reached from
    another model through ``prefix`` (e.g. "answer_vendors__" from an answer)."""
    return Q(**{f"{prefix}role__in": ROLES_COUNTING_TOWARD_CONCERN})


class AnswerVendor(models.Model):
    Role = VendorRole

    answer = models.ForeignKey(Answer, on_delete=models.CASCADE, related_name="answer_vendors")
    vendor = models.ForeignKey(Vendor, on_delete=models.PROTECT, related_name="answer_vendors")
    role = models.CharField(
        max_length=20,
        choices=VendorRole.choices,
        default=VendorRole.EQUIPMENT,
        help_text="What the source says the vendor supplies: only an equipment maker counts "
        'toward "uses a vendor named as of concern".',
    )
    history = HistoricalRecords()

    objects = AnswerVendorQuerySet.as_manager()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["answer", "vendor"], name="vendor_once_per_answer"),
        ]

    def __str__(self) -> str:
        return f"{self.answer}: {self.vendor}"

    @property
    def role_suffix(self) -> str:
        """Said after the vendor's name where it is not an equipment maker."""
        return "" if self.role == VendorRole.EQUIPMENT else f" ({self.get_role_display()})"
