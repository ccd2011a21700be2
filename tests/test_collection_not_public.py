"""An open round is not public: with submitted and accepted returns waiting, no public page, API
response, feed or download (built ones too), cached or not, shows any trace of the year or its
answers; once publish_round has run, the next request shows them."""

import datetime
import io
import json
import zipfile

import pytest

from surveys.caching import current_version
from surveys.collection import opening, publishing, review
from surveys.opendata.schema import TABLES
from tests import factories as f
from tests.pages import content

YEAR = "2029"
NOTE = "Synthetic marker note, unpublished"
SUBMITTER = "Synthetic Submitter Name"
TRACES = (YEAR, NOTE, SUBMITTER, f"RETURNS{YEAR}")

URLS = [
    "/",
    "/forces/",
    "/forces/northshire-police/",
    "/forces/southshire-constabulary/",
    "/systems/",
    "/systems/drones/",
    "/systems/external-cctv/",
    "/vendors/",
    "/vendors/redcam/",
    "/findings/",
    "/corrections/",
    "/corrections/feed/",
    "/about/",
    "/compare/?bodies=northshire-police,southshire-constabulary",
    "/charts/figures-by-round.csv",
    "/charts/concern-by-system-type.csv",
    "/data/",
    "/data/obscc-data.zip",
    "/data/obscc-data.json",
    "/data/answers.csv",
    "/data/data-dictionary.csv",
    *(f"/data/tables/{table}.csv" for table in TABLES),
    "/api/v1/rounds/",
    "/api/v1/returns/",
    "/api/v1/answers/",
    "/api/v1/publications/",
    "/api/v1/bodies/",
    "/api/v1/statistics/rounds/",
]


def everything(response) -> str:
    """The response's text; a ZIP's members' text, one after another."""
    body = content(response)
    if body.startswith(b"PK"):
        with zipfile.ZipFile(io.BytesIO(body)) as archive:
            return "\n".join(archive.read(name).decode("utf-8-sig") for name in archive.namelist())
    return body.decode("utf-8-sig")


@pytest.fixture
def waiting(world):
    """The 2029 round (synthetic) open, its deadline passed: Northshire's return accepted,
    Southshire's submitted and waiting for review, each with a note no public page has."""
    collection = opening.open_round(
        int(YEAR),
        deadline=datetime.date(2026, 1, 1),
        system_types=["drones"],
        today=datetime.date(2025, 12, 1),
    )
    for body, status in ((world.northshire, "accepted"), (world.southshire, "submitted")):
        f.online_return(
            collection.invitations.get(body=body),
            status,
            {world.drones: {"operates": True, "vendors": [world.redcam], "notes": NOTE}},
            submitted_by_name=SUBMITTER,
        )
    return collection


def test_opening_and_answering_a_round_leaves_the_data_version_as_it_was(world):
    version = current_version()
    editor = f.account("editor", "Editors")
    collection = opening.open_round(
        int(YEAR), deadline=datetime.date(2026, 1, 1), today=datetime.date(2025, 12, 1)
    )
    online = f.online_return(
        collection.invitations.get(body=world.northshire), "submitted", {world.drones: {}}
    )
    review.accept(online, user=editor)
    opening.reissue(collection.invitations.first())
    assert current_version() == version


def _check_no_trace(client):
    for url in URLS:
        response = client.get(url)
        assert response.status_code == 200, url
        text = everything(response)
        for trace in TRACES:
            assert trace not in text, (url, trace)
    rounds = json.loads(client.get("/api/v1/rounds/").content)
    years = [r["year"] for r in rounds.get("results", rounds)]
    assert int(YEAR) not in years
    assert client.get(f"/?round={YEAR}").status_code == client.get("/?round=2028").status_code


def test_no_public_response_shows_an_open_round_built_after_it_opened(waiting, client):
    _check_no_trace(client)


def test_no_cached_response_shows_an_open_round(world, client):
    for url in URLS:
        assert client.get(url).status_code == 200, url
    collection = opening.open_round(
        int(YEAR), deadline=datetime.date(2026, 1, 1), today=datetime.date(2025, 12, 1)
    )
    f.online_return(
        collection.invitations.get(body=world.northshire),
        "accepted",
        {world.drones: {"operates": True, "notes": NOTE}},
        submitted_by_name=SUBMITTER,
    )
    _check_no_trace(client)


def test_after_publishing_the_next_request_shows_the_round(waiting, client):
    _check_no_trace(client)  # cached, and downloads built, without the round
    online = waiting.invitations.get(body__slug="southshire-constabulary").online_return
    review.accept(online, user=f.account("editor", "Editors"))
    publishing.publish_round(waiting)
    rounds = json.loads(client.get("/api/v1/rounds/").content)
    assert int(YEAR) in [r["year"] for r in rounds.get("results", rounds)]
    for url in ("/data/answers.csv", "/data/obscc-data.zip", "/data/tables/answers.csv"):
        assert NOTE in everything(client.get(url)), url
    assert YEAR in everything(client.get("/"))
    overview = everything(client.get(f"/?round={YEAR}"))
    assert "2 of 3" in overview or "2 of 3" in overview.replace("\xa0", " ")
    # The person who submitted is not published: only the body's answers are.
    for url in URLS:
        assert SUBMITTER not in everything(client.get(url)), url
