"""Every URL issues 14 and 15 added or mounted, with every HTTP method, as an anonymous
visitor, a Viewer and an Editor: what each may do, and that nothing changes unless an Editor
POSTs to publish or discard."""

from pathlib import Path

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Correction, ImportDraft, PublishedFinding

pytestmark = pytest.mark.django_db

METHODS = ("get", "post", "put", "delete")


@pytest.fixture
def drafts(real_data, client):
    maker = User.objects.create_user("maker", password="a-long-test-password-123")
    maker.groups.add(Group.objects.get(name=EDITORS))
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    correction = corrections.save_draft(
        Correction(finding=finding, new_value="12", reason="Synthetic", source=finding.publication),
        user=maker,
    )
    client.force_login(maker)
    client.post(
        "/admin/surveys/answer/import/",
        {
            "step": "upload",
            "file": SimpleUploadedFile(
                "kent.csv",
                b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n",
            ),
        },
    )
    client.logout()
    token = Path(ImportDraft.objects.get().stored_name).stem
    return correction, token


def login(client, role: str | None) -> None:
    if role is None:
        return
    account = User.objects.create_user(role, password="a-long-test-password-123")
    account.groups.add(Group.objects.get(name=role))
    client.force_login(account)


def expected_admin(role, method, url_kind) -> int:
    """The status each role gets: anonymous is sent to log in; a read is allowed to whoever
    may read it; a write only to an editor, by POST."""
    if role is None:
        return 302
    reads = {"preview": 200, "import_draft": 403 if role == VIEWERS else 200}
    if url_kind in reads:
        return reads[url_kind] if method == "get" else 405
    # publish / discard: POST only
    if method != "post":
        return 405
    return 403 if role == VIEWERS else 302


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("method", METHODS)
def test_draft_urls_by_role_and_method(drafts, client, role, method):
    correction, token = drafts
    login(client, role)
    base = f"/admin/surveys/correction/{correction.pk}/"
    for url_kind, url in (
        ("preview", f"{base}preview/"),
        ("import_draft", f"/admin/surveys/answer/import/draft/{token}/"),
    ):
        response = getattr(client, method)(url)
        assert response.status_code == expected_admin(role, method, url_kind), (url, method)
    # Writes, except an editor's POST, change nothing.
    for url_kind in ("publish", "discard"):
        if role == EDITORS and method == "post":
            continue
        response = getattr(client, method)(f"{base}{url_kind}/")
        assert response.status_code == expected_admin(role, method, url_kind), (url_kind, method)
    correction.refresh_from_db()
    assert correction.status == "draft"
    import_page = getattr(client, method)(
        "/admin/surveys/answer/import/", {"step": "discard", "token": token}
    )
    if role is None:
        assert import_page.status_code == 302
    elif role == VIEWERS:
        assert import_page.status_code in (403, 405)
    elif method in ("put", "delete"):
        assert import_page.status_code == 405
    if not (role == EDITORS and method == "post"):
        assert ImportDraft.objects.count() == 1


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
def test_an_editors_post_publishes_and_discards(drafts, client, role):
    correction, token = drafts
    login(client, role)
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    client.post("/admin/surveys/answer/import/", {"step": "discard", "token": token})
    correction.refresh_from_db()
    published = role == EDITORS
    assert (correction.status == "published") is published
    assert ImportDraft.objects.exists() is not published


PUBLIC = (
    "/api/v1/evidence/",
    "/api/v1/evidence/essex-lfr-own-vans-2024/",
    "/api/v1/commissioner-terms/",
    "/systems/facial-recognition/?evidence=1",
    "/?round=2023",
    "/forces/?round=2023",
    "/forces/west-yorkshire/",
)


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("method", METHODS)
def test_new_public_urls_read_only_for_everyone(real_data, client, role, method):
    login(client, role)
    for url in PUBLIC:
        response = getattr(client, method)(url)
        assert response.status_code == (200 if method == "get" else 405), (url, method)


@pytest.mark.parametrize("role", [None, VIEWERS, EDITORS])
@pytest.mark.parametrize("method", METHODS)
def test_a_forged_password_link_sets_nothing(real_data, client, role, method):
    login(client, role)
    before = list(User.objects.values_list("username", "password"))
    response = getattr(client, method)(
        "/admin/password-set/MQ/forged-token/",
        {"new_password1": "a-long-test-password-999", "new_password2": "a-long-test-password-999"},
    )
    assert response.status_code in (200, 405)
    assert list(User.objects.values_list("username", "password")) == before
