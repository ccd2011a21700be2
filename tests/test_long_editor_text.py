"""Ordinary editors' text never breaks PostgreSQL: a long reason, a long file name or a long
username goes into text columns (history reasons included), and every free-text field has a
documented limit that its form enforces with an error. SQLite does not enforce a column's
length, so these tests matter on PostgreSQL (CI's second run)."""

from pathlib import Path

import pytest
from django.apps import apps
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import models

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS
from surveys.limits import FILENAME_MAX, LIMITS, REASON_MAX
from surveys.models import Answer, Correction, ImportDraft, PublishedFinding
from tests.factories import account

pytestmark = pytest.mark.django_db

LONG = (
    "Synthetic test: the force's own letter of 3 March, which the office received after the "
    "report went to print, gives a different count for this system and explains why. "
) * 3  # 3 x 166 characters: longer than any varchar(100)


def test_a_long_correction_reason_is_drafted_previewed_and_published(real_data, client):
    client.force_login(account("maker", EDITORS))
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "finding": finding.pk,
            "new_value": "12",
            "reason": LONG,
            "source": finding.publication_id,
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get(finding=finding)
    assert client.get(f"/admin/surveys/correction/{correction.pk}/preview/").status_code == 200
    client.force_login(account("checker", EDITORS))
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    correction.refresh_from_db()
    assert correction.status == "published"
    assert correction.history.first().history_change_reason == LONG.strip()


def test_a_long_answer_correction_reason_and_withdrawal_reason(real_data, client):
    client.force_login(account("maker", EDITORS))
    answer = Answer.objects.get(
        survey_return__body__slug="cleveland", system_type__slug="cctv-unspecified"
    )
    client.post(
        "/admin/surveys/correction/add/",
        {
            "answer": answer.pk,
            "answer_field": "aware_of_concerns",
            "new_value": "yes",
            "reason": LONG,
            "source": answer.source_id,
        },
    )
    correction = Correction.objects.get(answer=answer)
    assert client.get(f"/admin/surveys/correction/{correction.pk}/preview/").status_code == 200
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    answer.refresh_from_db()
    assert answer.aware_of_concerns is True
    assert answer.history.first().history_change_reason == f"Correction: {LONG.strip()}"

    url = f"/admin/surveys/correction/{correction.pk}/change/"
    client.post(url, {"withdrawn_on": "", "withdrawal_reason": LONG})
    assert client.get(f"{url.replace('change/', 'withdrawal/preview/')}").status_code == 200
    client.post(url.replace("change/", "withdrawal/publish/"))
    correction.refresh_from_db()
    answer.refresh_from_db()
    assert correction.withdrawn_on is not None and answer.aware_of_concerns is None


def test_a_long_file_name_and_an_email_username_publish_an_import(real_data, client):
    client.force_login(account("maker", EDITORS))
    name = "answers-" + "from-the-office-of-the-commissioner-" * 6 + ".csv"  # 230 characters
    data = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
    client.post(
        "/admin/surveys/answer/import/",
        {"step": "upload", "file": SimpleUploadedFile(name, data), "reason": LONG},
    )
    draft = ImportDraft.objects.get()
    assert draft.filename == name
    username = "a.very.long.name.of.an.editor@the-office-of-the-commissioner.example.org"
    client.force_login(account(username, EDITORS))
    client.post(
        "/admin/surveys/answer/import/",
        {"step": "confirm", "token": Path(draft.stored_name).stem},
    )
    assert not ImportDraft.objects.exists()
    assert Answer.objects.filter(
        survey_return__body__slug="kent", system_type__slug="drones", operates=True
    ).exists()


def test_a_reason_over_the_limit_is_a_form_error_and_saves_nothing(real_data, client):
    client.force_login(account("maker", EDITORS))
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "finding": finding.pk,
            "new_value": "12",
            "reason": "x" * (REASON_MAX + 1),
            "source": finding.publication_id,
        },
    )
    assert response.status_code == 200
    assert f"at most {REASON_MAX}" in response.content.decode().replace(",", "")
    assert not Correction.objects.filter(finding=finding).exists()
    with pytest.raises(corrections.ValidationError):
        corrections.save_draft(
            Correction(
                finding=finding,
                new_value="12",
                reason="x" * (REASON_MAX + 1),
                source=finding.publication,
            )
        )


GENERATED = {  # written by the code, never typed by an editor
    ("correction", "old_value"),
    ("importdraft", "summary"),
    ("referenceload", "summary"),
    ("changedraft", "summary"),
}


def test_every_free_text_field_has_a_limit_its_form_enforces():
    unbounded = [
        f"{model._meta.model_name}.{field.name}"
        for model in apps.get_app_config("surveys").get_models()
        if not model.__name__.startswith("Historical")
        for field in model._meta.get_fields()
        if isinstance(field, models.TextField)
        and field.max_length is None
        and (model._meta.model_name, field.name) not in GENERATED
    ]
    assert unbounded == []


def test_the_editors_guide_lists_every_limit():
    guide = (Path(__file__).resolve().parent.parent / "docs" / "editors.md").read_text()
    for what, limit in LIMITS.items():
        assert f"| {what} | {limit:,} |" in guide


def test_an_upload_name_over_the_limit_is_shortened_to_fit(real_data, client):
    client.force_login(account("maker", EDITORS))
    name = "a" * 300 + ".csv"
    data = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
    response = client.post(
        "/admin/surveys/answer/import/",
        {"step": "upload", "file": SimpleUploadedFile(name, data), "reason": ""},
    )
    assert response.status_code == 200
    draft = ImportDraft.objects.get()  # Django keeps an upload's name to 255 characters
    assert len(draft.filename) <= FILENAME_MAX and draft.filename.endswith(".csv")
