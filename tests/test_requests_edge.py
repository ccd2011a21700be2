"""The feed's HTML summaries, 404 before 304, and request bodies public URLs never read."""

import io
import xml.etree.ElementTree as ET

import pytest

from surveys.editorial import corrections
from surveys.models import Correction, PublishedFinding

ATOM = "{http://www.w3.org/2005/Atom}"
HOSTILE = '<script>alert(1)</script><img src=x onerror="alert(2)">'


def test_feed_summary_is_text_for_a_feed_reader_not_markup(real_data, client):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    corrections.record_correction(
        Correction(finding=finding, new_value="1", reason=HOSTILE, source=finding.publication)
    )
    root = ET.fromstring(client.get("/corrections/feed/").content)
    summaries = [e.find(f"{ATOM}summary") for e in root.findall(f"{ATOM}entry")]
    hostile = next(s for s in summaries if "alert(1)" in s.text)
    assert hostile.get("type") == "html"
    # What a feed reader renders as HTML: the reason must come out as escaped text.
    assert "<script>" not in hostile.text and "<img" not in hostile.text
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in hostile.text


@pytest.mark.parametrize(
    "url",
    ["/api/v1/bodies/no-such-body/", "/data/tables/no-such-table.csv", "/api/v1/findings/0/"],
)
def test_missing_resource_is_404_even_with_a_matching_condition(real_data, client, url):
    etag = client.get("/api/v1/bodies/")["ETag"]
    for headers in ({"HTTP_IF_NONE_MATCH": "*"}, {"HTTP_IF_NONE_MATCH": etag}):
        assert client.get(url, **headers).status_code == 404


def test_existing_resource_still_revalidates(real_data, client):
    first = client.get("/api/v1/bodies/kent/")
    assert client.get("/api/v1/bodies/kent/", HTTP_IF_NONE_MATCH="*").status_code == 304
    again = client.get("/api/v1/bodies/kent/", HTTP_IF_NONE_MATCH=first["ETag"])
    assert again.status_code == 304 and again["ETag"] == first["ETag"]


class UnreadableBody(io.RawIOBase):
    """A request body that fails the test if anything reads it."""

    def readable(self):
        return True

    def readinto(self, buffer):
        raise AssertionError("the request body was read")


@pytest.mark.parametrize("url", ["/", "/forces/", "/api/v1/bodies/", "/data/obscc-data.zip"])
@pytest.mark.parametrize("method", ["POST", "PUT", "PATCH", "DELETE"])
def test_public_urls_refuse_bodies_unread(db, url, method):
    from django.core.handlers.wsgi import WSGIHandler

    handler = WSGIHandler()
    environ = {
        "REQUEST_METHOD": method,
        "PATH_INFO": url,
        "SERVER_NAME": "testserver",
        "SERVER_PORT": "80",
        "wsgi.url_scheme": "http",
        "wsgi.input": UnreadableBody(),
        "CONTENT_TYPE": "multipart/form-data; boundary=xyz",
        "CONTENT_LENGTH": str(60 * 1024 * 1024),
    }
    statuses = []
    response = handler(environ, lambda status, headers: statuses.append(status))
    response.close()
    assert statuses[0].startswith("405")


def test_admin_refuses_an_oversized_body_unread(db, client, settings):
    response = client.generic(
        "POST",
        "/admin/login/",
        b"x" * 10,
        CONTENT_TYPE="application/x-www-form-urlencoded",
        CONTENT_LENGTH=str(settings.MAX_REQUEST_BYTES + 1),
    )
    assert response.status_code == 413
