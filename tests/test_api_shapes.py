"""The API's shapes: what each correction corrects, numbers typed as what they count, old and
new values alike, and every documented parameter honoured."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys.editorial.corrections import record_correction
from surveys.models import Correction, PublishedFinding
from tests import factories as f

pytestmark = pytest.mark.django_db


def corrections(client) -> list[dict]:
    response = client.get("/api/v1/corrections/?limit=500")
    assert response.status_code == 200
    return response.json()["results"]


def correct(world, **fields) -> Correction:
    values = dict(reason="Re-counted", source=world.report)
    return record_correction(Correction(**{**values, **fields}))


def correct_an_answer(world) -> Correction:
    drones = f.answer(f.return_of(world.northshire, world.round_2020), world.drones, operates=True)
    return correct(world, answer=drones, answer_field="operates", new_value="no")


def correct_a_return(world) -> Correction:
    agency_2021 = f.return_of(world.agency, world.round_2021)
    return correct(world, survey_return=agency_2021, answer_field="status", new_value="responded")


def correct_a_finding(world, key: str = "t-concern", **fields) -> Correction:
    fields = {"metric": "concern_users", "value": 5, "qualifier": "at_least", **fields}
    finding = f.finding(world, key, **fields)
    return correct(world, finding=finding, new_value="3", new_qualifier="exact")


# --- What a correction corrects ---------------------------------------------------------------


def test_an_answer_correction_names_the_body_round_system_type_and_field(world, client):
    correction = correct_an_answer(world)
    [row] = corrections(client)
    assert row["finding"] is None
    assert row["target"] == {
        "kind": "answer",
        "label": "Northshire Police, 2020, Drones: operates the system",
        "finding": None,
        "answer": correction.answer_id,
        "return": correction.answer.survey_return_id,
        "body": "northshire-police",
        "round": 2020,
        "system_type": "drones",
        "field": "operates",
    }


def test_a_return_status_correction_names_the_body_and_round(world, client):
    correction = correct_a_return(world)
    [row] = corrections(client)
    assert row["target"] == {
        "kind": "return",
        "label": "Test Agency, 2021: response status",
        "finding": None,
        "answer": None,
        "return": correction.survey_return_id,
        "body": "test-agency",
        "round": 2021,
        "system_type": None,
        "field": "status",
    }


def test_a_finding_correction_names_the_finding_its_round_and_system_type(real_data, client):
    [row] = corrections(client)
    assert row["finding"] == "pr2023-bwv-hikvision"
    assert row["target"] == {
        "kind": "finding",
        "label": "PR2023, 2022: Bodies using the vendor's equipment, Body-worn video (Hikvision)",
        "finding": "pr2023-bwv-hikvision",
        "answer": None,
        "return": None,
        "body": None,
        "round": 2022,
        "system_type": "body-worn-video",
        "field": None,
    }


def test_the_schema_types_every_part_of_a_correction_target(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    target = schema["CorrectionTarget"]
    assert set(target["required"]) == set(target["properties"])
    assert schema["CorrectionTargetKindEnum"]["enum"] == ["finding", "answer", "return"]
    assert target["properties"]["round"]["type"] == "integer"
    assert "null" in target["properties"]["body"]["type"]


def test_the_corrections_list_makes_the_same_queries_however_many_corrections(world, client):
    correct_an_answer(world)
    correct_a_return(world)
    correct_a_finding(world)
    with CaptureQueriesContext(connection) as few:
        assert len(corrections(client)) == 3
    for n, (year, system_type) in enumerate(
        [
            (world.round_2020, world.drones),
            (world.round_2021, world.drones),
            (world.round_2020, world.external),
        ]
    ):
        correct_a_finding(world, f"t-more-{n}", system_type=system_type, survey_round=year)
        answer = f.answer(f.return_of(world.southshire, year), system_type)
        correct(world, answer=answer, answer_field="operates", new_value="yes")
    correct(
        world,
        survey_return=f.return_of(world.agency, world.round_2020),
        answer_field="status",
        new_value="did_not_respond",
    )
    with CaptureQueriesContext(connection) as many:
        assert len(corrections(client)) == 10
    # The data version (ETag, Last-Modified), the count and the page: every target is joined.
    assert len(many) == len(few) <= 4, [q["sql"] for q in many.captured_queries]


# --- Old and new values: one shape ------------------------------------------------------------


def test_old_and_new_values_both_carry_their_qualifier_and_name_it(real_data, client):
    [row] = corrections(client)
    assert (row["old_value"], row["old_qualifier"]) == ("at least 2", "at_least")
    assert (row["new_value"], row["new_qualifier"]) == ("0", "exact")


def test_a_correction_keeping_the_qualifier_shows_it_on_the_new_value(world, client):
    finding = f.finding(world, "t-at-least", metric="concern_users", value=5, qualifier="at_least")
    correct(world, finding=finding, new_value="7")
    [row] = corrections(client)
    assert (row["old_value"], row["old_qualifier"]) == ("at least 5", "at_least")
    assert (row["new_value"], row["new_qualifier"]) == ("at least 7", "at_least")


def test_an_answer_correction_has_no_qualifier(world, client):
    correct_an_answer(world)
    [row] = corrections(client)
    assert (row["old_value"], row["new_value"]) == ("yes", "no")
    assert (row["old_qualifier"], row["new_qualifier"]) == (None, None)


# --- Numbers typed as what they count ---------------------------------------------------------


def test_counts_are_json_integers_and_percentages_keep_their_decimals(real_data, client):
    response = client.get("/api/v1/findings/?limit=500")
    assert b"11.0," not in response.content
    findings = response.json()["results"]
    for finding in findings:
        for name in ("value", "current_value"):
            if finding["unit"] in ("count", "mentions") or finding[name] % 1 == 0:
                assert type(finding[name]) is int, (finding["key"], name, finding[name])
    by_key = {f["key"]: f for f in findings}
    assert by_key["init2022-hikvision-cameras"]["value"] == 11


def test_a_fractional_percentage_keeps_its_decimals(world, client):
    rate = f.finding(
        world, "t-rate", metric="response_rate", unit="percent", value=90, system_type=None
    )
    correct(world, finding=rate, new_value="83.5")
    finding = client.get("/api/v1/findings/t-rate/").json()
    assert (finding["value"], type(finding["value"])) == (90, int)
    assert (finding["current_value"], type(finding["current_value"])) == (83.5, float)


def test_published_and_computed_response_rates_are_both_whole_numbers(real_data, client):
    rounds = client.get("/api/v1/statistics/rounds/").json()["results"]
    latest = next(r for r in rounds if r["round"] == 2022)
    assert (latest["rate_percent"], latest["published_rate_percent"]) == (83, 91)
    assert type(latest["published_rate_percent"]) is int


# --- Every documented parameter honoured ------------------------------------------------------


def test_round_statistics_filter_by_round(real_data, client):
    rounds = client.get("/api/v1/statistics/rounds/?round=2022").json()["results"]
    assert [r["round"] for r in rounds] == [2022]
    assert len(client.get("/api/v1/statistics/rounds/").json()["results"]) > 1


@pytest.mark.parametrize(
    "query, status",
    [("round=1999", 404), ("round=abc", 400), ("round=2022&round=2019", 400), ("round=", 400)],
)
def test_round_statistics_refuse_an_unknown_or_malformed_round(real_data, client, query, status):
    response = client.get(f"/api/v1/statistics/rounds/?{query}")
    assert response.status_code == status
    schema = client.get("/api/schema/?format=json").json()
    operation = schema["paths"]["/api/v1/statistics/rounds/"]["get"]
    assert "round" in {p["name"] for p in operation["parameters"]}
    assert str(status) in operation["responses"]


def test_the_schema_says_a_figure_is_a_number(client):
    schema = client.get("/api/schema/?format=json").json()["components"]["schemas"]
    for component, names in {
        "Finding": ("value", "current_value"),
        "RoundStatisticsRow": ("published_rate_percent",),
    }.items():
        for name in names:
            assert "number" in schema[component]["properties"][name]["type"], (component, name)


def test_a_finding_unit_is_a_count_mentions_or_percent():
    # The rule "a count is a whole number" rests on these being the only units.
    assert set(PublishedFinding.Unit.values) == {"count", "percent", "mentions"}
