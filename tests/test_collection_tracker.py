"""The tracker: per invitation where the return stands (form opened, draft, submitted by whom,
returned, accepted, late, withdrawn), counts at the top, CSV, reminders; Editors and Viewers
see it, only Editors act; its queries do not grow with the bodies invited."""

import csv
import datetime
import io

import pytest
from django.core import mail
from django.utils import timezone

from surveys.collection import opening, tokens, tracker
from surveys.models import Invitation
from tests import factories as f

URL = "/admin/surveys/invitation/"


@pytest.fixture
def tracked(world, collection):
    """Northshire submitted late (after the 1 June deadline), Southshire opened its link and
    has a draft, the agency is withdrawn."""
    north = collection.invitations.get(body=world.northshire)
    f.online_return(
        north,
        "submitted",
        submitted_at=timezone.make_aware(datetime.datetime(2022, 6, 3, 10, 0)),
        submitted_by_name="Jo Bloggs",
        submitted_by_role="Head of CCTV",
    )
    south = collection.invitations.get(body=world.southshire)
    south.first_opened_at = timezone.make_aware(datetime.datetime(2022, 5, 20, 9, 0))
    south.contact_email = "south@example.org"
    south.save()
    f.online_return(south, "draft", version=2)  # saved once
    opening.withdraw(collection.invitations.get(body=world.agency))
    return collection


def test_the_tracker_shows_each_stage_and_the_counts(world, tracked, viewer, client):
    response = client.get(URL, {"collection__id__exact": tracked.pk})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Jo Bloggs, Head of CCTV" in page
    counts = dict(response.context["counts"])
    assert counts == {
        "Invited": 2,
        "Form opened": 1,
        "Draft": 1,
        "Submitted, to review": 1,
        "Returned to the body": 0,
        "Accepted": 0,
        "Late": 2,  # one submitted after the deadline, one not submitted past it
        "Withdrawn": 1,
    }
    stages = {i.body.slug: tracker.stage(i) for i in tracker.tracked(tracked.invitations.all())}
    assert stages == {
        "northshire-police": "submitted",
        "southshire-constabulary": "draft",
        "test-agency": "withdrawn",
    }


def test_late_means_submitted_after_the_deadline_or_not_submitted_past_it(world, tracked):
    rows = {i.body.slug: i for i in tracker.tracked(tracked.invitations.all())}
    before = datetime.date(2022, 5, 31)
    assert tracker.is_late(rows["northshire-police"], today=before)  # submitted 3 June
    assert not tracker.is_late(rows["southshire-constabulary"], today=before)
    assert tracker.is_late(rows["southshire-constabulary"], today=datetime.date(2022, 6, 2))
    assert not tracker.is_late(rows["test-agency"])  # withdrawn


def test_the_tracker_makes_the_same_queries_for_three_bodies_or_sixty(
    world, tracked, editor, client, django_assert_max_num_queries
):
    with django_assert_max_num_queries(20) as few:
        client.get(URL)
    for n in range(57):
        body = f.body(f"Synthetic Force {n}", source=world.report)
        invitation = opening.add_invitation(tracked, body)
        if n % 2:
            f.online_return(invitation, "submitted")
    with django_assert_max_num_queries(len(few.captured_queries)):
        response = client.get(URL)
    assert response.status_code == 200


def test_the_csv_export_has_every_tracked_column(world, tracked, viewer, client):
    ids = list(tracked.invitations.values_list("pk", flat=True))
    response = client.post(URL, {"action": "export_as_csv", "_selected_action": ids})
    assert response.status_code == 200
    text = b"".join(response.streaming_content).decode("utf-8-sig")
    rows = list(csv.DictReader(io.StringIO(text)))
    north = next(r for r in rows if r["body"] == "Northshire Police")
    assert (north["stage"], north["submitted_by"], north["late"]) == (
        "submitted",
        "Jo Bloggs",
        "yes",
    )
    assert north["submitted_at"].startswith("2022-06-03")


def test_only_an_editor_sends_reminders_and_only_to_bodies_not_submitted(
    world, tracked, client, settings
):
    settings.EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
    tracked.invitations.update(contact_email="someone@example.org")
    Invitation.objects.filter(collection=tracked, body=world.southshire).update(
        contact_email="south@example.org"
    )
    ids = list(tracked.invitations.values_list("pk", flat=True))
    client.force_login(f.account("viewer", "Viewers"))
    client.post(URL, {"action": "send_reminders", "_selected_action": ids})
    assert mail.outbox == []
    client.force_login(f.account("editor", "Editors"))
    client.post(URL, {"action": "send_reminders", "_selected_action": ids})
    # Northshire has submitted, the agency is withdrawn: only Southshire is reminded.
    assert [m.to for m in mail.outbox] == [["south@example.org"]]
    south = tracked.invitations.get(body=world.southshire)
    assert south.last_reminded_at is not None


def test_a_viewer_cannot_withdraw_revoke_or_reissue(world, tracked, viewer, client):
    invitation = tracked.invitations.get(body=world.southshire)
    before = (invitation.token_hash, invitation.revoked_at, invitation.withdrawn_at)
    for action in ("withdraw", "revoke_links", "reissue_links"):
        client.post(URL, {"action": action, "_selected_action": [invitation.pk]})
    invitation.refresh_from_db()
    assert (invitation.token_hash, invitation.revoked_at, invitation.withdrawn_at) == before


def test_a_withdrawn_body_can_be_reinstated_with_a_trace(world, tracked, editor, viewer, client):
    agency = tracked.invitations.get(body=world.agency)
    token = opening.reissue(agency)
    opening.withdraw(agency)
    assert tokens.invitation_for(token, today=datetime.date(2022, 6, 1)) is None
    client.logout()
    anonymous = client.post(URL, {"action": "reinstate", "_selected_action": [agency.pk]})
    assert anonymous.status_code == 302 and "/login/" in anonymous["Location"]
    client.force_login(viewer)
    client.post(URL, {"action": "reinstate", "_selected_action": [agency.pk]})
    agency.refresh_from_db()
    assert agency.withdrawn_at is not None  # anonymous and a Viewer change nothing
    client.force_login(editor)
    client.post(URL, {"action": "reinstate", "_selected_action": [agency.pk]})
    agency.refresh_from_db()
    assert agency.withdrawn_at is None
    assert tokens.invitation_for(token, today=datetime.date(2022, 6, 1)) == agency
    assert agency.history.first().history_change_reason == f"Reinstated by {editor}"
    assert tracker.stage(agency) == "not started"


@pytest.mark.parametrize(
    "query",
    [
        {"collection__id__exact": "abc"},
        {"collection__id__exact": "99999"},
        {"withdrawn_at__isempty": "maybe"},
        {"o": "99"},
        {"q": "\x00" * 3},
    ],
)
def test_bad_tracker_queries_are_never_a_500(world, tracked, editor, client, query):
    assert client.get(URL, query).status_code in (200, 302, 400)


def test_reminders_are_not_sent_from_the_admin_to_the_console_in_production(
    world, tracked, editor, client, settings
):
    """The console backend would write each link to the server's log."""
    settings.EMAIL_BACKEND = "django.core.mail.backends.console.EmailBackend"
    settings.DEBUG = False
    south = tracked.invitations.get(body=world.southshire)
    response = client.post(
        URL, {"action": "send_reminders", "_selected_action": [south.pk]}, follow=True
    )
    assert "email is not set up" in response.content.decode()
    south.refresh_from_db()
    assert south.last_reminded_at is None
