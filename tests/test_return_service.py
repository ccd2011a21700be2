"""A body's return at its link: drafts refused when stale, one submission however many
submits, closed after submission until an editor returns it, and every save in its history."""

import pytest

from surveys.collection import returns
from surveys.collection.return_values import AnswerData, stored_answers
from surveys.models import OnlineAnswer, OnlineReturn
from tests.returns_world import open_round

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(world):
    online_round = open_round(world)
    return returns.open_return(online_round.invitations["northshire-police"])


def test_opening_the_link_marks_the_invitation_opened_once(world):
    online_round = open_round(world)
    invitation = online_round.invitations["northshire-police"]
    first = returns.open_return(invitation)
    opened = type(invitation).objects.get(pk=invitation.pk).first_opened_at
    assert opened is not None
    again = returns.open_return(type(invitation).objects.get(pk=invitation.pk))
    assert again.pk == first.pk
    assert type(invitation).objects.get(pk=invitation.pk).first_opened_at == opened


def test_a_draft_saves_answers_vendors_and_bumps_the_version(world, draft):
    data = {
        world.external.pk: AnswerData(
            operates=True, vendor_ids=[world.redcam.pk], other_vendors="Acme", unit_count=12
        ),
        world.drones.pk: AnswerData(operates=False),
    }
    saved = returns.save_draft(draft, data, expected_version=1, saved_by=returns.LINK)
    assert saved.version == 2
    assert saved.saved_by == returns.LINK
    stored = stored_answers(saved)
    assert stored[world.external.pk].vendor_ids == [world.redcam.pk]
    assert stored[world.external.pk].unit_count == 12
    assert stored[world.drones.pk].operates is False
    answer = OnlineAnswer.objects.get(online_return=saved, system_type=world.external)
    assert answer.history.first().history_change_reason == "Draft saved at the body's link"


def test_the_second_of_two_editors_is_refused_and_nothing_is_overwritten(world, draft):
    first = {world.external.pk: AnswerData(operates=True)}
    second = {world.external.pk: AnswerData(operates=False)}
    returns.save_draft(draft, first, expected_version=1, saved_by=returns.LINK)
    with pytest.raises(returns.StaleReturn, match="Someone else saved this return"):
        returns.save_draft(draft, second, expected_version=1, saved_by=returns.LINK)
    reloaded = OnlineReturn.objects.get(pk=draft.pk)
    assert reloaded.version == 2
    assert stored_answers(reloaded)[world.external.pk].operates is True


def test_a_crash_during_a_save_keeps_the_previous_draft_whole(world, draft, monkeypatch):
    before = {
        world.external.pk: AnswerData(operates=True, notes="first"),
        world.drones.pk: AnswerData(operates=True, notes="first"),
    }
    returns.save_draft(draft, before, expected_version=1, saved_by=returns.LINK)
    saves = []
    real_save = OnlineAnswer.save

    def crash_on_second(self, *args, **kwargs):
        saves.append(self)
        if len(saves) == 2:
            raise RuntimeError("the process died")
        return real_save(self, *args, **kwargs)

    monkeypatch.setattr(OnlineAnswer, "save", crash_on_second)
    after = {key: AnswerData(operates=False, notes="second") for key in before}
    with pytest.raises(RuntimeError):
        returns.save_draft(draft, after, expected_version=2, saved_by=returns.LINK)
    monkeypatch.undo()
    reloaded = OnlineReturn.objects.get(pk=draft.pk)
    assert reloaded.version == 2
    assert {a.notes for a in stored_answers(reloaded).values()} == {"first"}


def test_a_double_submit_makes_one_submission(world, draft):
    submitted = returns.submit(draft, name="A. Person", role="Data officer", expected_version=1)
    again = returns.submit(draft, name="Someone Else", role="Clerk", expected_version=1)
    assert again.status == OnlineReturn.Status.SUBMITTED
    assert (again.submitted_by_name, again.submitted_at) == ("A. Person", submitted.submitted_at)
    assert again.version == submitted.version == 2
    submissions = draft.history.filter(status=OnlineReturn.Status.SUBMITTED)
    assert submissions.count() == 1
    # Every system type asked is in the submission, unanswered ones as not known.
    assert OnlineAnswer.objects.filter(online_return=draft).count() == 3


def test_a_submitted_return_is_closed_until_an_editor_returns_it(world, draft):
    submitted = returns.submit(draft, name="A. Person", role="Data officer", expected_version=1)
    data = {world.external.pk: AnswerData(operates=True)}
    with pytest.raises(returns.ReturnClosed):
        returns.save_draft(draft, data, expected_version=submitted.version, saved_by="x")
    OnlineReturn.objects.filter(pk=draft.pk).update(
        status=OnlineReturn.Status.RETURNED, editor_message="Please give the drone count."
    )
    saved = returns.save_draft(draft, data, expected_version=submitted.version, saved_by="x")
    assert saved.status == OnlineReturn.Status.RETURNED
    resubmitted = returns.submit(saved, name="B", role="C", expected_version=saved.version)
    assert resubmitted.status == OnlineReturn.Status.SUBMITTED


def test_a_submission_needs_a_name_and_a_role(world, draft):
    with pytest.raises(ValueError):
        returns.submit(draft, name="  ", role="Officer", expected_version=1)
    assert OnlineReturn.objects.get(pk=draft.pk).status == OnlineReturn.Status.DRAFT
