"""The pure figure builders, tested on the figure's JSON (synthetic numbers)."""

from surveys.charts import (
    COLOURS,
    ChartData,
    Panel,
    Point,
    Series,
    bar_chart,
    csv_table,
    line_chart,
)

PANEL = Panel(
    "Bodies",
    ["External CCTV", "Drones"],
    [
        Series("Published", [Point(18.0, "at least 18", "≥18"), Point(None, "no data")]),
        Series("Computed", [Point(None), Point(None)]),
    ],
)
DATA = ChartData(title="Test chart", x_title="System type", panels=[PANEL])


def test_bar_chart_plots_values_and_leaves_gaps():
    fig = bar_chart(DATA)
    published, computed = fig["data"]
    assert published["type"] == "bar" and published["orientation"] == "h"
    assert published["x"] == [18.0, None]
    assert published["hovertext"] == ["External CCTV", "Drones"]
    assert fig["layout"]["yaxis"]["ticktext"] == ["External CCTV", "Drones"]
    assert published["text"] == ["≥18", ""]
    assert published["customdata"] == ["at least 18", "no data"]
    assert computed["x"] == [None, None]


def test_bar_chart_marks_categories_without_any_value():
    annotations = bar_chart(DATA)["layout"]["annotations"]
    assert [(a["y"], a["text"]) for a in annotations] == [(1, "no data")]  # the second category


def test_series_differ_by_pattern_not_only_colour():
    published, computed = bar_chart(DATA)["data"]
    assert published["marker"]["color"] == COLOURS[0]
    assert computed["marker"]["color"] == COLOURS[1]
    assert published["marker"]["pattern"]["shape"] != computed["marker"]["pattern"]["shape"]


def test_long_category_names_wrap():
    panel = Panel("y", ["CCTV (external or internal not stated)"], [Series("s", [Point(1)])])
    assert "<br>" in bar_chart(ChartData("t", "x", [panel]))["data"][0]["hovertext"][0]


def test_line_chart_does_not_bridge_missing_rounds():
    rounds = ["2017", "2019", "2022"]
    panel = Panel(
        "Per cent",
        rounds,
        [
            Series("Published", [Point(100.0), Point(None), Point(91.0)]),
            Series("Computed", [Point(None), Point(None), Point(83.0)]),
        ],
    )
    fig = line_chart(ChartData("Rates", "Round", [panel]))
    published, computed = fig["data"]
    assert [t["type"] for t in fig["data"]] == ["scatter", "scatter"]
    assert published["y"] == [100.0, None, 91.0]
    assert published["connectgaps"] is False
    assert published["marker"]["symbol"][0] != computed["marker"]["symbol"][0]
    assert published["line"]["dash"] != computed["line"]["dash"]


def test_table_rows_and_csv_values_match_the_plot():
    assert PANEL.rows() == [
        ["External CCTV", "at least 18", "no data"],
        ["Drones", "no data", "no data"],
    ]
    header, rows = csv_table(DATA)
    assert header[:4] == ["System type", "Series", "Measure", "Value"]
    assert [row[:4] for row in rows] == [
        ["External CCTV", "Published", "Bodies", "18"],
        ["External CCTV", "Computed", "Bodies", ""],
        ["Drones", "Published", "Bodies", ""],
        ["Drones", "Computed", "Bodies", ""],
    ]


def test_empty_chart_is_known_to_be_empty():
    empty = Panel("y", ["a"], [Series("s", [Point(None)])])
    assert ChartData("t", "x", [empty]).is_empty
    assert not DATA.is_empty
