"""Every change to what the public pages show leaves a public trace: in the admin, an answer's
values and a return's status change only through a correction (reason, source, public)."""

import pytest

from surveys import stats
from surveys.editorial import corrections
from surveys.models import Answer, Correction, Publication, Return

pytestmark = pytest.mark.django_db


def bedfordshire() -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="bedfordshire", system_type__slug="cctv-unspecified"
    )


def test_an_answers_public_values_cannot_be_changed_directly(real_data, client, editor):
    answer = bedfordshire()
    page = client.get(f"/admin/surveys/answer/{answer.pk}/change/").content.decode()
    assert "only through a correction" in page
    response = client.post(
        f"/admin/surveys/answer/{answer.pk}/change/",
        {
            "operates": "False",
            "aware_of_concerns": "False",
            "intent": "intends",
            "source": answer.source_id,
            "notes": "An editor's note.",
            "answer_vendors-TOTAL_FORMS": "0",
            "answer_vendors-INITIAL_FORMS": "0",
            "answer_kinds-TOTAL_FORMS": "0",
            "answer_kinds-INITIAL_FORMS": "0",
        },
    )
    assert response.status_code == 302
    answer.refresh_from_db()
    assert (answer.operates, answer.aware_of_concerns, answer.intent) == (True, None, "")
    assert answer.notes != "An editor's note."  # notes are public: they change by correction
    assert list(answer.vendors.values_list("name", flat=True)) == ["Hikvision"]


def test_a_returns_status_cannot_be_changed_directly(real_data, client, editor):
    kent = Return.objects.get(body__slug="kent", survey_round__year=2022)
    client.post(
        f"/admin/surveys/return/{kent.pk}/change/",
        {
            "status": "did_not_respond",
            "source": kent.source_id,
            "notes": "",
            "answers-TOTAL_FORMS": "0",
            "answers-INITIAL_FORMS": "0",
        },
    )
    kent.refresh_from_db()
    assert kent.status == Return.Status.RESPONDED


def test_a_return_status_correction_is_public_and_counted(real_data, client, editor):
    kent = Return.objects.get(body__slug="kent", survey_round__year=2022)
    source = Publication.objects.get(code="PR2023-UPDATE")
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "survey_return": kent.pk,
            "answer_field": "status",
            "new_value": "did not respond",
            "reason": "Synthetic test: the return was sent after the deadline",
            "source": source.pk,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    correction = Correction.objects.get(survey_return=kent)
    assert response["Location"] == f"/admin/surveys/correction/{correction.pk}/preview/"
    kent.refresh_from_db()
    assert (correction.status, kent.status) == ("draft", "responded")  # nothing public yet
    assert "after the deadline" not in client.get("/corrections/").content.decode()
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    correction.refresh_from_db()
    assert (correction.old_value, correction.new_value) == ("responded", "did not respond")
    kent.refresh_from_db()
    assert kent.status == Return.Status.DID_NOT_RESPOND
    responded = {r.year: r.responded for r in stats.response_by_round()}
    assert responded[2022] == 38
    assert "Kent Police, 2022: response status" in client.get("/corrections/").content.decode()
    body_page = client.get("/forces/kent/").content.decode()
    assert "response status: responded → did not respond" in body_page
    assert "after the deadline" in client.get("/corrections/feed/").content.decode()

    corrections.withdraw_correction(correction, reason="Synthetic test withdrawal")
    kent.refresh_from_db()
    assert kent.status == Return.Status.RESPONDED
    assert {r.year: r.responded for r in stats.response_by_round()}[2022] == 39


def test_a_status_correction_must_target_a_return(real_data):
    answer = bedfordshire()
    with pytest.raises(Exception, match="only field"):
        corrections.record_correction(
            Correction(
                answer=answer,
                answer_field="status",
                new_value="responded",
                reason="x",
                source=answer.source,
            )
        )


def test_an_admin_import_that_changes_public_values_asks_for_a_reason(real_data, client, editor):
    from django.core.files.uploadedfile import SimpleUploadedFile

    answer = bedfordshire()
    text = (
        "body,round,system_type,source,vendors\n"
        f"bedfordshire,2022,cctv-unspecified,{answer.source.code},Dahua\n"
    )

    def upload(reason):
        file = SimpleUploadedFile("answers.csv", text.encode())
        return client.post(
            "/admin/surveys/answer/import/", {"step": "upload", "file": file, "reason": reason}
        )

    html = upload("").content.decode()
    assert 'id="import-reason-missing"' in html and 'value="confirm"' not in html
    assert "vendors: Hikvision → Dahua" in html
    response = upload("Synthetic test: the vendor was misread")
    assert "published as a correction with the reason" in response.content.decode()
    client.post(
        "/admin/surveys/answer/import/", {"step": "confirm", "token": response.context["token"]}
    )
    correction = answer.corrections.get()
    assert (correction.answer_field, correction.new_value) == ("vendors", "Dahua")
    assert correction.reason == "Synthetic test: the vendor was misread"
