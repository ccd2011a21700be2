"""What a load of the reference files says: what it created and changed, what editors entered
that it kept, and the conflicts waiting for an editor, each value in one short line.

A value the public sees that a correction in force set says so ("under correction #3 in force:
20 → 25"), in the load's listing and in the admin's list of conflicts alike.
"""

from __future__ import annotations

import datetime
import functools
import operator
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.db import models
from django.db.models import Count, Q

from surveys.models import Answer, Correction, ReferenceRecord
from surveys.values import correction_change_text

TEXT_LIMIT = 40  # a kept note is recognised by its start; the admin shows it whole

# Per model, the fields whose public value a correction sets (the key it is filed under): an
# answer's source fields belong to their value, since publishing a correction credits its source.
CORRECTED_FIELDS: dict[str, dict[str, str]] = {
    "surveys.answer": {
        **{name: name for name in Correction.AnswerField.values},
        **{source: name for name, source in Answer.SOURCED_FIELDS},
    },
    "surveys.return": {"status": "status"},
    "surveys.publishedfinding": {"value": "value", "qualifier": "value"},
}
TARGET_COLUMN = {
    "surveys.answer": "answer_id",
    "surveys.return": "survey_return_id",
    "surveys.publishedfinding": "finding_id",
}


def comparable(value: Any) -> Any:
    """A value as stored in a record's JSON and compared with it."""
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | float | Decimal):
        return f"{Decimal(str(value)).normalize():f}"
    if isinstance(value, datetime.date):
        return value.isoformat()
    return value


def field_value(obj: models.Model, name: str) -> Any:
    """A row's field as ``comparable`` gives it (a relation: the related row's key)."""
    field_ = obj._meta.get_field(name)
    if field_.is_relation:
        return getattr(obj, field_.attname)
    return comparable(getattr(obj, name))


def shown(value: Any, *, quoted: bool = True) -> str:
    """A value in a few words: long text cut short and quoted, a yes/no as a word."""
    if value is None or value == "":
        return "empty"
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, str) and quoted:
        text = " ".join(value.split())
        if len(text) > TEXT_LIMIT:
            text = text[:TEXT_LIMIT].rsplit(" ", 1)[0] + "…"
        return f"'{text}'"
    return str(value)


@dataclass
class Difference:
    """A field where the database and the reference files disagree."""

    record: str
    field: str
    database: Any
    file: Any
    model: str = ""  # the row's model label, e.g. surveys.answer
    object_id: int | None = None
    related_model: str = ""  # for a relation: the model whose keys the values are
    quoted: bool = True  # text; a number is compared as text but shown as a number
    names: dict[Any, str] = field(default_factory=dict, repr=False)  # related key -> name
    correction: Correction | None = field(default=None, repr=False)  # in force on the value

    @classmethod
    def of(
        cls, model: type[models.Model], object_id: int, record: str, name: str, database, file
    ) -> Difference:
        field_ = model._meta.get_field(name)
        return cls(
            record,
            name,
            database,
            file,
            model=model._meta.label_lower,
            object_id=object_id,
            related_model=field_.related_model._meta.label_lower if field_.is_relation else "",
            quoted=isinstance(field_, models.CharField | models.TextField),
        )

    @property
    def note(self) -> str:
        if self.correction is None:
            return ""
        return (
            f"under correction #{self.correction.pk} in force: "
            f"{correction_change_text(self.correction)}"
        )

    @property
    def is_the_corrections(self) -> bool:
        """A source field as its value's correction in force set it: part of that correction."""
        return (
            self.correction is not None
            and self.field != CORRECTED_FIELDS[self.model][self.field]
            and self.database == self.correction.source_id
        )

    def shown(self, value: Any) -> str:
        return self.names.get(value) or shown(value, quoted=self.quoted)

    def change(self) -> str:
        """The database's value → the file's, with the correction that set it, if any."""
        note = f" ({self.note})" if self.note else ""
        return f"{self.shown(self.database)} → {self.shown(self.file)}{note}"

    def __str__(self) -> str:
        note = f" ({self.note})" if self.note else ""
        return (
            f"{self.record}, {self.field}: {self.shown(self.database)} here{note}, "
            f"{self.shown(self.file)} in the files"
        )


@dataclass
class EditorsWork:
    """What editors entered that the files do not describe, counted in the database."""

    corrections: int = 0
    withdrawals: int = 0
    drafts: int = 0
    answers: int = 0

    @classmethod
    def count(cls) -> EditorsWork:
        loaded = ReferenceRecord.objects.values("object_id")
        counts = Correction.objects.aggregate(
            corrections=Count(
                "pk",
                filter=Q(status=Correction.Status.PUBLISHED)
                & ~Q(pk__in=loaded.filter(model="surveys.correction")),
            ),
            withdrawals=Count("pk", filter=Q(withdrawn_on__isnull=False)),
            drafts=Count("pk", filter=Q(status=Correction.Status.DRAFT)),
        )
        answers = Answer.objects.exclude(pk__in=loaded.filter(model="surveys.answer")).count()
        return cls(**counts, answers=answers)


def counted(number: int, thing: str) -> str:
    return f"{number} {thing}" + ("" if number == 1 else "s")


def in_words(parts: list[str]) -> str:
    return parts[0] if len(parts) == 1 else f"{', '.join(parts[:-1])} and {parts[-1]}"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)
    kept: list[Difference] = field(default_factory=list)
    conflicts: list[Difference] = field(default_factory=list)
    not_recreated: list[str] = field(default_factory=list)
    editors: EditorsWork = field(default_factory=EditorsWork)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def edited(self) -> list[Difference]:
        """The values editors changed, once each; a correction's values are its own."""
        unique = {(d.record, d.field): d for d in self.kept if not d.is_the_corrections}
        return list(unique.values())

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        lines = [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated" for name in names
        ]
        if not names:
            lines.append("Nothing to change: the reference files add nothing new.")
        edited = self.edited()
        work = self.editors
        parts = [
            counted(number, thing)
            for number, thing in (
                (work.corrections, "correction"),
                (work.withdrawals, "withdrawal"),
                (work.drafts, "correction draft"),
                (work.answers, "added answer"),
                (sum(d.correction is None for d in edited), "edited value"),
            )
            if number
        ]
        if parts:
            lines.append(
                f"Kept {in_words(parts)} entered by editors; the files never overwrite them"
                + (":" if edited else ".")
            )
            lines += [f"  {difference}" for difference in edited]
        if self.not_recreated:
            lines.append(f"Not recreated, deleted in the database: {len(self.not_recreated)}")
            lines += [f"  {record}" for record in self.not_recreated]
        if self.conflicts:
            lines.append(
                f"{len(self.conflicts)} conflict(s), not applied: the file changed a value that "
                "was also changed in the database. An editor decides (admin: Reference data "
                "conflicts):"
            )
            lines += [f"  {difference}" for difference in self.conflicts]
        return lines


def short_name(obj: models.Model) -> str:
    return getattr(obj, "code", None) or getattr(obj, "slug", None) or shown(str(obj))


def explain(differences: Iterable[Difference]) -> None:
    """Give each difference the names of the rows it points to and the correction in force on
    its value: a query per model named, whatever the number of differences."""
    differences = list(differences)
    keys: dict[str, set] = defaultdict(set)
    for difference in differences:
        if difference.related_model:
            keys[difference.related_model] |= {difference.database, difference.file} - {None}
    names = {
        (label, obj.pk): short_name(obj)
        for label, pks in keys.items()
        for obj in apps.get_model(label).objects.filter(pk__in=pks)
    }
    for difference in differences:
        if difference.related_model:
            difference.names = {
                pk: names[(difference.related_model, pk)]
                for pk in (difference.database, difference.file)
                if (difference.related_model, pk) in names
            }
    in_force = corrections_in_force(differences)
    for difference in differences:
        corrected = CORRECTED_FIELDS.get(difference.model, {}).get(difference.field)
        difference.correction = in_force.get((difference.model, difference.object_id, corrected))


def corrections_in_force(differences: list[Difference]) -> dict[tuple, Correction]:
    """For each (model, row, corrected field), the correction in force recorded last: the one
    that set the value shown (the rule of ``CorrectionQuerySet.current_for``)."""
    targets = [
        Q(**{f"{column}__in": ids})
        for model, column in TARGET_COLUMN.items()
        if (ids := {d.object_id for d in differences if d.model == model})
    ]
    found: dict[tuple, Correction] = {}
    if not targets:
        return found
    wanted = functools.reduce(operator.or_, targets)
    in_force = Correction.objects.in_force().filter(wanted).select_related("finding")
    for correction in in_force.order_by("recorded_at", "pk"):
        if correction.finding_id:
            found[("surveys.publishedfinding", correction.finding_id, "value")] = correction
        elif correction.answer_id:
            found[("surveys.answer", correction.answer_id, correction.answer_field)] = correction
        else:
            target = ("surveys.return", correction.survey_return_id, correction.answer_field)
            found[target] = correction
    return found
