"""The open data set's tables and columns: names, descriptions (the data dictionary), the
licence and metadata, row counts, and each table's rows in primary-key chunks."""

from __future__ import annotations

import datetime
from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from django.apps import apps
from django.conf import settings
from django.db import models
from django.db.models import Q

from surveys.caching import (  # noqa: F401 (data_last_changed: read from here too)
    cached,
    current_version,
    data_last_changed,
)
from surveys.editorial.synthetic import has_synthetic_data
from surveys.exports import FORMULA_PREFIXES
from surveys.models import (
    Answer,
    AnswerKind,
    AnswerVendor,
    Body,
    BodyAlias,
    CommissionerTerm,
    Correction,
    KeyFinding,
    Publication,
    PublicEvidence,
    PublishedFinding,
    Return,
    RoundSystemType,
    SurveyRound,
    SystemType,
    Vendor,
    VendorAlias,
    VendorConcern,
    licence_groups,
)

FORMAT = "obscc-open-data"
FORMAT_VERSION = 1
CHUNK = 5000
LOADED_REASON = "Loaded from an open-data download"

LICENCE = {
    "name": "Open Government Licence v3.0",
    "url": "https://www.nationalarchives.gov.uk/doc/open-government-licence/version/3/",
    "attribution": (
        "Contains public sector information licensed under the Open Government Licence v3.0."
    ),
    "notes": (
        "Figures and wording from the Biometrics and Surveillance Camera Commissioner's and "
        "other Crown publications released under the Open Government Licence v3.0 are Crown "
        "copyright, reused under that licence. Rows whose source (publications) is not (a news "
        "or trade report, a police force's own page or FOI answer, a court judgment, a "
        "reference list) are not offered under that licence: they quote that source briefly "
        "or summarise it, with attribution, for criticism, review and reporting, and its "
        "copyright stays with its holder. Each row names its source; publications.licence "
        "and publications.copyright say which of the two fits each source."
    ),
}

# What a download carries beside its rows (the About sheet of an Excel download), and the line
# that /data/ asks reusers of a CSV to keep with it.
SOURCE_LINE = (
    "Source: OBSCC survey dashboard, from the Biometrics and Surveillance Camera "
    "Commissioner's surveys of policing bodies in England and Wales; each body's page names "
    "the publication behind every figure."
)

# Dependency order: a table only refers to tables above it (except the rounds/publications
# cycle and publications.quotes, which the database checks at the end of the load).
TABLES: dict[str, type[models.Model]] = {
    "publications": Publication,
    "rounds": SurveyRound,
    "bodies": Body,
    "body_aliases": BodyAlias,
    "system_types": SystemType,
    "round_system_types": RoundSystemType,
    "vendors": Vendor,
    "vendor_aliases": VendorAlias,
    "vendor_concerns": VendorConcern,
    "returns": Return,
    "answers": Answer,
    "answer_vendors": AnswerVendor,
    "answer_kinds": AnswerKind,
    "findings": PublishedFinding,
    "corrections": Correction,
    "key_findings": KeyFinding,
    "evidence": PublicEvidence,
    "commissioner_terms": CommissionerTerm,
}
TABLE_NAMES = {model: name for name, model in TABLES.items()}

TABLE_DESCRIPTIONS = {
    "publications": "Every document a fact comes from: reports, press releases, blog posts, "
    "FOI releases, news reports quoting them, reference lists.",
    "rounds": "The survey rounds (2017, 2019, 2022, and 2023's survey of drones only).",
    "round_system_types": "The system types a round asked about. A round with no rows here "
    "asked about every type; 2023's asked about drones only, so other types are not gaps in it.",
    "bodies": "The policing bodies invited to answer the survey.",
    "body_aliases": "Other names a body goes or went by (former, Welsh, names used in a source).",
    "system_types": "The kinds of surveillance camera system the survey asks about.",
    "vendors": "Vendors named in the survey results: equipment makers, and suppliers of "
    "software such as a video management system (answer_vendors.role says which).",
    "vendor_aliases": "Other spellings of a vendor's name.",
    "vendor_concerns": "Cited security or ethical concerns about a vendor. A vendor is 'of "
    "concern' in a round when a concern is in force on the date that round's survey went out.",
    "returns": "One row per body per round: whether it returned the survey.",
    "answers": "What one body answered about one system type in one round. Only answers a "
    "publication states per body are here; most published figures are totals only.",
    "answer_vendors": "The vendors an answer names (one row per answer and vendor), each with "
    "its role.",
    "answer_kinds": "The kinds of facial recognition an answer states (one row per answer and "
    "kind).",
    "findings": "Figures exactly as a publication stated them. Never edited: a change is a "
    "row in corrections.",
    "corrections": "Later statements that change a published figure or a body's answer, kept "
    "forever, including withdrawn ones.",
    "key_findings": "The published findings the overview puts first, in plain English: "
    "sentence holds {value} where the finding's current value goes.",
    "evidence": "Later public evidence: dated public facts about a body that are not survey "
    "answers (a force's own page, a court judgment, a news or supplier's report). Never counted "
    "in a survey statistic.",
    "commissioner_terms": "Who held the Biometrics and Surveillance Camera Commissioner's "
    "office over time, or that it was vacant.",
}

# What each column means, where the model's help text does not already say it.
COLUMN_DESCRIPTIONS = {
    "id": "Identifier of the row, stable between downloads.",
    "notes": "Notes on this row from the people who entered it; may be empty.",
    "source_id": "The publication that states this row's facts.",
    "publications.title": "Title of the document.",
    "publications.kind": "What kind of document it is.",
    "publications.survey_round_id": "The round the document is about; empty if none.",
    "publications.date_precision": "How precise published_on is: a day, a month or a year; "
    "not_stated exactly when the source gives no date (published_on empty).",
    "round_system_types.survey_round_id": "The round.",
    "round_system_types.system_type_id": "A system type the round asked about.",
    "evidence.body_id": "The body the fact is about.",
    "evidence.summary": "What the source reports, in the dashboard's words: a summary, not a "
    "quotation.",
    "evidence.system_type_id": "The system type the fact is about; empty if none.",
    "evidence.vendor_id": "The vendor the fact names; empty if none.",
    "evidence.kind": "What kind of source states it: primary (the body, a court or the "
    "Commissioner), secondary (a news or trade report) or vendor (a supplier's marketing).",
    "evidence.date_precision": "How precise occurred_on and occurred_until are: a day, a month "
    "or a year.",
    "commissioner_terms.starts_precision": "How precise starts_on is: a day, a month or a "
    "year; not_stated exactly when no source gives the start (starts_on empty).",
    "bodies.succeeded_by_id": "The body that succeeded this one (a merger); empty: it continues.",
    "publications.url": "Where the document is published; may be empty.",
    "publications.quotes_id": "For a secondary report: the publication it quotes.",
    "rounds.year": "Year of the round.",
    "rounds.invitations_sent_on": "When the survey went out; empty when not stated.",
    "rounds.question_count": "How many questions the survey asked; empty when not stated.",
    "rounds.scope": "What the round asked about, in words.",
    "rounds.source_id": "The publication that describes the round; empty if none.",
    "bodies.name": "Full name of the body.",
    "bodies.short_name": "Short name used in charts and tables.",
    "bodies.slug": "Stable text identifier, used in the dashboard's addresses.",
    "bodies.kind": "What kind of body it is.",
    "bodies.nation": "Nation the body polices.",
    "body_aliases.body_id": "The body the name belongs to.",
    "body_aliases.name": "The other name.",
    "body_aliases.kind": "What kind of name it is.",
    "body_aliases.source_id": "The publication that uses the name; empty if none.",
    "system_types.slug": "Stable text identifier, used in the dashboard's addresses.",
    "system_types.name": "Name of the system type.",
    "system_types.description": "What the system type covers.",
    "vendors.name": "Name of the vendor.",
    "vendors.slug": "Stable text identifier, used in the dashboard's addresses.",
    "vendors.country_source_id": "The publication that states the country; empty if none.",
    "vendor_aliases.vendor_id": "The vendor the name belongs to.",
    "vendor_aliases.name": "The other spelling.",
    "vendor_concerns.vendor_id": "The vendor the concern is about.",
    "vendor_concerns.summary": "The concern, in words.",
    "vendor_concerns.in_force_until": "Empty: still in force.",
    "returns.body_id": "The body.",
    "returns.survey_round_id": "The round.",
    "returns.status": "Whether the body returned the survey.",
    "returns.status_is_derived": "true: no source names the body with this status; it is "
    "derived (e.g. invited, and not among the non-respondents a source names).",
    "returns.source_id": "The publication that states the status; where status_is_derived is "
    "true, the one it is derived from, which does not name the body.",
    "answers.survey_return_id": "The return (body and round) the answer belongs to.",
    "answers.system_type_id": "The system type the answer is about.",
    "answers.intent": "Whether the body intends to use the system in future; empty when not "
    "stated.",
    "answer_vendors.answer_id": "The answer.",
    "answer_vendors.vendor_id": "A vendor the answer names.",
    "answer_vendors.role": "What the source names the vendor for: equipment (the maker of the "
    "equipment) or software (e.g. a video management system). Only an equipment maker counts "
    'toward "uses a vendor named as of concern".',
    "answer_kinds.answer_id": "The answer (facial recognition only).",
    "answer_kinds.kind": "A kind of facial recognition a source says the body uses. An answer "
    "may state several; a kind not listed is not known, not a no. Its source is the answer's "
    "kind_source, else the answer's source.",
    "findings.publication_id": "The publication that states the figure.",
    "findings.survey_round_id": "The round the figure is about.",
    "findings.metric": "What the figure counts.",
    "findings.system_type_id": "The system type the figure is about; empty for the whole round.",
    "findings.vendor_id": "The vendor the figure is about; empty if none.",
    "findings.value": "The figure as published (before any correction).",
    "findings.wording": "The figure in words. Where wording_is_verbatim is true, the "
    "publication's own words (printed in quotation marks); where it is false, the dashboard's "
    "summary of what the publication reports (printed without them).",
    "findings.wording_is_verbatim": "true: wording is the publication's own words; false: it "
    "is the dashboard's summary.",
    "findings.unit": "Whether value counts bodies or is a percentage.",
    "findings.qualifier": "Whether the publication gives the figure exactly or as a minimum.",
    "findings.denominator": "What the figure is out of, where known.",
    "corrections.finding_id": "The finding corrected; empty when an answer is corrected.",
    "corrections.answer_id": "The answer corrected; empty when a finding or a return is corrected.",
    "corrections.survey_return_id": "The return corrected (its response status); empty when a "
    "finding or an answer is corrected.",
    "corrections.old_value": "The value before the correction.",
    "corrections.new_value": "The value after the correction.",
    "corrections.new_qualifier": "For a finding: the qualifier after the correction; empty: "
    "unchanged.",
    "corrections.reason": "Why the value changed, as the source gives it.",
    "corrections.source_id": "The publication that announces the correction.",
    "corrections.withdrawn_on": "When the correction itself was withdrawn; empty: in force.",
    "corrections.withdrawal_reason": "Why the correction was withdrawn.",
    "corrections.recorded_at": "When the correction was entered in this database (UTC).",
}

_TYPES = {
    models.BigAutoField: "integer",
    models.ForeignKey: "integer",
    models.OneToOneField: "integer",
    models.PositiveSmallIntegerField: "integer",
    models.PositiveIntegerField: "integer",
    models.BooleanField: "boolean",
    models.DateField: "date",
    models.DateTimeField: "date-time",
    models.DecimalField: "decimal",
}


@dataclass(frozen=True)
class Column:
    table: str
    field: models.Field

    @property
    def name(self) -> str:
        return self.field.attname

    @property
    def type(self) -> str:
        return _TYPES.get(type(self.field), "text")

    @property
    def is_text(self) -> bool:
        return self.type == "text"

    @property
    def description(self) -> str:
        text = (
            COLUMN_DESCRIPTIONS.get(f"{self.table}.{self.name}")
            or str(self.field.help_text)
            or COLUMN_DESCRIPTIONS.get(self.name, "")
        )
        if self.field.choices:
            values = "; ".join(
                f"{value or '(empty)'} = {label}" for value, label in self.field.flatchoices
            )
            text = f"{text} One of: {values}."
        if self.field.is_relation:
            text = f"{text} Refers to {TABLE_NAMES[self.field.related_model]}.id."
        if self.field.null:
            text = f"{text} Empty means not known or not applicable."
        return text.strip()

    def to_json(self, value: Any) -> Any:
        if isinstance(value, datetime.datetime):
            return value.astimezone(datetime.UTC).isoformat()
        if isinstance(value, datetime.date):
            return value.isoformat()
        if isinstance(value, Decimal):
            return float(value)  # at most 9 digits: the float prints back exactly
        return value

    def to_csv(self, value: Any) -> str:
        value = f"{value:f}" if isinstance(value, Decimal) else self.to_json(value)
        if value is None:
            return ""
        if isinstance(value, bool):
            return "true" if value else "false"
        if self.is_text and value.startswith((*FORMULA_PREFIXES, "'")):
            return "'" + value  # a spreadsheet would run it as a formula; load_dump strips it
        return str(value)


def columns(table: str) -> list[Column]:
    """A table's public columns: every field but those naming the editors (who drafted or
    published a correction is the office's business, not open data)."""
    user_model = apps.get_model(settings.AUTH_USER_MODEL)
    return [
        Column(table, field)
        for field in TABLES[table]._meta.concrete_fields
        if field.related_model is not user_model
    ]


# Rows the public sees: a draft correction is nobody's business until it is published.
PUBLIC_ROWS = {"corrections": Q(status="published")}


def public_rows(table: str) -> models.QuerySet:
    return TABLES[table].objects.filter(PUBLIC_ROWS.get(table, Q()))


def source_licences(publications=None) -> list[dict]:
    """Which licence fits the rows of which sources: one entry per licence statement, with the
    codes of the sources it covers (every public publication, unless given some)."""

    def compute() -> list[dict]:
        rows = public_rows("publications") if publications is None else publications
        return [
            {"licence": statement, "sources": codes}
            for statement, codes in licence_groups(rows.only("code", "licence", "copyright"))
        ]

    return compute() if publications is not None else cached("source_licences", (), compute)


def licence(publications=None) -> dict:
    """The licence of a download: the general rule and, for its sources, which fits which."""
    return {**LICENCE, "by_source": source_licences(publications)}


def dictionary() -> list[dict]:
    """Every table and column: name, type, whether it can be empty, what it means."""
    return [
        {
            "table": table,
            "description": TABLE_DESCRIPTIONS[table],
            "columns": [
                {
                    "name": column.name,
                    "type": column.type,
                    "nullable": column.field.null,
                    "description": column.description,
                }
                for column in columns(table)
            ],
        }
        for table in TABLES
    ]


def metadata(changed: datetime.datetime | None) -> dict:
    """What a download says about itself; ``changed`` is when the data last changed."""
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "title": "Police surveillance camera survey results, England and Wales",
        "publisher": "OBSCC survey dashboard",
        "licence": licence(),
        "data_version": current_version(),
        "data_last_changed": changed.astimezone(datetime.UTC).isoformat() if changed else None,
        "synthetic": has_synthetic_data(),
        "how_to_load": "python manage.py load_dump FILE (into an empty database)",
    }


def table_counts() -> dict[str, int]:
    return {table: public_rows(table).count() for table in TABLES}


def table_rows(table: str) -> Iterator[tuple]:
    """Every row of a table in primary-key order, one indexed query per chunk."""
    names = [column.name for column in columns(table)]
    rows = public_rows(table).order_by("pk").values_list(*names)
    last = 0
    while chunk := list(rows.filter(pk__gt=last)[:CHUNK]):
        yield from chunk
        if len(chunk) < CHUNK:
            return
        last = chunk[-1][0]
