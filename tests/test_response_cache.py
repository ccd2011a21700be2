"""Whole public responses are cached per data version and deploy, carry an ETag made of both
and public cache headers, and are gzipped; the admin, previews and editors' requests are
private, never stored and never compressed."""

import gzip
from datetime import date, timedelta

import pytest
from django.core.cache import cache
from django.db import connection
from django.http import HttpResponse
from django.middleware.csrf import CsrfViewMiddleware, get_token
from django.test import RequestFactory
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from obscc.response_cache import ResponseCacheMiddleware, deploy_id
from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS
from surveys.models import Correction, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db

CORRECTED = "corrected to 12"


def stored_pages() -> list[str]:
    """The whole-response cache's keys (the tests' cache is the process's memory)."""
    return [key for key in cache._cache if "obscc:page:" in key]


def stored_bodies() -> bytes:
    return b"".join(cache.get(key.split(":", 2)[2]).content for key in stored_pages())


def publish_a_correction() -> Correction:
    """ANPR's "at least 11" corrected to 12, published."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    draft = corrections.save_draft(
        Correction(
            finding=finding,
            new_value="12",
            new_qualifier="exact",
            reason="Synthetic test: the final count was 12",
            announced_on=date(2024, 3, 1),
            source=finding.publication,
        )
    )
    corrections.publish(draft, check_editor=False)
    return draft


def body(response) -> bytes:
    """A streamed download's body (a CSV streams, from the cache too) or a page's."""
    return b"".join(response.streaming_content) if response.streaming else response.content


def counted(client, url: str, **headers):
    """The response, and how many queries it took."""
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url, **headers)
    return response, len(queries)


def cache_control(response) -> set[str]:
    return {part.strip() for part in response.get("Cache-Control", "").split(",") if part}


@pytest.mark.parametrize(
    "url",
    ["/", "/forces/", "/systems/anpr/", "/api/v1/bodies/", "/charts/concern-by-system-type.csv"],
)
def test_a_public_response_is_served_whole_from_the_cache_with_one_query(
    real_data, client, url, django_assert_max_num_queries
):
    first = client.get(url)
    with django_assert_max_num_queries(1):  # the data version
        again = client.get(url)
    assert again.status_code == first.status_code == 200
    assert body(again) == body(first)
    assert again["ETag"] == first["ETag"]


def test_a_change_to_the_data_is_served_on_the_next_request(real_data, client):
    assert CORRECTED not in client.get("/").content.decode()
    publish_a_correction()
    assert CORRECTED in client.get("/").content.decode()


def test_parameter_order_and_campaign_parameters_share_one_entry(
    real_data, client, django_assert_max_num_queries
):
    first = client.get("/forces/?status=responded&nation=wales")
    with django_assert_max_num_queries(1):
        again = client.get("/forces/?nation=wales&utm_source=news&status=responded&fbclid=x")
    assert again.content == first.content
    assert b"utm_source" not in again.content
    assert len(stored_pages()) == 1


def test_public_pages_may_be_kept_by_a_shared_cache_and_served_stale(real_data, client, settings):
    for url in ("/", "/forces/", "/api/v1/rounds/", "/charts/concern-by-system-type.csv"):
        response = client.get(url)
        assert cache_control(response) == {
            f"max-age={settings.PAGE_MAX_AGE}",
            "public",
            f"s-maxage={settings.PAGE_S_MAXAGE}",
            f"stale-while-revalidate={settings.PAGE_STALE_WHILE_REVALIDATE}",
        }, url
        assert "Accept-Encoding" in response["Vary"]


@pytest.mark.parametrize("url", ["/", "/forces/kent/", "/api/v1/bodies/", "/data/"])
def test_a_conditional_get_is_304_until_the_data_or_the_deploy_changes(
    real_data, client, settings, url
):
    tag = client.get(url)["ETag"]
    assert deploy_id() in tag
    not_modified = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert not_modified.status_code == 304 and not_modified["ETag"] == tag
    assert "public" in cache_control(not_modified)
    strong = f'"other", {tag.removeprefix("W/")}'  # as a proxy that compresses may send it
    assert client.get(url, HTTP_IF_NONE_MATCH=strong).status_code == 304
    settings.DEPLOY_ID = "the-next-deploy"
    redeployed = client.get(url, HTTP_IF_NONE_MATCH=tag)
    assert redeployed.status_code == 200 and redeployed["ETag"] != tag
    new_tag = redeployed["ETag"]
    assert client.get(url, HTTP_IF_NONE_MATCH=new_tag).status_code == 304
    publish_a_correction()
    assert client.get(url, HTTP_IF_NONE_MATCH=new_tag).status_code == 200


def test_a_date_revalidation_does_not_survive_a_deploy(real_data, client, settings):
    """wget -N sends If-Modified-Since only: Last-Modified is never older than the deploy."""
    url = "/data/tables/bodies.csv"
    last_modified = client.get(url)["Last-Modified"]
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    settings.DEPLOY_ID = "the-next-deploy"
    cache.set("obscc:deployed:the-next-deploy", timezone.now() + timedelta(seconds=5))
    assert client.get(url, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200


def test_a_deploy_does_not_serve_the_old_deploys_responses(real_data, client, settings):
    client.get("/")
    settings.DEPLOY_ID = "the-next-deploy"
    assert counted(client, "/")[1] > 1  # rendered again
    assert len(stored_pages()) == 2


def test_text_responses_are_gzipped_for_clients_that_accept_it(real_data, client):
    for url in ("/", "/api/v1/bodies/", "/charts/concern-by-system-type.csv"):
        plain = client.get(url)
        expected = body(plain)
        for _ in range(2):  # stored, then from the cache
            compressed = client.get(url, HTTP_ACCEPT_ENCODING="gzip, deflate, br")
            assert compressed["Content-Encoding"] == "gzip", url
            assert gzip.decompress(zipped := body(compressed)) == expected
            assert int(compressed["Content-Length"]) == len(zipped)
        assert "Content-Encoding" not in plain


def test_admin_and_an_editors_pages_are_private_never_stored_nor_compressed(real_data, client):
    editor = f.account("maker", EDITORS)
    client.force_login(editor)
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    draft = corrections.save_draft(
        Correction(
            finding=finding,
            new_value="12",
            new_qualifier="exact",
            reason="Synthetic test: the final count was 12",
            announced_on=date(2024, 3, 1),
            source=finding.publication,
        )
    )
    preview = f"/admin/surveys/correction/{draft.pk}/preview/"
    for url in ("/admin/", preview, f"{preview}?page=/?round=2022", "/", "/forces/kent/"):
        for _ in range(2):
            response, queries = counted(client, url, HTTP_ACCEPT_ENCODING="gzip")
            assert queries >= 3, url  # the session, the user, the page
            assert response.status_code == 200, url
            assert {"private", "no-store"} <= cache_control(response), url
            assert "public" not in cache_control(response), url
            assert "ETag" not in response and "Content-Encoding" not in response, url
    assert CORRECTED in client.get(f"{preview}?page=/?round=2022").content.decode()
    assert stored_pages() == []
    client.logout()
    assert CORRECTED not in client.get("/?round=2022").content.decode()
    assert stored_pages() and CORRECTED.encode() not in stored_bodies()


def test_a_page_with_a_csrf_token_is_neither_stored_shared_nor_compressed(db):
    """A CSRF token with reflected input, compressed, could be guessed (BREACH)."""
    calls = []

    def view(request):
        calls.append(1)
        html = f"<form>{get_token(request)} {request.GET.get('q', '')}</form>" * 20
        return HttpResponse(html)

    middleware = ResponseCacheMiddleware(CsrfViewMiddleware(view))
    for _ in range(2):
        request = RequestFactory().get("/search/?q=abc", HTTP_ACCEPT_ENCODING="gzip")
        response = middleware(request)
        assert "Content-Encoding" not in response
        assert {"private", "no-store"} <= cache_control(response)
        assert "ETag" not in response
    assert len(calls) == 2 and stored_pages() == []


def test_a_missing_page_is_not_stored(real_data, client):
    assert client.get("/forces/nobody/").status_code == 404
    again, queries = counted(client, "/forces/nobody/")
    assert again.status_code == 404 and queries > 1
    assert stored_pages() == []


def test_the_cache_can_be_turned_off(real_data, client, settings):
    settings.RESPONSE_CACHE = False
    client.get("/")
    assert stored_pages() == []
    assert client.get("/")["ETag"]


def test_an_api_answer_from_the_cache_counts_against_the_limit_of_the_view_that_made_it(
    real_data, client, monkeypatch
):
    """The stored answer names its view, whose throttles a hit asks (as the view would):
    the limit holds on hits, and a hit resolves no URL to find them."""
    from rest_framework.throttling import AnonRateThrottle

    import obscc.response_cache

    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    first = client.get("/api/v1/rounds/")

    def no_resolving(path):
        raise AssertionError(f"{path} resolved again on a hit")

    monkeypatch.setattr(obscc.response_cache, "resolve", no_resolving)
    statuses = [client.get("/api/v1/rounds/").status_code for _ in range(3)]
    assert [first.status_code, *statuses] == [200, 200, 200, 429]
    assert len(stored_pages()) == 1  # the three answers after the first were hits, or refused
