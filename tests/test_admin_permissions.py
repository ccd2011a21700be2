"""Every admin URL that accepts POST, for every model, as anonymous, Viewer and Editor.

Each role posts valid form data (the record's own values) to every such URL; afterwards the
database, history included, must be exactly as before wherever the role may not write.
"""

import hashlib

import pytest
from django.apps import apps
from django.contrib import admin
from django.test import RequestFactory

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Correction, ImportDraft, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db


def fingerprint() -> str:
    """Every row of every survey table and its history, as one hash."""
    digest = hashlib.sha256()
    for model in sorted(apps.get_app_config("surveys").get_models(), key=lambda m: m.__name__):
        if model.__name__ == "DataVersion":
            continue
        for row in model.objects.order_by("pk").values_list():
            digest.update(repr(row).encode())
    return digest.hexdigest()


def form_data(model_admin, obj, superuser) -> dict:
    """What the record's change form would post, unchanged."""
    request = RequestFactory().get("/")
    request.user = superuser
    form = model_admin.get_form(request, obj)(instance=obj)
    data = {}
    for name in form.fields:
        value = form.initial.get(name)
        if value is None or value is False:
            continue
        if value is True:
            data[name] = "on"
        elif isinstance(value, list):
            data[name] = [getattr(v, "pk", v) for v in value]
        else:
            data[name] = str(getattr(value, "pk", value))
    return data


def post_urls(superuser) -> list[tuple[str, dict]]:
    """Each admin URL that takes a POST, with the data a real form would send."""
    urls = [("/admin/surveys/answer/import/", {"step": "confirm", "token": "x"})]
    urls.append(("/admin/reconciliation/", {}))
    draft = f.change_draft(superuser)
    for decision in ("publish", "discard"):
        urls.append((f"/admin/surveys/changedraft/{draft.pk}/{decision}/", {}))
    f.collection_with_a_return(superuser)  # the real data has no round being collected
    for model, model_admin in admin.site._registry.items():
        if model._meta.app_label != "surveys":
            continue
        obj = model.objects.order_by("pk").first()
        assert obj is not None, f"no {model.__name__} in the real data"
        base = f"/admin/surveys/{model._meta.model_name}/"
        data = form_data(model_admin, obj, superuser)
        urls.append((f"{base}add/", data))
        urls.append((f"{base}{obj.pk}/change/", data))
        urls.append((f"{base}{obj.pk}/delete/", {"post": "yes"}))
        urls.append((base, {"action": "delete_selected", "_selected_action": [obj.pk]}))
        if hasattr(obj, "history"):
            record = obj.history.order_by("history_id").first()
            urls.append((f"{base}{obj.pk}/history/{record.history_id}/", data))
        if model.__name__ == "ReferenceRecord":
            for action in ("take_file_value", "keep_database_value"):
                urls.append((base, {"action": action, "_selected_action": [obj.pk]}))
    return urls


@pytest.fixture
def superuser(db):
    return f.account("root", is_superuser=True)


def test_anonymous_and_viewer_change_nothing_through_any_admin_post(real_data, client, superuser):
    urls = post_urls(superuser)
    assert len(urls) > 40
    before = fingerprint()
    for url, data in urls:
        response = client.post(url, data)
        assert response.status_code == 302 and "/admin/login/" in response["Location"], url
    client.force_login(f.account("viewer", VIEWERS))
    for url, data in urls:
        response = client.post(url, data)
        allowed = (200, 302, 403) if "action" in data else (302, 403, 405)  # no action run
        assert response.status_code in allowed, (url, response.status_code)
    assert fingerprint() == before


def test_nobody_reverts_from_history_or_deletes(real_data, client, superuser):
    """Reverts would bypass the correction and withdrawal rules: refused for every role."""
    urls = post_urls(superuser)
    before = fingerprint()
    for user in (f.account("editor", EDITORS), superuser):
        client.force_login(user)
        for url, data in urls:
            if "/history/" in url or url.endswith("/delete/"):
                assert client.post(url, data).status_code == 403, url
            elif data.get("action") == "delete_selected":
                client.post(url, data)
    assert fingerprint() == before


def test_history_pages_still_show_each_version(real_data, client, superuser):
    client.force_login(f.account("viewer", VIEWERS))
    from surveys.models import Return

    ret = Return.objects.first()
    record = ret.history.first()
    response = client.get(f"/admin/surveys/return/{ret.pk}/history/{record.history_id}/")
    assert response.status_code == 200
    assert b'name="_save"' not in response.content


METHODS = ("get", "post", "put", "delete")


@pytest.fixture
def drafts(real_data, client):
    maker = f.account("maker", EDITORS)
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    correction = corrections.save_draft(
        Correction(finding=finding, new_value="12", reason="Synthetic", source=finding.publication),
        user=maker,
    )
    return correction, f.import_draft_token(client, maker)


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
    f.log_in_as(client, role)
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
    f.log_in_as(client, role)
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    client.post("/admin/surveys/answer/import/", {"step": "discard", "token": token})
    correction.refresh_from_db()
    published = role == EDITORS
    assert (correction.status == "published") is published
    assert ImportDraft.objects.exists() is not published
