"""One load of the reference files: the rows loaded so far, and the merge of each row the files
describe into the database (``Loader.upsert``).

Each row the files describe has a ``ReferenceRecord`` holding the values last loaded from the
files. A load compares, field by field, the file's value (F), the last loaded (L) and the
database's (D):

- F == L: the file did not change this field; D is kept whatever it is (an editor's change).
- F != L and D == L: the file changed and nobody changed the database: D becomes F, unless
  a correction in force covers the field (a figure's correction leaves D as loaded): that is
  an editor's entry, so a conflict, as below.
- F != L and D == F: both agree already: L becomes F.
- F != L and D != L and D != F: both changed: a conflict. D is kept; F waits in the record's
  ``conflicts`` until an editor takes it or keeps D (admin, "Reference data conflicts"; a
  value the public sees is taken only as a correction draft:
  ``surveys.editorial.reference_conflicts``).

A row the files add is created; a row loaded before and deleted in the database since is not
recreated. A database loaded before records existed is adopted: rows are matched by their
natural key and any field that differs from the file is a conflict. A second run with the same
files writes nothing at all. Every change is written to history with a reason.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

from django.db import models

from surveys.editorial.reference_files import DATA_DIR, DataFileError, read_data
from surveys.editorial.reference_report import (
    CORRECTED_FIELDS,
    Difference,
    LoadReport,
    comparable,
    corrections_in_force,
    field_value,
)
from surveys.models import Body, Publication, ReferenceRecord, SurveyRound, SystemType, Vendor

CHANGE_REASON = "load_obscc: reference data files"
UPDATE_REASON = "load_obscc: the reference data files changed this value"
MISSING = object()


def difference(obj: models.Model, record: str, name: str, database: Any, file: Any) -> Difference:
    return Difference.of(type(obj), obj.pk, record, name, database, file)


def _default(model: type[models.Model], field_name: str) -> Any:
    field = model._meta.get_field(field_name)
    return comparable(field.get_default()) if field.has_default() else MISSING


def editor_set(obj: models.Model, field_name: str) -> bool:
    """Whether an editor's save (a history entry with a user) created the row with this field
    or changed the field: an empty or default value there is the editor's, not a gap."""
    history = getattr(obj, "history", None)
    if history is None:
        return False
    attname = obj._meta.get_field(field_name).attname
    before: Any = MISSING
    for value, user_id, kind in history.order_by("history_date", "history_id").values_list(
        attname, "history_user_id", "history_type"
    ):
        if user_id is not None and (kind == "+" or value != before):
            return True
        before = value
    return False


class Loader:
    """What one load has met so far: the rows by their key in the files (for the rows that refer
    to them), the records of what the files said last time, and the report."""

    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.report = LoadReport()
        self.publications: dict[str, Publication] = {}
        self.rounds: dict[int, SurveyRound] = {}
        self.bodies: dict[str, Body] = {}
        self.system_types: dict[str, SystemType] = {}
        self.vendors: dict[str, Vendor] = {}
        self.records: dict[tuple[str, str], ReferenceRecord] = {}
        self.keys: dict[tuple[str, int], str] = {}  # (model, pk) -> key in the files

    def load_records(self) -> None:
        for record in ReferenceRecord.objects.all():
            self.records[(record.model, record.key)] = record
            self.keys[(record.model, record.object_id)] = record.key

    def read(self, name: str) -> Any:
        return read_data(name, self.data_dir)

    def ref(self, table: dict, key: Any, what: str) -> Any:
        if key is None:
            return None
        try:
            return table[key]
        except KeyError:
            raise DataFileError(f"unknown {what} {key!r}") from None

    def key_of(self, lookup: dict) -> str:
        parts = []
        for value in lookup.values():
            if isinstance(value, models.Model):
                parts.append(self.keys[(value._meta.label_lower, value.pk)])
            else:
                parts.append(str(value))
        return "/".join(parts)

    def upsert(
        self, model: type[models.Model], lookup: dict, values: dict, *, key: str = ""
    ) -> models.Model | None:
        """The row the files describe by ``lookup``: created when new, else merged field by
        field (see the module's docstring). Returns None for a row deleted in the database."""
        label = model._meta.label_lower
        key = key or self.key_of(lookup)
        name = f"{model._meta.verbose_name} {key}"
        record = self.records.get((label, key))
        wanted = {n: comparable(v) for n, v in values.items()}
        if record is not None:
            obj = model.objects.filter(pk=record.object_id).first()
            if obj is None:
                self.report.not_recreated.append(name)
                return None
        else:
            obj = model.objects.filter(**lookup).first()
            if obj is None:
                obj = model(**{**lookup, **values})
                obj._change_reason = CHANGE_REASON
                obj.save()
                self.report.created[model._meta.verbose_name_plural] += 1
                self._remember(label, key, obj, ReferenceRecord(loaded=wanted))
                return obj
            record = ReferenceRecord(loaded={})  # adopt a row loaded before records existed
        loaded, conflicts = dict(record.loaded), dict(record.conflicts)
        changes = []
        for field_name, file_value in wanted.items():
            database = field_value(obj, field_name)
            last = loaded.get(field_name, MISSING)
            new_field = record.pk is not None and database == _default(model, field_name)
            if (
                last is MISSING
                and (database in (None, "") or new_field)
                and (database == file_value or not editor_set(obj, field_name))
            ):
                # The files had not described it (or, for a row loaded before, the field is new
                # to the files and holds its default): filling a gap is no edit. Unless an
                # editor's save set that value: then it is theirs, and a differing file value
                # is a conflict for an editor to resolve, never a silent overwrite.
                last = database
            if database == file_value:
                loaded[field_name] = file_value
                conflicts.pop(field_name, None)
            elif file_value == last:
                self.report.kept.append(difference(obj, name, field_name, database, file_value))
            elif database == last and not self._corrected(obj, name, field_name, database):
                setattr(obj, field_name, values[field_name])
                changes.append(field_name)
                loaded[field_name] = file_value
                conflicts.pop(field_name, None)
            else:
                conflicts[field_name] = file_value
                self.report.conflicts.append(
                    difference(obj, name, field_name, database, file_value)
                )
        if changes:
            obj._change_reason = UPDATE_REASON
            obj.save()
            self.report.updated[model._meta.verbose_name_plural] += 1
        if record.pk is None or loaded != record.loaded or conflicts != record.conflicts:
            record.loaded, record.conflicts = loaded, conflicts
            self._remember(label, key, obj, record)
        else:
            self.keys[(label, obj.pk)] = key
        return obj

    @staticmethod
    def _corrected(obj: models.Model, name: str, field_name: str, database: Any) -> bool:
        """Whether a correction in force covers the field: an editor's entry the files never
        overwrite, even where it left the stored value as loaded (a figure's correction is
        laid over its value, which keeps what was first published)."""
        label = obj._meta.label_lower
        corrected = CORRECTED_FIELDS.get(label, {}).get(field_name)
        if corrected is None:
            return False
        found = corrections_in_force([difference(obj, name, field_name, database, None)])
        return (label, obj.pk, corrected) in found

    def _remember(self, label: str, key: str, obj, record: ReferenceRecord) -> None:
        record.model, record.key, record.object_id = label, key, obj.pk
        record.save()
        self.records[(label, key)] = record
        self.keys[(label, obj.pk)] = key
