"""A small named world (synthetic, for tests only): two forces and an agency, two rounds."""

import io
from dataclasses import dataclass

import pytest
from django.core.management import call_command

from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Body, Publication, Return, SurveyRound, SystemType, Vendor
from surveys.stats import summaries
from tests import factories as f
from tests.snapshots import Snapshot, take_snapshots, whole_database

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


class _Migrated:
    """The test database as migrated, and the blocker that lets the hook below reach it."""

    state: Snapshot | None = None
    blocker = None


@pytest.fixture(scope="session")
def django_db_setup(django_db_setup, django_db_blocker):
    with django_db_blocker.unblock():
        _Migrated.state, _Migrated.blocker = whole_database(), django_db_blocker
    yield
    _Migrated.state = None


def _flushes_the_database(item) -> bool:
    """Whether pytest-django runs the test as a TransactionTestCase, which flushes the
    database afterwards."""
    marker = item.get_closest_marker("django_db")
    if marker and (marker.kwargs.get("transaction") or marker.kwargs.get("reset_sequences")):
        return True
    uses = set(getattr(item, "fixturenames", ()))
    return bool(uses & {"transactional_db", "live_server", "django_db_reset_sequences"})


@pytest.hookimpl(trylast=True)
def pytest_collection_modifyitems(items):
    """The browser tests first (after pytest-django's ordering, which runs the transactional
    tests last): they take longest, and much of it waiting on the browser, so pytest-xdist's
    workers start on them and share out the quick tests afterwards."""
    items.sort(key=lambda item: item.get_closest_marker("browser") is None)


@pytest.hookimpl(wrapper=True)
def pytest_runtest_teardown(item, nextitem):
    """A transactional test's flush empties every table, data migrations' rows included, and
    post_migrate recreates content types and permissions under new ids. Put the database back
    exactly as migrated, so every test finds the same database whatever ran before it (and
    the tests can run in any order, as pytest-xdist's workers do)."""
    result = yield
    if nextitem is not None and _Migrated.state is not None and _flushes_the_database(item):
        from django.contrib.contenttypes.models import ContentType

        with _Migrated.blocker.unblock():
            _Migrated.state.restore()
        ContentType.objects.clear_cache()
    return result


@pytest.fixture(autouse=True)
def empty_cache():
    """The statistics cache is keyed by data version, which restarts with every test's
    database; start each test with an empty cache."""
    from django.core.cache import cache

    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def downloads_dir(settings, tmp_path):
    """Downloads built once per data version go to the test's own directory: data versions
    restart with every test's database."""
    settings.DOWNLOADS_DIR = tmp_path / "downloads"


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


@pytest.fixture
def answered_world(world):
    """The world with answers in both rounds, some naming vendors, and its summaries."""
    for body, operates, vendors in (
        (world.northshire, True, [world.redcam, world.homecam]),
        (world.southshire, True, [world.bluecam]),
        (world.agency, False, []),
    ):
        survey_return = f.return_of(body, world.round_2020)
        f.answer(survey_return, world.drones, operates=operates, vendors=vendors, intent="intends")
        f.answer(survey_return, world.external, operates=None, aware_of_concerns=True)
    f.answer(
        f.return_of(world.northshire, world.round_2021),
        world.drones,
        operates=True,
        vendors=[world.bluecam],
    )
    summaries.refresh()
    return world


@pytest.fixture(scope="session")
def real_data_snapshot(django_db_setup, django_db_blocker) -> Snapshot:
    """The real data as ``load_obscc`` loads it into an empty database, loaded once."""
    [snapshot] = take_snapshots(
        django_db_blocker, lambda: call_command("load_obscc", stdout=io.StringIO())
    )
    return snapshot


@pytest.fixture
def real_data(db, real_data_snapshot):
    """The real data, exactly as ``load_obscc`` loads it into an empty database, restored
    from the session's snapshot in a few bulk inserts: rolled back with the test's
    transaction, or committed for a transactional test (whose database is then flushed)."""
    real_data_snapshot.restore()


@pytest.fixture
def editor(db, client):
    """An Editor called "editor", logged in to the test client."""
    user = f.account("editor", EDITORS)
    client.force_login(user)
    return user


@pytest.fixture
def viewer(db, client):
    """A Viewer called "viewer", logged in to the test client."""
    user = f.account("viewer", VIEWERS)
    client.force_login(user)
    return user


@pytest.fixture
def maker(db, client):
    """An Editor called "maker" (the one who makes a draft another may check), logged in."""
    user = f.account("maker", EDITORS)
    client.force_login(user)
    return user


@pytest.fixture
def collection(world):
    """The 2022 round opened for collection (synthetic), about external CCTV and drones, its
    deadline 1 June 2022 (long past) and its links working until 15 June 2022: an invitation
    for each of the world's three bodies, none submitted yet."""
    import datetime

    from surveys.collection import opening

    return opening.open_round(
        2022,
        deadline=datetime.date(2022, 6, 1),
        system_types=["external-cctv", "drones"],
        units=["drones"],
        today=datetime.date(2022, 5, 1),
    )
