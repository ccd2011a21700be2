"""The admin import shows values: each field's old and new value, what was done, the guide."""

import re
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.editorial.roles import VIEWERS
from surveys.models import Answer
from tests import factories as f
from tests.test_admin import GOOD, HEADER, upload

pytestmark = pytest.mark.django_db

EXAMPLE = Path(__file__).resolve().parent.parent / "docs" / "example-answers.csv"
# Kent's drones are new; Bedfordshire's CCTV vendor changes (a correction).
MIXED = GOOD.splitlines(keepends=True)[1] + (
    "Bedfordshire Police,2022,cctv-unspecified,yes,Dahua,,,,EPOCH2022\n"
)


def changes(html: str) -> str:
    block = re.search(r'<ul id="import-changes">(.*?)</ul>\s*</li>\s*</ul>', html, re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", block.group(1)))


def test_the_preview_shows_new_values_and_old_to_new_values(real_data, client, editor):
    html = upload(client, HEADER + MIXED).content.decode()
    listed = changes(html)
    assert "Row 2: create Kent, 2022, Drones / UAVs" in listed
    assert "operates: yes" in listed and "vendors: DJI" in listed and "source: PR2023" in listed
    assert "none ->" not in listed and "not known →" not in listed  # nothing old for a new answer
    assert "Row 3: update Bedfordshire, 2022" in listed
    assert "vendors: Hikvision → Dahua" in listed


def test_the_import_pages_have_one_heading(real_data, client, editor):
    for html in (
        client.get("/admin/surveys/answer/import/").content.decode(),
        upload(client, GOOD).content.decode(),
    ):
        assert len(re.findall(r"<h1[ >]", html)) == 1, html


def test_confirming_says_what_was_done(real_data, client, editor):
    response = client.post(
        "/admin/surveys/answer/import/",
        {
            "step": "upload",
            "file": SimpleUploadedFile("answers.csv", (HEADER + MIXED).encode()),
            "reason": "Misread",
        },
    )
    confirmed = client.post(
        "/admin/surveys/answer/import/",
        {"step": "confirm", "token": response.context["token"]},
        follow=True,
    )
    said = [m.message for m in confirmed.context["messages"]]
    # The vendors and the notes (blank in the file: none) change, each by a correction.
    assert said == ["Created 1 answer, updated 1, recorded 2 corrections (from answers.csv)."]
    bedfordshire = Answer.objects.get(
        survey_return__body__slug="bedfordshire", system_type__slug="cctv-unspecified"
    )
    assert {c.reason for c in bedfordshire.corrections.all()} == {"Misread"}
    assert sorted(c.answer_field for c in bedfordshire.corrections.all()) == ["notes", "vendors"]


def test_the_import_page_links_the_example_file_and_the_column_guide(real_data, client, editor):
    html = client.get("/admin/surveys/answer/import/").content.decode()
    assert 'href="/admin/surveys/answer/import/example-answers.csv"' in html
    assert 'href="#column-guide"' in html and 'id="column-guide"' in html
    for column in ("body", "round", "system_type", "source", "vendors", "intent"):
        assert f"<code>{column}</code>" in html
    example = client.get("/admin/surveys/answer/import/example-answers.csv")
    assert example.status_code == 200
    assert b"".join(example.streaming_content) == EXAMPLE.read_bytes()
    assert "example-answers.csv" in example["Content-Disposition"]


def test_the_example_file_is_for_importers_only(real_data, client):
    client.force_login(f.account("viewer", VIEWERS))
    assert client.get("/admin/surveys/answer/import/example-answers.csv").status_code == 403
    client.logout()
    assert client.get("/admin/surveys/answer/import/example-answers.csv").status_code == 302
