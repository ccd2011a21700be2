"""A round that asked about some system types only (the 2023 survey, drones only): its
published response figures, its points on the drones trend and pages, and none for the types
it did not ask about; the default round stays the last full one."""

import csv
import io
import json

import pytest

from tests.pages import text, visible

pytestmark = pytest.mark.django_db


def test_the_2023_round_shows_36_of_47_and_the_published_77_fits(real_data, client):
    rounds = {r["round"]: r for r in client.get("/api/v1/statistics/rounds/").json()["results"]}
    r2023 = rounds[2023]
    assert (r2023["published_invited"], r2023["published_responded"]) == (47, 36)
    assert r2023["published_rate_percent"] == 77
    assert r2023["published_rate_fits_published_counts"] is True
    assert r2023["system_types"] == ["drones"] and r2023["has_per_body_returns"] is False
    assert rounds[2022]["system_types"] == []
    page = visible(text(client.get("/?round=2023")))
    assert "36 of 47, as published" in page
    assert "36 of 47 is 77% rounded; the published rate, 77%, matches it" in page
    assert "The 2023 survey asked about Drones / UAVs only" in page
    # The default round is still the last full one.
    assert "the 2022 survey" in visible(text(client.get("/")))


def test_the_trend_chart_has_a_2023_point_for_drones_and_none_for_cctv(real_data, client):
    html = text(client.get("/"))
    data = json.loads(
        html.split('<script id="chart-figures-by-round-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    traces = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in data["data"]}
    assert traces["Response rate, published (%)"]["2023"] == 77
    assert traces["Drones / UAVs: bodies operating them"]["2023"] == 33
    assert not any("CCTV" in name and points.get("2023") for name, points in traces.items())
    # System type pages: drones has its 2023 round; CCTV was not asked in 2023.
    cctv = text(client.get("/systems/external-cctv/"))
    assert "Not asked about in 2023" in visible(cctv)

    def series(url: str) -> set[str]:
        return {row[1] for row in list(csv.reader(io.StringIO(text(client.get(url)))))[1:]}

    assert not [s for s in series("/systems/external-cctv/figures.csv") if s.startswith("2023")]
    assert [s for s in series("/systems/drones/figures.csv") if s.startswith("2023")]
