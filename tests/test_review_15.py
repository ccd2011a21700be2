"""Review of issue 15: drafts whose data changed since they were saved, and what a draft's
preview says about the value it changes."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys import corrections
from surveys.models import Answer, Correction, ImportDraft, PublishedFinding, Vendor
from surveys.roles import EDITORS

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/surveys/answer/import/"


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def editor(real_data, client):
    account = User.objects.create_user("maker", password="a-long-test-password-123")
    account.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(account)
    return account


def draft_for(finding_key: str, new_value: str, qualifier: str = "", user=None) -> Correction:
    finding = PublishedFinding.objects.get(key=finding_key)
    return corrections.save_draft(
        Correction(
            finding=finding,
            new_value=new_value,
            new_qualifier=qualifier,
            reason="Review test",
            source=finding.publication,
        ),
        user=user,
    )


def test_preview_names_the_new_value_with_the_figures_qualifier(editor, client):
    """An empty qualifier keeps the figure's own: "at least 11 → at least 12", not "→ 12"."""
    draft = draft_for("pr2023-anpr-concern", "12", user=editor)
    page = text(client.get(f"/admin/surveys/correction/{draft.pk}/preview/"))
    assert "at least 11 → at least 12." in page


def test_preview_names_the_value_now_when_it_changed_since_the_draft(editor, client):
    """Another correction published since the draft: the preview says what the value is now."""
    stale = draft_for("pr2023-anpr-concern", "13", "exact", user=editor)
    corrections.publish(draft_for("pr2023-anpr-concern", "12", user=editor), user=editor)
    page = text(client.get(f"/admin/surveys/correction/{stale.pk}/preview/"))
    assert "at least 12 → 13." in page
    assert "at least 11 → 13" not in page


def vendors_draft(editor) -> Correction:
    answer = Answer.objects.filter(vendors__isnull=False).first()
    return corrections.save_draft(
        Correction(
            answer=answer,
            answer_field=Correction.AnswerField.VENDORS,
            new_value="Milestone",
            reason="Review test",
            source=answer.survey_return.survey_round.publications.first()
            or PublishedFinding.objects.first().publication,
        ),
        user=editor,
    )


def test_a_draft_that_can_no_longer_be_published_is_shown_with_why(editor, client):
    """The vendor it names was renamed since: the preview says so (not a server error), offers
    no Publish and keeps Discard."""
    draft = vendors_draft(editor)
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")
    response = client.get(f"/admin/surveys/correction/{draft.pk}/preview/")
    assert response.status_code == 200
    page = text(response)
    assert "cannot be published as it is" in page
    assert "Unknown vendor 'Milestone'" in page
    html = response.content.decode()
    assert 'data-testid="publish"' not in html
    assert 'data-testid="discard"' in html
    # Publishing refuses it too, and the editor lands on the preview that says why.
    response = client.post(f"/admin/surveys/correction/{draft.pk}/publish/", follow=True)
    assert response.status_code == 200
    assert "Not published: Unknown vendor 'Milestone'" in text(response)
    assert Correction.objects.get(pk=draft.pk).status == Correction.Status.DRAFT


def test_a_draft_correction_page_says_it_is_a_draft(editor, client):
    draft = draft_for("pr2023-anpr-concern", "12", user=editor)
    response = client.get(f"/admin/surveys/correction/{draft.pk}/change/")
    assert "This correction is a draft" in text(response)
    assert f"/admin/surveys/correction/{draft.pk}/preview/" in response.content.decode()


def test_a_draft_import_whose_data_changed_can_still_be_seen_and_discarded(editor, client):
    """A draft import that no longer validates (a vendor it names was renamed): its page lists
    the errors instead of failing, offers no Publish, and it can be discarded."""
    data = b"body,round,system_type,source,operates,vendors\nkent,2022,anpr,FOI0323,yes,Milestone\n"
    client.post(
        IMPORT_URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""}
    )
    draft = ImportDraft.objects.get()
    token = draft.stored_name.rsplit(".", 1)[0]
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")

    response = client.get(f"{IMPORT_URL}?draft={token}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Milestone" in text(response) and 'value="Publish these rows"' not in html
    assert 'value="Discard the draft"' in html

    response = client.get(f"{IMPORT_URL}draft/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}?draft={token}"

    response = client.post(IMPORT_URL, {"step": "confirm", "token": token})
    assert 'value="Discard the draft"' in response.content.decode()

    client.post(IMPORT_URL, {"step": "discard", "token": token})
    assert not ImportDraft.objects.exists()


def test_a_draft_import_whose_file_is_gone_is_not_a_server_error(editor, client, settings):
    from pathlib import Path

    data = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
    client.post(
        IMPORT_URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""}
    )
    draft = ImportDraft.objects.get()
    (Path(settings.IMPORT_DIR) / draft.stored_name).unlink()
    token = draft.stored_name.rsplit(".", 1)[0]
    response = client.get(f"{IMPORT_URL}draft/{token}/")
    assert response.status_code == 302
