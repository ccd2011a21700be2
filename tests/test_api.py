"""The JSON API: contents, filters, pagination, errors, schema conformance, caching, limits."""

import jsonschema
import pytest
from django.core.cache import cache
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from rest_framework.throttling import AnonRateThrottle

from surveys.models import Body

pytestmark = pytest.mark.django_db

LISTS = [
    "bodies",
    "rounds",
    "publications",
    "system-types",
    "vendors",
    "returns",
    "answers",
    "findings",
    "corrections",
]


def test_bodies(real_data, client):
    data = client.get("/api/v1/bodies/?limit=500").json()
    assert data["count"] == 47 and len(data["results"]) == 47
    kent = client.get("/api/v1/bodies/kent/").json()
    assert kent["name"] == "Kent Police" and kent["source"] == "FORCELIST"
    assert client.get("/api/v1/bodies/?nation=wales").json()["count"] == 4


def test_answers_filters(real_data, client):
    data = client.get("/api/v1/answers/?round=2022&vendor=hikvision&limit=500").json()
    assert data["count"] == 11
    assert {a["source"] for a in data["results"]} == {"EPOCH2022"}
    assert client.get("/api/v1/answers/?body=metropolitan-police").json()["count"] == 2
    # FOI0823's 21 users and INIT2022's 13 intending bodies: 23 bodies in all
    assert client.get("/api/v1/answers/?system_type=facial-recognition").json()["count"] == 23


def test_findings_carry_current_and_original_values(real_data, client):
    bwv = client.get("/api/v1/findings/pr2023-bwv-hikvision/").json()
    assert (bwv["value"], bwv["qualifier"]) == (2, "at_least")
    assert (bwv["current_value"], bwv["current_qualifier"]) == (0, "exact")
    assert bwv["correction"] is not None and bwv["publication"] == "PR2023"
    rate = client.get("/api/v1/findings/pr2023-response-rate/").json()
    assert (rate["computed"], rate["status"]) == (83, "disagrees")
    assert client.get("/api/v1/findings/?publication=INIT2022").json()["count"] == 10


def test_statistics(real_data, client):
    rounds = client.get("/api/v1/statistics/rounds/").json()["results"]
    latest = next(r for r in rounds if r["round"] == 2022)
    assert (latest["invited"], latest["responded"], latest["rate_percent"]) == (47, 39, 83)
    assert next(r for r in rounds if r["round"] == 2017)["invited"] is None
    types = client.get("/api/v1/statistics/system-types/?round=2022").json()["results"]
    cctv = next(t for t in types if t["system_type"] == "cctv-unspecified")
    # 11 Hikvision users, and West Yorkshire's "no" (FOI0323): known for 12
    assert cctv["concern_users"] == {"value": 11, "coverage": 12}
    hikvision = {"vendor": "hikvision", "bodies": 11, "of_concern": True, "role": "equipment"}
    assert cctv["vendors"] == [hikvision]
    internal = next(t for t in types if t["system_type"] == "internal-cctv")
    assert internal["concern_users"]["value"] is None  # no per-body data, not zero
    external = next(t for t in types if t["system_type"] == "external-cctv")
    # West Yorkshire names Milestone for its video management system, not as its cameras'
    # maker (FOI0323): that settles nothing about vendors of concern, so it is not known
    assert external["concern_users"] == {"value": None, "coverage": 0}
    milestone = {"vendor": "milestone", "bodies": 1, "of_concern": False, "role": "software"}
    assert external["vendors"] == [milestone]


@pytest.mark.parametrize(
    "url",
    [
        "/api/v1/statistics/system-types/",
        "/api/v1/statistics/system-types/?round=abc",
        "/api/v1/statistics/system-types/?round=2022&round=2019",
        "/api/v1/bodies/?offset=-1",
        "/api/v1/bodies/?offset=true",
        "/api/v1/bodies/?limit=0",
        "/api/v1/bodies/?nation=",
        "/api/v1/answers/?round=2022.5",
        "/api/v1/answers/?round=",
        "/api/v1/returns/?status=AAA",
        "/api/v1/findings/?round=2022&round=2019",
    ],
)
def test_bad_parameters_are_a_400_naming_each_parameter(real_data, client, url):
    response = client.get(url)
    assert response.status_code == 400
    name = url.split("?")[-1].split("=")[0] if "?" in url else "round"
    assert response.json()[name] and all(isinstance(m, str) for m in response.json()[name])


def test_an_unknown_round_is_a_404_naming_the_rounds(real_data, client):
    response = client.get("/api/v1/statistics/system-types/?round=1800")
    assert response.status_code == 404
    assert response.json()["detail"].endswith("choose one of 2017, 2019, 2022, 2023.")


def test_invalid_filter_values_are_400s(real_data, client):
    response = client.get("/api/v1/bodies/?nation=atlantis")
    assert response.status_code == 400
    assert "nation" in response.json()


@pytest.mark.parametrize(
    "url", ["/api/v1/bodies/atlantis/", "/api/v1/bodies/a.b/", "/api/v1/bodies/a%00b/", "/api/x/"]
)
def test_unknown_objects_are_json_404s(real_data, client, url):
    response = client.get(url)
    assert response.status_code == 404
    assert response.json()["detail"]


def test_page_size_is_capped(real_data, client):
    assert len(client.get("/api/v1/bodies/?limit=100000").json()["results"]) == 47
    page = client.get("/api/v1/answers/?limit=2").json()
    assert len(page["results"]) == 2 and page["next"]


def test_etag_revalidation_and_cors(real_data, client):
    first = client.get("/api/v1/bodies/")
    assert first["Access-Control-Allow-Origin"] == "*"
    assert first["Last-Modified"]
    etag = first["ETag"]
    assert client.get("/api/v1/bodies/", HTTP_IF_NONE_MATCH=etag).status_code == 304
    body = Body.objects.get(slug="kent")
    body.notes = "synthetic test edit"
    body.save()
    changed = client.get("/api/v1/bodies/", HTTP_IF_NONE_MATCH=etag)
    assert changed.status_code == 200 and changed["ETag"] != etag


def test_rate_limit_answers_429_with_retry_after(real_data, client, monkeypatch):
    cache.clear()
    monkeypatch.setattr(AnonRateThrottle, "THROTTLE_RATES", {"anon": "3/minute"})
    statuses = [client.get("/api/v1/rounds/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]
    limited = client.get("/api/v1/rounds/")
    assert limited.status_code == 429 and int(limited["Retry-After"]) > 0
    assert "throttled" in limited.json()["detail"].lower()


def test_schema_and_docs_are_served_locally(client, db):
    schema = client.get("/api/schema/?format=json").json()
    assert schema["openapi"].startswith("3.1")
    assert "/api/v1/bodies/" in schema["paths"]
    docs = client.get("/api/docs/")
    assert docs.status_code == 200
    assert b"cdn." not in docs.content.lower() and b"<script>" not in docs.content


# --- Every endpoint's real responses conform to the schema ---------------------------------


def json_schema(node):
    """OpenAPI's ``nullable: true`` (still used by DRF's pagination schema) as JSON Schema."""
    if isinstance(node, list):
        return [json_schema(item) for item in node]
    if not isinstance(node, dict):
        return node
    node = {key: json_schema(value) for key, value in node.items()}
    if node.pop("nullable", False):
        if isinstance(node.get("type"), str):
            node["type"] = [node["type"], "null"]
        else:
            node = {"anyOf": [node, {"type": "null"}]}
    return node


def validator_for(schema: dict, path: str):
    operation = schema["paths"][path]["get"]
    content = operation["responses"]["200"]["content"]["application/json"]["schema"]
    document = json_schema({**content, "components": schema["components"]})
    return jsonschema.Draft202012Validator(document)


SAMPLES = {"year": "2022", "code": "PR2023"}
SLUGS = {"bodies": "kent", "system-types": "drones", "vendors": "hikvision"}
KEYS = {"findings": "pr2023-bwv-hikvision", "evidence": "essex-lfr-own-vans-2024"}


def test_every_endpoint_conforms_to_the_schema(real_data, client):
    schema = client.get("/api/schema/?format=json").json()
    checked = 0
    for path in schema["paths"]:
        url = path.replace("{slug}", SLUGS.get(path.split("/")[3], ""))
        url = url.replace("{key}", KEYS.get(path.split("/")[3], ""))
        for name, value in SAMPLES.items():
            url = url.replace("{" + name + "}", value)
        if "{id}" in url:
            first = client.get(url.split("{id}")[0]).json()["results"][0]
            url = url.replace("{id}", str(first["id"]))
        if path == "/api/v1/statistics/system-types/":
            url += "?round=2022"
        response = client.get(url)
        assert response.status_code == 200, url
        validator_for(schema, path).validate(response.json())
        checked += 1
    assert checked >= 22


params = st.dictionaries(
    st.sampled_from(
        [
            "round",
            "body",
            "nation",
            "region",
            "system_type",
            "vendor",
            "limit",
            "offset",
            "status",
            "publication",
            "metric",
            "kind",
        ]
    ),
    st.one_of(
        st.text(max_size=12),
        st.integers(-5, 3000).map(str),
        st.sampled_from(["2022", "kent", "wales", "hikvision", "drones", "PR2023", "' OR 1=1"]),
    ),
    max_size=4,
)


@settings(
    max_examples=80,
    deadline=None,
    suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow],
)
@given(list_name=st.sampled_from(LISTS), query=params)
def test_random_queries_never_fail_and_conform(real_data, client, list_name, query):
    response = client.get(f"/api/v1/{list_name}/", query)
    assert response.status_code in (200, 400), (list_name, query, response.status_code)
    body = response.json()
    if response.status_code == 200:
        schema = client.get("/api/schema/?format=json").json()
        validator_for(schema, f"/api/v1/{list_name}/").validate(body)
    else:
        assert body  # a message says what was wrong


def untyped_objects(node, where="") -> list[str]:
    """Places in a schema where an object says nothing of its contents."""
    found = []
    if isinstance(node, dict):
        if node.get("type") == "object" and not (
            node.get("properties")
            or isinstance(node.get("additionalProperties"), dict)
            and node["additionalProperties"]
        ):
            found.append(where or "(root)")
        for key, value in node.items():
            found += untyped_objects(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += untyped_objects(value, f"{where}/{index}")
    return found


def test_no_response_in_the_schema_is_an_untyped_object(client, db):
    schema = client.get("/api/schema/?format=json").json()
    responses = {
        f"{path} {status}": response
        for path, operations in schema["paths"].items()
        for status, response in operations["get"]["responses"].items()
    }
    assert untyped_objects({"paths": responses, "components": schema["components"]}) == []
    rows = schema["components"]["schemas"]["SystemTypeStatisticsRow"]["properties"]
    assert {"operators", "concern_users", "aware"} <= set(rows)


def numbers_in_the_schema(schema: dict, component: str) -> dict[str, str]:
    properties = schema["components"]["schemas"][component]["properties"]
    return {name: properties[name]["type"] for name in ("value", "current_value")}


def test_counts_and_figures_are_json_numbers_not_strings(real_data, client):
    """A count like 28 is the number 28, not the string "28.00", in every finding."""
    findings = client.get("/api/v1/findings/?limit=500").json()["results"]
    assert findings
    for finding in findings:
        for name in ("value", "current_value"):
            assert type(finding[name]) in (int, float), (finding["key"], name, finding[name])
    by_key = {f["key"]: f for f in findings}
    assert by_key["pr2023-bwv-hikvision"]["value"] == 2
    assert by_key["pr2023-response-rate"]["value"] == 91
    rounds = client.get("/api/v1/statistics/rounds/").json()["results"]
    assert all(
        r["published_rate_percent"] is None or type(r["published_rate_percent"]) in (int, float)
        for r in rounds
    )
    schema = client.get("/api/schema/?format=json").json()
    assert numbers_in_the_schema(schema, "Finding") == {
        "value": "number",
        "current_value": "number",
    }


def free_form_maps(node, where="") -> list[str]:
    """Places where an object's keys are not named: Swagger shows them as "additionalProp1"."""
    found = []
    if isinstance(node, dict):
        if node.get("additionalProperties") not in (None, False):
            found.append(where or "(root)")
        for key, value in node.items():
            found += free_form_maps(value, f"{where}/{key}")
    elif isinstance(node, list):
        for index, value in enumerate(node):
            found += free_form_maps(value, f"{where}/{index}")
    return found


def test_every_schema_component_names_its_properties(client, db):
    """No component (the statistics above all) is an object of unnamed keys, except the
    400 answer, whose keys are the refused query parameters' names."""
    schema = client.get("/api/schema/?format=json").json()
    components = schema["components"]["schemas"]
    assert free_form_maps(components) == ["/ParameterErrors"]
    assert untyped_objects(components) == []
    for name in ("RoundStatistics", "SystemTypeStatistics", "SystemTypeStatisticsRow"):
        assert components[name]["properties"], name
    for path in ("/api/v1/statistics/rounds/", "/api/v1/statistics/system-types/"):
        ok = schema["paths"][path]["get"]["responses"]["200"]["content"]["application/json"]
        assert free_form_maps(ok) == [] and "$ref" in ok["schema"]


def test_no_response_points_readers_to_a_file_they_cannot_see(real_data, client):
    """Definitions live on a public page, never in the repository's README or METRICS."""
    urls = [f"/api/v1/{name}/?limit=500" for name in LISTS] + [
        "/api/v1/evidence/?limit=500",
        "/api/v1/statistics/rounds/",
        "/api/v1/statistics/system-types/?round=2022",
        "/api/schema/?format=json",
    ]
    for url in urls:
        response = client.get(url)
        assert response.status_code == 200, url
        body = response.content.decode()
        for word in ("README", "METRICS", ".md"):
            assert word not in body, (url, word)
    for url in ("/api/v1/statistics/rounds/", "/api/v1/statistics/system-types/?round=2022"):
        definitions = client.get(url).json()["definitions"]
        assert definitions["url"] == "http://testserver/about/#definitions"
    assert 'id="definitions"' in client.get("/about/").content.decode()
