"""A correction's dates, each named for what it is wherever the public reads them: the day
its source announced it, the time it was published here, and (in the API) the time it was
first entered here as a draft. And the feed's entry ids: absolute, and the same however the
feed is reached."""

import datetime
import re
import xml.etree.ElementTree as ET
from urllib.parse import urlsplit

import pytest
from django.core.exceptions import ValidationError
from django.utils.dateparse import parse_datetime

from surveys.editorial import corrections
from surveys.models import Correction, PublishedFinding

pytestmark = pytest.mark.django_db

ATOM = "{http://www.w3.org/2005/Atom}"
UTC = datetime.UTC
DRAFTED = datetime.datetime(2025, 1, 10, 9, 0, tzinfo=UTC)
PUBLISHED = datetime.datetime(2025, 2, 20, 10, 30, tzinfo=UTC)
ANNOUNCED = datetime.date(2024, 3, 1)
# RFC 4151: tag:<authority>,<date>:<specific>, the authority a host name.
TAG = re.compile(r"^tag:[a-z0-9.-]+\.?[a-z0-9-]*,\d{4}(-\d{2}){0,2}:\S+$")


@pytest.fixture
def correction(real_data) -> Correction:
    """ANPR's "at least 11" corrected to 12: announced on 1 March 2024, drafted here on
    10 January 2025 and published here on 20 February 2025."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    draft = corrections.save_draft(
        Correction(
            finding=finding,
            new_value="12",
            reason="A later count",
            announced_on=ANNOUNCED,
            source=finding.publication,
        )
    )
    published = corrections.publish(draft, check_editor=False)
    Correction.objects.filter(pk=published.pk).update(
        recorded_at=DRAFTED, published_at=PUBLISHED, changed_at=PUBLISHED
    )
    return Correction.objects.get(pk=published.pk)


def test_the_api_gives_a_correction_its_publication_time_beside_its_other_dates(correction, client):
    data = client.get(f"/api/v1/corrections/{correction.pk}/").json()
    assert parse_datetime(data["published_at"]) == PUBLISHED
    assert parse_datetime(data["recorded_at"]) == DRAFTED
    assert data["announced_on"] == "2024-03-01"
    assert data["withdrawn_on"] is None
    listed = client.get("/api/v1/corrections/").json()["results"]
    assert all(parse_datetime(row["published_at"]) for row in listed)


def test_the_api_schema_says_what_each_correction_date_is(client, db):
    schema = client.get("/api/schema/?format=json").json()
    shape = schema["components"]["schemas"]["Correction"]
    fields = shape["properties"]
    assert "published_at" in shape["required"]
    assert fields["published_at"]["format"] == "date-time"
    assert "null" not in str(fields["published_at"].get("type"))
    said = {name: fields[name].get("description", "") for name in fields}
    assert "published on this dashboard" in said["published_at"]
    assert "source" in said["announced_on"]
    assert "draft" in said["recorded_at"]
    assert "withdrawn" in said["withdrawn_on"]


@pytest.mark.parametrize("page", ["list", "own page"])
def test_the_public_pages_say_when_the_source_announced_it_and_when_it_was_published_here(
    correction, client, page
):
    url = "/corrections/" if page == "list" else f"/corrections/{correction.pk}/"
    text = client.get(url).content.decode()
    article = text.split(f'id="correction-{correction.pk}"', 1)[1].split("</article>", 1)[0]
    words = re.sub(r"<[^>]+>", "", article)
    assert "Announced by the sourceon 1 March 2024, by PR2023" in words
    # 10:30 UTC is 10:30 in London in February.
    assert "Published hereon 20 February 2025, 10:30 (UK time)" in words
    assert '<time datetime="2025-02-20T10:30:00+0000">' in article
    assert "10 January 2025" not in words  # the draft is the editors' business


def test_a_figure_names_its_correction_date_as_the_announcement(correction, client):
    text = client.get("/").content.decode()
    words = re.sub(r"<[^>]+>", "", text)
    assert "corrected to at least 12, announced by PR2023 on 1 March 2024: A later count" in words


def feed(client, **headers) -> ET.Element:
    return ET.fromstring(client.get("/corrections/feed/", **headers).content)


def test_the_feed_says_when_it_was_announced_and_when_published_here(correction, client):
    [entry] = [
        e
        for e in feed(client).findall(f"{ATOM}entry")
        if e.find(f"{ATOM}id").text.endswith(f":correction-{correction.pk}")
    ]
    summary = entry.find(f"{ATOM}summary").text
    assert "on 1 March 2024; published here on 20 February 2025." in summary
    assert datetime.datetime.fromisoformat(entry.find(f"{ATOM}published").text) == PUBLISHED


def entry_ids(root: ET.Element) -> list[str]:
    return [e.find(f"{ATOM}id").text for e in root.findall(f"{ATOM}entry")]


def test_every_feed_entry_id_is_an_absolute_iri_that_does_not_change(correction, client, settings):
    settings.SITE_URL = "https://dashboard.example.org"
    ids = entry_ids(feed(client))
    assert len(ids) == Correction.objects.published().count() > 1
    assert len(set(ids)) == len(ids)
    for entry_id in ids:
        assert urlsplit(entry_id).scheme == "tag" and TAG.match(entry_id), entry_id
    assert f"tag:dashboard.example.org,2026:correction-{correction.pk}" in ids
    # Read again, at another of the site's addresses: the same ids.
    assert entry_ids(feed(client, HTTP_HOST="127.0.0.1")) == ids
    # A withdrawal updates the entry; it is still the same entry.
    corrections.withdraw_correction(correction, reason="Counted twice")
    assert set(entry_ids(feed(client))) == set(ids)


def test_without_site_url_the_feed_entry_ids_name_the_requested_host(correction, client, settings):
    settings.SITE_URL = ""
    ids = entry_ids(feed(client, HTTP_HOST="localhost:8000"))
    assert f"tag:localhost,2026:correction-{correction.pk}" in ids
    assert all(entry_id.startswith("tag:localhost,2026:") for entry_id in ids)


def test_dates_in_the_future_are_refused(real_data):
    anpr = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    tomorrow = datetime.date.today() + datetime.timedelta(days=2)
    with pytest.raises(ValidationError) as exc:
        corrections.save_draft(
            Correction(
                finding=anpr,
                new_value="12",
                reason="x",
                source=anpr.publication,
                announced_on=tomorrow,
            )
        )
    assert "announced_on" in exc.value.message_dict
    published = Correction.objects.get(finding__key="pr2023-bwv-hikvision")
    with pytest.raises(ValidationError, match="future"):
        corrections.withdraw_correction(published, reason="x", on=tomorrow)
