"""A finding's current value has one rule (the correction in force recorded last), used by the
pages, the API, the correction form and the statistics, on SQLite and PostgreSQL alike."""

import datetime

import pytest

from surveys import stats
from surveys.editorial.correction_values import finding_current
from surveys.editorial.corrections import record_correction, withdraw_correction
from surveys.models import Correction, PublishedFinding

pytestmark = pytest.mark.django_db


def correct(finding, value, announced_on):
    return record_correction(
        Correction(
            finding=finding,
            new_value=str(value),
            reason=f"Synthetic test: {value}",
            source=finding.publication,
            announced_on=announced_on,
        )
    )


def test_two_corrections_one_without_an_announcement_date(real_data, client):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    correct(finding, 5, datetime.date(2024, 1, 1))
    undated = correct(finding, 7, None)  # recorded last: it sets the current value
    (view,) = stats.finding_views(
        PublishedFinding.objects.filter(pk=finding.pk).select_related(
            "publication", "system_type", "vendor", "survey_round"
        )
    )
    assert view.correction == undated
    assert finding_current(finding)[0] == 7
    api = client.get(f"/api/v1/findings/{finding.key}/").json()
    assert "7" in str(api["current_value"]) and "5" not in str(api["current_value"])
    third = correct(finding, 9, datetime.date(2023, 6, 1))
    assert third.old_value == finding.format_value(7, finding.qualifier)
    withdraw_correction(third, reason="Synthetic test withdrawal")
    assert finding_current(finding)[0] == 7
