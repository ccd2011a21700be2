"""Two transactions editing answers of the same round and system type (or of the same body)
at once leave every summary row equal to the full computation: the second counts only after
the first commits (advisory locks taken before counting), so neither count misses the other's
write, and neither fails on the other's rows. PostgreSQL's: SQLite runs one writer at a time.

Today every write also bumps the one data version row (``surveys.caching``), which queues
writers at their first write; these tests turn that off, so that the summaries are shown not to
rely on it."""

from __future__ import annotations

import threading

import pytest
from django.db import connection, transaction

from surveys import caching
from surveys.models import Answer, AnswerVendor
from surveys.stats import summaries
from tests.test_summaries import assert_summaries_equal_the_full_computation

pytestmark = pytest.mark.django_db(transaction=True)


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("concurrent writers are PostgreSQL's (CI's second run)")


@pytest.fixture(autouse=True)
def writers_not_queued_by_the_data_version(monkeypatch):
    monkeypatch.setattr(caching, "bump_version", lambda: None)


def overlapping(first_write, second_write) -> list:
    """The first write and its rebuild, then (before the first commits) the second write and
    its rebuild, each in its own transaction and connection; the first commits once the
    second waits for a lock. Returns what each raised, or None."""
    first_counted = threading.Event()
    errors: list = [None, None]

    def run(index, write, before=None, after=None):
        from django.db import connections

        try:
            if before:
                before()
            with transaction.atomic():
                write()
                summaries.refresh()
                if after:
                    after()
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            errors[index] = exc
            first_counted.set()
        finally:
            connections.close_all()

    def hold():
        first_counted.set()
        _until_another_waits()  # the second has written and reached its rebuild

    threads = [
        threading.Thread(target=run, args=(0, first_write, None, hold)),
        threading.Thread(target=run, args=(1, second_write, lambda: first_counted.wait(10))),
    ]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return errors


def _until_another_waits(seconds: float = 20) -> None:
    """Wait until another connection to this database waits for a lock (or ``seconds``)."""
    with connection.cursor() as cursor:
        for _ in range(int(seconds / 0.05)):
            cursor.execute("SELECT pg_stat_clear_snapshot()")
            cursor.execute(
                "SELECT count(*) FROM pg_stat_activity WHERE datname = current_database() "
                "AND wait_event_type = 'Lock' AND pid <> pg_backend_pid()"
            )
            if cursor.fetchone()[0]:
                return
            threading.Event().wait(0.05)


def _answer(world, body, system_type) -> Answer:
    return Answer.objects.get(
        survey_return__body=body,
        survey_return__survey_round=world.round_2020,
        system_type=system_type,
    )


def test_two_edits_in_one_round_and_system_type_at_once_leave_the_right_counts(answered_world):
    world = answered_world
    north, south = (_answer(world, b, world.drones) for b in (world.northshire, world.southshire))

    def first():
        north.operates = False
        north.save()
        AnswerVendor.objects.filter(answer=north, vendor=world.redcam).delete()

    def second():
        south.operates = False
        south.save()
        AnswerVendor.objects.create(answer=south, vendor=world.redcam)

    assert overlapping(first, second) == [None, None]
    assert_summaries_equal_the_full_computation()


def test_two_edits_of_one_body_in_one_round_at_once_leave_the_right_rows(answered_world):
    world = answered_world
    drones = _answer(world, world.northshire, world.drones)
    external = _answer(world, world.northshire, world.external)

    def first():
        drones.operates = None
        drones.save()

    def second():
        external.operates = True
        external.save()

    assert overlapping(first, second) == [None, None]
    assert_summaries_equal_the_full_computation()
