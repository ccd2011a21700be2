"""Load the real reference data from ``surveys/data/*.yaml``: the files seed the database;
after that the database is the record.

Each row the files describe has a ``ReferenceRecord`` holding the values last loaded from the
files. A load compares, field by field, the file's value (F), the last loaded (L) and the
database's (D):

- F == L: the file did not change this field; D is kept whatever it is (an editor's change).
- F != L and D == L: the file changed and nobody changed the database: D becomes F.
- F != L and D == F: both agree already: L becomes F.
- F != L and D != L and D != F: both changed: a conflict. D is kept; F waits in the record's
  ``conflicts`` until an editor takes it or keeps D (admin, "Reference data conflicts"; a
  value the public sees is taken only as a correction draft:
  ``surveys.editorial.reference_conflicts``).

A row the files add is created; a row loaded before and deleted in the database since is not
recreated. A database loaded before records existed is adopted: rows are matched by their
natural key and any field that differs from the file is a conflict. A second run with the same
files writes nothing at all. Every change is written to history with a reason. What a load
says (``LoadReport``) is in ``surveys.editorial.reference_report``.
"""

from __future__ import annotations

import hashlib
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils.text import slugify

from surveys.editorial.reference_conflicts import resolve_conflict  # noqa: F401 (the admin's entry)
from surveys.editorial.reference_report import (
    Difference,
    EditorsWork,
    LoadReport,
    comparable,
    explain,
    field_value,
)
from surveys.editorial.roles import ensure_roles
from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    BodyAlias,
    CommissionerTerm,
    Correction,
    KeyFinding,
    Publication,
    PublicEvidence,
    PublishedFinding,
    ReferenceLoad,
    ReferenceRecord,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
    VendorConcern,
)

DATA_DIR = Path(__file__).resolve().parent.parent / "data"
CHANGE_REASON = "load_obscc: reference data files"
UPDATE_REASON = "load_obscc: the reference data files changed this value"


class DataFileError(Exception):
    pass


def read_data(name: str, data_dir: Path = DATA_DIR) -> Any:
    path = data_dir / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc


MISSING = object()


def difference(obj: models.Model, record: str, name: str, database: Any, file: Any) -> Difference:
    return Difference.of(type(obj), obj.pk, record, name, database, file)


class Loader:
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
            if last is MISSING and database in (None, ""):
                last = database  # the files had not described it: filling a gap is no edit
            if database == file_value:
                loaded[field_name] = file_value
                conflicts.pop(field_name, None)
            elif file_value == last:
                self.report.kept.append(difference(obj, name, field_name, database, file_value))
            elif database == last:
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

    def _remember(self, label: str, key: str, obj, record: ReferenceRecord) -> None:
        record.model, record.key, record.object_id = label, key, obj.pk
        record.save()
        self.records[(label, key)] = record
        self.keys[(label, obj.pk)] = key

    def run(self) -> LoadReport:
        digest = files_digest(self.data_dir)
        with transaction.atomic():
            for record in ReferenceRecord.objects.all():
                self.records[(record.model, record.key)] = record
                self.keys[(record.model, record.object_id)] = record.key
            self.load_publications()
            self.load_system_types()
            self.load_rounds()
            self.load_bodies()
            self.load_vendors()
            self.load_returns()
            self.load_answers()
            self.load_findings()
            self.load_corrections()
            self.load_evidence()
            self.load_commissioner()
            self.load_key_findings()
            ensure_roles()
            explain(self.report.kept + self.report.conflicts)
            self.report.editors = EditorsWork.count()
            if self.report.changed:
                ReferenceLoad.objects.create(
                    files_digest=digest, summary="\n".join(self.report.lines())
                )
        return self.report

    def load_publications(self) -> None:
        rows = self.read("publications.yaml")
        for row in rows:  # first pass without links to rounds or other publications
            self.publications[row["code"]] = self.upsert(
                Publication,
                {"code": row["code"]},
                {
                    "title": row["title"],
                    "kind": row["kind"],
                    "published_on": row.get("published_on"),
                    "date_precision": row.get("date_precision", "day"),
                    "url": row.get("url", ""),
                    "is_secondary": row.get("is_secondary", False),
                    "notes": row.get("notes", ""),
                },
            )

    def load_rounds(self) -> None:
        for row in self.read("rounds.yaml"):
            self.rounds[row["year"]] = self.upsert(
                SurveyRound,
                {"year": row["year"]},
                {
                    "invitations_sent_on": row.get("invitations_sent_on"),
                    "question_count": row.get("question_count"),
                    "scope": row.get("scope", ""),
                    "notes": row.get("notes", ""),
                    "source": self.ref(self.publications, row.get("source"), "publication"),
                },
            )
            for slug in row.get("system_types", []):
                self.upsert(
                    RoundSystemType,
                    {
                        "survey_round": self.rounds[row["year"]],
                        "system_type": self.ref(self.system_types, slug, "system type"),
                    },
                    {},
                )
        for row in self.read("publications.yaml"):
            self.upsert(
                Publication,
                {"code": row["code"]},
                {
                    "survey_round": self.ref(self.rounds, row.get("survey_round"), "round"),
                    "quotes": self.ref(self.publications, row.get("quotes"), "publication"),
                },
            )

    def load_bodies(self) -> None:
        for row in self.read("bodies.yaml"):
            body = self.upsert(
                Body,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "nation": row["nation"],
                    "region": row.get("region") or "",
                    "ons_code": row.get("ons_code", ""),
                    "source": self.ref(self.publications, row["source"], "publication"),
                    "notes": row.get("notes", ""),
                },
            )
            self.bodies[row["slug"]] = body
            for alias in row.get("aliases", []):
                self.upsert(
                    BodyAlias,
                    {"name": alias["name"]},
                    {
                        "body": body,
                        "kind": alias["kind"],
                        "until_year": alias.get("until_year"),
                        "source": self.ref(self.publications, alias.get("source"), "publication"),
                    },
                )
        for row in self.read("bodies.yaml"):  # successors, once every body exists
            if "succeeded_by" in row:
                self.upsert(
                    Body,
                    {"slug": row["slug"]},
                    {
                        "succeeded_by": self.ref(self.bodies, row["succeeded_by"], "body"),
                        "succeeded_on": row["succeeded_on"],
                        "succession_source": self.ref(
                            self.publications, row["succession_source"], "publication"
                        ),
                    },
                )

    def load_system_types(self) -> None:
        for position, row in enumerate(self.read("system_types.yaml"), start=1):
            self.system_types[row["slug"]] = self.upsert(
                SystemType,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "position": position,
                    "description": row.get("description", ""),
                    "is_survey_category": row.get("is_survey_category", True),
                },
            )

    def load_vendors(self) -> None:
        for row in self.read("vendors.yaml"):
            slug = slugify(row["name"])
            vendor = self.upsert(
                Vendor,
                {"slug": slug},
                {
                    "name": row["name"],
                    "country": row.get("country", ""),
                    "country_source": self.ref(
                        self.publications, row.get("country_source"), "publication"
                    ),
                },
            )
            self.vendors[slug] = vendor
            self.vendors[row["name"]] = vendor
            for alias in row.get("aliases", []):
                self.upsert(VendorAlias, {"name": alias}, {"vendor": vendor})
            for concern in row.get("concerns", []):
                self.upsert(
                    VendorConcern,
                    {"vendor": vendor, "summary": concern["summary"]},
                    {
                        "summary": concern["summary"],
                        "source": self.ref(self.publications, concern["source"], "publication"),
                        "in_force_from": concern.get("in_force_from"),
                        "in_force_until": concern.get("in_force_until"),
                    },
                    key=f"{slug}/{concern['key']}",
                )

    def load_returns(self) -> None:
        for block in self.read("returns.yaml"):
            survey_round = self.ref(self.rounds, block["round"], "round")
            for row in block["returns"]:
                self.upsert(
                    Return,
                    {
                        "body": self.ref(self.bodies, row["body"], "body"),
                        "survey_round": survey_round,
                    },
                    {
                        "status": row["status"],
                        "status_is_derived": row.get("status_is_derived", False),
                        "source": self.ref(self.publications, row["source"], "publication"),
                    },
                )

    def load_answers(self) -> None:
        """Each answer gathers the fields that the blocks naming its body state, each field
        with the source of its block; the answer's own source is the first block's."""
        answers: dict[tuple, dict] = {}
        for block in self.read("answers.yaml"):
            survey_round = self.ref(self.rounds, block["round"], "round")
            system_type = self.ref(self.system_types, block["system_type"], "system type")
            source = self.ref(self.publications, block["source"], "publication")
            stated = {
                name: block[name]
                for name, _ in Answer.SOURCED_FIELDS
                if block.get(name) not in (None, "", [])
            }
            for slug in block["bodies"]:
                body = self.ref(self.bodies, slug, "body")
                answer = answers.setdefault(
                    (body.pk, survey_round.pk, system_type.pk),
                    {
                        "lookup": (body, survey_round, system_type),
                        "source": source,
                        "values": {},
                        "sources": {},
                        "notes": [],
                    },
                )
                for name, value in stated.items():
                    if answer["values"].get(name, value) != value:
                        raise DataFileError(
                            f"answers.yaml: {slug}, {survey_round.year}, {system_type.slug}: "
                            f"{name} is {answer['values'][name]!r} in one block and {value!r} "
                            "in another"
                        )
                    answer["values"].setdefault(name, value)
                    answer["sources"].setdefault(name, source)
                if block.get("notes"):
                    answer["notes"].append(block["notes"])
        for answer in answers.values():
            body, survey_round, system_type = answer["lookup"]
            stated, sources = answer["values"], answer["sources"]
            values = {
                "operates": stated.get("operates"),
                "kind": stated.get("kind", ""),
                "unit_count": stated.get("unit_count"),
                "says_vendor_of_concern": stated.get("says_vendor_of_concern"),
                "aware_of_concerns": stated.get("aware_of_concerns"),
                "intent": stated.get("intent", ""),
                "notes": " ".join(answer["notes"]),
                "source": answer["source"],
            }
            for name, source_name in Answer.SOURCED_FIELDS:
                values[source_name] = sources.get(name)
            obj = self.upsert(
                Answer,
                {
                    "survey_return": Return.objects.get(body=body, survey_round=survey_round),
                    "system_type": system_type,
                },
                values,
            )
            for name in stated.get("vendors", []):
                vendor = self.ref(self.vendors, name, "vendor")
                self.upsert(AnswerVendor, {"answer": obj, "vendor": vendor}, {})

    def load_findings(self) -> None:
        for row in self.read("findings.yaml"):
            self.upsert(
                PublishedFinding,
                {"key": row["key"]},
                {
                    "publication": self.ref(self.publications, row["publication"], "publication"),
                    "survey_round": self.ref(self.rounds, row["round"], "round"),
                    "metric": row["metric"],
                    "system_type": self.ref(
                        self.system_types, row.get("system_type"), "system type"
                    ),
                    "vendor": self.ref(self.vendors, row.get("vendor"), "vendor"),
                    "kind": row.get("kind", ""),
                    "value": Decimal(str(row["value"])),
                    "unit": row.get("unit", "count"),
                    "qualifier": row.get("qualifier", "exact"),
                    "numerator": row.get("numerator"),
                    "denominator": row.get("denominator"),
                    "denominator_is_derived": row.get("denominator_is_derived", False),
                    "published_percent": row.get("published_percent"),
                    "wording": row["wording"],
                    "wording_is_verbatim": row.get("wording_is_verbatim", True),
                    "notes": row.get("notes", ""),
                },
            )

    def load_corrections(self) -> None:
        for row in self.read("corrections.yaml"):
            finding = PublishedFinding.objects.get(key=row["finding"])
            self.upsert(
                Correction,
                {
                    "finding": finding,
                    "source": self.ref(self.publications, row["source"], "publication"),
                },
                {
                    "old_value": row["old_value"],
                    "new_value": row["new_value"],
                    "new_qualifier": row.get("new_qualifier", ""),
                    "announced_on": row.get("announced_on"),
                    "reason": row["reason"],
                },
            )

    def load_evidence(self) -> None:
        for row in self.read("evidence.yaml"):
            self.upsert(
                PublicEvidence,
                {"key": row["key"]},
                {
                    "body": self.ref(self.bodies, row["body"], "body"),
                    "system_type": self.ref(
                        self.system_types, row.get("system_type"), "system type"
                    ),
                    "vendor": self.ref(self.vendors, row.get("vendor"), "vendor"),
                    "summary": row["summary"],
                    "occurred_on": row["occurred_on"],
                    "occurred_until": row.get("occurred_until"),
                    "date_precision": row.get("date_precision", "day"),
                    "kind": row["kind"],
                    "source": self.ref(self.publications, row["source"], "publication"),
                    "notes": row.get("notes", ""),
                },
            )

    def load_key_findings(self) -> None:
        for row in self.read("key_findings.yaml"):
            finding = PublishedFinding.objects.filter(key=row["finding"]).first()
            if finding is None:
                raise DataFileError(f"key_findings.yaml: unknown finding {row['finding']!r}")
            self.upsert(
                KeyFinding,
                {"finding": finding},
                {"position": row["position"], "sentence": row["sentence"]},
                key=row["finding"],
            )

    def load_commissioner(self) -> None:
        for row in self.read("commissioner.yaml"):
            self.upsert(
                CommissionerTerm,
                {"summary": row["summary"]},
                {
                    "holder": row.get("holder", ""),
                    "starts_on": row.get("starts_on"),
                    "starts_precision": row.get("starts_precision", "day"),
                    "ends_on": row.get("ends_on"),
                    "source": self.ref(self.publications, row["source"], "publication"),
                },
                key=row["key"],
            )


def files_digest(data_dir: Path = DATA_DIR) -> str:
    digest = hashlib.sha256()
    for path in sorted(data_dir.glob("*.yaml")):
        digest.update(path.name.encode() + b"\0" + path.read_bytes())
    return digest.hexdigest()


def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    return Loader(data_dir).run()
