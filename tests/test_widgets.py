"""The filters' selects rendered in Python (``surveys.web.widgets``) are exactly Django's
widget templates: the whole bodies page is the same byte for byte either way, with every
filter chosen, refused or escaped; the regions offered are the bodies' distinct regions."""

from unittest.mock import patch

import pytest
from django import forms
from django.core.cache import cache

from surveys.models import Body
from surveys.web import widgets
from surveys.web.filters import region_choices
from tests import factories as f

pytestmark = pytest.mark.django_db


def _page(client, url: str) -> str:
    cache.clear()  # the whole-response cache would answer the second request
    response = client.get(url)
    assert response.status_code == 200, url
    return response.content.decode()


def _both(client, url: str) -> tuple[str, str]:
    fast = _page(client, url)
    with patch.object(widgets.Select, "render", forms.Select.render):
        return fast, _page(client, url)


@pytest.mark.parametrize(
    "url",
    [
        "/forces/",
        "/forces/?round=2022&nation=wales&status=responded&kind=territorial&concern=yes",
        "/forces/?round=2022&system_type=drones&vendor=dji&region=Wales",
        "/forces/?round=2022&nation=atlantis&vendor=nobody&status=%3Cb%3E",  # refused: errors
        "/forces/?round=2022&status=none&concern=no",
    ],
)
def test_the_bodies_page_is_the_same_with_djangos_own_selects(client, real_data, url):
    fast, django = _both(client, url)
    assert fast == django
    assert fast.count("<select") >= 7


def test_choices_are_escaped_as_django_escapes_them(client, world):
    f.body("Crime & <Disorder> Unit", source=world.report, region='North & "East" <coast>')
    fast, django = _both(client, "/forces/?round=2020&region=North+%26+%22East%22+%3Ccoast%3E")
    assert fast == django
    assert "North &amp; &quot;East&quot; &lt;coast&gt;" in fast


def _regions_by_distinct() -> list[tuple[str, str]]:
    """The region filter's choices as first read: every body's region, DISTINCT."""
    regions = Body.objects.exclude(region="").order_by("region").values_list("region", flat=True)
    return [(r, r) for r in regions.distinct()]


def test_the_region_choices_are_the_distinct_regions_on_the_real_data(real_data):
    assert region_choices() == _regions_by_distinct()
    assert len(region_choices()) > 5


def test_the_region_choices_are_the_distinct_regions_whatever_they_are_called(world):
    for i, region in enumerate(["b", "B", "Île", "a b", "a", "a", "Z", "zz", "%", "'"]):
        f.body(f"Region test {i}", source=world.report, region=region)
    assert region_choices() == _regions_by_distinct()


def test_no_region_no_choice(db):
    assert region_choices() == _regions_by_distinct() == []
