"""The data version (the statistics cache's key) moves with survey data only."""

import pytest
from django.contrib.auth.models import Group, User

from surveys.caching import current_version
from surveys.editorial import corrections
from surveys.models import Answer, Correction, ImportDraft, PublishedFinding, Vendor

pytestmark = pytest.mark.django_db


def test_many_to_many_changes_outside_the_survey_data_do_not_invalidate(real_data):
    before = current_version()
    User.objects.create_user("someone").groups.add(Group.objects.first())
    assert current_version() == before
    answer = Answer.objects.first()
    answer.vendors.add(Vendor.objects.exclude(answers=answer).first())
    assert current_version() > before


def test_cache_keys_carry_the_code_version(db, monkeypatch, settings):
    """After a deploy that changes the code, nothing the old code cached is read."""
    from surveys import caching

    settings.STATS_CACHE = True
    calls = []
    compute = lambda: calls.append(1) or len(calls)  # noqa: E731
    assert caching.cached("synthetic-test", (), compute) == 1
    assert caching.cached("synthetic-test", (), compute) == 1  # served from the cache
    monkeypatch.setattr(caching, "code_version", lambda: "a-new-deploy")
    assert caching.cached("synthetic-test", (), compute) == 2


def test_code_version_is_a_hash_of_the_cached_modules():
    from surveys import caching

    caching.code_version.cache_clear()
    assert len(caching.code_version()) == 16
    assert caching.code_version() == caching.code_version()


def test_drafts_do_not_change_when_the_data_last_changed(real_data):
    before = current_version()
    anpr = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    draft = corrections.save_draft(
        Correction(finding=anpr, new_value="12", reason="x", source=anpr.publication)
    )
    ImportDraft.objects.create(filename="a.csv", stored_name="abc.csv")
    corrections.discard(draft)
    assert current_version() == before
    published = corrections.save_draft(
        Correction(finding=anpr, new_value="13", reason="y", source=anpr.publication)
    )
    corrections.publish(published)
    assert current_version() > before


def test_a_request_reads_the_publications_from_the_cache_once(real_data, client, settings):
    """A body page cites sources in its answers, corrections, footer and banner: they share
    one read of the cached publications, and a write in between is read afresh."""
    from django.core.cache import cache

    from surveys import caching
    from surveys.stats.publications import publications

    settings.STATS_CACHE, settings.RESPONSE_CACHE = True, False
    client.get("/forces/kent/")  # the cache filled
    reads = []
    real_get = cache.get

    def counting_get(key, *args, **kwargs):
        reads.append(key)
        return real_get(key, *args, **kwargs)

    cache.get = counting_get
    try:
        assert client.get("/forces/kent/").status_code == 200
    finally:
        del cache.get
    key = caching._key("publications", ())
    assert reads.count(key) == 1
    token = caching._request_memo.set({})  # as in a request
    try:
        first = publications()
        assert publications() is first
        PublishedFinding.objects.filter(pk=PublishedFinding.objects.first().pk).update(notes="x")
        caching.bump_version()
        assert publications() is not first  # a new data version: read again
    finally:
        caching._request_memo.reset(token)
