"""An import is a draft until an editor publishes it; it can be previewed and discarded, waits
for other editors, and follows the maker-checker setting. A draft whose data or file changed
since it was saved can still be seen and discarded."""

from pathlib import Path

import pytest
from django.conf import settings
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import override_settings

from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Answer, ImportDraft, Vendor
from tests import factories as f
from tests.pages import text, visible


def public_state(client) -> tuple:
    """What the public can see that an import could change."""
    from django.core.cache import cache

    cache.clear()
    return (
        list(Answer.objects.order_by("pk").values_list("pk", "operates")),
        client.get("/api/v1/statistics/system-types/?round=2022").content,
        client.get("/forces/kent/").content,
    )


# Every test here works on the real data, its maker (conftest) logged in.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

FILE = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
URL = "/admin/surveys/answer/import/"


def upload(client, data: bytes = FILE):
    return client.post(
        URL, {"step": "upload", "file": SimpleUploadedFile("kent.csv", data), "reason": ""}
    )


def kent_drones():
    return Answer.objects.filter(
        survey_return__body__slug="kent", system_type__slug="drones"
    ).first()


def test_an_upload_is_a_draft_that_changes_nothing(maker, client):
    before = public_state(client)
    response = upload(client)
    assert response.status_code == 200
    draft = ImportDraft.objects.get()
    assert (draft.filename, draft.uploaded_by) == ("kent.csv", maker)
    assert Path(settings.IMPORT_DIR, draft.stored_name).exists()
    html = response.content.decode()
    assert "Saved as a draft: nothing public has changed" in html
    assert "2022, Drones / UAVs: Operate it" in html  # 1 of 1 -> 2 of 2 operators
    assert public_state(client) == before and kent_drones() is None


def test_a_draft_waits_for_other_editors_and_shows_its_pages(maker, client):
    upload(client)
    draft = ImportDraft.objects.get()
    token = Path(draft.stored_name).stem
    client.force_login(f.account("colleague", EDITORS))
    page = client.get(URL).content.decode()
    assert 'id="import-drafts"' in page and "kent.csv" in page
    assert "Saved as a draft" in client.get(f"{URL}?draft={token}").content.decode()
    preview = client.get(f"{URL}draft/{token}/?page=/forces/kent/").content.decode()
    assert 'data-testid="preview-page"' in preview and "Drones / UAVs" in preview
    assert kent_drones() is None  # the preview was rolled back


def test_discarding_deletes_the_draft_and_its_file_with_history(maker, client):
    upload(client)
    draft = ImportDraft.objects.get()
    path = Path(settings.IMPORT_DIR, draft.stored_name)
    response = client.post(URL, {"step": "discard", "token": path.stem})
    assert response.status_code == 302
    assert not ImportDraft.objects.exists() and not path.exists()
    history = ImportDraft.history.filter(id=draft.pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert kent_drones() is None
    # A discarded draft cannot be published afterwards.
    client.post(URL, {"step": "confirm", "token": path.stem})
    assert kent_drones() is None


def test_publishing_writes_it_and_closes_the_draft(maker, client):
    upload(client)
    token = Path(ImportDraft.objects.get().stored_name).stem
    response = client.post(URL, {"step": "confirm", "token": token})
    assert response.status_code == 302
    assert kent_drones().operates is True
    assert not ImportDraft.objects.exists()
    assert (
        ImportDraft.history.filter(history_type="-")
        .get()
        .history_change_reason.startswith("Published by maker")
    )


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_maker_checker_applies_to_imports(maker, client):
    response = upload(client)
    assert 'id="import-publish-refused"' in response.content.decode()
    token = Path(ImportDraft.objects.get().stored_name).stem
    client.post(URL, {"step": "confirm", "token": token})
    assert kent_drones() is None
    client.force_login(f.account("checker", EDITORS))
    client.post(URL, {"step": "confirm", "token": token})
    assert kent_drones().operates is True


def test_viewers_cannot_see_publish_or_discard_drafts(maker, client):
    upload(client)
    token = Path(ImportDraft.objects.get().stored_name).stem
    client.force_login(f.account("reader", VIEWERS))
    assert client.get(f"{URL}?draft={token}").status_code == 403
    assert client.get(f"{URL}draft/{token}/").status_code == 403
    assert client.post(URL, {"step": "confirm", "token": token}).status_code == 403
    assert client.post(URL, {"step": "discard", "token": token}).status_code == 403
    assert ImportDraft.objects.count() == 1 and kent_drones() is None


def test_a_forged_token_names_no_draft(maker, client):
    upload(client)
    for token in ("../../etc/passwd", "", "x" * 300, "nope"):
        response = client.post(URL, {"step": "confirm", "token": token})
        assert response.status_code == 302
    assert kent_drones() is None and ImportDraft.objects.count() == 1


def test_a_draft_import_whose_data_changed_can_still_be_seen_and_discarded(
    real_data, maker, client
):
    """A draft import that no longer validates (a vendor it names was renamed): its page lists
    the errors instead of failing, offers no Publish, and it can be discarded."""
    data = b"body,round,system_type,source,operates,vendors\nkent,2022,anpr,FOI0323,yes,Milestone\n"
    client.post(URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""})
    draft = ImportDraft.objects.get()
    token = draft.stored_name.rsplit(".", 1)[0]
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")

    response = client.get(f"{URL}?draft={token}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Milestone" in visible(text(response)) and 'value="Publish these rows"' not in html
    assert 'value="Discard the draft"' in html

    response = client.get(f"{URL}draft/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"{URL}?draft={token}"

    response = client.post(URL, {"step": "confirm", "token": token})
    assert 'value="Discard the draft"' in response.content.decode()

    client.post(URL, {"step": "discard", "token": token})
    assert not ImportDraft.objects.exists()


def test_a_draft_import_whose_file_is_gone_is_not_a_server_error(
    real_data, maker, client, settings
):
    data = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
    client.post(URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""})
    draft = ImportDraft.objects.get()
    (Path(settings.IMPORT_DIR) / draft.stored_name).unlink()
    token = draft.stored_name.rsplit(".", 1)[0]
    response = client.get(f"{URL}draft/{token}/")
    assert response.status_code == 302
