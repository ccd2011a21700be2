"""Hostile input: random and malicious query strings on every public URL, and bad files.

Never a 5xx, never the input echoed unescaped, and a bad file changes nothing.
"""

import io
import urllib.parse

import pytest
from django.core.cache import cache
from django.test import Client
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from surveys.editorial.importing import ImportFileError, import_answers
from surveys.models import Answer, AnswerVendor

pytestmark = pytest.mark.django_db

PUBLIC_URLS = [
    "/",
    "/forces/",
    "/forces/metropolitan-police/",
    "/systems/",
    "/systems/drones/",
    "/vendors/",
    "/vendors/hikvision/",
    "/findings/",
    "/corrections/",
    "/corrections/feed/",
    "/about/",
    "/charts/concern-by-system-type.csv",
    "/charts/figures-by-round.csv",
    "/systems/drones/figures.csv",
    "/healthz",
    "/data/answers.csv",
    "/data/",
    "/data/obscc-data.zip",
    "/data/obscc-data.json",
    "/data/tables/bodies.csv",
    "/data/data-dictionary.csv",
    "/compare/",
]
KNOWN_PARAMS = [
    "round",
    "as_published",
    "q",
    "nation",
    "region",
    "kind",
    "status",
    "system_type",
    "vendor",
    "concern",
    "page",
    "sort",
    "per_page",
    "export",
    "publication",
    "metric",
    "bodies",
]
MARKER = "<script>alert(1)</script>"
NASTY = [
    MARKER,
    '"><img src=x onerror=alert(1)>',
    "' OR 1=1 --",
    "2022; DROP TABLE surveys_body;",
    "\x00",
    "a\x00b",
    "Ωmega 🚓 ﷽ \u202e",
    "../../etc/passwd",
    "-1",
    "0",
    "99999999999999999999999999",
    "-99999999999999999999",
    "1e308",
    "NaN",
    "x" * 10_000,
    "%",
    "",
]
values = st.one_of(st.sampled_from(NASTY), st.text(max_size=50))
params = st.lists(
    st.tuples(st.one_of(st.sampled_from(KNOWN_PARAMS), st.text(max_size=10)), values),
    max_size=6,
)


@settings(
    max_examples=60,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(url=st.sampled_from(PUBLIC_URLS), query=params)
def test_public_urls_survive_hostile_query_strings(real_data, client, url, query):
    response = client.get(f"{url}?{urllib.parse.urlencode(query)}")
    assert response.status_code < 500, (url, query)
    if not response.streaming and response["Content-Type"].startswith("text/html"):
        assert MARKER not in response.content.decode("utf-8", "replace")


@pytest.mark.parametrize("url", PUBLIC_URLS)
def test_every_known_parameter_with_every_nasty_value(real_data, url):
    """Every value needs the same data, so one test per URL tries them all, each as a first
    request: a new client and an empty statistics cache."""
    for value in NASTY:
        cache.clear()
        query = urllib.parse.urlencode([(name, value) for name in KNOWN_PARAMS] * 2)
        response = Client().get(f"{url}?{query}")
        assert response.status_code < 500, value
        if not response.streaming and response["Content-Type"].startswith("text/html"):
            assert MARKER not in response.content.decode("utf-8", "replace"), value


def test_hostile_slugs_are_404s(real_data, client):
    for slug in ["%00", "x" * 300, "..%2F..", "%3Cscript%3E"]:
        for prefix in ("/forces/", "/systems/", "/vendors/"):
            assert client.get(f"{prefix}{slug}/").status_code == 404


# --- Malformed import files -----------------------------------------------------------------

HEADER = "body,round,system_type,operates,vendors,aware_of_concerns,intent,notes,source\n"
GOOD_ROW = "Kent Police,2022,drones,yes,DJI,,,,PR2023\n"


def snapshot():
    return (
        sorted(Answer.objects.values_list("pk", "operates", "notes", "intent")),
        sorted(AnswerVendor.objects.values_list("answer_id", "vendor_id")),
    )


def xlsx_with_formula() -> bytes:
    book = Workbook()
    sheet = book.active
    sheet.append(HEADER.strip().split(","))
    sheet.append(["Kent Police", 2022, "drones", "yes", "DJI", None, None, "=1+1", "PR2023"])
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


BAD_FILES = {
    "wrong encoding": (("body," + "Dyfed-Powys Heddlu é\n").encode("cp1252"), "a.csv"),
    "wrong columns": (b"name,year,colour\nKent,2022,red\n", "a.csv"),
    "formula in a csv cell": (
        (HEADER + GOOD_ROW + '=HYPERLINK("http://x"),2022,anpr,,,,,,PR2023\n').encode(),
        "a.csv",
    ),
    "formula in an xlsx cell": (xlsx_with_formula(), "a.xlsx"),
    "100,000 rows": ((HEADER + GOOD_ROW * 100_000).encode(), "a.csv"),
    "empty file": (b"", "a.csv"),
    "binary renamed .csv": (bytes(range(256)) * 40, "a.csv"),
    "binary renamed .xlsx": (bytes(range(256)) * 40, "a.xlsx"),
    "only a byte-order mark": (b"\xef\xbb\xbf", "a.csv"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_malformed_files_give_a_clear_error_and_write_nothing(real_data, name):
    data, filename = BAD_FILES[name]
    before = snapshot()
    try:
        result = import_answers(io.BytesIO(data), filename=filename)
    except ImportFileError as exc:
        message = str(exc)
    else:
        assert not result.ok and not result.applied
        message = str(result.errors[0])
    assert len(message) > 10
    assert snapshot() == before


def test_formula_cells_are_named(real_data):
    data, filename = BAD_FILES["formula in a csv cell"]
    result = import_answers(io.BytesIO(data), filename=filename)
    assert str(result.errors[0]).startswith("Row 3, column body: looks like a spreadsheet formula")
    data, filename = BAD_FILES["formula in an xlsx cell"]
    result = import_answers(io.BytesIO(data), filename=filename)
    assert "Row 2, column notes: looks like a spreadsheet formula" in str(result.errors[0])
