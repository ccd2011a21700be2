"""The filters' selects rendered in Python (``surveys.web.widgets``) are exactly Django's
widget templates: the whole bodies page is the same byte for byte either way, with every
filter chosen, refused or escaped."""

from unittest.mock import patch

import pytest
from django import forms
from django.core.cache import cache

from surveys.web import widgets
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
