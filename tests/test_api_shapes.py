"""The API's shapes: numbers typed as what they count, and every documented parameter
honoured."""

import pytest

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
