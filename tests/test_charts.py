"""The pure figure builders, tested on fig.data (synthetic numbers)."""

from surveys.charts import COLOURS, ChartData, Series, bar_chart, line_chart, plotted_values

DATA = ChartData(
    title="Test chart",
    x_title="System type",
    y_title="Bodies",
    categories=["External CCTV", "Drones"],
    series=[
        Series("Published", [18.0, None], ["at least 18", "no data"], ["≥18", ""]),
        Series("Computed", [None, None]),
    ],
)


def test_bar_chart_plots_values_and_leaves_gaps():
    fig = bar_chart(DATA)
    published, computed = fig.data
    assert published.type == "bar" and published.orientation == "h"
    assert list(published.x) == [18.0, None]
    assert list(published.y) == ["External CCTV", "Drones"]
    assert list(published.text) == ["≥18", ""]
    assert list(published.customdata) == ["at least 18", "no data"]
    assert list(computed.x) == [None, None]


def test_bar_chart_marks_categories_without_any_value():
    annotations = bar_chart(DATA).layout.annotations
    assert [(a.y, a.text) for a in annotations] == [("Drones", "no data")]


def test_series_differ_by_pattern_not_only_colour():
    published, computed = bar_chart(DATA).data
    assert published.marker.color == COLOURS[0] and computed.marker.color == COLOURS[1]
    assert published.marker.pattern.shape != computed.marker.pattern.shape


def test_long_category_names_wrap():
    data = ChartData("t", "x", "y", ["CCTV (external or internal not stated)"], [Series("s", [1])])
    assert "<br>" in bar_chart(data).data[0].y[0]


def test_line_chart_does_not_bridge_missing_rounds():
    data = ChartData(
        "Rates",
        "Round",
        "Per cent",
        ["2017", "2019", "2022"],
        [Series("Published", [100.0, None, 91.0]), Series("Computed", [None, None, 83.0])],
    )
    fig = line_chart(data)
    assert [t.type for t in fig.data] == ["scatter", "scatter"]
    assert list(fig.data[0].y) == [100.0, None, 91.0]
    assert fig.data[0].connectgaps is False
    assert fig.data[0].marker.symbol != fig.data[1].marker.symbol
    assert fig.data[0].line.dash != fig.data[1].line.dash


def test_table_rows_and_csv_values_match_the_plot():
    assert DATA.rows() == [
        ["External CCTV", "at least 18", "no data"],
        ["Drones", "no data", "no data"],
    ]
    header, rows = plotted_values(DATA)
    assert header == ["System type", "Published", "Computed"]
    assert rows == [["External CCTV", "18", ""], ["Drones", "", ""]]


def test_empty_chart_is_known_to_be_empty():
    assert ChartData("t", "x", "y", ["a"], [Series("s", [None])]).is_empty
    assert not DATA.is_empty
