"""The survey record as the reference files give it: publications, system types, rounds,
bodies and their aliases, vendors and their concerns, returns and answers, in that order (each
refers to the ones before). Each row goes through ``Loader.upsert``.
"""

from __future__ import annotations

from django.utils.text import slugify

from surveys.editorial.reference_files import DataFileError
from surveys.editorial.reference_merge import Loader
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Body,
    BodyAlias,
    Publication,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
    VendorConcern,
)
from surveys.values import ANSWER_KIND_ORDER, vendor_entry


def load_publications(loader: Loader) -> None:
    rows = loader.read("publications.yaml")
    for row in rows:  # first pass without links to rounds or other publications
        loader.publications[row["code"]] = loader.upsert(
            Publication,
            {"code": row["code"]},
            {
                "title": row["title"],
                "kind": row["kind"],
                "published_on": row.get("published_on"),
                "date_precision": row.get("date_precision")
                or ("day" if row.get("published_on") else "not_stated"),
                "copyright": row.get("copyright", ""),
                "licence": row.get("licence", ""),
                "url": row.get("url", ""),
                "is_secondary": row.get("is_secondary", False),
                "notes": row.get("notes", ""),
            },
        )


def load_system_types(loader: Loader) -> None:
    for position, row in enumerate(loader.read("system_types.yaml"), start=1):
        loader.system_types[row["slug"]] = loader.upsert(
            SystemType,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "position": position,
                "description": row.get("description", ""),
                "is_survey_category": row.get("is_survey_category", True),
            },
        )


def load_rounds(loader: Loader) -> None:
    for row in loader.read("rounds.yaml"):
        loader.rounds[row["year"]] = loader.upsert(
            SurveyRound,
            {"year": row["year"]},
            {
                "invitations_sent_on": row.get("invitations_sent_on"),
                "question_count": row.get("question_count"),
                "scope": row.get("scope", ""),
                "notes": row.get("notes", ""),
                "source": loader.ref(loader.publications, row.get("source"), "publication"),
            },
        )
        for slug in row.get("system_types", []):
            loader.upsert(
                RoundSystemType,
                {
                    "survey_round": loader.rounds[row["year"]],
                    "system_type": loader.ref(loader.system_types, slug, "system type"),
                },
                {},
            )
    for row in loader.read("publications.yaml"):
        loader.upsert(
            Publication,
            {"code": row["code"]},
            {
                "survey_round": loader.ref(loader.rounds, row.get("survey_round"), "round"),
                "quotes": loader.ref(loader.publications, row.get("quotes"), "publication"),
            },
        )


def load_bodies(loader: Loader) -> None:
    for row in loader.read("bodies.yaml"):
        body = loader.upsert(
            Body,
            {"slug": row["slug"]},
            {
                "name": row["name"],
                "short_name": row["short_name"],
                "kind": row["kind"],
                "nation": row["nation"],
                "region": row.get("region") or "",
                "ons_code": row.get("ons_code", ""),
                "source": loader.ref(loader.publications, row["source"], "publication"),
                "notes": row.get("notes", ""),
            },
        )
        loader.bodies[row["slug"]] = body
        for alias in row.get("aliases", []):
            loader.upsert(
                BodyAlias,
                {"name": alias["name"]},
                {
                    "body": body,
                    "kind": alias["kind"],
                    "until_year": alias.get("until_year"),
                    "source": loader.ref(loader.publications, alias.get("source"), "publication"),
                },
            )
    for row in loader.read("bodies.yaml"):  # successors, once every body exists
        if "succeeded_by" in row:
            loader.upsert(
                Body,
                {"slug": row["slug"]},
                {
                    "succeeded_by": loader.ref(loader.bodies, row["succeeded_by"], "body"),
                    "succeeded_on": row["succeeded_on"],
                    "succession_source": loader.ref(
                        loader.publications, row["succession_source"], "publication"
                    ),
                },
            )


def load_vendors(loader: Loader) -> None:
    for row in loader.read("vendors.yaml"):
        slug = slugify(row["name"])
        vendor = loader.upsert(
            Vendor,
            {"slug": slug},
            {
                "name": row["name"],
                "country": row.get("country", ""),
                "country_source": loader.ref(
                    loader.publications, row.get("country_source"), "publication"
                ),
            },
        )
        loader.vendors[slug] = vendor
        loader.vendors[row["name"]] = vendor
        for alias in row.get("aliases", []):
            loader.upsert(VendorAlias, {"name": alias}, {"vendor": vendor})
        for concern in row.get("concerns", []):
            loader.upsert(
                VendorConcern,
                {"vendor": vendor, "summary": concern["summary"]},
                {
                    "summary": concern["summary"],
                    "source": loader.ref(loader.publications, concern["source"], "publication"),
                    "in_force_from": concern.get("in_force_from"),
                    "in_force_until": concern.get("in_force_until"),
                },
                key=f"{slug}/{concern['key']}",
            )


def load_returns(loader: Loader) -> None:
    for block in loader.read("returns.yaml"):
        survey_round = loader.ref(loader.rounds, block["round"], "round")
        for row in block["returns"]:
            loader.upsert(
                Return,
                {
                    "body": loader.ref(loader.bodies, row["body"], "body"),
                    "survey_round": survey_round,
                },
                {
                    "status": row["status"],
                    "status_is_derived": row.get("status_is_derived", False),
                    "source": loader.ref(loader.publications, row["source"], "publication"),
                },
            )


def load_answers(loader: Loader) -> None:
    """Each answer gathers the fields that the blocks naming its body state, each field
    with the source of its block; the answer's own source is the first block's."""
    answers: dict[tuple, dict] = {}
    for block in loader.read("answers.yaml"):
        survey_round = loader.ref(loader.rounds, block["round"], "round")
        system_type = loader.ref(loader.system_types, block["system_type"], "system type")
        source = loader.ref(loader.publications, block["source"], "publication")
        stated = {
            name: block[name]
            for name, _ in Answer.SOURCED_FIELDS
            if block.get(name) not in (None, "", [])
        }
        for slug in block["bodies"]:
            body = loader.ref(loader.bodies, slug, "body")
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
            "unit_count": stated.get("unit_count"),
            "says_vendor_of_concern": stated.get("says_vendor_of_concern"),
            "aware_of_concerns": stated.get("aware_of_concerns"),
            "intent": stated.get("intent", ""),
            "notes": " ".join(answer["notes"]),
            "source": answer["source"],
        }
        for name, source_name in Answer.SOURCED_FIELDS:
            values[source_name] = sources.get(name)
        obj = loader.upsert(
            Answer,
            {
                "survey_return": Return.objects.get(body=body, survey_round=survey_round),
                "system_type": system_type,
            },
            values,
        )
        if obj is None:
            continue
        if not Answer.kinds_allowed(stated.get("kinds"), system_type):
            raise DataFileError(
                f"answers.yaml: {body.slug}, {system_type.slug}: {Answer.KIND_MESSAGE}"
            )
        for kind in stated.get("kinds", []):
            if kind not in ANSWER_KIND_ORDER:
                raise DataFileError(f"answers.yaml: unknown kind of facial recognition {kind!r}")
            loader.upsert(AnswerKind, {"answer": obj, "kind": kind}, {})
        for entry in stated.get("vendors", []):
            name, role = vendor_entry(entry)
            vendor = loader.ref(loader.vendors, name, "vendor")
            loader.upsert(AnswerVendor, {"answer": obj, "vendor": vendor}, {"role": role})
