"""The editors' review of a submitted return: every value, the change it would make to each
public figure (rolled back: nothing public), and accept / return with a message / change its
values, with a second editor where the setting asks. Every save records who."""

import pytest

from surveys.collection import requests as collection_requests
from surveys.collection import review
from surveys.models import (
    Answer,
    CollectionRequest,
    DataVersion,
    OnlineReturn,
    Return,
    SurveyRound,
)
from tests import factories as f


@pytest.fixture
def submitted(world, collection):
    """Southshire's return accepted; Northshire's submitted, naming "Acme Lenses" as other."""
    f.online_return(
        collection.invitations.get(body=world.southshire),
        "accepted",
        {world.external: {"operates": True, "vendors": [world.homecam]}},
    )
    return f.online_return(
        collection.invitations.get(body=world.northshire),
        "submitted",
        {
            world.external: {
                "operates": True,
                "vendors": [world.redcam],
                "other_vendors": "Acme Lenses",
            },
            world.drones: {"operates": False, "notes": "None flown."},
        },
        submitted_by_name="Jo Bloggs",
        submitted_by_role="Head of CCTV",
    )


def _url(online_return, what="review/"):
    return f"/admin/surveys/onlinereturn/{online_return.pk}/{what}"


def test_the_review_shows_every_value_and_each_figure_before_and_after(
    world, submitted, editor, client, django_assert_max_num_queries
):
    version = DataVersion.objects.values_list("version", flat=True).first()
    with django_assert_max_num_queries(240):
        response = client.get(_url(submitted))
    assert response.status_code == 200
    page = response.content.decode()
    assert "submitted" in page.lower() and "Jo Bloggs, Head of CCTV" in page
    for value in ("Redcam", "Acme Lenses", "None flown."):
        assert value in page
    changes = response.context["preview"].changes
    shown = {c.what: (c.before, c.after) for c in changes}
    assert shown["2022: returns on record"] == ("1 of 3, 33%", "2 of 3, 67%")
    # Nothing of the preview is left: no public round, the same data version.
    assert not SurveyRound.objects.filter(year=2022).exists()
    assert not Return.objects.filter(survey_round__year=2022).exists()
    assert DataVersion.objects.values_list("version", flat=True).first() == version


def test_a_preview_page_is_the_public_page_with_the_return_added(world, submitted, editor, client):
    response = client.get(_url(submitted, "review/page/") + "?page=/forces/northshire-police/")
    assert response.status_code == 200
    assert "2022" in response.content.decode()
    assert not SurveyRound.objects.filter(year=2022).exists()


def test_a_viewer_sees_the_review_but_cannot_act(world, submitted, viewer, client):
    response = client.get(_url(submitted))
    assert response.status_code == 200
    assert b'data-testid="accept"' not in response.content
    assert client.post(_url(submitted, "accept/")).status_code == 403
    assert client.post(_url(submitted, "reopen/"), {"message": "x"}).status_code == 403
    assert client.post(_url(submitted, "change-values/"), {"reason": "x"}).status_code == 403
    submitted.refresh_from_db()
    assert (submitted.status, submitted.version) == ("submitted", 1)


def test_an_editor_accepts_a_submitted_return_and_the_save_records_who(
    world, submitted, editor, client
):
    client.post(_url(submitted, "accept/"))
    submitted.refresh_from_db()
    assert submitted.status == OnlineReturn.Status.ACCEPTED
    assert submitted.version == 2
    assert submitted.saved_by == "editor editor"
    latest = submitted.history.latest()
    assert latest.history_user == editor
    assert latest.history_change_reason == "Accepted by editor"
    with pytest.raises(review.ReviewRefused, match="Only a submitted return"):
        review.accept(submitted, user=editor)


def test_returning_a_return_to_the_body_needs_a_message_the_body_sees(
    world, submitted, editor, client
):
    client.post(_url(submitted, "reopen/"), {"message": "  "})
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    client.post(_url(submitted, "reopen/"), {"message": "Please give the number of drones."})
    submitted.refresh_from_db()
    assert submitted.status == OnlineReturn.Status.RETURNED
    assert submitted.editor_message == "Please give the number of drones."
    assert submitted.body_may_edit


def test_an_overlong_message_is_refused_without_a_500(world, submitted, editor, client):
    response = client.post(_url(submitted, "reopen/"), {"message": "x" * 100_000}, follow=True)
    assert response.status_code == 200
    assert "at most" in response.content.decode()
    submitted.refresh_from_db()
    assert submitted.status == "submitted"


def _change_data(world, **override):
    data = {
        "external-cctv-operates": "yes",
        "external-cctv-vendors": [world.redcam.pk, world.bluecam.pk],
        "external-cctv-other_vendors": "",
        "external-cctv-intent": "",
        "drones-operates": "no",
        "drones-intent": "",
        "drones-notes": "None flown.",
        "reason": "Acme Lenses is Bluecam's former name",
    }
    return {**data, **override}


def test_an_editor_matches_other_vendors_to_the_vendor_list(world, submitted, editor, client):
    assert client.get(_url(submitted, "change-values/")).status_code == 200
    response = client.post(_url(submitted, "change-values/"), _change_data(world))
    assert response.status_code == 302
    answer = submitted.answers.get(system_type=world.external)
    assert answer.other_vendors == ""
    assert sorted(v.name for v in answer.vendors.all()) == ["Bluecam", "Redcam"]
    submitted.refresh_from_db()
    assert submitted.version == 2 and submitted.saved_by == "editor editor"
    assert "Bluecam's former name" in submitted.history.latest().history_change_reason
    assert CollectionRequest.objects.get().approved is True


@pytest.mark.parametrize(
    "override",
    [
        {"drones-unit_count": "5"},  # does not operate, yet units
        {"drones-unit_count": "-1"},
        {"drones-unit_count": "lots"},
        {"external-cctv-vendors": ["999999"]},
        {"external-cctv-intent": "maybe"},
        {"external-cctv-other_vendors": "x" * 10_000},
        {"reason": ""},
    ],
)
def test_a_bad_change_is_a_form_error_and_changes_nothing(
    world, submitted, editor, client, override
):
    response = client.post(_url(submitted, "change-values/"), _change_data(world, **override))
    assert response.status_code == 200
    submitted.refresh_from_db()
    assert submitted.version == 1
    assert not CollectionRequest.objects.exists()


def test_with_the_setting_a_second_editor_approves_a_change_and_a_return(
    world, submitted, settings, client
):
    settings.CORRECTIONS_NEED_SECOND_EDITOR = True
    maker, checker = f.account("maker", "Editors"), f.account("checker", "Editors")
    client.force_login(maker)
    client.post(_url(submitted, "change-values/"), _change_data(world))
    made = CollectionRequest.objects.get(kind="change")
    assert made.approved is None
    assert submitted.answers.get(system_type=world.external).other_vendors == "Acme Lenses"
    # The maker may not approve it, even from the admin's action.
    client.post(
        "/admin/surveys/collectionrequest/",
        {"action": "approve", "_selected_action": [made.pk]},
    )
    made.refresh_from_db()
    assert made.approved is None
    client.force_login(checker)
    client.post(
        "/admin/surveys/collectionrequest/",
        {"action": "approve", "_selected_action": [made.pk]},
    )
    made.refresh_from_db()
    assert (made.approved, made.decided_by) == (True, checker)
    assert submitted.answers.get(system_type=world.external).other_vendors == ""
    # Returning it to the body waits for a second editor too.
    reopen = collection_requests.make(
        submitted.invitation.collection,
        CollectionRequest.Kind.REOPEN,
        user=checker,
        online_return=submitted,
        message="Please check the drones answer.",
    )
    submitted.refresh_from_db()
    assert submitted.status == "submitted"
    collection_requests.decide(reopen, user=maker, approve=True)
    submitted.refresh_from_db()
    assert submitted.status == "returned"


def test_a_change_made_from_an_older_version_is_refused(world, submitted, settings):
    settings.CORRECTIONS_NEED_SECOND_EDITOR = True
    maker, checker = f.account("maker", "Editors"), f.account("checker", "Editors")
    made = collection_requests.make(
        submitted.invitation.collection,
        CollectionRequest.Kind.CHANGE,
        user=maker,
        online_return=submitted,
        payload={"version": 1, "answers": {"drones": {"notes": "Changed."}}},
        message="A synthetic change",
    )
    review.accept(submitted, user=checker)  # a save in between: version 2
    with pytest.raises(collection_requests.RequestRefused, match="saved since"):
        collection_requests.decide(made, user=checker, approve=True)
    made.refresh_from_db()
    assert made.approved is None
    assert submitted.answers.get(system_type=world.drones).notes == "None flown."


def test_the_preview_is_never_an_answer_of_the_public_record(world, submitted, editor, client):
    before = Answer.objects.count()
    client.get(_url(submitted))
    client.get(_url(submitted, "review/page/") + "?page=/?round=2022")
    assert Answer.objects.count() == before


def test_an_unknown_return_is_a_404(world, editor, client):
    assert client.get("/admin/surveys/onlinereturn/999999/review/").status_code == 404
    assert client.post("/admin/surveys/onlinereturn/999999/accept/").status_code == 404


def test_a_published_rounds_return_is_shown_without_a_preview(world, submitted, editor, client):
    from surveys.collection import publishing

    client.post(_url(submitted, "change-values/"), _change_data(world))
    client.post(_url(submitted, "accept/"))
    publishing.publish_round(submitted.invitation.collection)
    response = client.get(_url(submitted))
    assert response.status_code == 200
    assert "The round is published" in response.content.decode()
    assert b'data-testid="accept"' not in response.content


def test_the_preview_says_why_when_a_round_of_that_year_exists(world, submitted, editor, client):
    f.survey_round(2022)
    response = client.get(_url(submitted))
    assert response.status_code == 200
    assert "already exists" in response.content.decode()


def test_the_review_runs_as_many_queries_however_many_bodies_are_invited(
    world, collection, submitted, editor, client
):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from surveys.collection import opening

    def queries() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get(_url(submitted)).status_code == 200
        return len(context.captured_queries)

    before = queries()
    for n in range(12):
        body = f.body(f"Synthetic Body {n}", source=world.report)
        opening.add_invitation(collection, body)
    assert queries() == before
