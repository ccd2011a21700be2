"""publish_round: what it refuses (writing nothing), and what it writes in one transaction: the
source, the round and its system types, a return per body invited (non-respondents recorded),
and the accepted answers through the one import path."""

import datetime
import io

import pytest
from django.core.management import CommandError, call_command

from surveys.collection import publishing
from surveys.collection import requests as collection_requests
from surveys.models import (
    Answer,
    Collection,
    CollectionRequest,
    Publication,
    Return,
    SurveyRound,
)
from surveys.values import Intent
from tests import factories as f

RESPONDED = Return.Status.RESPONDED
NOT = Return.Status.DID_NOT_RESPOND


def _invitation(collection, body):
    return collection.invitations.get(body=body)


@pytest.fixture
def answered(world, collection):
    """Northshire's return accepted, Southshire's still a draft, the agency's not started."""
    f.online_return(
        _invitation(collection, world.northshire),
        "accepted",
        {
            world.external: {"operates": True, "vendors": [world.redcam, world.homecam]},
            world.drones: {
                "operates": True,
                "unit_count": 12,
                "aware_of_concerns": False,
                "intent": Intent.INTENDS,
                "notes": "-5 drones grounded (a note that starts like a formula)",
            },
        },
    )
    f.online_return(
        _invitation(collection, world.southshire), "draft", {world.drones: {"operates": True}}
    )
    return collection


def _public_rows():
    return (
        SurveyRound.objects.count(),
        Return.objects.count(),
        Answer.objects.count(),
        Publication.objects.count(),
    )


def test_publishing_writes_the_round_its_returns_and_the_accepted_answers(world, answered):
    survey_round = publishing.publish_round(answered)
    assert survey_round.year == 2022
    assert survey_round.invitations_sent_on == datetime.date.today()
    source = survey_round.source
    assert (source.code, source.kind, source.licence) == ("RETURNS2022", "survey_returns", "ogl")
    assert source.published_on == datetime.date.today()
    assert source.survey_round == survey_round
    assert [row.system_type for row in survey_round.coverage.order_by("system_type__position")] == [
        world.external,
        world.drones,
    ]
    statuses = dict(survey_round.returns.values_list("body__slug", "status"))
    assert statuses == {
        "northshire-police": RESPONDED,
        "southshire-constabulary": NOT,  # a draft is not a response
        "test-agency": NOT,
    }
    # Each return's public trace: a history row saying where it came from.
    traces = Return.history.filter(survey_round_id=survey_round.pk)
    assert sorted(traces.values_list("body__slug", "history_type")) == [
        ("northshire-police", "+"),
        ("southshire-constabulary", "+"),
        ("test-agency", "+"),
    ]
    assert set(traces.values_list("history_change_reason", flat=True)) == {
        "2022 round published from returns online"
    }
    answers = Answer.objects.filter(survey_return__survey_round=survey_round)
    drones = answers.get(system_type=world.drones)
    assert (drones.operates, drones.unit_count, drones.aware_of_concerns, drones.intent) == (
        True,
        12,
        False,
        "intends",
    )
    assert drones.notes == "-5 drones grounded (a note that starts like a formula)"
    assert drones.source == source
    external = answers.get(system_type=world.external)
    assert sorted(v.name for v in external.vendors.all()) == ["Homecam", "Redcam"]
    answered.refresh_from_db()
    assert answered.survey_round == survey_round and answered.published_at is not None


def test_a_withdrawn_body_has_no_return_in_the_published_round(world, answered):
    from surveys.collection import opening

    opening.withdraw(_invitation(answered, world.agency))
    survey_round = publishing.publish_round(answered)
    assert not survey_round.returns.filter(body=world.agency).exists()


def test_publishing_is_refused_before_the_deadline_has_passed(world, answered):
    before = _public_rows()
    with pytest.raises(publishing.PublishRefused, match="has not passed"):
        publishing.publish_round(answered, today=datetime.date(2022, 6, 1))
    assert _public_rows() == before


def test_publishing_is_refused_while_a_submitted_return_waits_for_review(world, answered):
    f.online_return(_invitation(answered, world.agency), "submitted", {})
    before = _public_rows()
    with pytest.raises(
        publishing.PublishRefused, match="not yet accepted or returned: Test Agency"
    ):
        publishing.publish_round(answered)
    assert _public_rows() == before


def test_publishing_is_refused_while_an_accepted_return_names_unmatched_vendors(world, answered):
    answer = answered.invitations.get(body=world.northshire).online_return.answers.get(
        system_type=world.external
    )
    answer.other_vendors = "Acme Lenses"
    answer.save()
    with pytest.raises(
        publishing.PublishRefused, match="Northshire Police, External CCTV: 'Acme Lenses'"
    ):
        publishing.publish_round(answered)
    assert not SurveyRound.objects.filter(year=2022).exists()


def test_the_import_rules_apply_to_online_answers(world, answered):
    """A body that says it does not operate a type yet names a vendor: the import refuses it,
    so publication does, and nothing is written."""
    answer = answered.invitations.get(body=world.northshire).online_return.answers.get(
        system_type=world.external
    )
    answer.operates = False
    answer.save()
    before = _public_rows()
    with pytest.raises(publishing.PublishRefused, match="does not operate it, yet names a vendor"):
        publishing.publish_round(answered)
    assert _public_rows() == before
    assert Collection.objects.get(pk=answered.pk).published_at is None


def test_a_round_is_published_once(world, answered):
    publishing.publish_round(answered)
    with pytest.raises(publishing.PublishRefused, match="already published"):
        publishing.publish_round(Collection.objects.get(pk=answered.pk))


def test_the_command_publishes_and_says_why_it_refuses(world, answered):
    with pytest.raises(CommandError, match="No 2031 round"):
        call_command("publish_round", "2031")
    out = io.StringIO()
    call_command("publish_round", "2022", stdout=out)
    assert "Published the 2022 round: 1 of 3 bodies responded (source RETURNS2022)" in (
        out.getvalue()
    )
    with pytest.raises(CommandError, match="already published.*Nothing was published"):
        call_command("publish_round", "2022")


def test_publishing_needs_a_second_editor_when_the_setting_asks(world, answered, settings):
    settings.CORRECTIONS_NEED_SECOND_EDITOR = True
    maker = f.account("maker", "Editors")
    checker = f.account("checker", "Editors")
    made = collection_requests.make(answered, CollectionRequest.Kind.PUBLISH, user=maker)
    assert made.approved is None
    assert not SurveyRound.objects.filter(year=2022).exists()
    with pytest.raises(collection_requests.RequestRefused, match="second editor"):
        collection_requests.decide(made, user=maker, approve=True)
    assert not SurveyRound.objects.filter(year=2022).exists()
    collection_requests.decide(made, user=checker, approve=True)
    made.refresh_from_db()
    assert (made.approved, made.decided_by) == (True, checker)
    assert SurveyRound.objects.filter(year=2022).exists()


def test_with_a_second_editor_required_the_command_refuses_and_points_to_the_admin(
    world, answered, settings
):
    settings.CORRECTIONS_NEED_SECOND_EDITOR = True
    with pytest.raises(CommandError, match="publish the round from the admin"):
        call_command("publish_round", "2022")
    assert not SurveyRound.objects.filter(year=2022).exists()


def test_without_the_setting_a_publish_request_is_carried_out_as_made(world, answered):
    editor = f.account("editor", "Editors")
    made = collection_requests.make(answered, CollectionRequest.Kind.PUBLISH, user=editor)
    assert made.approved is True and made.decided_by == editor
    assert SurveyRound.objects.filter(year=2022).exists()


def test_the_admin_action_publishes_for_an_editor_and_not_for_a_viewer(world, answered, client):
    client.force_login(f.account("viewer", "Viewers"))
    data = {"action": "publish", "_selected_action": [answered.pk]}
    client.post("/admin/surveys/collection/", data)
    assert not SurveyRound.objects.filter(year=2022).exists()
    client.force_login(f.account("editor", "Editors"))
    response = client.post("/admin/surveys/collection/", data, follow=True)
    assert response.status_code == 200
    assert SurveyRound.objects.filter(year=2022).exists()


def test_the_admin_action_says_why_a_round_is_not_published(world, answered, client):
    f.online_return(_invitation(answered, world.agency), "submitted", {})
    client.force_login(f.account("editor", "Editors"))
    response = client.post(
        "/admin/surveys/collection/",
        {"action": "publish", "_selected_action": [answered.pk]},
        follow=True,
    )
    assert "not yet accepted or returned: Test Agency" in response.content.decode()
    assert not CollectionRequest.objects.exists()
