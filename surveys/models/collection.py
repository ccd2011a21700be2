"""A round collected online: the round being collected, an invitation (and its secret link) per
body, each body's return as it is drafted and submitted, and the editors' requests that need a
second editor.

Nothing here is public. A collection becomes a public ``SurveyRound`` (with its returns and
answers) only when it is published; until then the public pages, the API, the feeds and the
downloads read none of these tables, so an open round does not exist for them.
"""

from __future__ import annotations

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from simple_history.models import HistoricalRecords

from surveys.limits import NOTES_MAX, REASON_MAX
from surveys.models.answers import Vendor
from surveys.models.survey import Body, SurveyRound, SystemType
from surveys.values import ANSWER_KINDS, Intent

NAME_MAX = 200  # a person's name or role, as typed on the return form
OTHER_VENDORS_MAX = 500  # vendors the list lacks, as the body typed them
GRACE_DAYS = 14  # a link works this long after the deadline unless an editor extends it


class Collection(models.Model):
    """A round being collected online: opened by ``open_round``, public once published."""

    year = models.PositiveSmallIntegerField(unique=True)
    deadline = models.DateField(help_text="The date returns are due.")
    links_expire_on = models.DateField(
        help_text="The last day the links work: the deadline plus a grace period, which an "
        "editor can extend."
    )
    system_types = models.ManyToManyField(
        SystemType, through="CollectionSystemType", related_name="+"
    )
    offer_previous_answers = models.BooleanField(
        default=False,
        help_text="The downloadable questionnaire is pre-filled with the body's answers to the "
        "previous round.",
    )
    opened_at = models.DateTimeField(auto_now_add=True)
    opened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    published_at = models.DateTimeField(null=True, blank=True)
    survey_round = models.OneToOneField(
        SurveyRound,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="collection",
        help_text="The public round made when the collection was published.",
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["-year"]
        constraints = [
            models.CheckConstraint(
                condition=Q(year__gte=2000, year__lte=2100), name="collection_year_plausible"
            ),
            models.CheckConstraint(
                condition=Q(links_expire_on__gte=models.F("deadline")),
                name="collection_links_outlive_deadline",
            ),
            models.CheckConstraint(
                condition=Q(published_at__isnull=True, survey_round__isnull=True)
                | Q(published_at__isnull=False, survey_round__isnull=False),
                name="collection_published_has_round",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.year} survey (collected online)"

    @property
    def is_published(self) -> bool:
        return self.published_at is not None

    def is_past_deadline(self, today: datetime.date | None = None) -> bool:
        return (today or datetime.date.today()) > self.deadline


class CollectionSystemType(models.Model):
    """A system type the round asks about, and whether it asks how many units."""

    collection = models.ForeignKey(Collection, on_delete=models.CASCADE, related_name="coverage")
    system_type = models.ForeignKey(SystemType, on_delete=models.PROTECT, related_name="+")
    asks_unit_count = models.BooleanField(default=False)
    history = HistoricalRecords()

    class Meta:
        ordering = ["system_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["collection", "system_type"], name="collection_type_once"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.collection}: {self.system_type}"


class Invitation(models.Model):
    """One body's invitation and its secret link. The token itself is never stored: only its
    SHA-256, so a leaked database does not open any return."""

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="invitations")
    body = models.ForeignKey(Body, on_delete=models.PROTECT, related_name="invitations")
    token_hash = models.CharField(max_length=64, unique=True, editable=False)
    token_issued_at = models.DateTimeField()
    revoked_at = models.DateTimeField(null=True, blank=True)
    withdrawn_at = models.DateTimeField(
        null=True, blank=True, help_text="Withdrawn: the body is no longer in the round's scope."
    )
    contact_email = models.EmailField(blank=True)
    first_opened_at = models.DateTimeField(null=True, blank=True)
    last_reminded_at = models.DateTimeField(null=True, blank=True)
    history = HistoricalRecords(excluded_fields=["token_hash"])

    class Meta:
        ordering = ["collection", "body__name"]
        constraints = [
            models.UniqueConstraint(fields=["collection", "body"], name="one_invitation_per_body"),
        ]

    def __str__(self) -> str:
        return f"{self.body.short_name}, {self.collection.year}"


class OnlineReturn(models.Model):
    """What one invited body has drafted or submitted. ``version`` goes up on every save: a
    save made from an older version is refused, never a silent overwrite."""

    class Status(models.TextChoices):
        DRAFT = "draft", "Draft"
        SUBMITTED = "submitted", "Submitted"
        RETURNED = "returned", "Returned to the body"
        ACCEPTED = "accepted", "Accepted by an editor"

    invitation = models.OneToOneField(
        Invitation, on_delete=models.PROTECT, related_name="online_return"
    )
    status = models.CharField(max_length=20, choices=Status.choices, default=Status.DRAFT)
    version = models.PositiveIntegerField(default=1)
    saved_at = models.DateTimeField(auto_now=True)
    saved_by = models.CharField(
        max_length=NAME_MAX + 40,
        blank=True,
        help_text="Who made the last save: the invitation's link, the person named at "
        "submission, or an editor.",
    )
    submitted_at = models.DateTimeField(null=True, blank=True)
    submitted_by_name = models.CharField(max_length=NAME_MAX, blank=True)
    submitted_by_role = models.CharField(max_length=NAME_MAX, blank=True)
    editor_message = models.TextField(
        blank=True, max_length=REASON_MAX, help_text="Shown to the body on its link."
    )
    history = HistoricalRecords()

    class Meta:
        ordering = ["invitation"]
        constraints = [
            models.CheckConstraint(
                condition=Q(status__in=["draft", "submitted", "returned", "accepted"]),
                name="online_return_status_valid",
            ),
            models.CheckConstraint(
                condition=Q(status__in=["draft", "returned"])
                | (Q(submitted_at__isnull=False) & ~Q(submitted_by_name="")),
                name="online_return_submitted_has_who_and_when",
            ),
        ]

    def __str__(self) -> str:
        return f"Return of {self.invitation}: {self.get_status_display()}"

    @property
    def body_may_edit(self) -> bool:
        return self.status in (self.Status.DRAFT, self.Status.RETURNED)


class OnlineAnswer(models.Model):
    """A body's answer about one system type, as typed. Unknown stays empty (NULL/"")."""

    online_return = models.ForeignKey(
        OnlineReturn, on_delete=models.CASCADE, related_name="answers"
    )
    system_type = models.ForeignKey(SystemType, on_delete=models.PROTECT, related_name="+")
    operates = models.BooleanField(null=True, blank=True)
    vendors = models.ManyToManyField(Vendor, blank=True, related_name="+")
    other_vendors = models.CharField(
        max_length=OTHER_VENDORS_MAX,
        blank=True,
        help_text="Vendors the list lacks, as the body typed them; an editor matches them to "
        "vendors before publication.",
    )
    unit_count = models.PositiveIntegerField(null=True, blank=True)
    aware_of_concerns = models.BooleanField(null=True, blank=True)
    intent = models.CharField(max_length=20, choices=Intent.choices, blank=True, default="")
    kinds = models.JSONField(
        default=list, blank=True, help_text=f"Kinds of facial recognition: {dict(ANSWER_KINDS)}"
    )
    notes = models.TextField(blank=True, max_length=NOTES_MAX)
    history = HistoricalRecords(m2m_fields=[vendors])

    class Meta:
        ordering = ["online_return", "system_type__position"]
        constraints = [
            models.UniqueConstraint(
                fields=["online_return", "system_type"], name="online_answer_once_per_type"
            ),
            models.CheckConstraint(
                condition=Q(unit_count__isnull=True) | ~Q(operates=False),
                name="online_answer_units_only_when_operating",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.online_return.invitation}: {self.system_type}"


class CollectionRequest(models.Model):
    """An editor's action on a collection that, with ``CORRECTIONS_NEED_SECOND_EDITOR``, waits
    for a second editor: publishing the round, reopening a return, or changing a submitted
    return's values (``payload``). Without the setting it is approved as it is made."""

    class Kind(models.TextChoices):
        PUBLISH = "publish", "Publish the round"
        REOPEN = "reopen", "Reopen a return (return it to the body)"
        CHANGE = "change", "Change a submitted return"

    collection = models.ForeignKey(Collection, on_delete=models.PROTECT, related_name="requests")
    online_return = models.ForeignKey(
        OnlineReturn, on_delete=models.PROTECT, null=True, blank=True, related_name="requests"
    )
    kind = models.CharField(max_length=10, choices=Kind.choices)
    payload = models.JSONField(default=dict, blank=True)
    message = models.TextField(blank=True, max_length=REASON_MAX)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    requested_at = models.DateTimeField(auto_now_add=True)
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)
    approved = models.BooleanField(null=True, blank=True, help_text="Empty: waiting.")
    history = HistoricalRecords()

    class Meta:
        ordering = ["-requested_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(kind="publish") | Q(online_return__isnull=False),
                name="collection_request_names_return",
            ),
            models.CheckConstraint(
                condition=Q(decided_at__isnull=True, approved__isnull=True)
                | Q(decided_at__isnull=False, approved__isnull=False, decided_by__isnull=False),
                name="collection_request_decision_complete",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} ({self.collection.year})"


# Not public until the collection is published: changing them changes no public page.
COLLECTION_MODELS = (
    Collection,
    CollectionSystemType,
    Invitation,
    OnlineReturn,
    OnlineAnswer,
    OnlineAnswer.vendors.through,
    CollectionRequest,
)
