"""A withdrawal is drafted, previewed and published like a correction: nothing public changes,
and its reason is not public, until an editor publishes it (a second editor when the setting
asks). Publishing it puts back the old value and the source credited for it."""

import io
import re

import pytest
from django.core.cache import cache
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Answer, Correction, PublishedFinding, WithdrawalDraft
from tests.factories import account
from tests.pages import text, visible

pytestmark = pytest.mark.django_db

REASON = "Synthetic test: the correction was announced in error"


def cleveland_cctv() -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="cleveland",
        survey_return__survey_round__year=2022,
        system_type__slug="cctv-unspecified",
    )


def operates_shown(client) -> str:
    """How Cleveland's body page shows whether it operates CCTV, with the source credited."""
    client.logout()
    cache.clear()
    page = visible(text(client.get("/forces/cleveland/")))
    match = re.search(
        r"2022 CCTV \(external or internal not stated\) (Yes|No|Not known) (\w+)", page
    )
    assert match, page[:2000]
    return f"{match[1]} {match[2]}"


@pytest.fixture
def anpr(real_data):
    """A published correction of a finding: ANPR's "at least 11" corrected to 12."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    draft = corrections.save_draft(
        Correction(
            finding=finding,
            new_value="12",
            reason="Synthetic test: the final count was 12",
            source=finding.publication,
        )
    )
    return corrections.publish(draft, check_editor=False)


def propose(client, correction, reason=REASON, on=""):
    return client.post(
        f"/admin/surveys/correction/{correction.pk}/change/",
        {"withdrawn_on": on, "withdrawal_reason": reason},
    )


def public(client) -> dict:
    client.logout()
    cache.clear()
    return {
        "api": client.get("/api/v1/findings/pr2023-anpr-concern/").json()["current_value"],
        "corrections_page": REASON in visible(text(client.get("/corrections/"))),
        "feed": REASON in client.get("/corrections/feed/").content.decode(),
        "api_reason": REASON in client.get("/api/v1/corrections/").content.decode(),
        "data": REASON
        in b"".join(client.get("/data/tables/corrections.csv").streaming_content).decode(),
    }


IN_FORCE = {
    "api": 12,
    "corrections_page": False,
    "feed": False,
    "api_reason": False,
    "data": False,
}


def test_a_withdrawal_is_a_draft_that_changes_nothing_public(anpr, client):
    maker = account("maker", EDITORS)
    client.force_login(maker)
    response = propose(client, anpr)
    assert response["Location"] == f"/admin/surveys/correction/{anpr.pk}/withdrawal/preview/"
    draft = WithdrawalDraft.objects.get(correction=anpr)
    assert (draft.reason, draft.drafted_by) == (REASON, maker)
    anpr.refresh_from_db()
    assert anpr.withdrawn_on is None and anpr.withdrawal_reason == ""
    assert public(client) == IN_FORCE


def test_the_withdrawal_preview_shows_the_value_restored(anpr, client):
    client.force_login(account("maker", EDITORS))
    propose(client, anpr)
    page = client.get(f"/admin/surveys/correction/{anpr.pk}/withdrawal/preview/")
    shown = visible(text(page))
    assert "Preview of a draft withdrawal: not public" in shown
    assert "at least 11" in shown  # the value the figure returns to
    assert 'data-testid="preview-page"' in page.content.decode()
    assert "Publish the withdrawal" in shown and "Discard the draft withdrawal" in shown
    assert public(client) == IN_FORCE  # the preview was rolled back


def test_publish_and_discard_look_different(anpr, client):
    client.force_login(account("maker", EDITORS))
    propose(client, anpr)
    html = client.get(f"/admin/surveys/correction/{anpr.pk}/withdrawal/preview/").content
    publish = re.search(rb'<button class="([^"]+)"[^>]*data-testid="publish"', html)
    discard = re.search(rb'<button class="([^"]+)"[^>]*data-testid="discard"', html)
    assert publish and discard and publish[1] != discard[1]
    assert b"button--warning" in discard[1]


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_one_editor_alone_cannot_withdraw_a_correction(anpr, client):
    maker = account("maker", EDITORS)
    client.force_login(maker)
    propose(client, anpr)
    refused = client.post(f"/admin/surveys/correction/{anpr.pk}/withdrawal/publish/")
    assert refused.status_code == 302
    assert public(client) == IN_FORCE
    client.force_login(account("checker", EDITORS))
    client.post(f"/admin/surveys/correction/{anpr.pk}/withdrawal/publish/")
    anpr.refresh_from_db()
    assert anpr.withdrawn_on is not None and anpr.withdrawal_reason == REASON
    assert public(client) == {
        "api": 11,
        "corrections_page": True,
        "feed": True,
        "api_reason": True,
        "data": True,
    }
    assert not WithdrawalDraft.objects.exists()


def test_a_viewer_can_read_the_preview_but_not_publish_or_discard(anpr, client):
    client.force_login(account("maker", EDITORS))
    propose(client, anpr)
    client.force_login(account("reader", VIEWERS))
    assert client.get(f"/admin/surveys/correction/{anpr.pk}/withdrawal/preview/").status_code == 200
    for action in ("publish", "discard"):
        url = f"/admin/surveys/correction/{anpr.pk}/withdrawal/{action}/"
        assert client.post(url).status_code == 403
    assert WithdrawalDraft.objects.filter(correction=anpr).exists()
    assert propose(client, anpr).status_code == 403


def test_a_discarded_withdrawal_leaves_the_correction_in_force_with_history(anpr, client):
    client.force_login(account("maker", EDITORS))
    propose(client, anpr)
    draft = WithdrawalDraft.objects.get()
    client.post(f"/admin/surveys/correction/{anpr.pk}/withdrawal/discard/")
    assert not WithdrawalDraft.objects.exists()
    assert [h.history_type for h in WithdrawalDraft.history.filter(id=draft.pk)] == ["-", "+"]
    assert public(client) == IN_FORCE
    # A second discard (a double click) is refused with a message, not an error page.
    client.force_login(account("other", EDITORS))
    again = client.post(f"/admin/surveys/correction/{anpr.pk}/withdrawal/discard/", follow=True)
    assert "already published or discarded" in visible(text(again))


def test_a_second_withdrawal_draft_is_refused_while_one_waits(anpr, client):
    client.force_login(account("maker", EDITORS))
    propose(client, anpr)
    with pytest.raises(corrections.ValidationError, match="already waiting"):
        corrections.draft_withdrawal(anpr, reason="again")


def test_the_correction_form_says_what_its_button_does(anpr, client):
    client.force_login(account("maker", EDITORS))
    add = client.get("/admin/surveys/correction/add/").content.decode()
    assert 'value="Save as draft and preview"' in add and "Save and add another" not in add
    change = client.get(f"/admin/surveys/correction/{anpr.pk}/change/").content.decode()
    assert 'value="Save the withdrawal as draft and preview"' in change
    assert "Public, for ever, once the withdrawal is published" in change


# --- The old value's source comes back with it ------------------------------------------------


def correct_cleveland(client):
    """Cleveland's 2022 CCTV "operates" corrected to no (source PR2023), through the admin."""
    pr2023 = cleveland_cctv().source.__class__.objects.get(code="PR2023")
    client.post(
        "/admin/surveys/correction/add/",
        {
            "answer": cleveland_cctv().pk,
            "answer_field": "operates",
            "new_value": "no",
            "reason": "Synthetic test: Cleveland does not operate CCTV",
            "source": pr2023.pk,
        },
    )
    draft = Correction.objects.get(answer=cleveland_cctv())
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    return Correction.objects.get(pk=draft.pk)


def test_withdrawing_an_answer_correction_restores_the_value_and_its_source(real_data, client):
    client.force_login(account("maker", EDITORS))
    assert operates_shown(client) == "Yes EPOCH2022"
    client.force_login(account("maker2", EDITORS))
    correction = correct_cleveland(client)
    assert operates_shown(client) == "No PR2023"
    client.force_login(account("maker3", EDITORS))
    propose(client, correction)
    client.post(f"/admin/surveys/correction/{correction.pk}/withdrawal/publish/")
    assert operates_shown(client) == "Yes EPOCH2022"
    answer = cleveland_cctv()
    assert answer.operates is True and answer.source_of("operates").code == "EPOCH2022"


def test_withdrawing_an_imported_correction_restores_the_source_too(real_data, client):
    client.force_login(account("maker", EDITORS))
    data = (
        b"body,round,system_type,source,operates,vendors\n"
        b"cleveland,2022,cctv-unspecified,PR2023,no,\n"
    )
    client.post(
        "/admin/surveys/answer/import/",
        {
            "step": "upload",
            "file": SimpleUploadedFile("cleveland.csv", data),
            "reason": "Synthetic test: imported",
        },
    )
    from surveys.models import ImportDraft

    token = ImportDraft.objects.get().stored_name.rsplit(".", 1)[0]
    client.post("/admin/surveys/answer/import/", {"step": "confirm", "token": token})
    assert operates_shown(client) == "No PR2023"
    for correction in Correction.objects.filter(answer=cleveland_cctv()):  # operates, vendors
        corrections.withdraw_correction(correction, reason="Synthetic test withdrawal")
    assert operates_shown(client) == "Yes EPOCH2022"
    answer = cleveland_cctv()
    assert [v.name for v in answer.vendors.all()] == ["Hikvision"]
    assert answer.source_of("vendors").code == "EPOCH2022"


def test_a_withdrawal_keeps_a_source_changed_since(real_data, client):
    """If the value was re-stated by another source after the correction, withdrawing does not
    take that credit away (nor the value)."""
    client.force_login(account("maker", EDITORS))
    correction = correct_cleveland(client)
    answer = cleveland_cctv()
    corrections.record_correction(
        Correction(
            answer=answer,
            answer_field="operates",
            new_value="yes",
            reason="Synthetic test: restated",
            source=answer.source.__class__.objects.get(code="FOI0823"),
        )
    )
    corrections.withdraw_correction(correction, reason="Synthetic test withdrawal")
    assert operates_shown(client) == "Yes FOI0823"


def test_the_restart_after_a_withdrawal_changes_nothing(real_data, client):
    from django.core.management import call_command

    client.force_login(account("maker", EDITORS))
    correction = correct_cleveland(client)
    corrections.withdraw_correction(correction, reason="Synthetic test withdrawal")
    call_command("load_obscc", stdout=io.StringIO())
    assert operates_shown(client) == "Yes EPOCH2022"
