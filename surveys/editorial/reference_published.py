"""The published record as the reference files give it: the findings of the publications, their
corrections, public evidence, the Commissioner's terms and the key findings. Each row goes
through ``Loader.upsert``, after the survey record (``reference_survey``) it refers to.
"""

from __future__ import annotations

from decimal import Decimal

from surveys.editorial.reference_files import DataFileError
from surveys.editorial.reference_merge import Loader
from surveys.models import (
    CommissionerTerm,
    Correction,
    KeyFinding,
    PublicEvidence,
    PublishedFinding,
)


def load_findings(loader: Loader) -> None:
    for row in loader.read("findings.yaml"):
        loader.upsert(
            PublishedFinding,
            {"key": row["key"]},
            {
                "publication": loader.ref(loader.publications, row["publication"], "publication"),
                "survey_round": loader.ref(loader.rounds, row["round"], "round"),
                "metric": row["metric"],
                "system_type": loader.ref(
                    loader.system_types, row.get("system_type"), "system type"
                ),
                "vendor": loader.ref(loader.vendors, row.get("vendor"), "vendor"),
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


def load_corrections(loader: Loader) -> None:
    for row in loader.read("corrections.yaml"):
        finding = PublishedFinding.objects.get(key=row["finding"])
        loader.upsert(
            Correction,
            {
                "finding": finding,
                "source": loader.ref(loader.publications, row["source"], "publication"),
            },
            {
                "old_value": row["old_value"],
                "new_value": row["new_value"],
                "new_qualifier": row.get("new_qualifier", ""),
                "announced_on": row.get("announced_on"),
                "reason": row["reason"],
            },
        )


def load_evidence(loader: Loader) -> None:
    for row in loader.read("evidence.yaml"):
        loader.upsert(
            PublicEvidence,
            {"key": row["key"]},
            {
                "body": loader.ref(loader.bodies, row["body"], "body"),
                "system_type": loader.ref(
                    loader.system_types, row.get("system_type"), "system type"
                ),
                "vendor": loader.ref(loader.vendors, row.get("vendor"), "vendor"),
                "summary": row["summary"],
                "occurred_on": row["occurred_on"],
                "occurred_until": row.get("occurred_until"),
                "date_precision": row.get("date_precision", "day"),
                "kind": row["kind"],
                "source": loader.ref(loader.publications, row["source"], "publication"),
                "notes": row.get("notes", ""),
            },
        )


def load_key_findings(loader: Loader) -> None:
    for row in loader.read("key_findings.yaml"):
        finding = PublishedFinding.objects.filter(key=row["finding"]).first()
        if finding is None:
            raise DataFileError(f"key_findings.yaml: unknown finding {row['finding']!r}")
        loader.upsert(
            KeyFinding,
            {"finding": finding},
            {"position": row["position"], "sentence": row["sentence"]},
            key=row["finding"],
        )


def load_commissioner(loader: Loader) -> None:
    for row in loader.read("commissioner.yaml"):
        loader.upsert(
            CommissionerTerm,
            {"summary": row["summary"]},
            {
                "holder": row.get("holder", ""),
                "starts_on": row.get("starts_on"),
                "starts_precision": row.get("starts_precision")
                or ("day" if row.get("starts_on") else "not_stated"),
                "ends_on": row.get("ends_on"),
                "source": loader.ref(loader.publications, row["source"], "publication"),
            },
            key=row["key"],
        )
