"""A double click publishes once: two requests that publish (or discard, or withdraw) the same
draft at the same moment leave one public change, never two, and never an error page. The
draft's row is locked (``select_for_update``) while it is applied; the second request then
finds it gone. Row locks are PostgreSQL's: these run in CI's PostgreSQL run (SQLite serialises
writers with ``BEGIN IMMEDIATE``, see test_sqlite_concurrency)."""

import threading
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS
from surveys.models import Answer, Correction, ImportDraft, PublishedFinding, WithdrawalDraft
from tests.factories import account

pytestmark = pytest.mark.django_db(transaction=True)

RUNS = 3


@pytest.fixture(autouse=True)
def postgresql_only():
    if connection.vendor != "postgresql":
        pytest.skip("row locks under concurrency are PostgreSQL's (CI's second run)")


def at_once(*calls) -> list:
    """Run each call in its own thread (own database connection), released together; returns
    each call's result or the exception it raised."""
    barrier = threading.Barrier(len(calls))
    results: list = [None] * len(calls)

    def run(index, call):
        from django.db import connections

        try:
            barrier.wait()
            results[index] = call()
        except Exception as exc:  # noqa: BLE001 (the test inspects it)
            results[index] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=run, args=(i, c)) for i, c in enumerate(calls)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    return results


def logged_in(name: str) -> Client:
    client = Client()
    client.force_login(account(name, EDITORS))
    return client


def test_two_confirms_of_one_import_draft_publish_it_once(real_data):
    maker = logged_in("maker")
    checkers = [logged_in("checker-1"), logged_in("checker-2")]
    for run in range(RUNS):
        year_body = ["kent", "essex", "dorset"][run]
        data = (
            "body,round,system_type,source,operates,aware_of_concerns\n"
            f"{year_body},2022,drones,FOI0323,yes,\n"
            "cleveland,2022,cctv-unspecified,EPOCH2022,yes," + ["yes", "no", ""][run] + "\n"
        ).encode()
        maker.post(
            "/admin/surveys/answer/import/",
            {
                "step": "upload",
                "file": SimpleUploadedFile("double.csv", data),
                "reason": f"Synthetic test run {run}",
            },
        )
        token = Path(ImportDraft.objects.get().stored_name).stem
        before = Correction.objects.count()
        responses = at_once(
            *(
                lambda c=c, t=token: c.post(
                    "/admin/surveys/answer/import/", {"step": "confirm", "token": t}
                )
                for c in checkers
            )
        )
        assert [getattr(r, "status_code", r) for r in responses] == [302, 302]
        assert Correction.objects.count() == before + 1  # awareness changed once
        assert (
            Answer.objects.filter(
                survey_return__body__slug=year_body, system_type__slug="drones"
            ).count()
            == 1
        )
        assert not ImportDraft.objects.exists()


def anpr_draft(run: int) -> Correction:
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    return corrections.save_draft(
        Correction(
            finding=finding,
            new_value=str(12 + run),
            reason=f"Synthetic test run {run}",
            source=finding.publication,
        )
    )


def test_two_publishes_of_one_correction_draft_publish_it_once(real_data):
    for run in range(RUNS):
        draft = anpr_draft(run)
        results = at_once(
            lambda d=draft: corrections.publish(d, check_editor=False),
            lambda d=draft: corrections.publish(d, check_editor=False),
        )
        published = [r for r in results if isinstance(r, Correction)]
        refused = [r for r in results if isinstance(r, corrections.PublishRefused)]
        assert (len(published), len(refused)) == (1, 1), results
        assert draft.history.filter(status="published").count() == 1


def test_two_publishes_of_one_withdrawal_withdraw_once(real_data):
    for run in range(RUNS):
        correction = corrections.publish(anpr_draft(run), check_editor=False)
        draft = corrections.draft_withdrawal(correction, reason=f"Synthetic test run {run}")
        results = at_once(
            lambda d=draft: corrections.publish_withdrawal(d, check_editor=False),
            lambda d=draft: corrections.publish_withdrawal(d, check_editor=False),
        )
        refused = [r for r in results if isinstance(r, corrections.PublishRefused)]
        assert len(refused) == 1, results
        assert correction.history.exclude(withdrawn_on=None).count() == 1
        assert not WithdrawalDraft.objects.exists()


def test_two_discards_of_one_draft_discard_it_once(real_data):
    draft = anpr_draft(0)
    results = at_once(lambda: corrections.discard(draft), lambda: corrections.discard(draft))
    assert sum(isinstance(r, corrections.PublishRefused) for r in results) == 1, results
    assert Correction.history.filter(id=draft.pk, history_type="-").count() == 1
