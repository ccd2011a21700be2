"""Corrections' edges on the synthetic world (test data only): value limits, answer fields,
vendors, return statuses and withdrawals. Written to kill the surviving mutants of
surveys/editorial/corrections.py (see docs/mutation.md)."""

import pytest
from django.core.exceptions import ValidationError

from surveys.editorial.correction_values import finding_current, parse_answer_value
from surveys.editorial.corrections import record_correction, withdraw_correction
from surveys.models import Answer, Correction, Return, VendorAlias
from tests import factories as f

pytestmark = pytest.mark.django_db


@pytest.fixture
def rate(world):
    return f.finding(
        world,
        "t-rate",
        system_type=None,
        metric="response_rate",
        unit="percent",
        value=90,
        wording="90% of synthetic bodies responded",
    )


@pytest.fixture
def drones(world):
    """Northshire's 2020 drones answer (synthetic): operates, Redcam, aware, intends."""
    return f.answer(
        f.return_of(world.northshire, world.round_2020),
        world.drones,
        operates=True,
        aware_of_concerns=True,
        intent="intends",
        vendors=[world.redcam],
    )


def correct(world, **fields):
    fields.setdefault("reason", "Synthetic test correction")
    fields.setdefault("source", world.report)
    return record_correction(Correction(**fields))


@pytest.mark.parametrize("value, ok", [("100", True), ("100.0", True), ("100.5", False)])
def test_a_percentage_can_be_at_most_100(world, rate, value, ok):
    if ok:
        correction = correct(world, finding=rate, new_value=value)
        assert (correction.old_value, correction.new_value) == ("90%", "100")
        assert finding_current(rate) == (100, "exact")
    else:
        with pytest.raises(ValidationError) as info:
            correct(world, finding=rate, new_value=value)
        assert info.value.message_dict == {"new_value": ["A percentage cannot be more than 100."]}


def test_a_percentage_may_have_decimals_and_a_count_may_exceed_100(world, rate):
    assert correct(world, finding=rate, new_value="83.5").new_value == "83.5"
    count = f.finding(
        world,
        "t-count",
        system_type=None,
        metric="operators",
        value=5,
        wording="5 synthetic bodies",
    )
    assert correct(world, finding=count, new_value=" 150 ").new_value == "150"


@pytest.mark.parametrize("value", ["NaN", "Infinity", ""])
def test_a_finding_value_must_be_a_finite_number(world, rate, value):
    with pytest.raises(ValidationError) as info:
        correct(world, finding=rate, new_value=value)
    assert list(info.value.message_dict) == ["new_value"]


def test_a_finding_correction_can_change_the_qualifier(world, rate):
    c = correct(world, finding=rate, new_value="95", new_qualifier="at_least")
    assert finding_current(rate) == (95, "at_least")
    assert correct(world, finding=rate, new_value="96").old_value == "at least 95%"
    withdraw_correction(c, reason="Synthetic test withdrawal")
    assert c.withdrawn_on is not None


@pytest.mark.parametrize(
    "field, new, stored, shown",
    [
        ("operates", " No ", False, "no"),
        ("operates", "not known", None, "not known"),
        ("aware_of_concerns", "n", False, "no"),
        ("intent", " No Intention To Use ", "no_intention", "no_intention"),
        ("intent", "", "", "not stated"),
    ],
)
def test_answer_field_corrections(world, drones, field, new, stored, shown):
    c = correct(world, answer=drones, answer_field=field, new_value=new)
    drones.refresh_from_db()
    assert getattr(drones, field) == stored
    assert c.new_value == shown
    withdraw_correction(c, reason="Synthetic test withdrawal")
    drones.refresh_from_db()
    assert (drones.operates, drones.aware_of_concerns, drones.intent) == (True, True, "intends")


@pytest.mark.parametrize(
    "field, new, message",
    [
        ("operates", "perhaps", "is not yes, no or blank"),
        ("aware_of_concerns", "2", "is not yes, no or blank"),
        ("intent", "someday", "is not a known intent"),
        ("vendors", "Redcam; Acme", "Unknown vendor 'Acme'."),
    ],
)
def test_bad_answer_values_are_refused(world, drones, field, new, message):
    with pytest.raises(ValidationError) as info:
        correct(world, answer=drones, answer_field=field, new_value=new)
    assert message in info.value.message_dict["new_value"][0]
    assert not Correction.objects.exists()
    drones.refresh_from_db()
    assert (drones.operates, drones.aware_of_concerns) == (True, True)


def test_an_unknown_answer_field_is_refused():
    with pytest.raises(ValidationError, match="Unknown answer field 'colour'"):
        parse_answer_value("colour", "red")


def test_an_answer_correction_needs_a_field_and_not_the_status(world, drones):
    with pytest.raises(ValidationError) as info:
        correct(world, answer=drones, answer_field="", new_value="no")
    assert info.value.message_dict == {"answer_field": ["Choose which part of the answer changes."]}
    with pytest.raises(ValidationError) as info:
        correct(world, answer=drones, answer_field="status", new_value="responded")
    assert list(info.value.message_dict) == ["answer_field"]


def test_every_problem_is_reported_at_once(world, drones):
    with pytest.raises(ValidationError) as info:
        correct(
            world, answer=drones, answer_field="operates", new_value="x", reason=" ", source=None
        )
    assert sorted(info.value.message_dict) == ["new_value", "reason", "source"]


def test_vendor_corrections_by_name_slug_or_alias(world, drones):
    VendorAlias.objects.create(vendor=world.homecam, name="Home Camera Ltd")
    c = correct(world, answer=drones, answer_field="vendors", new_value="bluecam; HOME CAMERA LTD")
    assert (c.old_value, c.new_value) == ("Redcam", "Bluecam; Homecam")
    assert set(drones.vendors.all()) == {world.bluecam, world.homecam}
    withdraw_correction(c, reason="Synthetic test withdrawal")
    assert list(drones.vendors.all()) == [world.redcam]
    acme = f.vendor("Acme Vision")
    by_slug = correct(world, answer=drones, answer_field="vendors", new_value="acme-vision")
    assert by_slug.new_value == "Acme Vision"
    assert list(drones.vendors.all()) == [acme]
    none = correct(world, answer=drones, answer_field="vendors", new_value="none stated")
    assert (none.old_value, none.new_value) == ("Acme Vision", "none stated")
    assert not drones.vendors.exists()


def test_a_return_status_correction_and_its_withdrawal(world):
    survey_return = f.return_of(world.agency, world.round_2021)
    c = correct(world, survey_return=survey_return, answer_field="status", new_value="Responded")
    survey_return.refresh_from_db()
    assert survey_return.status == Return.Status.RESPONDED
    assert (c.old_value, c.new_value) == ("did not respond", "responded")
    withdraw_correction(c, reason="Synthetic test withdrawal")
    survey_return.refresh_from_db()
    assert survey_return.status == Return.Status.DID_NOT_RESPOND
    again = correct(
        world, survey_return=survey_return, answer_field="status", new_value="did_not_respond"
    )
    assert again.new_value == "did not respond"
    with pytest.raises(ValidationError) as info:
        correct(world, survey_return=survey_return, answer_field="status", new_value="maybe")
    assert "is not 'responded' or 'did not respond'" in info.value.message_dict["new_value"][0]
    with pytest.raises(ValidationError) as info:
        correct(world, survey_return=survey_return, answer_field="operates", new_value="no")
    assert list(info.value.message_dict) == ["answer_field"]


def test_a_reason_is_stored_stripped(world, drones):
    c = correct(world, answer=drones, answer_field="operates", new_value="no", reason="  Why  ")
    assert c.reason == "Why"
    assert Answer.objects.get(pk=drones.pk).history.first().history_change_reason == (
        "Correction: Why"
    )


@pytest.mark.parametrize("reason", ["", "   ", "\t\n"])
def test_a_whitespace_only_reason_is_refused(world, drones, reason):
    with pytest.raises(ValidationError) as info:
        correct(world, answer=drones, answer_field="operates", new_value="no", reason=reason)
    assert list(info.value.message_dict) == ["reason"]
    c = correct(world, answer=drones, answer_field="operates", new_value="no")
    with pytest.raises(ValidationError) as info:
        withdraw_correction(c, reason=reason)
    assert list(info.value.message_dict) == ["withdrawal_reason"]


def test_withdrawal_keeps_a_value_changed_since(world, drones):
    c = correct(world, answer=drones, answer_field="operates", new_value="no")
    later = correct(world, answer=drones, answer_field="operates", new_value="not known")
    withdraw_correction(c, reason="Synthetic test withdrawal")
    drones.refresh_from_db()
    assert drones.operates is None  # the later correction's value stays
    withdraw_correction(later, reason="Synthetic test withdrawal")
    drones.refresh_from_db()
    assert drones.operates is False  # back to the value the later correction replaced
    assert later.withdrawal_reason == "Synthetic test withdrawal"
