"""The admin: roles and permissions, the correction form, imports, exports, reconciliation."""

import csv
import io

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Answer, Correction, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_roles_exist_with_the_right_permissions(db):
    editors = set(Group.objects.get(name=EDITORS).permissions.values_list("codename", flat=True))
    viewers = set(Group.objects.get(name=VIEWERS).permissions.values_list("codename", flat=True))
    assert {"add_correction", "change_correction", "import_answers", "change_body"} <= editors
    assert not any(code.startswith("delete_") for code in editors | viewers)
    assert viewers and all(code.startswith("view_") for code in viewers)
    assert not User.objects.exists()  # no default accounts


def test_anonymous_is_sent_to_login(client, db):
    response = client.get("/admin/surveys/body/")
    assert response.status_code == 302
    assert response["Location"].startswith("/admin/login/")


def test_staff_without_a_role_cannot_enter(client, db):
    client.force_login(f.account("nobody"))
    response = client.get("/admin/")
    assert response.status_code == 302 and "/admin/login/" in response["Location"]


def test_viewer_reads_but_changes_nothing(real_data, client, viewer):
    assert client.get("/admin/surveys/body/").status_code == 200
    kent = Answer.objects.first()
    assert client.get(f"/admin/surveys/answer/{kent.pk}/change/").status_code == 200
    assert client.get("/admin/surveys/correction/add/").status_code == 403
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    response = client.post(
        "/admin/surveys/correction/add/",
        {"finding": finding.pk, "new_value": "1", "reason": "x", "source": finding.publication_id},
    )
    assert response.status_code == 403
    assert client.get("/admin/surveys/answer/import/").status_code == 403
    assert Correction.objects.count() == 1


def test_nobody_can_delete_findings_or_corrections(real_data, client):
    client.force_login(f.account("root", is_superuser=True))
    c = Correction.objects.get()
    assert client.get(f"/admin/surveys/correction/{c.pk}/delete/").status_code == 403
    finding = c.finding
    assert client.post(f"/admin/surveys/publishedfinding/{finding.pk}/delete/").status_code == 403


def test_editor_enters_a_correction(real_data, client, editor):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "finding": finding.pk,
            "new_value": "12",
            "new_qualifier": "exact",
            "reason": "Synthetic test: the final count was 12",
            "announced_on": "2024-03-01",
            "source": finding.publication_id,
        },
    )
    assert response.status_code == 302, response.content.decode()[:2000]
    c = Correction.objects.get(finding=finding)
    assert (c.status, c.drafted_by, c.old_value, c.new_value) == (
        "draft",
        editor,
        "at least 11",
        "12",
    )
    assert "corrected to 12" not in client.get("/").content.decode()  # a draft is not public
    assert client.post(f"/admin/surveys/correction/{c.pk}/publish/").status_code == 302
    c.refresh_from_db()
    assert (c.status, c.published_by) == ("published", editor)
    record = c.history.first()
    assert record.history_user == editor
    assert record.history_change_reason == "Synthetic test: the final count was 12"
    html = client.get("/").content.decode()
    assert "Published: at least 11; corrected to 12, announced by" in html
    assert "</a> on 1 March 2024:" in html


@pytest.mark.parametrize("missing", ["reason", "source", "new_value"])
def test_correction_form_refuses_missing_fields(real_data, client, editor, missing):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    data = {
        "finding": finding.pk,
        "new_value": "12",
        "reason": "r",
        "source": finding.publication_id,
    }
    data[missing] = ""
    response = client.post("/admin/surveys/correction/add/", data)
    assert response.status_code == 200
    assert "This field is required" in response.content.decode()
    assert not Correction.objects.filter(finding=finding).exists()


def test_correction_form_refuses_two_targets_and_bad_values(real_data, client, editor):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    answer = Answer.objects.first()
    base = {"new_value": "12", "reason": "r", "source": finding.publication_id}
    response = client.post(
        "/admin/surveys/correction/add/",
        {**base, "finding": finding.pk, "answer": answer.pk, "answer_field": "operates"},
    )
    assert "not both" in response.content.decode()
    response = client.post(
        "/admin/surveys/correction/add/", {**base, "finding": finding.pk, "new_value": "lots"}
    )
    assert "is not a number" in response.content.decode()
    assert Correction.objects.count() == 1


def test_editor_withdraws_a_correction(real_data, client, editor):
    c = Correction.objects.get()
    url = f"/admin/surveys/correction/{c.pk}/change/"
    response = client.post(url, {"withdrawn_on": "2025-01-02", "withdrawal_reason": ""})
    assert response.status_code == 200  # refused: no reason
    c.refresh_from_db()
    assert c.withdrawn_on is None
    response = client.post(
        url, {"withdrawn_on": "2025-01-02", "withdrawal_reason": "Synthetic test withdrawal"}
    )
    assert response["Location"] == f"/admin/surveys/correction/{c.pk}/withdrawal/preview/"
    c.refresh_from_db()
    assert c.withdrawn_on is None  # a draft withdrawal: still in force
    client.post(f"/admin/surveys/correction/{c.pk}/withdrawal/publish/")
    c.refresh_from_db()
    assert str(c.withdrawn_on) == "2025-01-02"
    assert c.new_value == "0" and c.reason.startswith(
        "We note that the survey returns"
    )  # unchanged
    assert c.history.first().history_change_reason == "Withdrawn: Synthetic test withdrawal"


def test_published_finding_values_are_read_only_after_entry(real_data, client, editor):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    client.post(
        f"/admin/surveys/publishedfinding/{finding.pk}/change/",
        {"notes": "new note", "value": "99"},
    )
    finding.refresh_from_db()
    assert finding.value == 11 and finding.notes == "new note"


CHANGELISTS = [
    f"/admin/surveys/{model}/"
    for model in (
        "body",
        "publication",
        "surveyround",
        "return",
        "systemtype",
        "vendor",
        "vendorconcern",
        "answer",
        "publishedfinding",
        "correction",
    )
] + ["/admin/surveys/body/?q=hampshire", "/admin/", "/admin/reconciliation/"]


@pytest.mark.parametrize("url", CHANGELISTS)
def test_admin_pages_make_a_bounded_number_of_queries(
    real_data, client, editor, url, django_assert_max_num_queries
):
    with django_assert_max_num_queries(25):
        assert client.get(url).status_code == 200


def test_admin_change_pages_bounded(real_data, client, editor, django_assert_max_num_queries):
    ret = Answer.objects.first().survey_return
    with django_assert_max_num_queries(40):
        assert client.get(f"/admin/surveys/return/{ret.pk}/change/").status_code == 200
    c = Correction.objects.get()
    with django_assert_max_num_queries(25):
        assert client.get(f"/admin/surveys/correction/{c.pk}/change/").status_code == 200


def test_admin_csv_export_escapes_formulae(real_data, client, editor):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    PublishedFinding.objects.filter(pk=finding.pk).update(notes="x")
    Answer.objects.filter(pk=Answer.objects.first().pk).update(notes="=cmd|' /C calc'!A0")
    response = client.post(
        "/admin/surveys/answer/",
        {
            "action": "export_as_csv",
            "_selected_action": list(Answer.objects.values_list("pk", flat=True)),
        },
    )
    body = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.reader(io.StringIO(body)))
    notes = [row[6] for row in rows[1:]]
    assert "'=cmd|' /C calc'!A0" in notes
    assert not any(n.startswith("=") for n in notes)


def test_reconciliation_lists_figures_to_check(real_data, client, editor):
    html = client.get(reverse("admin:reconciliation")).content.decode()
    assert "pr2023-response-rate" in html  # 91% of 39/47
    assert "init2022-hikvision-cameras" in html  # 30% of 11/36
    assert "init2022-lfr-no-intention" in html  # partial per-body data
    assert "pr2023-invited" not in html  # agrees
    # A derived denominator is named as such, not blamed on the publication.
    assert "The published 30% does not fit the derived denominator: 11 of 36 is 30.6%." in html
    assert "The published 91% does not equal its own numbers: 39 of 47 is 83.0%." in html


# --- Import in the admin ------------------------------------------------------------------------

HEADER = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
GOOD = HEADER + "Kent Police,2022,drones,yes,DJI,yes,,,PR2023\nEssex,2022,anpr,no,,,,,PR2023\n"


def upload(client, text, name="answers.csv"):
    return client.post(
        "/admin/surveys/answer/import/",
        {"step": "upload", "file": SimpleUploadedFile(name, text.encode())},
    )


def test_import_preview_then_confirm(real_data, client, editor):
    before = Answer.objects.count()
    response = upload(client, GOOD)
    html = response.content.decode()
    assert "2 rows: 2 to create, 0 to update, 0 unchanged" in html
    assert "Row 2: create Kent, 2022, Drones / UAVs" in html
    assert Answer.objects.count() == before  # a preview writes nothing
    token = response.context["token"]
    response = client.post("/admin/surveys/answer/import/", {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert Answer.objects.count() == before + 2
    kent = Answer.objects.get(survey_return__body__slug="kent", system_type__slug="drones")
    assert list(kent.vendors.values_list("name", flat=True)) == ["DJI"]
    assert kent.history.first().history_user == editor
    # the token is spent: confirming again does nothing
    response = client.post("/admin/surveys/answer/import/", {"step": "confirm", "token": token})
    assert Answer.objects.count() == before + 2


def test_import_with_a_bad_row_shows_errors_and_offers_no_confirm(real_data, client, editor):
    before = Answer.objects.count()
    html = upload(client, GOOD + "Gwent Police,2022,anpr,yes,,,,,PR2023\n").content.decode()
    assert "Row 4, column body: Gwent Police did not respond in 2022" in html
    assert 'name="step" value="confirm"' not in html
    assert Answer.objects.count() == before


@pytest.mark.parametrize(
    "name, data, message",
    [
        ("answers.txt", GOOD, "Upload a .csv or .xlsx file"),
        ("answers.csv", "", "The submitted file is empty"),
        ("answers.csv", "a,b\n1,2\n", "missing column(s)"),
    ],
)
def test_import_refuses_bad_files(real_data, client, editor, name, data, message):
    html = upload(client, data, name).content.decode()
    assert message in html


def test_import_refuses_a_file_over_the_limit(real_data, client, editor, settings):
    settings.IMPORT_MAX_BYTES = 100
    html = upload(client, GOOD * 3).content.decode()
    assert "the limit is 100" in html
