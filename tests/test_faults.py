"""Faults: the database going away, imports failing halfway, and never losing a correction."""

import datetime
import io
from decimal import Decimal
from unittest import mock
from wsgiref.util import setup_testing_defaults

import pytest
from django.core.handlers.wsgi import WSGIHandler
from django.db import OperationalError, connection, connections, transaction
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from surveys.editorial.corrections import record_correction, withdraw_correction
from surveys.editorial.importing import import_answers
from surveys.models import Answer, AnswerVendor, Correction, PublishedFinding


def test_database_down_gives_a_friendly_503_and_recovers(real_data):
    client = Client(raise_request_exception=False)
    broken = OperationalError("could not connect to server: Connection refused")
    with mock.patch.object(connection, "create_cursor", side_effect=broken):
        response = client.get("/forces/")
        assert response.status_code == 503
        assert response["Retry-After"] == "30"
        assert "Nothing has been lost" in response.content.decode()
        assert client.get("/healthz").status_code == 503
    # The database is back: the same process answers again, without a restart.
    assert client.get("/forces/").status_code == 200
    assert client.get("/healthz").json()["database"] == "up"


def test_database_failing_mid_request_gives_503(real_data):
    client = Client(raise_request_exception=False)
    with mock.patch(
        "surveys.stats.response_by_round", side_effect=OperationalError("server closed")
    ):
        response = client.get("/")
    assert response.status_code == 503
    assert client.get("/").status_code == 200


def wsgi_get(path: str) -> int:
    """A request through the real WSGI handler, with the request signals a server fires
    (the test client switches off the connection checks that this test is about)."""
    environ = {}
    setup_testing_defaults(environ)
    environ.update(PATH_INFO=path, HTTP_HOST="localhost", SERVER_NAME="localhost")
    status = {}

    def start_response(line, headers, exc_info=None):
        status["code"] = int(line.split()[0])

    response = WSGIHandler()(environ, start_response)
    b"".join(response)
    response.close()
    return status["code"]


@pytest.mark.django_db(transaction=True)
def test_a_killed_postgresql_connection_is_replaced_without_a_restart():
    """On PostgreSQL, terminate the server process behind the site's connection (as a
    database restart does): the running process answers the next request normally, because
    CONN_HEALTH_CHECKS replaces a dead connection at the start of a request."""
    if connection.vendor != "postgresql":
        pytest.skip("terminating a server process needs PostgreSQL (CI's second run)")
    assert wsgi_get("/healthz") == 200
    pid = connection.connection.info.backend_pid  # kept open between requests (CONN_MAX_AGE)
    other = connections.create_connection("default")  # a connection cannot kill itself
    with other.cursor() as cursor:
        cursor.execute("SELECT pg_terminate_backend(%s)", [pid])
        assert cursor.fetchone()[0] is True
    other.close()
    assert wsgi_get("/healthz") == 200
    assert connection.connection.info.backend_pid != pid
    assert wsgi_get("/forces/") == 200


def full_snapshot():
    return (
        list(Answer.objects.order_by("pk").values()),
        list(AnswerVendor.objects.order_by("pk").values()),
        Answer.history.count(),
        AnswerVendor.history.count(),
    )


@pytest.mark.django_db
def test_an_import_failing_halfway_leaves_the_data_exactly_as_before(real_data, monkeypatch):
    from surveys.editorial import corrections

    header = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
    rows = "".join(
        f"{body},2022,drones,yes,DJI,,,,PR2023\n" for body in ("Kent", "Essex", "Surrey", "Dorset")
    )
    rows += "Metropolitan Police Service,2022,facial-recognition,no,,,,,INIT2022\n"  # an update
    before = full_snapshot()
    calls = {"n": 0}
    real_set_vendors = corrections.set_vendors

    def crash_on_third(*args, **kwargs):
        calls["n"] += 1
        if calls["n"] == 3:
            raise OperationalError("connection lost")
        return real_set_vendors(*args, **kwargs)

    monkeypatch.setattr(corrections, "set_vendors", crash_on_third)
    with pytest.raises(OperationalError):
        import_answers(io.BytesIO((header + rows).encode()), filename="x.csv", reason="test")
    assert full_snapshot() == before


# --- A correction is never lost ---------------------------------------------------------------

steps = st.lists(
    st.one_of(
        st.tuples(st.just("correct"), st.integers(min_value=0, max_value=60)),
        st.tuples(st.just("withdraw"), st.integers(min_value=0, max_value=5)),
        # No NUL (PostgreSQL text cannot hold it; Django's forms refuse it) and no lone
        # surrogate (not encodable as UTF-8: no database stores it, no form can send it).
        st.tuples(
            st.just("note"),
            st.text(st.characters(codec="utf-8", exclude_characters="\x00"), max_size=20),
        ),
    ),
    min_size=1,
    max_size=12,
)


@pytest.mark.django_db
@settings(
    max_examples=25,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(sequence=steps)
def test_every_value_ever_published_is_recoverable_from_history(real_data, sequence):
    with transaction.atomic():  # each generated example starts from the real data again
        check_sequence(sequence)
        transaction.set_rollback(True)


def check_sequence(sequence):
    finding = PublishedFinding.objects.get(key="pr2023-external-cctv-concern")
    published = {finding.value}
    announced = set()
    for action, arg in sequence:
        if action == "correct":
            c = record_correction(
                Correction(
                    finding=finding,
                    new_value=str(arg),
                    reason=f"synthetic step {arg}",
                    source=finding.publication,
                    announced_on=datetime.date(2024, 1, 1),
                )
            )
            announced.add(Decimal(c.new_value))
        elif action == "withdraw":
            in_force = list(finding.corrections.in_force().order_by("pk"))
            if in_force:
                withdraw_correction(in_force[arg % len(in_force)], reason="synthetic withdrawal")
        else:
            finding.notes = arg
            finding.save()
    # The published figure is unchanged in every historical version of it...
    assert {h.value for h in finding.history.all()} == published
    # ...and every corrected value ever announced is still on record, in force or withdrawn.
    assert {Decimal(h.new_value) for h in Correction.history.filter(finding=finding)} >= announced
    assert {Decimal(c.new_value) for c in finding.corrections.all()} == announced
