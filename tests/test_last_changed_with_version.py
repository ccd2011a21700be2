"""In a request, when the data last changed is read with the data version (one query for
both); after a change in the same request it is read again, and outside a request always."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import caching
from surveys.models import DataVersion


def _stored():
    return DataVersion.objects.get(pk=1).changed_at


@pytest.mark.django_db
def test_in_a_request_the_time_comes_with_the_version_and_follows_a_change():
    caching.bump_version()
    version, changed = caching._request_version.set(0), caching._request_changed.set(None)
    try:
        with CaptureQueriesContext(connection) as read:
            caching.current_version()
            first = caching.data_last_changed()
        assert len(read) == 1 and first == _stored()
        caching.bump_version()  # a write in the same request
        assert caching.data_last_changed() == _stored() != first
    finally:
        caching._request_version.reset(version)
        caching._request_changed.reset(changed)


@pytest.mark.django_db
def test_outside_a_request_the_time_is_read_each_time():
    caching.bump_version()
    first = caching.data_last_changed()
    caching.bump_version()
    assert caching.data_last_changed() == _stored() != first
