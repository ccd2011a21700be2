"""An embedded chart is drawn on the server as SVG from the same ChartData as its Plotly figure
and its tables: every value the table shows, no bar for a missing value, every text escaped."""

import re
from html import unescape

import pytest

from surveys import chart_svg
from surveys.charts import ChartData, Panel, Point, Series

EMBEDS = (
    "/embed/concern-by-system-type/?round=2022",
    "/embed/figures-by-round/",
    "/embed/published-figures/?system_type=drones",
)


def data(*values, derived=False) -> ChartData:
    points = [Point(v, derived=derived) for v in values]
    return ChartData(
        "Synthetic test chart",
        "System type",
        [Panel("Per cent", [f"Type {i}" for i in range(len(values))], [Series("S", points)])],
    )


def test_each_value_is_a_bar_with_its_label_and_a_missing_one_says_no_data():
    svg = chart_svg.render(data(40, None, 7))
    bars = re.findall(r'<rect x="190"', svg)
    assert len(bars) == 2  # 40 and 7; none for the missing value (never a zero bar)
    assert ">40<" in svg and ">7<" in svg and ">no data<" in svg


def test_a_derived_value_is_an_open_diamond_with_the_key_not_a_bar():
    svg = chart_svg.render(data(12, derived=True))
    assert '<rect x="190"' not in svg and "<polygon" in svg
    assert "Open diamond: derived by the dashboard, not published" in svg


def test_a_line_has_a_gap_where_a_round_has_no_value():
    svg = chart_svg.render(data(1, 2, None, 4, 5), kind="line")
    assert svg.count("<polyline") == 2  # 1-2 and 4-5, not joined across the missing round


def test_every_text_is_escaped():
    chart = ChartData("t", "x", [Panel("<b>", ["<script>x</script>"], [Series("&", [Point(1)])])])
    svg = chart_svg.render(chart)
    assert "<script>" not in svg and "&lt;script&gt;" in svg and "<b>" not in svg


@pytest.mark.parametrize("url", EMBEDS)
def test_an_embed_shows_the_server_chart_with_every_value_of_its_table(real_data, client, url):
    page = client.get(url).content.decode()
    svg = page[page.index("<svg") : page.index("</svg>")]
    table = page[page.index('class="chart-numbers"') :]
    for cell in re.findall(r"<td[^>]*>([^<]+)</td>", table):
        value = unescape(cell).strip()
        if re.fullmatch(r"[\d.]+", value):
            assert f">{value}<" in svg, (url, value)
    # nothing that fetches plotly at once: the interactive chart waits to be asked for
    assert "data-chart-later=" in page and ' data-chart="' not in page
