"""With a second editor required, a save on any public record's admin form waits for a second
editor: nothing public changes until a different editor publishes it."""

import datetime

import pytest
from django.contrib import admin
from django.forms.models import model_to_dict
from django.test import RequestFactory, override_settings

from surveys.caching import current_version
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import ChangeDraft, PublishedFinding, VendorConcern
from tests.factories import account
from tests.test_admin_permissions import form_data

pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]
second_editor = override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)


@pytest.fixture
def editors(db):
    return account("maker", EDITORS), account("checker", EDITORS)


def rf_request(user):
    request = RequestFactory().get("/")
    request.user = user
    return request


def concern_edit(client, maker, **changes):
    """The maker posts the first concern's change form with ``changes``."""
    concern = VendorConcern.objects.order_by("pk").first()
    data = form_data(admin.site._registry[VendorConcern], concern, maker) | changes
    client.force_login(maker)
    return concern, client.post(f"/admin/surveys/vendorconcern/{concern.pk}/change/", data)


def decide(client, user, draft, decision):
    client.force_login(user)
    return client.post(f"/admin/surveys/changedraft/{draft.pk}/{decision}/", follow=True)


@second_editor
def test_a_concerns_change_waits_and_changes_nothing_public(client, editors):
    maker, _ = editors
    version = current_version()
    concern, response = concern_edit(client, maker, in_force_until="2099-01-01")
    draft = ChangeDraft.objects.get()
    assert response["Location"] == f"/admin/surveys/changedraft/{draft.pk}/change/"
    concern.refresh_from_db()
    assert concern.in_force_until is None and current_version() == version
    assert "2099-01-01" in draft.summary and draft.requested_by == maker
    page = client.get(response["Location"]).content.decode()
    assert "2099-01-01" in page and 'data-testid="publish-change"' not in page  # not the maker's


@second_editor
def test_the_maker_cannot_publish_their_own_change_and_a_second_editor_can(client, editors):
    maker, checker = editors
    concern, _ = concern_edit(client, maker, in_force_until="2099-01-01")
    draft = ChangeDraft.objects.get()
    assert "not the one who made it" in decide(client, maker, draft, "publish").content.decode()
    concern.refresh_from_db()
    assert concern.in_force_until is None
    decide(client, checker, draft, "publish")
    concern.refresh_from_db()
    draft.refresh_from_db()
    assert concern.in_force_until == datetime.date(2099, 1, 1)
    assert (draft.outcome, draft.decided_by) == ("published", checker)
    latest = concern.history.latest("history_id")
    assert latest.history_user == checker and "proposed by maker" in latest.history_change_reason


@second_editor
def test_a_form_error_shows_and_keeps_no_draft(client, editors):
    maker, _ = editors
    concern, response = concern_edit(client, maker, summary="")
    assert response.status_code == 200 and "This field is required" in response.content.decode()
    assert not ChangeDraft.objects.exists()


@second_editor
def test_a_record_changed_since_the_draft_is_refused_not_overwritten(client, editors):
    maker, checker = editors
    concern, _ = concern_edit(client, maker, in_force_until="2099-01-01")
    first = ChangeDraft.objects.get()
    concern_edit(client, checker, summary="Another editor's wording")
    decide(client, maker, ChangeDraft.objects.exclude(pk=first.pk).get(), "publish")
    response = decide(client, checker, first, "publish")
    assert "has changed since" in response.content.decode()
    concern.refresh_from_db()
    first.refresh_from_db()
    assert concern.summary == "Another editor's wording" and concern.in_force_until is None
    assert first.outcome == ""


@second_editor
def test_a_viewer_neither_publishes_nor_discards(client, editors):
    maker, _ = editors
    concern_edit(client, maker, in_force_until="2099-01-01")
    draft = ChangeDraft.objects.get()
    for decision in ("publish", "discard"):
        client.force_login(account(f"viewer-{decision}", VIEWERS))
        assert client.post(f"/admin/surveys/changedraft/{draft.pk}/{decision}/").status_code == 403
    draft.refresh_from_db()
    assert draft.outcome == ""


@second_editor
def test_a_discarded_change_is_never_published(client, editors):
    maker, checker = editors
    concern, _ = concern_edit(client, maker, in_force_until="2099-01-01")
    draft = ChangeDraft.objects.get()
    decide(client, maker, draft, "discard")
    assert "already decided" in decide(client, checker, draft, "publish").content.decode()
    concern.refresh_from_db()
    assert concern.in_force_until is None


@second_editor
def test_a_new_published_finding_waits_too(client, editors):
    maker, checker = editors
    finding = PublishedFinding.objects.order_by("pk").first()
    fields = admin.site._registry[PublishedFinding].get_form(rf_request(maker), None).base_fields
    data = {
        name: "" if value is None else str(value)
        for name, value in model_to_dict(finding, fields=list(fields)).items()
    }
    data |= {"key": "synthetic-new-finding"}
    client.force_login(maker)
    client.post("/admin/surveys/publishedfinding/add/", data)
    assert not PublishedFinding.objects.filter(key="synthetic-new-finding").exists()
    draft = ChangeDraft.objects.get()
    assert draft.object_id is None
    decide(client, checker, draft, "publish")
    assert PublishedFinding.objects.filter(key="synthetic-new-finding").exists()


def test_without_the_setting_one_editor_saves_at_once(client, editors):
    maker, _ = editors
    concern, response = concern_edit(client, maker, in_force_until="2099-01-01")
    concern.refresh_from_db()
    assert concern.in_force_until == datetime.date(2099, 1, 1)
    assert not ChangeDraft.objects.exists()


@second_editor
def test_a_second_click_on_publish_publishes_once(client, editors):
    maker, checker = editors
    concern, _ = concern_edit(client, maker, in_force_until="2099-01-01")
    draft = ChangeDraft.objects.get()
    decide(client, checker, draft, "publish")
    versions = concern.history.count()
    assert "already decided" in decide(client, checker, draft, "publish").content.decode()
    assert concern.history.count() == versions
