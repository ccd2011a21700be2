"""A small named world (synthetic, for tests only): two forces and an agency, two rounds."""

import io
from dataclasses import dataclass

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, transaction

from surveys.models import Body, Publication, Return, SurveyRound, SystemType, Vendor
from tests import factories as f

RESPONDED = Return.Status.RESPONDED
NOT = Return.Status.DID_NOT_RESPOND


@dataclass
class World:
    report: Publication
    round_2020: SurveyRound
    round_2021: SurveyRound
    northshire: Body
    southshire: Body
    agency: Body
    external: SystemType
    drones: SystemType
    redcam: Vendor  # of concern
    bluecam: Vendor  # of concern
    homecam: Vendor  # no concern


@pytest.fixture(autouse=True)
def empty_cache():
    """The statistics cache is keyed by data version, which restarts with every test's
    database; start each test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def world(db) -> World:
    report = f.publication("TESTREP")
    r2020, r2021 = f.survey_round(2020), f.survey_round(2021)
    north = f.body("Northshire Police", source=report, short_name="Northshire")
    south = f.body("Southshire Constabulary", source=report, short_name="Southshire")
    agency = f.body(
        "Test Agency", source=report, kind=Body.Kind.NATIONAL_AGENCY, nation="national", region=""
    )
    world = World(
        report=report,
        round_2020=r2020,
        round_2021=r2021,
        northshire=north,
        southshire=south,
        agency=agency,
        external=f.system_type("external-cctv", 1, name="External CCTV"),
        drones=f.system_type("drones", 2, name="Drones"),
        redcam=f.vendor("Redcam", concern_source=report),
        bluecam=f.vendor("Bluecam", concern_source=report),
        homecam=f.vendor("Homecam"),
    )
    for b in (north, south, agency):
        f.survey_return(b, r2020, RESPONDED, report)
    f.survey_return(north, r2021, RESPONDED, report)
    f.survey_return(south, r2021, RESPONDED, report)
    f.survey_return(agency, r2021, NOT, report)
    return world


@dataclass
class Snapshot:
    """What ``load_obscc`` writes into a freshly migrated database: every table it changes,
    with all of that table's rows afterwards."""

    tables: dict[str, tuple[list[str], list[tuple]]]
    models: list

    def restore(self) -> None:
        """Put the tables back as ``load_obscc`` left them (same rows, same ids), then move
        the identifier sequences past them (PostgreSQL; SQLite's follow the inserts)."""
        quote = connection.ops.quote_name
        with connection.cursor() as cursor:
            for table, (columns, rows) in self.tables.items():
                cursor.execute(f"DELETE FROM {quote(table)}")
                if rows:
                    names = ", ".join(quote(c) for c in columns)
                    marks = ", ".join(["%s"] * len(columns))
                    cursor.executemany(
                        f"INSERT INTO {quote(table)} ({names}) VALUES ({marks})", rows
                    )
            for sql in connection.ops.sequence_reset_sql(no_style(), self.models):
                cursor.execute(sql)


def _tables() -> dict[str, tuple[list[str], list[tuple]]]:
    """Every table's columns and rows, in primary-key order."""
    quote = connection.ops.quote_name
    found = {}
    with connection.cursor() as cursor:
        for model in apps.get_models(include_auto_created=True):
            table, pk = model._meta.db_table, model._meta.pk.column
            cursor.execute(f"SELECT * FROM {quote(table)} ORDER BY {quote(pk)}")
            columns = [c[0] for c in cursor.description]
            found[table] = (columns, [tuple(row) for row in cursor.fetchall()])
    return found


@pytest.fixture(scope="session")
def real_data_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    """The real data, loaded once per session by ``load_obscc`` in a transaction that is
    rolled back: the database stays as migrated and only what the load changed is kept."""
    with django_db_blocker.unblock():
        before = _tables()
        with transaction.atomic():
            call_command("load_obscc", stdout=io.StringIO())
            after = _tables()
            transaction.set_rollback(True)
    changed = {table: rows for table, rows in after.items() if rows != before[table]}
    models = [m for m in apps.get_models(include_auto_created=True) if m._meta.db_table in changed]
    return Snapshot(tables=changed, models=models)


@pytest.fixture
def real_data(db, real_data_snapshot):
    """The real data, exactly as ``load_obscc`` loads it into an empty database, restored
    from the session's snapshot in a few bulk inserts (inside the test's transaction, or
    committed for a transactional test, whose database is flushed afterwards)."""
    with transaction.atomic():
        real_data_snapshot.restore()
