"""What a correction's new value may be: at most two decimals, never more bodies than the
figure counts out of (a percentage is not a count of bodies), notes up to their limit, and the
kind of facial recognition and a number of units corrected like any other answer field."""

import pytest
from django.core.exceptions import ValidationError

from surveys.editorial import corrections
from surveys.editorial.correction_values import parse_answer_value, parse_finding_value
from surveys.limits import NOTES_MAX
from surveys.models import Answer, Correction, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db


def test_a_new_value_has_at_most_two_decimals(world):
    rate = f.finding(world, "synthetic-rate", metric="response_rate", unit="percent", value=90)
    assert str(parse_finding_value(rate, "76.55")) == "76.55"
    with pytest.raises(ValidationError, match="two decimal places"):
        parse_finding_value(rate, "76.555")


def test_a_count_cannot_exceed_what_it_counts_out_of(world):
    count = f.finding(world, "synthetic-count", metric="operators", value=10, denominator=39)
    assert parse_finding_value(count, "39") == 39
    with pytest.raises(ValidationError, match="out of 39"):
        parse_finding_value(count, "40")


def test_a_percentage_is_not_bounded_by_its_denominator_of_bodies(world):
    rate = f.finding(
        world, "synthetic-share", metric="response_rate", unit="percent", value=50, denominator=39
    )
    assert parse_finding_value(rate, "76") == 76


def test_notes_up_to_their_limit():
    assert parse_answer_value("notes", "x" * NOTES_MAX) == "x" * NOTES_MAX
    with pytest.raises(ValidationError, match="at most"):
        parse_answer_value("notes", "x" * (NOTES_MAX + 1))


def test_the_kind_of_facial_recognition_is_corrected_and_shown(real_data):
    met = Answer.objects.get(
        survey_return__body__slug="metropolitan-police", system_type__slug="facial-recognition"
    )
    c = corrections.record_correction(
        Correction(
            answer=met,
            answer_field="kinds",
            new_value="Retrospective; live",
            reason="Synthetic test: a retrospective search",
            source=met.source,
        )
    )
    met.refresh_from_db()
    assert met.kinds == ["live", "retrospective"] and c.new_value == "live; retrospective"
    assert c.old_value == "live"
    corrections.withdraw_correction(c, reason="Synthetic test: withdrawn")
    assert met.kinds == ["live"]


def test_a_number_of_units_is_corrected_and_shown(real_data):
    drones = Answer.objects.get(
        survey_return__body__slug="west-yorkshire", system_type__slug="drones"
    )
    c = corrections.record_correction(
        Correction(
            answer=drones,
            answer_field="unit_count",
            new_value="25",
            reason="Synthetic test: 25 drones",
            source=PublishedFinding.objects.first().publication,
        )
    )
    drones.refresh_from_db()
    assert (drones.unit_count, c.old_value, c.new_value) == (25, "20", "25")


def test_a_vendors_correction_credits_its_source_to_the_vendors(real_data):
    cleveland = Answer.objects.get(
        survey_return__body__slug="cleveland", system_type__slug="cctv-unspecified"
    )
    update = PublishedFinding.objects.get(key="pr2023-anpr-concern").publication
    corrections.record_correction(
        Correction(
            answer=cleveland,
            answer_field="vendors",
            new_value="Dahua",
            reason="Synthetic test: Dahua, not Hikvision",
            source=update,
        )
    )
    fresh = Answer.objects.get(pk=cleveland.pk)
    assert [v.name for v in fresh.vendors.all()] == ["Dahua"]
    assert fresh.source_of("vendors") == update
    assert fresh.source_of("operates") == cleveland.source_of("operates")  # only the vendors
