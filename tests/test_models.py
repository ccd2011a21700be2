"""Database constraints guard what must always hold, whatever writes the row."""

import pytest
from django.db import IntegrityError, transaction

from surveys.models import Correction, Return, VendorConcern
from tests import factories as f

pytestmark = pytest.mark.django_db


def refused(create):
    with pytest.raises(IntegrityError), transaction.atomic():
        create()


def test_one_return_per_body_per_round(world):
    refused(lambda: f.survey_return(world.northshire, world.round_2020, "responded", world.report))


def test_return_status_must_be_known(world):
    refused(
        lambda: Return.objects.create(
            body=f.body("Extra", source=world.report),
            survey_round=world.round_2020,
            status="maybe",
            source=world.report,
        )
    )


def test_one_answer_per_return_and_system_type(world):
    ret = f.return_of(world.northshire, world.round_2020)
    f.answer(ret, world.drones, operates=True)
    refused(lambda: f.answer(ret, world.drones, operates=False))


def test_national_bodies_have_no_region(world):
    refused(lambda: f.body("Odd", source=world.report, nation="national", region="London"))


def _finding(world, key="k", **fields):
    """A finding that meets every constraint, but for the fields given."""
    values = {"system_type": None, "metric": "operators", "value": 1, "wording": "w", **fields}
    return f.finding(world, key, **values)


@pytest.mark.parametrize(
    "fields",
    [
        {"value": -1},
        {"unit": "percent", "value": 101},
        {"denominator": 0},
        {"published_percent": 120},
        {"wording": ""},
    ],
)
def test_finding_constraints(world, fields):
    refused(lambda: _finding(world, **fields))


def test_finding_key_is_unique(world):
    _finding(world)
    refused(lambda: _finding(world))


def test_correction_needs_exactly_one_target_and_a_reason(world):
    finding = _finding(world)
    ret = f.return_of(world.northshire, world.round_2020)
    answer = f.answer(ret, world.drones)
    base = dict(old_value="1", new_value="0", source=world.report)
    refused(lambda: Correction.objects.create(reason="r", **base))
    refused(
        lambda: Correction.objects.create(
            finding=finding, answer=answer, answer_field="operates", reason="r", **base
        )
    )
    refused(lambda: Correction.objects.create(finding=finding, reason="", **base))
    refused(lambda: Correction.objects.create(answer=answer, reason="r", **base))
    refused(
        lambda: Correction.objects.create(
            finding=finding, reason="r", withdrawn_on="2023-01-01", **base
        )
    )
    Correction.objects.create(finding=finding, reason="r", **base)
    assert finding.corrections.count() == 1


def test_concern_dates_must_be_ordered(world):
    refused(
        lambda: VendorConcern.objects.create(
            vendor=world.homecam,
            summary="s",
            source=world.report,
            in_force_from="2022-01-01",
            in_force_until="2021-01-01",
        )
    )


def test_vendor_country_needs_a_source(world):
    world.homecam.country = "Atlantis"
    refused(world.homecam.save)


def test_finding_formatting(world):
    assert _finding(world, qualifier="at_least", value=18).format_value() == "at least 18"
    assert _finding(world, key="b", value=23, denominator=31).format_value() == "23 of 31"
    rate = _finding(world, key="c", unit="percent", value=91, denominator=47)
    assert rate.format_value() == "91%"
