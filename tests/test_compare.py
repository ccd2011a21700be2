"""``/compare/``: bodies side by side, each value with its source, the same as the bodies
table's and the CSV's, and a clear message for an address that names the wrong bodies."""

import csv
import io

import pytest

from surveys.models import SystemType
from tests import factories
from tests.pages import text, visible

PAIR = "west-yorkshire,metropolitan-police"


def rows(response) -> list[dict]:
    return list(csv.DictReader(io.StringIO(text(response))))


def test_each_bodys_answers_are_side_by_side_with_their_sources(client, real_data):
    page = visible(text(client.get(f"/compare/?bodies={PAIR}")))
    assert "West Yorkshire and Metropolitan Police, side by side" in page
    drones = page[page.index("Drones / UAVs") : page.index("Facial recognition Operates")]
    assert "Vendors named DJI FOI0323" in drones and "Units 20 FOI0323" in drones
    assert "No answer recorded" in drones  # the Met's drones: nothing recorded, not "no"
    facial = page[page.index("Facial recognition Operates") :]
    assert "Kinds Live INIT2022" in facial


def test_the_csv_has_a_row_per_type_and_body_with_each_fields_source(client, real_data):
    lines = rows(client.get(f"/compare/?bodies={PAIR}&export=csv"))
    types = {line["System type"] for line in lines}
    assert len(lines) == 2 * len(types)
    [drones] = [
        line
        for line in lines
        if line["Body"] == "West Yorkshire Police" and line["System type"] == "Drones / UAVs"
    ]
    assert (drones["Units"], drones["Units: source"]) == ("20", "FOI0323")
    assert (drones["Vendors named"], drones["Vendors named: source"]) == ("DJI", "FOI0323")
    assert drones["Aware of concerns"] == "Not stated" and drones["Aware of concerns: source"] == ""


def test_the_derived_concern_column_is_the_bodies_tables_for_each_system_type(client, real_data):
    for line in rows(client.get(f"/compare/?bodies={PAIR}&export=csv")):
        slug = SystemType.objects.get(name=line["System type"]).slug
        table = rows(client.get(f"/forces/?round=2022&system_type={slug}&export=csv"))
        if line["Operates"] == "Yes":  # the table lists only the bodies that operate it
            [row] = [r for r in table if r["Body"] == line["Body"]]
            concern = next(v for k, v in row.items() if k.startswith("Uses a vendor"))
            assert concern == line["Uses a vendor named as of concern (derived)"], line


def test_a_correction_in_force_is_marked_on_the_page_and_in_the_csv(client, real_data):
    correction = factories.intent_corrected(
        "metropolitan-police", "Synthetic test: a revised answer"
    )
    assert f"Corrected (correction #{correction.pk})" in text(
        client.get(f"/compare/?bodies={PAIR}")
    )
    [line] = [
        r
        for r in rows(client.get(f"/compare/?bodies={PAIR}&export=csv"))
        if r["Body"] == "Metropolitan Police Service" and r["System type"] == "Facial recognition"
    ]
    assert line["Corrections in force"] == f"#{correction.pk}"
    assert line["Future use"] == "Unsure (live facial recognition)"


def test_the_choosers_form_lands_on_one_address(client, real_data):
    response = client.get("/compare/?body=kent&body=&body=essex&body=kent")
    assert response.status_code == 302
    assert response["Location"] == "/compare/?bodies=kent%2Cessex"


@pytest.mark.parametrize(
    "query, status, message",
    [
        ("bodies=kent", 200, "Choose from 2 to 4 bodies to compare (1 chosen)."),
        ("", 200, "Choose from 2 to 4 bodies to compare (0 chosen)."),
        ("bodies=a,b,c,d,e", 400, "Choose from 2 to 4 bodies to compare (5 chosen)."),
        ("bodies=kent,atlantis", 400, "No body is called “atlantis”: find it by name below."),
        ("bodies=kent,a%00b", 400, "No body is called “ab”: find it by name below."),
    ],
)
def test_a_wrong_choice_of_bodies_says_what_is_wrong(client, real_data, query, status, message):
    response = client.get(f"/compare/?{query}")
    assert response.status_code == status
    assert message in visible(text(response))
    assert "side by side" not in visible(text(response))


def test_the_bodies_page_offers_each_body_to_compare(client, real_data):
    html = text(client.get("/forces/?round=2022"))
    assert 'name="body" value="kent" form="compare-form"' in html
    assert '<label for="compare-kent" class="visually-hidden">Compare Kent Police</label>' in html
    assert '<form id="compare-form" method="get" action="/compare/"' in html


def test_comparing_four_bodies_runs_a_bounded_number_of_queries(
    client, real_data, django_assert_max_num_queries
):
    with django_assert_max_num_queries(13):
        client.get("/compare/?bodies=west-yorkshire,metropolitan-police,kent,essex")
