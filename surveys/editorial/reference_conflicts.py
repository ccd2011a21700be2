"""An editor's decision on a conflict: a field both the reference files and an editor changed.

Keeping the database's value changes nothing. Taking the files' value depends on the field:

- a value the public sees that corrections change (an answer's operates, units, vendor
  of concern, awareness or future use; a return's response status) becomes a correction
  *draft*, credited to the publication the files cite for it: nothing public changes until
  it is published the usual way (preview, then publish; by a second editor where
  settings.CORRECTIONS_NEED_SECOND_EDITOR), and the change then leaves its public trace;
- a published figure is refused: it changes only through a correction an editor enters with
  the source that announced it;
- any other field (a body's name, a note) is set at once, with history.

Either way the files' values then count as loaded, so the next load does not ask again.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable

from django.apps import apps
from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone

from surveys.editorial import corrections
from surveys.editorial.correction_values import value_text
from surveys.editorial.reference_report import Difference, explain, field_value
from surveys.models import Answer, Correction, PublishedFinding, ReferenceRecord, Return

# What a correction changes on each model it targets (vendors and kinds are not fields the
# files compare: their links are rows of their own).
DRAFTED_FIELDS: dict[type[models.Model], set[str]] = {
    Answer: set(Correction.AnswerField.values)
    - {Correction.AnswerField.VENDORS, Correction.AnswerField.KINDS, Correction.AnswerField.STATUS},
    Return: {Correction.AnswerField.STATUS},
}
SOURCE_OF = dict(Answer.SOURCED_FIELDS)
FINDING_EDITABLE = {"notes"}  # as in the admin: the rest of a published figure is fixed


def resolve_conflict(record: ReferenceRecord, *, take_file: bool, user=None) -> list[Correction]:
    """Settle a record's conflicts; returns the correction drafts taking the files' value made.
    Raises ValidationError (and changes nothing) when a value cannot be taken from the files."""
    with transaction.atomic():
        drafts = _take_file_values(record, user=user) if take_file else []
        record.loaded = {**record.loaded, **record.conflicts}
        record.conflicts = {}
        record.save()
    return drafts


def _take_file_values(record: ReferenceRecord, *, user) -> list[Correction]:
    model = apps.get_model(record.model)
    obj = model.objects.get(pk=record.object_id)
    if model is PublishedFinding and (fixed := sorted(set(record.conflicts) - FINDING_EDITABLE)):
        raise ValidationError(
            f"the published figure's {', '.join(fixed)} is not changed from the files: a "
            "published figure changes only through a correction an editor enters (Corrections "
            "> Add), with the source that announced it. Enter that correction, then keep the "
            "database's value here."
        )
    drafted = set(record.conflicts) & DRAFTED_FIELDS.get(model, set())
    # A drafted value's source is credited when its correction is published, not before.
    left_to_drafts = drafted | {SOURCE_OF[name] for name in drafted if name in SOURCE_OF}
    direct = {n: v for n, v in record.conflicts.items() if n not in left_to_drafts}
    if direct:
        for name, value in direct.items():
            setattr(obj, obj._meta.get_field(name).attname, value)
        obj._change_reason = "Reference data conflict: an editor took the files' value"
        obj.full_clean(exclude=[f.name for f in obj._meta.fields if f.name not in direct])
        obj.save()
    drafts = [_draft(record, obj, name, user=user) for name in sorted(drafted)]
    return [draft for draft in drafts if draft is not None]


def _files_value(record: ReferenceRecord, name: str):
    return record.conflicts.get(name, record.loaded.get(name))


def _draft(record: ReferenceRecord, obj: Answer | Return, name: str, *, user) -> Correction | None:
    value = obj._meta.get_field(name).to_python(record.conflicts[name])
    if getattr(obj, name) == value:
        return None  # already the files' value: nothing to correct
    text = value_text(name, value)
    source = _files_value(record, SOURCE_OF.get(name, "")) or _files_value(record, "source")
    loaded_on = timezone.localdate(record.updated_at).isoformat()
    return corrections.save_draft(
        Correction(
            answer=obj if isinstance(obj, Answer) else None,
            survey_return=obj if isinstance(obj, Return) else None,
            answer_field=name,
            new_value=text,
            source_id=source,
            # short: history keeps a change reason of at most 100 characters, prefix included
            reason=f"The reference data files give {text} (as loaded on {loaded_on}).",
        ),
        user=user,
    )


def conflict_differences(records: Iterable[ReferenceRecord]) -> dict[int, list[Difference]]:
    """Each record's conflicts as differences (database, file, correction in force), in a
    query per model named, whatever the number of records."""
    records = [record for record in records if record.conflicts]
    ids: dict[str, set[int]] = defaultdict(set)
    for record in records:
        ids[record.model].add(record.object_id)
    rows = {
        (label, obj.pk): obj
        for label, pks in ids.items()
        for obj in apps.get_model(label).objects.filter(pk__in=pks)
    }
    found = {}
    for record in records:
        model = apps.get_model(record.model)
        obj = rows.get((record.model, record.object_id))
        found[record.pk] = [
            Difference.of(
                model,
                record.object_id,
                str(record),
                name,
                field_value(obj, name) if obj is not None else None,
                value,
            )
            for name, value in record.conflicts.items()
        ]
    explain(difference for differences in found.values() for difference in differences)
    return found
