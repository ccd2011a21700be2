"""Pre-aggregated summaries of the survey data, so that no page scans every answer of every
round: per round, per round and system type (and vendor, and stated value), per vendor, per
body and round (and vendor), and per body, round and system type.

They are derived, never entered: ``surveys.stats.summaries`` rebuilds a round's rows from the
answers in the same transaction as the write that changed them, and every row here can be
rebuilt at any time. A round waiting for its rebuild is listed in ``SummaryDirty``; a part of
one (one body's answer or return) in ``SummaryDirtyPart``.
"""

from __future__ import annotations

from django.db import models

from surveys.models.answers import Vendor
from surveys.models.survey import Body, Return, SurveyRound, SystemType
from surveys.values import VendorRole

EVERY_ROUND = 0  # SummaryDirty.round_id meaning every round


def _derived(to, *, related_name: str = "+", index: bool = False) -> models.ForeignKey:
    """A reference from a summary row: no constraint or index of its own (a rebuild writes
    thousands of rows; the rows it refers to exist, and each table's unique index serves the
    lookups); deleting the row referred to deletes the summary rows (Django's cascade)."""
    return models.ForeignKey(
        to,
        on_delete=models.CASCADE,
        related_name=related_name,
        db_constraint=False,
        db_index=index,
    )


class SummaryDirty(models.Model):
    """A round whose summaries wait to be rebuilt (``EVERY_ROUND``: all of them). Written in
    the same transaction as the change, so a rebuild can never miss one."""

    round_id = models.BigIntegerField(unique=True)

    def __str__(self) -> str:
        return f"Summaries of round {self.round_id or 'every round'} to rebuild"


NOT_ONE = 0  # SummaryDirtyPart.system_type_id / vendor_id meaning none in particular


class SummaryDirtyPart(models.Model):
    """A part of a round whose summaries wait to be rebuilt, marked by a write to one record:
    one body's answer for one system type (and a vendor it names, or ``NOT_ONE``), or, with
    ``system_type_id`` ``NOT_ONE``, one body's return (its status). Only the rows that part
    can change are rebuilt; written in the same transaction as the change."""

    round_id = models.BigIntegerField()
    body_id = models.BigIntegerField()
    system_type_id = models.BigIntegerField(default=NOT_ONE)
    vendor_id = models.BigIntegerField(default=NOT_ONE)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["round_id", "body_id", "system_type_id", "vendor_id"],
                name="summary_dirty_part_once",
            )
        ]

    def __str__(self) -> str:
        return f"Summaries of body {self.body_id} in round {self.round_id} to rebuild"


class RoundSummary(models.Model):
    """Per round: the returns recorded (bodies invited) and those that responded."""

    survey_round = models.OneToOneField(
        SurveyRound, on_delete=models.CASCADE, related_name="summary"
    )
    invited = models.PositiveIntegerField()
    responded = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.survey_round}: {self.responded} of {self.invited}"


class RoundTypeSummary(models.Model):
    """Per round and system type: every figure's counts over responding bodies' answers.

    ``counts`` holds, by ``FigureDescription.name``, the count, its coverage (``<name>_known``)
    and a share's denominator (``<name>_of``): a new figure needs no new column.
    """

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    system_type = models.ForeignKey(SystemType, on_delete=models.CASCADE, related_name="+")
    answers = models.PositiveIntegerField(help_text="Every answer recorded, whatever the status.")
    answered = models.PositiveIntegerField(help_text="Answers of responding bodies.")
    vendor_links = models.PositiveIntegerField(
        default=0, help_text="Every vendor link of every answer recorded (answer_vendors rows)."
    )
    counts = models.JSONField(default=dict)
    cited = models.JSONField(
        default=dict,
        help_text="Per metric of a published finding, per publication (id): the responding "
        "answers in its coverage citing it (stats.provenance).",
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "system_type"], name="round_type_summary_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_round}, {self.system_type}"


class RoundTypeVendorSummary(models.Model):
    """Per round, system type, vendor and the role it is named in (equipment maker, software):
    distinct responding bodies recording the vendor in that role."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    system_type = models.ForeignKey(SystemType, on_delete=models.CASCADE, related_name="+")
    vendor = models.ForeignKey(Vendor, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=20, choices=VendorRole.choices)
    bodies = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "system_type", "vendor", "role"],
                name="round_type_vendor_summary_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_round}, {self.system_type}, {self.vendor}: {self.bodies}"


class RoundTypeValueSummary(models.Model):
    """Per round, system type and stated value of a choice field of the answers (intent,
    kind): the responding bodies stating it."""

    survey_round = models.ForeignKey(SurveyRound, on_delete=models.CASCADE, related_name="+")
    system_type = models.ForeignKey(SystemType, on_delete=models.CASCADE, related_name="+")
    field = models.CharField(max_length=40)
    value = models.CharField(max_length=40)
    bodies = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "system_type", "field", "value"],
                name="round_type_value_summary_once",
            )
        ]

    def __str__(self) -> str:
        return f"{self.survey_round}, {self.system_type}, {self.field}={self.value}"


class VendorSummary(models.Model):
    """Per vendor: distinct responding bodies recording it, in any round."""

    vendor = models.OneToOneField(Vendor, on_delete=models.CASCADE, related_name="summary")
    bodies = models.PositiveIntegerField()

    def __str__(self) -> str:
        return f"{self.vendor}: {self.bodies}"


class BodyVendorSummary(models.Model):
    """Per body and vendor: its responding answers naming the vendor, in any round, system
    type or role. ``VendorSummary`` counts the bodies with one; a write to one answer or return
    changes a vendor's count by the bodies whose row it empties or fills, without counting
    every round again."""

    body = _derived(Body, related_name="vendor_summaries")
    vendor = _derived(Vendor)
    answers = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["vendor", "body"], name="body_vendor_summary_once")
        ]

    def __str__(self) -> str:
        return f"{self.body_id}, vendor {self.vendor_id}: {self.answers}"


class BodyRoundVendorSummary(models.Model):
    """Per round, body and vendor: the body's answers in the round naming the vendor, when it
    responded (any system type or role). The bodies table's vendor filter reads the bodies
    with a row, by its unique index, instead of every answer of the round."""

    survey_round = _derived(SurveyRound)
    body = _derived(Body, related_name="round_vendor_summaries")
    vendor = _derived(Vendor)
    answers = models.PositiveIntegerField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "vendor", "body"], name="body_round_vendor_summary_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id}, round {self.survey_round_id}, vendor {self.vendor_id}"


class BodyRoundSummary(models.Model):
    """Per return (body and round): what the bodies table shows, filters and sorts on."""

    survey_return = _derived(Return)
    body = _derived(Body, related_name="round_summaries")
    survey_round = _derived(SurveyRound)
    status = models.CharField(max_length=20)
    status_is_derived = models.BooleanField()
    answered = models.PositiveIntegerField()
    operated = models.PositiveIntegerField()
    answers_complete = models.BooleanField()
    operates_complete = models.BooleanField()
    uses_concern = models.BooleanField()
    vendors_known = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["survey_round", "body"], name="body_round_summary_once")
        ]

    def __str__(self) -> str:
        return f"{self.body_id}, round {self.survey_round_id}"


class BodyTypeSummary(models.Model):
    """Per responding body's answer (body, round and system type): the flags the bodies table
    filters on when it is limited to one system type."""

    survey_return = _derived(Return, related_name="type_summaries")
    body = _derived(Body, related_name="type_summaries")
    survey_round = _derived(SurveyRound)
    system_type = _derived(SystemType)
    asked = models.BooleanField(help_text="The round asked about the system type.")
    operates = models.BooleanField(null=True)
    uses_concern = models.BooleanField()
    vendors_known = models.BooleanField()

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["survey_round", "system_type", "body"], name="body_type_summary_once"
            )
        ]

    def __str__(self) -> str:
        return f"{self.body_id}, round {self.survey_round_id}, type {self.system_type_id}"


# Derived tables: rebuilt, never edited, and no change to the survey data themselves.
SUMMARY_MODELS = (
    SummaryDirty,
    SummaryDirtyPart,
    RoundSummary,
    RoundTypeSummary,
    RoundTypeVendorSummary,
    RoundTypeValueSummary,
    VendorSummary,
    BodyVendorSummary,
    BodyRoundVendorSummary,
    BodyRoundSummary,
    BodyTypeSummary,
)
