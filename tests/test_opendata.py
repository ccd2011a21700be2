"""Bulk downloads at /data/: contents, dictionary, licence, revalidation, and the round trip
(download, load into an empty database with load_dump, same statistics)."""

import csv
import datetime
import io
import json
import threading
import zipfile

import pytest
from django.apps import apps
from django.core.management import CommandError, call_command
from django.db import connection
from django.db.models import F
from django.urls import reverse

from surveys import opendata
from surveys.caching import bump_version
from surveys.editorial.corrections import record_correction
from surveys.editorial.synthetic import generate
from surveys.models import (
    COLLECTION_MODELS,
    SUMMARY_MODELS,
    Answer,
    AnswerRound,
    Body,
    Correction,
    DataVersion,
    Publication,
    SurveyRound,
)
from tests import factories as f
from tests.pages import content

ZIP, JSON = "/data/obscc-data.zip", "/data/obscc-data.json"


def download(client, url: str) -> bytes:
    response = client.get(url)
    assert response.status_code == 200
    return content(response)


def zip_members(data: bytes) -> dict[str, str]:
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        assert archive.testzip() is None
        return {
            name.removeprefix("obscc-data/"): archive.read(name).decode("utf-8-sig")
            for name in archive.namelist()
        }


# --- What the download holds ------------------------------------------------------------------


def test_every_survey_table_is_downloaded():
    survey_models = {
        model
        for model in apps.get_app_config("surveys").get_models()
        if not model.__name__.startswith("Historical")
        and model not in SUMMARY_MODELS  # derived from the tables downloaded
        and model is not AnswerRound  # likewise: each answer's round, kept by the database
        # a round being collected: its returns are public only as the published round's, and
        # it holds who submitted and the bodies' contacts
        and model not in COLLECTION_MODELS
        and model.__name__
        not in (  # the editorial desk's own records
            "DataVersion",
            "ReferenceRecord",
            "ReferenceLoad",
            "ImportDraft",
            "WithdrawalDraft",
            "KeyFindingDraft",
            "ChangeDraft",
        )
    }
    assert survey_models == set(opendata.TABLES.values())


def test_every_column_is_described_and_no_description_is_stale():
    known = set()
    for table in opendata.dictionary():
        assert table["description"]
        for column in table["columns"]:
            known.add(f"{table['table']}.{column['name']}")
            known.add(column["name"])
            assert len(column["description"]) > 8, (table["table"], column)
    assert set(opendata.COLUMN_DESCRIPTIONS) <= known


def test_references_and_choices_are_spelt_out():
    (table,) = [t for t in opendata.dictionary() if t["table"] == "answers"]
    answers = {c["name"]: c for c in table["columns"]}
    assert "Refers to returns.id." in answers["survey_return_id"]["description"]
    assert "intends = Intends to use" in answers["intent"]["description"]
    assert answers["operates"] == {
        "name": "operates",
        "type": "boolean",
        "nullable": True,
        "description": "Empty: not known. Empty means not known or not applicable.",
    }


def test_zip_holds_one_csv_per_table_with_dictionary_and_readme(real_data, client):
    response = client.get(ZIP)
    assert response["Content-Type"] == "application/zip"
    assert response["Content-Disposition"].startswith('attachment; filename="obscc-data-20')
    members = zip_members(content(response))
    assert set(members) == {"README.txt", "data-dictionary.csv"} | {
        f"{t}.csv" for t in opendata.TABLES
    }
    bodies = list(csv.DictReader(io.StringIO(members["bodies.csv"])))
    assert len(bodies) == Body.objects.count() == 47
    assert {"id", "name", "slug", "nation", "region", "source_id"} <= set(bodies[0])
    dictionary = list(csv.DictReader(io.StringIO(members["data-dictionary.csv"])))
    assert len(dictionary) == sum(len(opendata.columns(t)) for t in opendata.TABLES)
    assert "Open Government Licence v3.0" in members["README.txt"]
    assert "load_dump" in members["README.txt"]


def test_json_document_holds_metadata_dictionary_and_every_row(real_data, client):
    document = json.loads(download(client, JSON))
    assert document["format"] == "obscc-open-data"
    assert document["licence"]["name"] == "Open Government Licence v3.0"
    assert document["synthetic"] is False
    changed = datetime.datetime.fromisoformat(document["data_last_changed"])
    assert abs(changed - opendata.data_last_changed()) < datetime.timedelta(seconds=1)
    assert {t: len(rows) for t, rows in document["tables"].items()} == opendata.table_counts()
    finding = next(f for f in document["tables"]["findings"] if f["unit"] == "percent")
    assert isinstance(finding["value"], float)
    assert [t["table"] for t in document["dictionary"]] == list(opendata.TABLES)


def test_synthetic_data_is_labelled_in_every_download(db, client):
    generate(bodies=5, rounds=1)
    assert json.loads(download(client, JSON))["synthetic"] is True
    readme = zip_members(download(client, ZIP))["README.txt"]
    assert "WARNING: this download holds SYNTHETIC test data" in readme
    assert "Synthetic test data." in client.get("/data/").content.decode()


def test_csv_cells_that_look_like_formulas_are_escaped(real_data, client):
    Body.objects.filter(slug="gwent").update(notes='=HYPERLINK("http://x")')
    bodies = csv.DictReader(io.StringIO(zip_members(download(client, ZIP))["bodies.csv"]))
    gwent = next(b for b in bodies if b["slug"] == "gwent")
    assert gwent["notes"] == '\'=HYPERLINK("http://x")'


def test_each_table_and_the_dictionary_download_alone_as_in_the_zip(real_data, client):
    members = zip_members(download(client, ZIP))
    for table in opendata.TABLES:
        response = client.get(reverse("surveys:data_table_csv", args=[table]))
        assert response["Content-Disposition"].startswith(f'attachment; filename="{table}-20')
        assert content(response).decode("utf-8-sig") == members[f"{table}.csv"]
    dictionary = download(client, reverse("surveys:data_dictionary_csv"))
    assert dictionary.decode("utf-8-sig") == members["data-dictionary.csv"]


@pytest.mark.parametrize("table", ["users", "historicalbody", "data-dictionary", "DataVersion"])
def test_a_table_not_in_the_data_set_is_a_404(real_data, client, table):
    assert client.get(f"/data/tables/{table}.csv").status_code == 404


def test_equal_data_gives_equal_zip_bytes(real_data, client):
    assert download(client, ZIP) == download(client, ZIP)


def test_downloads_revalidate_with_304_until_the_data_changes(real_data, client):
    first = client.get(ZIP)
    content(first)
    etag = first["ETag"]
    assert first["Last-Modified"]
    again = client.get(ZIP, HTTP_IF_NONE_MATCH=etag)
    assert again.status_code == 304
    assert client.get(JSON, HTTP_IF_NONE_MATCH=etag).status_code == 304
    bump_version()
    changed = client.get(ZIP, HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200
    assert changed["ETag"] != etag


def test_downloads_revalidate_by_date_as_wget_does(real_data, client):
    last_modified = client.get(ZIP)["Last-Modified"]
    assert client.get(ZIP, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 304
    older = "Mon, 01 Jan 2024 00:00:00 GMT"
    assert client.get(ZIP, HTTP_IF_MODIFIED_SINCE=older).status_code == 200
    assert client.get(ZIP, HTTP_IF_MODIFIED_SINCE="not a date").status_code == 200
    DataVersion.objects.update(changed_at=F("changed_at") + datetime.timedelta(hours=1))
    assert client.get(ZIP, HTTP_IF_MODIFIED_SINCE=last_modified).status_code == 200
    # An ETag that does not match wins over a date that would.
    current = client.get(ZIP)["Last-Modified"]
    stale = client.get(ZIP, HTTP_IF_NONE_MATCH='W/"data-0"', HTTP_IF_MODIFIED_SINCE=current)
    assert stale.status_code == 200


def test_data_page_shows_licence_last_change_and_every_column(
    real_data, client, django_assert_max_num_queries
):
    # + the licence of every source, and of the sources the page cites (the footer)
    with django_assert_max_num_queries(len(opendata.TABLES) + 6):
        html = client.get(reverse("surveys:data")).content.decode()
    assert "Open Government Licence v3.0" in html
    assert opendata.data_last_changed().strftime("%-d %B %Y") in html
    for table in opendata.TABLES:
        assert f'id="table-{table}"' in html
        for column in opendata.columns(table):
            assert f"<code>{column.name}</code>" in html
    assert "47 rows" in html
    for url in (
        ZIP,
        JSON,
        "/data/answers.csv?round=2022",
        "/api/docs/",
        "/data/data-dictionary.csv",
        "/data/tables/answer_vendors.csv",
    ):
        assert f'href="{url}"' in html


def test_the_row_counts_follow_the_data(real_data, client):
    assert "47 rows: <a" in client.get("/data/").content.decode()
    f.body("New Force", source=Publication.objects.first())
    assert "48 rows: <a" in client.get("/data/").content.decode()


@pytest.mark.parametrize("url", ["/", "/forces/", "/systems/drones/"])
def test_dashboard_downloads_link_to_the_data_page(real_data, client, url):
    assert 'href="/data/">All the data behind the dashboard' in client.get(url).content.decode()


def test_the_page_itself_is_validated_by_the_deploy_as_well_as_the_data(real_data, client):
    """Its template can change on deploy: no date validator, an ETag with the deploy in it."""
    from obscc.response_cache import deploy_id

    page = client.get("/data/")
    assert deploy_id() in page["ETag"] and "Last-Modified" not in page


# --- The round trip -------------------------------------------------------------------------


def statistics(client) -> dict:
    """Every statistic the API and the dashboard's downloads give, as text."""
    urls = ["/api/v1/statistics/rounds/", "/api/v1/findings/?limit=500", "/data/answers.csv"]
    for year in SurveyRound.objects.values_list("year", flat=True):
        urls += [
            f"/api/v1/statistics/system-types/?round={year}",
            f"/charts/concern-by-system-type.csv?round={year}",
        ]
    urls += ["/charts/figures-by-round.csv", "/forces/?export=csv&round=2022"]
    return {url: content(client.get(url)).decode() for url in urls}


def recorded() -> dict:
    return dict(Correction.objects.values_list("pk", "recorded_at"))


@pytest.mark.parametrize("url", [JSON, ZIP])
def test_a_download_loads_into_an_empty_database_with_identical_statistics(
    transactional_db, real_data, client, tmp_path, url
):
    from django.core.cache import cache

    answer = Answer.objects.filter(operates=True).first()
    record_correction(
        Correction(
            answer=answer,
            answer_field="operates",
            new_value="no",
            reason="Test: the body withdrew this answer.",
            source=Publication.objects.first(),
            announced_on=datetime.date(2023, 3, 1),
        )
    )
    Body.objects.filter(slug="gwent").update(notes="-1 ' = Heddlu Gwent, ü")
    before = statistics(client)
    recorded_before = recorded()
    before_ids = list(Body.objects.values_list("pk", flat=True))
    dump = tmp_path / url.rsplit("/", 1)[1]
    dump.write_bytes(download(client, url))
    counts = opendata.table_counts()

    call_command("flush", interactive=False, verbosity=0)
    cache.clear()
    assert set(opendata.table_counts().values()) == {0}
    out = io.StringIO()
    call_command("load_dump", str(dump), stdout=out)
    cache.clear()

    assert f"{counts['answers']} answers" in out.getvalue()
    assert opendata.table_counts() == counts
    after = statistics(client)
    for key in before:
        assert after[key] == before[key], key
    assert Body.objects.get(slug="gwent").notes == "-1 ' = Heddlu Gwent, ü"
    assert recorded() == recorded_before  # not the time of the load
    assert Body.history.filter(history_change_reason=opendata.LOADED_REASON).count() == 47
    # Identifiers continue after the loaded ones: the next row is accepted.
    assert f.body("New Force", source=Publication.objects.first()).pk > max(before_ids)


def test_a_download_is_one_snapshot_while_others_write(transactional_db, real_data):
    if connection.vendor != "postgresql":
        pytest.skip("snapshot reads are PostgreSQL's (CI's second run); SQLite is for development")
    chunks = opendata.json_chunks()
    head = next(chunks)  # the download has begun

    def another_editor_adds_a_body():
        f.body("Late Force", source=Publication.objects.first())
        connection.close()

    editor = threading.Thread(target=another_editor_adds_a_body)
    editor.start()
    editor.join()
    document = json.loads(head + "".join(chunks))
    assert len(document["tables"]["bodies"]) == 47  # as when the download began
    assert Body.objects.filter(slug="late-force").exists()  # the other write did commit


def test_loading_into_a_database_that_holds_data_refuses_and_writes_nothing(
    real_data, client, tmp_path
):
    dump = tmp_path / "d.json"
    dump.write_bytes(download(client, JSON))
    counts = opendata.table_counts()
    with pytest.raises(CommandError, match="already holds survey data .*47 bodies"):
        call_command("load_dump", str(dump))
    assert opendata.table_counts() == counts
