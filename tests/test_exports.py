"""Downloads say what they hold: file names follow the round and the filters, and an Excel
download carries an "About" sheet with the filters, source, licence and date of the data."""

import csv
import io
import re

import pytest
from django.utils.timezone import localtime
from openpyxl import load_workbook

from surveys import opendata
from surveys.caching import data_last_changed
from surveys.exports import MAX_STEM, download_name
from surveys.opendata import LICENCE
from surveys.opendata.schema import SOURCE_LINE

pytestmark = pytest.mark.django_db
SAFE_NAME = re.compile(r'attachment; filename="([a-z0-9]+(?:-[a-z0-9]+)*\.(?:csv|xlsx))"$')


def filename(response) -> str:
    match = SAFE_NAME.match(response["Content-Disposition"])
    assert match, response["Content-Disposition"]
    return match.group(1)


def about(response) -> dict[str, str]:
    book = load_workbook(io.BytesIO(response.content))
    assert book.sheetnames[1:] == ["About"]
    return dict(book["About"].iter_rows(values_only=True))


@pytest.mark.parametrize(
    "query, name",
    [
        ("", "forces-2022"),
        ("vendor=hikvision", "forces-2022-vendor-hikvision"),
        # The order is the filters' own, not the URL's.
        ("status=responded&nation=wales", "forces-2022-nation-wales-status-responded"),
        ("status=did_not_respond&round=2022", "forces-2022-status-did-not-respond"),
        ("system_type=facial-recognition&concern=yes", None),
        ("region=South+East&kind=territorial", "forces-2022-region-south-east-kind-territorial"),
        ("q=+Kent%21+", "forces-2022-name-kent"),
        # Values the form refuses are ignored by the rows, and so by the name.
        ("nation=mars&vendor=hikvision&concern=perhaps", "forces-2022-vendor-hikvision"),
        ("q=%3D..%2F..%2Fetc&sort=-name&page=2", "forces-2022-name-etc"),
        ("round=1999&vendor=hikvision", "forces-2022-vendor-hikvision"),
    ],
)
@pytest.mark.parametrize("export", ["csv", "xlsx"])
def test_export_names_follow_the_round_and_the_filters(real_data, client, query, name, export):
    name = name or "forces-2022-system-type-facial-recognition-concern-yes"
    response = client.get(f"/forces/?{query}&export={export}")
    assert response.status_code == 200
    assert filename(response) == f"{name}.{export}"


def test_export_name_of_another_round(real_data, client):
    response = client.get("/forces/?round=2023&export=csv")
    assert filename(response) == "forces-2023.csv"


def test_export_names_are_bounded_and_never_cut_a_filter_in_two(real_data, client):
    query = (
        "q=" + "abc " * 100 + "&nation=england&region=South+East&kind=territorial"
        "&status=did_not_respond&system_type=facial-recognition&vendor=hikvision&concern=no"
    )
    name = filename(client.get(f"/forces/?{query}&export=csv"))
    assert len(name) <= MAX_STEM + len(".csv")
    assert name.startswith("forces-2022-name-abc-abc-")
    assert name.endswith(".csv") and "-nation-england-" in name
    stem = name.removesuffix(".csv")
    # What is left is a run of whole "filter-value" pairs.
    assert re.search(
        r"-(kind-territorial|status-did-not-respond|system-type-facial-recognition)$", stem
    )


def test_download_name_is_slug_safe():
    assert download_name("forces", 2022, "Ünïcödé / ../ x_y", suffix="csv") == (
        "forces-2022-unicode-x-y.csv"
    )
    assert download_name("東京", suffix="xlsx") == "download.xlsx"
    assert len(download_name("a" * 40, *["bcdefghij"] * 30, suffix="csv")) <= MAX_STEM + 4


def test_xlsx_about_sheet_says_filters_source_licence_date_and_page(real_data, client):
    response = client.get("/forces/?status=responded&nation=wales&concern=perhaps&export=xlsx")
    sheet = about(response)
    assert sheet["What"] == "Police forces and other policing bodies in the 2022 survey"
    assert sheet["Filters"] == "Nation: Wales; Response: Responded"
    assert sheet["Source"] == SOURCE_LINE
    assert LICENCE["name"] in sheet["Licence"] and LICENCE["url"] in sheet["Licence"]
    changed = localtime(data_last_changed())
    assert sheet["Data last changed"] == f"{changed:%-d %B %Y, %H:%M} UK time"
    assert sheet["Page"] == "http://testserver/forces/?round=2022&nation=wales&status=responded"


def test_xlsx_about_sheet_follows_other_filters(real_data, client):
    sheet = about(client.get("/forces/?vendor=hikvision&q=%3DHYPERLINK&export=xlsx"))
    # Text that a spreadsheet would run as a formula stays text.
    assert sheet["Filters"] == "Name contains: “=HYPERLINK”; Records vendor: Hikvision"
    assert sheet["Page"].endswith("/forces/?round=2022&q=%3DHYPERLINK&vendor=hikvision")
    assert about(client.get("/forces/?export=xlsx"))["Filters"] == ("None: every body in the round")


def test_csv_export_stays_a_plain_table(real_data, client):
    response = client.get("/forces/?vendor=hikvision&export=csv")
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode("utf-8-sig"))))
    assert rows[0][0] == "Body" and len(rows) == 1 + 11
    assert all(len(row) == len(rows[0]) for row in rows)


@pytest.mark.parametrize(
    "url, name",
    [
        ("/charts/concern-by-system-type.csv?round=2022", "concern-by-system-type-2022.csv"),
        ("/charts/figures-by-round.csv", "survey-figures-by-round.csv"),
        ("/systems/drones/figures.csv", "drones-published-figures-by-round.csv"),
        ("/data/answers.csv", "answers-all-rounds.csv"),
        ("/data/answers.csv?round=2022", "answers-2022.csv"),
    ],
)
def test_other_downloads_are_named_after_what_they_hold(real_data, client, url, name):
    assert filename(client.get(url)) == name


def test_data_page_documents_the_names_and_the_companion_line(real_data, client):
    html = client.get("/data/").content.decode()
    assert "forces-2022-nation-wales-status-responded.csv" in html
    assert "“About”" in html
    line = html.split('class="companion-line"><p>')[1].split("</p>")[0]
    assert line.startswith(SOURCE_LINE.replace("'", "&#x27;"))
    assert LICENCE["attribution"] in line
    assert f"{localtime(data_last_changed()):%-d %B %Y, %H:%M}" in line


def test_the_data_dictionary_describes_per_field_sources_kinds_and_successions():
    columns = {
        f"{t['table']}.{c['name']}": c["description"]
        for t in opendata.dictionary()
        for c in t["columns"]
    }
    for name in (
        "answer_kinds.kind",
        "answer_vendors.role",
        "answers.unit_count",
        "answers.says_vendor_of_concern",
        "answers.operates_source_id",
        "answers.intent_source_id",
        "bodies.ons_code",
        "bodies.succeeded_by_id",
        "bodies.succeeded_on",
        "returns.status_is_derived",
        "findings.kind",
        "findings.wording_is_verbatim",
        "round_system_types.system_type_id",
        "evidence.kind",
        "evidence.occurred_on",
        "commissioner_terms.holder",
    ):
        assert len(columns[name]) > 20, name
