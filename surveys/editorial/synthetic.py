"""Synthetic survey data for tests and benchmarks: clearly labelled, never mixed in silently.

Everything it creates cites the publication ``SYNTHETIC`` (kind "synthetic"), so the site can
say so and it can be removed. It refuses a database holding the real data unless told. Rows go
in with PostgreSQL's COPY (bulk_create elsewhere), without history: they are not edits.
"""

from __future__ import annotations

import datetime
import io
import random
from collections.abc import Callable, Iterable
from dataclasses import dataclass

from django.db import connection, models, transaction
from tqdm import tqdm

from surveys.caching import bump_version
from surveys.editorial.reference_files import DATA_DIR, read_data
from surveys.editorial.synthetic_findings import FINDINGS_TYPE, Tally, make_findings
from surveys.models import (
    EVERY_ROUND,
    Answer,
    AnswerVendor,
    Body,
    Publication,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
    VendorConcern,
)
from surveys.stats import concern_vendor_ids, summaries
from surveys.stats.publications import publications

SYNTHETIC_CODE = "SYNTHETIC"
REAL_DATA_MARKER = "PR2023"
NATIONS = [("england", "Synthetic North"), ("england", "Synthetic South"), ("wales", "Wales")]


class RealDataPresent(Exception):
    pass


@dataclass
class GenerationReport:
    bodies: int = 0
    rounds: int = 0
    returns: int = 0
    answers: int = 0
    answer_vendors: int = 0
    findings: int = 0
    seconds: float = 0.0

    @property
    def answers_per_second(self) -> float:
        return self.answers / self.seconds if self.seconds else 0.0


def has_real_data() -> bool:
    return Publication.objects.filter(code=REAL_DATA_MARKER).exists()


def has_synthetic_data() -> bool:
    """Whether any publication is synthetic (from the cached publications, which the page's
    sources and licences read too: no query of its own)."""
    return any(p.kind == Publication.Kind.SYNTHETIC for p in publications().values())


def context(request) -> dict:
    """Every page says so when the database holds synthetic data."""
    return {"synthetic_data": has_synthetic_data()}


def _copy(model: type[models.Model], columns: list[str], rows: Iterable[tuple]) -> int:
    """Insert rows fast: COPY on PostgreSQL, bulk_create elsewhere. Returns the row count."""
    rows = list(rows)
    if not rows:
        return 0
    if connection.vendor == "postgresql":
        # COPY fills no Django default: add every required column the caller left out with
        # its model default (a field added later, e.g. a body's ons_code, needs no edit here).
        defaults = [
            f
            for f in model._meta.concrete_fields
            if f.column not in columns
            and not (f.null or f.primary_key)
            and (f.has_default() or (f.empty_strings_allowed and not f.is_relation))
        ]
        columns = [*columns, *(f.column for f in defaults)]
        rows = [(*row, *(f.get_default() for f in defaults)) for row in rows]
        table = model._meta.db_table
        sql = f"COPY {table} ({', '.join(columns)}) FROM STDIN"
        with connection.cursor() as cursor, cursor.cursor.copy(sql) as copy:
            # Text format built in one go: much faster than a write_row call per row.
            copy.write("".join("\t".join(map(_copy_text, row)) + "\n" for row in rows))
    else:
        fields = [model._meta.get_field(c.removesuffix("_id")).attname for c in columns]
        model.objects.bulk_create(
            [model(**dict(zip(fields, row, strict=True))) for row in rows], batch_size=2000
        )
    return len(rows)


def _skip_foreign_key_triggers() -> None:
    """On PostgreSQL, as a superuser, skip the per-row foreign-key triggers for this
    transaction: the generator writes ids it has just read or made, so every reference holds,
    and the triggers would otherwise cost more than the inserts. Others keep the checks."""
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        cursor.execute("SELECT rolsuper FROM pg_roles WHERE rolname = current_user")
        if cursor.fetchone()[0]:
            cursor.execute("SET LOCAL session_replication_role = replica")


def _copy_text(value) -> str:
    if value is None:
        return "\\N"
    if value is True:
        return "t"
    if value is False:
        return "f"
    if isinstance(value, str):
        return value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n")
    return str(value)


def _next_id(model: type[models.Model]) -> int:
    return (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1


def _reset_sequences(*models_: type[models.Model]) -> None:
    if connection.vendor != "postgresql":
        return
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            cursor.execute(
                f"SELECT setval(pg_get_serial_sequence('{table}', 'id'), "
                f"COALESCE((SELECT MAX(id) FROM {table}), 1))"
            )


def generate(
    *,
    bodies: int,
    rounds: int,
    round_level: int = 0,
    seed: int = 1,
    allow_real_data: bool = False,
    progress: bool = False,
    clock: Callable[[], float] | None = None,
) -> GenerationReport:
    """Add ``bodies`` synthetic bodies surveyed in ``rounds`` synthetic rounds, after
    ``round_level`` earlier rounds known by their published findings alone, as the real 2017
    and 2019 rounds are (no per-body returns: their response is drawn, not written)."""
    import time

    clock = clock or time.perf_counter
    if has_real_data() and not allow_real_data:
        raise RealDataPresent(
            "This database holds the real survey data; synthetic data would mix with it. "
            "Use another database, or pass --allow-real-data if you really mean it."
        )
    rng = random.Random(seed)
    started = clock()
    report = GenerationReport()
    with transaction.atomic():
        _skip_foreign_key_triggers()
        source, _ = Publication.objects.get_or_create(
            code=SYNTHETIC_CODE,
            defaults={
                "title": "Synthetic test data generated for tests and benchmarks (not real)",
                "kind": Publication.Kind.SYNTHETIC,
            },
        )
        types = _ensure_system_types()
        vendors = _ensure_vendors(rng, source)
        survey_rounds = _make_rounds(round_level + rounds, source)
        without_returns = {r.pk for r in survey_rounds[:round_level]}
        report.rounds = len(survey_rounds)
        body_ids = _make_bodies(bodies, source)
        report.bodies = len(body_ids)
        source_id = source.pk
        type_ids = [t.pk for t in types]
        vendor_ids = [v.pk for v in vendors]
        pools = {t: rng.sample(vendor_ids, k=min(6, len(vendor_ids))) for t in type_ids}
        awareness = (True, False, None)
        next_return, next_answer = _next_id(Return), _next_id(Answer)
        roll_dice = rng.random
        drones = next((t.pk for t in types if t.slug == FINDINGS_TYPE), None)
        concerns = concern_vendor_ids(survey_rounds)
        tallies = {}  # per round: what its synthetic findings state
        rounds_iter = tqdm(survey_rounds, desc="Rounds", disable=not progress or None)
        for survey_round in rounds_iter:
            round_id = survey_round.pk
            returns, answers, links = [], [], []
            tally = tallies[round_id] = Tally()
            for body_id in body_ids:
                responded = roll_dice() > 0.03
                status = "responded" if responded else "did_not_respond"
                tally.invited += 1
                tally.responded += responded
                if round_id in without_returns:
                    continue
                returns.append((next_return, body_id, round_id, status, source_id, ""))
                if responded:
                    for type_id in type_ids:
                        if roll_dice() < 0.08:  # a missing answer stays missing
                            continue
                        roll = roll_dice()
                        operates = True if roll < 0.7 else False if roll < 0.9 else None
                        aware = awareness[int(roll_dice() * 3)]
                        answers.append(
                            (next_answer, next_return, type_id, operates, aware, "", "", source_id)
                        )
                        if operates:  # one to three distinct vendors from the type's pool
                            pool = pools[type_id]
                            start = int(roll_dice() * len(pool))
                            named = [
                                pool[(start + k) % len(pool)]
                                for k in range(1 + int(roll_dice() * 3))
                            ]
                            links += [(next_answer, vendor_id) for vendor_id in named]
                            if type_id == drones:
                                tally.count_drones(named, concerns[round_id])
                        next_answer += 1
                next_return += 1
            report.returns += _copy(
                Return,
                ["id", "body_id", "survey_round_id", "status", "source_id", "notes"],
                returns,
            )
            report.answers += _copy(
                Answer,
                [
                    "id",
                    "survey_return_id",
                    "system_type_id",
                    "operates",
                    "aware_of_concerns",
                    "intent",
                    "notes",
                    "source_id",
                ],
                answers,
            )
            report.answer_vendors += _copy(AnswerVendor, ["answer_id", "vendor_id"], links)
        report.findings = make_findings(
            survey_rounds, tallies, source, drones, frozenset(without_returns)
        )
        _reset_sequences(Body, Return, Answer, AnswerVendor)
        bump_version()  # COPY sends no signals
        summaries.mark([EVERY_ROUND])
        summaries.refresh()
    report.seconds = clock() - started
    return report


def _ensure_system_types() -> list[SystemType]:
    if not SystemType.objects.exists():
        for position, row in enumerate(read_data("system_types.yaml", DATA_DIR), start=1):
            SystemType.objects.create(
                slug=row["slug"],
                name=row["name"],
                position=position,
                description=row.get("description", ""),
                is_survey_category=row.get("is_survey_category", True),
            )
    return list(SystemType.objects.order_by("position"))


def _ensure_vendors(rng: random.Random, source: Publication) -> list[Vendor]:
    vendors = []
    for i in range(1, 21):
        vendor, created = Vendor.objects.get_or_create(
            slug=f"synthetic-vendor-{i:02d}", defaults={"name": f"Synthetic Vendor {i:02d}"}
        )
        if created and i % 3 == 0:
            VendorConcern.objects.create(
                vendor=vendor, summary="Synthetic concern (test data, not real)", source=source
            )
        vendors.append(vendor)
    return vendors


def _make_rounds(count: int, source: Publication) -> list[SurveyRound]:
    taken = set(SurveyRound.objects.values_list("year", flat=True))
    years = [y for y in range(2099, 2000, -1) if y not in taken][:count]
    return [
        SurveyRound.objects.create(
            year=year,
            invitations_sent_on=datetime.date(year, 6, 1),
            scope="Synthetic round (test data, not real)",
            source=source,
        )
        for year in sorted(years)
    ]


def _make_bodies(count: int, source: Publication) -> list[int]:
    start = Body.objects.filter(slug__startswith="synthetic-body-").count() + 1
    first_id = _next_id(Body)
    rows = []
    for offset, number in enumerate(range(start, start + count)):
        nation, region = NATIONS[number % len(NATIONS)]
        rows.append(
            (
                first_id + offset,
                f"Synthetic Body {number:06d}",
                f"Synthetic {number:06d}",
                f"synthetic-body-{number:06d}",
                "territorial",
                nation,
                region,
                source.pk,
                "",
            )
        )
    _copy(
        Body,
        ["id", "name", "short_name", "slug", "kind", "nation", "region", "source_id", "notes"],
        rows,
    )
    return [row[0] for row in rows]


def text_report(report: GenerationReport) -> str:
    out = io.StringIO()
    out.write(
        f"Synthetic data (not real): {report.bodies:,} bodies, {report.rounds} rounds, "
        f"{report.returns:,} returns, {report.answers:,} answers, "
        f"{report.answer_vendors:,} answer vendors, {report.findings:,} published findings "
        f"in {report.seconds:.1f} s "
        f"({report.answers_per_second:,.0f} answers/s)."
    )
    return out.getvalue()
