"""Review of issue 14: what the pages say and what the admin lets an editor enter, checked
against ../shared/reference/FACTS.md."""

import re
from html import unescape

import pytest

from surveys.models import (
    VendorConcern,
)

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- Words: the five camera makers are named in what respondents say ------------------------


def test_camera_makers_are_not_said_to_be_named_by_the_commissioner(real_data, client):
    """FACTS.md: the five makers are named inside what respondents "say" about their camera
    systems, not in the Commissioner's own words."""
    for name in ("Dahua", "Hikvision", "Honeywell", "Huawei", "Nuuo"):
        for concern in VendorConcern.objects.filter(vendor__name=name):
            assert "by the Commissioner" not in concern.summary
            assert "respondents" in concern.summary
    page = visible(client.get("/vendors/hikvision/"))
    assert "Named by the Commissioner" not in page
