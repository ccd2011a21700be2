"""The pages an invited body uses at its link: start, form (errors, drafts), review, submit,
receipt, read-only after submission, all private and bounded in queries."""

import pytest

from surveys.collection import tracker
from surveys.models import OnlineReturn
from tests.returns_world import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def online(world):
    return open_round(world)


def url(online, body, page=""):
    return f"/returns/{online.token(body)}/{page}"


def filled(world, online, **changes):
    """A complete, consistent form for Northshire: operates external CCTV (Redcam, 40 units),
    not drones, facial recognition not known."""
    data = {
        "version": "1",
        "action": "draft",
        "external-cctv-operates": "yes",
        "external-cctv-vendors": [str(world.redcam.pk)],
        "external-cctv-other_vendors": "Acme Optics",
        "external-cctv-unit_count": "40",
        "external-cctv-aware_of_concerns": "no",
        "external-cctv-intent": "intends",
        "external-cctv-notes": "Town centres.",
        "drones-operates": "no",
        "drones-aware_of_concerns": "unknown",
        "drones-intent": "no_intention",
        "facial-recognition-operates": "unknown",
        "facial-recognition-kinds": ["retrospective"],
        "facial-recognition-intent": "unsure",
    }
    data.update(changes)
    return data


def test_the_start_page_names_the_body_round_deadline_and_what_is_asked(client, world, online):
    response = client.get(url(online, world.northshire))
    text = response.content.decode()
    assert response.status_code == 200
    assert "Northshire Police: your return to the 2024 survey" in text
    assert online.collection.deadline.strftime("%-d %B %Y") in text
    for name in ("External CCTV (also: how many units)", "Drones", "Facial recognition"):
        assert name in text
    assert f"/returns/{online.token(world.northshire)}/questionnaire.xlsx" in text
    assert "Southshire" not in text


def test_following_the_link_marks_nothing_until_the_form_or_questionnaire_is_opened(
    client, world, online
):
    """An email scanner opens the link in an invitation: the tracker must not say 'opened' or
    'draft' for a body that has not looked."""
    invitation = online.invitations["northshire-police"]
    for _ in range(2):
        assert client.get(url(online, world.northshire)).status_code == 200
    invitation.refresh_from_db()
    assert invitation.first_opened_at is None
    assert not OnlineReturn.objects.filter(invitation=invitation).exists()
    assert "Not started" in client.get(url(online, world.northshire)).content.decode()
    assert client.get(url(online, world.northshire, "form/")).status_code == 200
    invitation.refresh_from_db()
    assert invitation.first_opened_at is not None
    assert tracker.stage(invitation) == "form opened"  # nothing saved yet: not a draft
    south = online.invitations["southshire-constabulary"]
    response = client.get(url(online, world.southshire, "questionnaire.xlsx"))
    assert response.status_code == 200
    south.refresh_from_db()
    assert south.first_opened_at is not None


def test_return_pages_are_private_and_send_no_referrer(client, world, online):
    response = client.get(url(online, world.northshire, "form/"))
    assert response["Cache-Control"] == "private, no-store" or set(
        response["Cache-Control"].replace(" ", "").split(",")
    ) >= {"private", "no-store"}
    assert response["Referrer-Policy"] == "same-origin"


def test_a_draft_saved_comes_back_on_the_form(client, world, online):
    response = client.post(url(online, world.northshire, "form/"), filled(world, online))
    assert response.status_code == 302
    assert response["Location"].endswith("/form/?saved=1")
    page = client.get(response["Location"]).content.decode()
    assert "Your draft was saved" in page
    assert 'value="Acme Optics"' in page
    assert 'id="external-cctv-unit_count" name="external-cctv-unit_count" value="40"' in page
    assert f'value="{world.redcam.pk}" checked' in page
    assert 'name="version" value="2"' in page


def test_a_contradiction_is_an_error_in_the_summary_and_beside_its_field(client, world, online):
    data = filled(world, online, **{"drones-vendors": [str(world.homecam.pk)]})
    response = client.post(url(online, world.northshire, "form/"), data)
    text = response.content.decode()
    assert response.status_code == 200
    assert 'role="alert"' in text and "There is a problem" in text
    assert (
        '<a href="#drones-vendors-0">Drones, vendors: This answer says the body does not ' in text
    )
    assert 'id="drones-vendors-error"' in text
    # Nothing saved, and what was typed is shown again.
    assert OnlineReturn.objects.get().version == 1
    assert 'value="Acme Optics"' in text


def test_values_are_checked_by_the_import_rules(client, world, online):
    data = filled(
        world,
        online,
        **{
            "external-cctv-unit_count": "lots",
            "drones-operates": "perhaps",
            "drones-kinds": ["live"],
        },
    )
    text = client.post(url(online, world.northshire, "form/"), data).content.decode()
    assert "&#x27;lots&#x27; is not a whole number of units" in text
    assert "&#x27;perhaps&#x27; is not yes, no or blank" in text
    assert "#external-cctv-unit_count" in text and "#drones-operates-0" in text


@pytest.mark.parametrize(
    "field", ["external-cctv-notes", "external-cctv-other_vendors"], ids=["notes", "vendors"]
)
def test_text_beyond_its_limit_is_a_form_error(client, world, online, field):
    data = filled(world, online, **{field: "x" * 6000})
    response = client.post(url(online, world.northshire, "form/"), data)
    assert response.status_code == 200
    assert "characters or fewer" in response.content.decode()
    assert OnlineReturn.objects.get().version == 1


def test_a_null_character_is_a_form_error_not_a_crash(client, world, online):
    data = filled(world, online, **{"external-cctv-notes": "a\x00b"})
    response = client.post(url(online, world.northshire, "form/"), data)
    assert response.status_code == 200
    assert "null character" in response.content.decode()


def test_the_second_of_two_people_saving_is_told_and_keeps_their_text(client, world, online):
    client.post(url(online, world.northshire, "form/"), filled(world, online))
    late = filled(world, online, **{"external-cctv-notes": "My own words."})  # still version 1
    response = client.post(url(online, world.northshire, "form/"), late)
    text = response.content.decode()
    assert response.status_code == 409
    assert "Someone else saved this return" in text
    assert "My own words." in text
    assert OnlineReturn.objects.get().version == 2


def test_review_lists_every_answer_then_submit_shows_the_receipt(
    client, world, online, django_assert_max_num_queries
):
    data = filled(world, online, action="review")
    assert client.post(url(online, world.northshire, "form/"), data)["Location"].endswith(
        "/review/"
    )
    with django_assert_max_num_queries(12):
        review = client.get(url(online, world.northshire, "review/")).content.decode()
    for shown in ("Redcam", "Acme Optics", "40", "Town centres.", "Retrospective", "Unsure"):
        assert shown in review
    response = client.post(
        url(online, world.northshire, "review/"),
        {"version": "2", "name": "Alex Example", "role": "Information manager"},
    )
    assert response["Location"].endswith("/receipt/")
    receipt = client.get(response["Location"]).content.decode()
    assert "Return submitted" in receipt and "Alex Example (Information manager)" in receipt
    csv = b"".join(client.get(url(online, world.northshire, "receipt.csv")).streaming_content)
    assert "Acme Optics" in csv.decode() and "Alex Example" in csv.decode()


def test_submitting_needs_a_name_and_a_role(client, world, online):
    response = client.post(url(online, world.northshire, "review/"), {"version": "1"})
    text = response.content.decode()
    assert '<a href="#id_name">Enter your full name</a>' in text
    assert '<a href="#id_role">Enter your role</a>' in text
    assert OnlineReturn.objects.get().status == OnlineReturn.Status.DRAFT


def test_after_submission_the_return_is_read_only(client, world, online):
    client.post(
        url(online, world.northshire, "review/"), {"version": "1", "name": "A", "role": "B"}
    )
    for page in ("form/", "review/", "upload/"):
        assert client.get(url(online, world.northshire, page))["Location"].endswith("/receipt/")
    response = client.post(url(online, world.northshire, "form/"), filled(world, online))
    assert response["Location"].endswith("/receipt/")
    assert OnlineReturn.objects.get().version == 2
    start = client.get(url(online, world.northshire)).content.decode()
    assert "can no longer be changed here" in start


def test_a_returned_return_shows_the_editors_message_and_is_editable(client, world, online):
    client.post(
        url(online, world.northshire, "review/"), {"version": "1", "name": "A", "role": "B"}
    )
    OnlineReturn.objects.update(
        status=OnlineReturn.Status.RETURNED, editor_message="Please count the drones."
    )
    start = client.get(url(online, world.northshire)).content.decode()
    assert "Please count the drones." in start
    assert client.get(url(online, world.northshire, "form/")).status_code == 200


def test_every_form_is_csrf_protected(world, online):
    from django.test import Client

    strict = Client(enforce_csrf_checks=True)
    for page in ("form/", "review/", "upload/"):
        assert strict.post(url(online, world.northshire, page), {}).status_code == 403


def test_the_form_takes_a_fixed_number_of_queries(
    client, world, online, django_assert_max_num_queries
):
    client.post(url(online, world.northshire, "form/"), filled(world, online))
    with django_assert_max_num_queries(10):
        assert client.get(url(online, world.northshire, "form/")).status_code == 200
    with django_assert_max_num_queries(30):  # three system types: a few writes each
        data = filled(world, online, version="2")
        assert client.post(url(online, world.northshire, "form/"), data).status_code == 302
