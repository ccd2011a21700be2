"""A chart says what its page says: one measure per axis, derived points marked as derived
(in the plot, its table and its CSV), published figures kept apart from the dashboard's own
counts, and every CSV row carrying its qualifier, denominator, source and kind of figure.

Pure chart tests assert on the figure's JSON (``fig["data"]``); the CSV and page tests run on
the real data.
"""

import csv
import io
import json

import pytest

from surveys.charts import ChartData, Panel, Point, Series, bar_chart, csv_table, line_chart
from tests.pages import text, visible

PUBLISHED = Series("Published", [Point(91.0, source="PR2023"), Point(77.0, source="DRONE2023")])
BODIES = Series(
    "Drones: bodies operating them",
    [
        Point(31.0, source="PR2023"),
        Point(33.0, "33 (derived: 36 replies, 3 not operating)", derived=True, source="DRONE2023"),
    ],
)
TREND = ChartData(
    "Figures by round",
    "Survey round",
    [Panel("Per cent", ["2022", "2023"], [PUBLISHED]), Panel("Bodies", ["2022", "2023"], [BODIES])],
)


def _axis_title(fig, axis_ref: str) -> str:
    name = axis_ref[0] + "axis" + axis_ref[1:]
    return fig["layout"][name]["title"]["text"]


# --- Pure figures: one measure per axis -----------------------------------------------------


def test_percentages_and_body_counts_are_drawn_on_separate_axes():
    fig = line_chart(TREND)
    rate = next(t for t in fig["data"] if t["name"] == "Published")
    bodies = next(t for t in fig["data"] if t["name"] == "Drones: bodies operating them")
    assert rate["yaxis"] != bodies["yaxis"]
    assert _axis_title(fig, rate["yaxis"]) == "Per cent"
    assert _axis_title(fig, bodies["yaxis"]) == "Bodies"


def test_a_derived_point_has_its_own_marker_a_legend_entry_and_hover_text():
    fig = line_chart(TREND)
    bodies = next(t for t in fig["data"] if t["name"] == "Drones: bodies operating them")
    published_symbol, derived_symbol = bodies["marker"]["symbol"]
    assert published_symbol != derived_symbol
    assert "derived" in bodies["text"][1] and "derived" not in bodies["text"][0]
    key = [t for t in fig["data"] if "derived by the dashboard" in t.get("name", "").lower()]
    assert len(key) == 1 and key[0]["marker"]["symbol"] == derived_symbol
    assert key[0].get("showlegend") is not False


def test_mentions_never_share_an_axis_with_bodies():
    data = ChartData(
        "Facial recognition",
        "Figure",
        [
            Panel("Bodies", ["Live users [INIT2022]"], [Series("2022", [Point(1.0)])]),
            Panel(
                "Mentions (not bodies)",
                ["None of the above [FOI0823]"],
                [Series("2022", [Point(17.0)])],
            ),
        ],
    )
    fig = bar_chart(data)
    bodies = next(t for t in fig["data"] if "Live users" in t["hovertext"][0])
    mentions = next(t for t in fig["data"] if "None of the above" in t["hovertext"][0])
    assert bodies["xaxis"] != mentions["xaxis"]
    assert _axis_title(fig, bodies["xaxis"]) == "Bodies"
    assert _axis_title(fig, mentions["xaxis"]) == "Mentions (not bodies)"
    assert mentions["x"] == [17.0]
    # One legend entry per series, though it is drawn in both panels.
    assert [t["showlegend"] for t in fig["data"] if t["name"] == "2022"] == [True, False]


def test_derived_counts_are_drawn_as_markers_apart_from_published_bars():
    data = ChartData(
        "Concern",
        "System type",
        [
            Panel(
                "Responding bodies",
                ["External CCTV", "CCTV"],
                [
                    Series("Published figure", [Point(18.0, "at least 18"), Point(None)]),
                    Series(
                        "Use a vendor named as of concern (derived)",
                        [Point(0.0, derived=True), Point(11.0, derived=True)],
                    ),
                ],
            )
        ],
    )
    published, derived = bar_chart(data)["data"]
    assert published["type"] == "bar"
    assert derived["type"] == "scatter" and derived["mode"] == "markers+text"
    assert "open" in derived["marker"]["symbol"]


# --- The CSV rows say what the page says -----------------------------------------------------


def test_csv_rows_carry_qualifier_denominator_source_and_kind():
    data = ChartData(
        "Concern",
        "System type",
        [
            Panel(
                "Responding bodies",
                ["External CCTV"],
                [
                    Series(
                        "Published",
                        [Point(18.0, "at least 18", qualifier="at least", source="PR2023")],
                    ),
                    Series(
                        "Derived",
                        [Point(0.0, "0 (of 1 answers)", denominator=1, derived=True)],
                    ),
                ],
            )
        ],
    )
    header, rows = csv_table(data)
    table = [dict(zip(header, row, strict=True)) for row in rows]
    assert table[0]["Qualifier"] == "at least" and table[0]["As shown"] == "at least 18"
    assert table[0]["Source"] == "PR2023" and table[0]["Published or derived"] == "published"
    assert table[1]["Denominator"] == "1" and table[1]["Published or derived"] == "derived"


def _csv(client, url) -> list[dict[str, str]]:
    rows = list(csv.reader(io.StringIO(text(client.get(url)))))
    return [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]


@pytest.mark.django_db
def test_concern_csv_says_at_least_and_the_derived_denominator(real_data, client):
    rows = _csv(client, "/charts/concern-by-system-type.csv?round=2022")
    external = next(
        r for r in rows if r["System type"] == "External CCTV" and r["Series"].startswith("Pub")
    )
    assert (external["Value"], external["Qualifier"]) == ("18", "at least")
    assert external["As shown"] == "at least 18"
    assert external["Source"] == "PR2023" and external["Published or derived"] == "published"
    cctv = next(
        r
        for r in rows
        if r["System type"] == "CCTV (external or internal not stated)" and r["Value"]
    )
    assert cctv["Published or derived"] == "derived"
    assert (cctv["Value"], cctv["Denominator"]) == ("11", "12")
    assert cctv["Source"] == "per-body answers recorded here"


@pytest.mark.django_db
def test_system_type_csv_carries_denominators_and_corrections(real_data, client):
    rows = _csv(client, "/systems/cctv-unspecified/figures.csv")
    hikvision = next(r for r in rows if "Hikvision" in r["Figure"] and r["Value"] == "11")
    assert hikvision["Denominator"] == "36" and hikvision["Denominator is derived"] == "yes"
    assert hikvision["Source"] == "INIT2022" and hikvision["Published or derived"] == "published"
    rows = _csv(client, "/systems/body-worn-video/figures.csv")
    current = next(r for r in rows if "[PR2023]" in r["Figure"] and "current" in r["Series"])
    assert current["Value"] == "0" and current["Source"] == "PR2023, corrected by PR2023-UPDATE"


@pytest.mark.django_db
def test_facial_recognition_mentions_have_their_own_measure_in_chart_and_csv(real_data, client):
    html = text(client.get("/systems/facial-recognition/"))
    figure = json.loads(
        html.split('<script id="chart-published-figures-data" type="application/json">')[1].split(
            "</script>"
        )[0]
    )
    layout = figure["layout"]
    for trace in figure["data"]:
        axis = trace.get("xaxis", "x")
        title = layout["xaxis" + axis[1:]]["title"]["text"]
        mentions = any("Mentions" in label for label in trace["hovertext"])
        assert ("ention" in title) == mentions, (trace["hovertext"], title)
        if mentions:
            assert all("Mentions" in label for label in trace["hovertext"])
    rows = _csv(client, "/systems/facial-recognition/figures.csv")
    none = next(r for r in rows if "None of the above" in r["Figure"])
    assert none["Measure"] == "Mentions (not bodies)" and none["As shown"] == "17 mentions"
    live = next(r for r in rows if r["Figure"].startswith("Bodies using it live"))
    assert live["Measure"] == "Bodies"


@pytest.mark.django_db
def test_trend_csv_marks_the_derived_2023_drone_count(real_data, client):
    rows = _csv(client, "/charts/figures-by-round.csv")
    drones = {r["Survey round"]: r for r in rows if r["Series"].startswith("Drones")}
    assert drones["2023"]["Value"] == "33"
    assert drones["2023"]["Published or derived"] == "derived"
    assert drones["2023"]["Denominator"] == "36" and drones["2023"]["Source"] == "DRONE2023"
    assert drones["2022"]["Published or derived"] == "published"
    assert {r["Measure"] for r in rows if r["Series"].startswith("Response rate")} == {"Per cent"}
    assert drones["2022"]["Measure"] == "Bodies"


@pytest.mark.django_db
def test_overview_keeps_published_figures_and_derived_counts_apart(real_data, client):
    html = text(client.get("/?round=2022"))
    concern = html.split('id="concern-heading"')[1].split('id="charts-heading"')[0]
    cctv = visible(concern.split("CCTV (external or internal not stated)")[1].split("ANPR")[0])
    published, derived = cctv.split("Derived by the dashboard, not published")
    assert "Published figures" in published and "11 of 36" in published
    assert "11 of 12" in derived and "11 of 36" not in derived
