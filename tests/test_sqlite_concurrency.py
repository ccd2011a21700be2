"""Previews do not make editors' saves fail. On SQLite (the default for ``make run``) a preview
that applied its draft to the real database held the one write lock for its whole rendering, so
a Viewer opening previews made editors' saves fail with "database is locked"."""

import sqlite3
import threading
from collections import Counter
from contextlib import closing
from datetime import date
from functools import partial

import pytest
from django.contrib.auth.models import Group, User
from django.core.exceptions import ValidationError
from django.db import DEFAULT_DB_ALIAS, connections
from django.test import Client

from surveys.editorial import corrections, previews
from surveys.editorial.roles import VIEWERS
from surveys.models import Correction, PublishedFinding
from tests.snapshots import whole_database

pytestmark = pytest.mark.django_db(transaction=True)

PREVIEWS = 4
MAX_SAVES_PER_EDITOR = 500  # a bound only: the editors stop once the previews are done


@pytest.fixture
def file_database(real_data, tmp_path):
    """The real data in a SQLite file, configured as settings.DATABASES says (the path), or the
    test database itself on PostgreSQL (None). SQLite's in-memory test database is shared
    between threads through a shared cache, whose table locks fail at once instead of waiting:
    it cannot show how a database file behaves."""
    connection = connections[DEFAULT_DB_ALIAS]
    if connection.vendor != "sqlite":
        yield None
        return
    path = tmp_path / "db.sqlite3"
    connection.ensure_connection()
    with closing(sqlite3.connect(path)) as target:
        connection.connection.backup(target)
    in_memory, in_memory_settings = connection, connections.settings[DEFAULT_DB_ALIAS]
    connections.settings[DEFAULT_DB_ALIAS] = {**in_memory_settings, "NAME": str(path)}
    connections[DEFAULT_DB_ALIAS] = connections.create_connection(DEFAULT_DB_ALIAS)
    try:
        yield path
    finally:
        connections[DEFAULT_DB_ALIAS].close()
        connections[DEFAULT_DB_ALIAS] = in_memory
        connections.settings[DEFAULT_DB_ALIAS] = in_memory_settings


def anpr() -> PublishedFinding:
    return PublishedFinding.objects.get(key="pr2023-anpr-concern")  # "at least 11"


def a_draft(value: str) -> Correction:
    finding = anpr()
    return corrections.save_draft(
        Correction(
            finding=finding,
            new_value=value,
            new_qualifier="exact",
            reason=f"Synthetic test: the final count was {value}",
            announced_on=date(2024, 3, 1),
            source=finding.publication,
        )
    )


def preview_of(draft: Correction, apply=None, page: str = "") -> previews.Preview:
    return previews.preview(
        apply or (lambda: corrections.publish(draft, check_editor=False)),
        rounds=previews.correction_rounds(draft),
        pages=previews.correction_pages(draft),
        page=page,
    )


def test_editors_saves_and_a_viewers_previews_do_not_fail_together(file_database):
    draft = a_draft("12")
    viewer = User.objects.create_user("viewer", password="a-long-test-password-123", is_staff=True)
    viewer.groups.add(Group.objects.get(name=VIEWERS))
    browser = Client()
    browser.force_login(viewer)
    preview_url = f"/admin/surveys/correction/{draft.pk}/preview/?page=/systems/anpr/"

    start = threading.Barrier(3)
    previews_done = threading.Event()
    lock = threading.Lock()
    succeeded: Counter = Counter()
    failed: Counter = Counter()

    def attempt(kind: str, action) -> None:
        try:
            action()
        except Exception as exc:  # noqa: BLE001 (counted, and asserted on below)
            with lock:
                failed[f"{kind}: {type(exc).__name__}: {exc}"] += 1
        else:
            with lock:
                succeeded[kind] += 1

    def show_preview() -> None:
        response = browser.get(preview_url)
        assert response.status_code == 200, response.status_code
        assert "at least 11; corrected to 12" in response.content.decode()

    def editor(number: int) -> None:
        try:
            start.wait()
            for i in range(MAX_SAVES_PER_EDITOR):
                attempt("save", partial(a_draft, str(1000 * number + i)))
                if previews_done.is_set():
                    break
        finally:
            connections.close_all()

    def previewer() -> None:
        try:
            start.wait()
            for _ in range(PREVIEWS):
                attempt("preview", show_preview)
        finally:
            previews_done.set()
            connections.close_all()

    threads = [threading.Thread(target=editor, args=(n,)) for n in (1, 2)]
    threads.append(threading.Thread(target=previewer))
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()

    assert dict(failed) == {}, f"failed: {dict(failed)}; succeeded: {dict(succeeded)}"
    assert succeeded["preview"] == PREVIEWS
    drafts = Correction.objects.filter(status=Correction.Status.DRAFT).count()
    assert drafts == 1 + succeeded["save"]


def test_another_writer_is_not_locked_out_while_a_preview_runs(file_database):
    if file_database is None:
        pytest.skip("SQLite's lock is the whole file's; PostgreSQL locks rows")
    draft = a_draft("12")

    def publish_then_write_elsewhere() -> None:
        corrections.publish(draft, check_editor=False)
        # timeout=0: fail at once, rather than wait, if the preview holds the write lock
        with closing(sqlite3.connect(file_database, timeout=0, isolation_level=None)) as other:
            other.execute("BEGIN IMMEDIATE")
            other.execute("ROLLBACK")

    shown = preview_of(draft, publish_then_write_elsewhere, page="/systems/anpr/")
    assert "at least 11; corrected to 12" in shown.html


def test_a_preview_shows_the_page_as_published_and_leaves_nothing_behind(file_database):
    draft = a_draft("12")
    public_before = previews.render_main("/systems/anpr/")  # and cached
    database_before = whole_database().tables

    shown = preview_of(draft, page="/systems/anpr/")

    assert whole_database().tables == database_before
    assert previews.render_main("/systems/anpr/") == public_before
    assert [(c.what, c.before, c.after) for c in shown.changes] == [
        (
            "2022, PR2023: Bodies using equipment of concern, ANPR (pr2023-anpr-concern)",
            "at least 11; No per-body data",
            "12; No per-body data",
        )
    ]
    corrections.publish(draft, check_editor=False)
    assert previews.render_main("/systems/anpr/") == shown.html


def test_a_refused_preview_leaves_the_thread_on_the_real_database(file_database):
    draft = a_draft("12")
    real = connections[DEFAULT_DB_ALIAS]

    def refused() -> None:
        a_draft("13")  # written only where the preview runs
        raise ValidationError("The data changed since the draft was saved.")

    with pytest.raises(ValidationError):
        preview_of(draft, refused)
    assert connections[DEFAULT_DB_ALIAS] is real
    drafts = Correction.objects.filter(status=Correction.Status.DRAFT)
    assert list(drafts.values_list("new_value", flat=True)) == ["12"]
