"""An import cannot make an answer that says the body uses no vendor of concern name one:
the contradiction is refused naming the row and column, whether the "no" is in the database
or in the same row, as a body that does not operate a system cannot name its vendor."""

import pytest

from surveys.models import Answer, AnswerVendor
from tests import factories as f

pytestmark = pytest.mark.django_db


def snapshot():
    return (
        sorted(Answer.objects.values_list("pk", "says_vendor_of_concern", "notes")),
        sorted(AnswerVendor.objects.values_list("answer_id", "vendor_id")),
    )


@pytest.fixture
def says_no(world):
    """Northshire's 2020 external CCTV: the body says it uses no vendor of concern."""
    survey_return = f.return_of(world.northshire, world.round_2020)
    return f.answer(
        survey_return, world.external, operates=True, says_vendor_of_concern=False, notes="kept"
    )


def test_a_partial_row_adding_a_vendor_of_concern_to_a_no_is_refused(world, says_no):
    before = snapshot()
    result = f.import_text(
        "body,round,system_type,vendors,source\n"
        "Northshire Police,2020,external-cctv,Redcam; Homecam,TESTREP\n",
        reason="Misread",
    )
    assert [str(e) for e in result.errors] == [
        "Row 2, column vendors: says the body uses no vendor of concern, yet names Redcam, "
        "of concern in 2020"
    ]
    assert not result.applied and snapshot() == before


def test_a_row_saying_no_and_naming_a_vendor_of_concern_is_refused(world):
    result = f.import_text(
        "body,round,system_type,operates,vendors,says_vendor_of_concern,source\n"
        "Southshire,2020,external-cctv,yes,Bluecam,no,TESTREP\n",
        reason="Misread",
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "vendors")]
    assert not Answer.objects.exists()


def test_a_row_saying_no_to_an_answer_naming_a_vendor_of_concern_is_refused(world, says_no):
    says_no.says_vendor_of_concern = None
    says_no.save()
    AnswerVendor.objects.create(answer=says_no, vendor=world.redcam)
    before = snapshot()
    result = f.import_text(
        "body,round,system_type,says_vendor_of_concern,source\n"
        "Northshire Police,2020,external-cctv,no,TESTREP\n",
        reason="Misread",
    )
    assert [(e.row, e.column) for e in result.errors] == [(2, "says_vendor_of_concern")]
    assert snapshot() == before


def test_vendors_not_of_concern_and_a_yes_are_no_contradiction(world, says_no):
    result = f.import_text(
        "body,round,system_type,vendors,source\n"
        "Northshire Police,2020,external-cctv,Homecam,TESTREP\n"
        "Southshire,2020,external-cctv,Redcam,TESTREP\n",  # says nothing of vendors of concern
        reason="Misread",
    )
    assert result.ok, [str(e) for e in result.errors]


def test_a_vendor_whose_concern_starts_after_the_round_is_no_contradiction(world, says_no):
    f.vendor("Latecam", concern_source=world.report, in_force_from="2099-01-01")
    result = f.import_text(
        "body,round,system_type,vendors,source\n"
        "Northshire Police,2020,external-cctv,Latecam,TESTREP\n",
        reason="Misread",
    )
    assert result.ok, [str(e) for e in result.errors]
