"""An answer's notes are on the public pages, so they change like its values: through a
correction, drafted, previewed and published (a second editor when the setting asks). With a
second editor required, answers are not entered straight onto the site: they come as an
import draft."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS
from surveys.models import Answer, Correction, Return
from tests.factories import account

pytestmark = pytest.mark.django_db

NOTE = "Synthetic test: the force confirmed its cameras in a letter."


def met() -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="metropolitan-police", system_type__slug="facial-recognition"
    )


def body_page(client) -> str:
    client.logout()
    cache.clear()
    html = client.get("/forces/metropolitan-police/").content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def test_notes_cannot_be_edited_straight_onto_the_site(real_data, client):
    client.force_login(account("maker", EDITORS))
    answer = met()
    page = client.get(f"/admin/surveys/answer/{answer.pk}/change/").content.decode()
    assert 'name="notes"' not in page and "its notes included" in page
    client.post(
        f"/admin/surveys/answer/{answer.pk}/change/",
        {
            "notes": NOTE,
            "source": answer.source_id,
            "answer_vendors-TOTAL_FORMS": "0",
            "answer_vendors-INITIAL_FORMS": "0",
            "answer_kinds-TOTAL_FORMS": "0",
            "answer_kinds-INITIAL_FORMS": "0",
        },
    )
    assert met().notes != NOTE
    assert NOTE not in body_page(client)


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_a_notes_correction_is_a_draft_a_second_editor_publishes(real_data, client):
    maker = account("maker", EDITORS)
    client.force_login(maker)
    answer = met()
    old = answer.notes
    client.post(
        "/admin/surveys/correction/add/",
        {
            "answer": answer.pk,
            "answer_field": "notes",
            "new_value": NOTE,
            "reason": "Synthetic test: a clearer note",
            "source": answer.source_id,
        },
    )
    draft = Correction.objects.get(answer=answer)
    preview = client.get(
        f"/admin/surveys/correction/{draft.pk}/preview/?page=/forces/metropolitan-police/"
    )
    assert NOTE in unescape(preview.content.decode())
    assert NOTE not in body_page(client)
    client.force_login(maker)
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    assert NOTE not in body_page(client)  # the author cannot publish it
    client.force_login(account("checker", EDITORS))
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    assert met().notes == NOTE and NOTE in body_page(client)
    corrections.withdraw_correction(Correction.objects.get(pk=draft.pk), reason="Synthetic")
    assert met().notes == old


def test_notes_can_be_emptied_and_given_back_by_correction(real_data):
    answer = met()
    old = answer.notes
    c = corrections.record_correction(
        Correction(
            answer=answer,
            answer_field="notes",
            new_value="",
            reason="Synthetic test: the note was wrong",
            source=answer.source,
        )
    )
    assert met().notes == "" and c.new_value == "no notes"
    corrections.withdraw_correction(c, reason="Synthetic test withdrawal")
    assert met().notes == old


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_with_a_second_editor_required_answers_come_by_import_only(real_data, client):
    client.force_login(account("maker", EDITORS))
    assert client.get("/admin/surveys/answer/add/").status_code == 403
    answers = client.get("/admin/surveys/answer/").content.decode()
    assert 'data-testid="add-by-import"' in answers
    assert "/admin/surveys/answer/import/" in answers


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_with_a_second_editor_required_no_editor_adds_a_return_alone(real_data, client):
    client.force_login(account("maker", EDITORS))
    assert client.get("/admin/surveys/return/add/").status_code == 403
    before = Return.objects.count()
    response = client.post("/admin/surveys/return/add/", {"status": "responded"})
    assert response.status_code == 403 and Return.objects.count() == before


def test_one_editor_alone_adds_answers_when_no_second_editor_is_required(real_data, client):
    client.force_login(account("maker", EDITORS))
    assert client.get("/admin/surveys/answer/add/").status_code == 200
    assert (
        'data-testid="add-by-import"' not in client.get("/admin/surveys/answer/").content.decode()
    )


def test_the_admin_names_the_drafted_and_the_published_time(real_data, client):
    client.force_login(account("maker", EDITORS))
    c = Correction.objects.get()  # the real data's withdrawn correction
    page = client.get(f"/admin/surveys/correction/{c.pk}/change/").content.decode()
    assert "Drafted here" in page and "Published here" in page
    assert "Recorded at" not in page
    changelist = client.get("/admin/surveys/correction/").content.decode()
    assert "Drafted here" in changelist and "Published here" in changelist
