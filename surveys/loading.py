"""Load the real reference data from ``surveys/data/*.yaml`` into the database, idempotently.

A record is created when missing and saved only when a field differs, so a second run writes
nothing (not even history rows). Every change it does make is recorded in history with a reason.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import yaml
from django.db import models, transaction
from django.utils.text import slugify

from surveys.models import (
    Answer,
    AnswerVendor,
    Body,
    BodyAlias,
    Correction,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
    VendorConcern,
)
from surveys.roles import ensure_roles

DATA_DIR = Path(__file__).resolve().parent / "data"
CHANGE_REASON = "load_obscc: reference data files"


@dataclass
class LoadReport:
    created: Counter = field(default_factory=Counter)
    updated: Counter = field(default_factory=Counter)

    @property
    def changed(self) -> bool:
        return bool(self.created or self.updated)

    def lines(self) -> list[str]:
        names = sorted(set(self.created) | set(self.updated))
        if not names:
            return ["Nothing to change: the database already matches the data files."]
        return [
            f"{name}: {self.created[name]} created, {self.updated[name]} updated" for name in names
        ]


class DataFileError(Exception):
    pass


def read_data(name: str, data_dir: Path = DATA_DIR) -> Any:
    path = data_dir / name
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except (OSError, yaml.YAMLError) as exc:
        raise DataFileError(f"{path}: {exc}") from exc


def _normalise(value: Any) -> Any:
    if isinstance(value, models.Model):
        return value.pk
    if isinstance(value, float | int) and not isinstance(value, bool):
        return Decimal(str(value))
    return value


def upsert(
    model: type[models.Model], report: LoadReport, lookup: dict, values: dict
) -> models.Model:
    """Create ``model(**lookup, **values)`` or bring an existing row's fields up to ``values``."""
    obj = model.objects.filter(**lookup).first()
    label = model._meta.verbose_name_plural
    if obj is None:
        obj = model(**lookup, **values)
        obj._change_reason = CHANGE_REASON
        obj.save()
        report.created[label] += 1
        return obj
    changed = [
        name
        for name, value in values.items()
        if _normalise(getattr(obj, name)) != _normalise(value)
    ]
    if changed:
        for name in changed:
            setattr(obj, name, values[name])
        obj._change_reason = CHANGE_REASON
        obj.save()
        report.updated[label] += 1
    return obj


class Loader:
    def __init__(self, data_dir: Path = DATA_DIR) -> None:
        self.data_dir = data_dir
        self.report = LoadReport()
        self.publications: dict[str, Publication] = {}
        self.rounds: dict[int, SurveyRound] = {}
        self.bodies: dict[str, Body] = {}
        self.system_types: dict[str, SystemType] = {}
        self.vendors: dict[str, Vendor] = {}

    def read(self, name: str) -> Any:
        return read_data(name, self.data_dir)

    def ref(self, table: dict, key: Any, what: str) -> Any:
        if key is None:
            return None
        try:
            return table[key]
        except KeyError:
            raise DataFileError(f"unknown {what} {key!r}") from None

    def run(self) -> LoadReport:
        with transaction.atomic():
            self.load_publications()
            self.load_rounds()
            self.load_bodies()
            self.load_system_types()
            self.load_vendors()
            self.load_returns()
            self.load_answers()
            self.load_findings()
            self.load_corrections()
            ensure_roles()
        return self.report

    def load_publications(self) -> None:
        rows = self.read("publications.yaml")
        for row in rows:  # first pass without links to rounds or other publications
            self.publications[row["code"]] = upsert(
                Publication,
                self.report,
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
            self.rounds[row["year"]] = upsert(
                SurveyRound,
                self.report,
                {"year": row["year"]},
                {
                    "invitations_sent_on": row.get("invitations_sent_on"),
                    "question_count": row.get("question_count"),
                    "scope": row.get("scope", ""),
                    "notes": row.get("notes", ""),
                    "source": self.ref(self.publications, row.get("source"), "publication"),
                },
            )
        for row in self.read("publications.yaml"):
            upsert(
                Publication,
                self.report,
                {"code": row["code"]},
                {
                    "survey_round": self.ref(self.rounds, row.get("survey_round"), "round"),
                    "quotes": self.ref(self.publications, row.get("quotes"), "publication"),
                },
            )

    def load_bodies(self) -> None:
        for row in self.read("bodies.yaml"):
            body = upsert(
                Body,
                self.report,
                {"slug": row["slug"]},
                {
                    "name": row["name"],
                    "short_name": row["short_name"],
                    "kind": row["kind"],
                    "nation": row["nation"],
                    "region": row.get("region") or "",
                    "source": self.ref(self.publications, row["source"], "publication"),
                    "notes": row.get("notes", ""),
                },
            )
            self.bodies[row["slug"]] = body
            for alias in row.get("aliases", []):
                upsert(
                    BodyAlias,
                    self.report,
                    {"name": alias["name"]},
                    {
                        "body": body,
                        "kind": alias["kind"],
                        "until_year": alias.get("until_year"),
                        "source": self.ref(self.publications, alias.get("source"), "publication"),
                    },
                )

    def load_system_types(self) -> None:
        for position, row in enumerate(self.read("system_types.yaml"), start=1):
            self.system_types[row["slug"]] = upsert(
                SystemType,
                self.report,
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
            vendor = upsert(
                Vendor,
                self.report,
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
                upsert(VendorAlias, self.report, {"name": alias}, {"vendor": vendor})
            for concern in row.get("concerns", []):
                upsert(
                    VendorConcern,
                    self.report,
                    {"vendor": vendor, "summary": concern["summary"]},
                    {
                        "source": self.ref(self.publications, concern["source"], "publication"),
                        "in_force_from": concern.get("in_force_from"),
                        "in_force_until": concern.get("in_force_until"),
                    },
                )

    def load_returns(self) -> None:
        for block in self.read("returns.yaml"):
            survey_round = self.ref(self.rounds, block["round"], "round")
            for row in block["returns"]:
                upsert(
                    Return,
                    self.report,
                    {
                        "body": self.ref(self.bodies, row["body"], "body"),
                        "survey_round": survey_round,
                    },
                    {
                        "status": row["status"],
                        "source": self.ref(self.publications, row["source"], "publication"),
                    },
                )

    def load_answers(self) -> None:
        for block in self.read("answers.yaml"):
            survey_round = self.ref(self.rounds, block["round"], "round")
            system_type = self.ref(self.system_types, block["system_type"], "system type")
            vendors = [self.ref(self.vendors, name, "vendor") for name in block.get("vendors", [])]
            for slug in block["bodies"]:
                survey_return = Return.objects.get(
                    body=self.ref(self.bodies, slug, "body"), survey_round=survey_round
                )
                answer = upsert(
                    Answer,
                    self.report,
                    {"survey_return": survey_return, "system_type": system_type},
                    {
                        "operates": block.get("operates"),
                        "aware_of_concerns": block.get("aware_of_concerns"),
                        "intent": block.get("intent", ""),
                        "notes": block.get("notes", ""),
                        "source": self.ref(self.publications, block["source"], "publication"),
                    },
                )
                for vendor in vendors:
                    upsert(AnswerVendor, self.report, {"answer": answer, "vendor": vendor}, {})

    def load_findings(self) -> None:
        for row in self.read("findings.yaml"):
            upsert(
                PublishedFinding,
                self.report,
                {"key": row["key"]},
                {
                    "publication": self.ref(self.publications, row["publication"], "publication"),
                    "survey_round": self.ref(self.rounds, row["round"], "round"),
                    "metric": row["metric"],
                    "system_type": self.ref(
                        self.system_types, row.get("system_type"), "system type"
                    ),
                    "vendor": self.ref(self.vendors, row.get("vendor"), "vendor"),
                    "value": Decimal(str(row["value"])),
                    "unit": row.get("unit", "count"),
                    "qualifier": row.get("qualifier", "exact"),
                    "numerator": row.get("numerator"),
                    "denominator": row.get("denominator"),
                    "denominator_is_derived": row.get("denominator_is_derived", False),
                    "published_percent": row.get("published_percent"),
                    "wording": row["wording"],
                    "notes": row.get("notes", ""),
                },
            )

    def load_corrections(self) -> None:
        for row in self.read("corrections.yaml"):
            finding = PublishedFinding.objects.get(key=row["finding"])
            upsert(
                Correction,
                self.report,
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


def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    return Loader(data_dir).run()
