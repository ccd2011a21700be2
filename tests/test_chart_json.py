"""The charts' figures are written as plain dicts, without plotly at request time: they must be
exactly the JSON plotly's own builders (make_subplots, go.Bar, go.Scatter; tests/
plotly_reference.py) write for the same data: the same traces, layout, subplot domains, axis
names, annotations and template, key for key and in the same order, so the page is byte for
byte what it was."""

import json
import subprocess
import sys

import pytest

from surveys import charts, plotly_json
from surveys.charts import ChartData, Panel, Point, Series
from surveys.models import SystemType
from surveys.stats import response_by_round
from surveys.web import chart_data, selectors, trend_chart
from tests import plotly_reference

LONG = "CCTV (external or internal not stated), with a name long enough to wrap thrice"


def _series(name: str, values, *, derived=False) -> Series:
    return Series(
        name,
        [
            Point(v, f"{v:g} (derived)" if derived else "", derived=derived and v is not None)
            if v is not None
            else Point(None, "no data")
            for v in values
        ],
    )


ROUNDS = ["2017", "2019", "2022", "2023"]
SHAPES = {
    "no panels": ChartData("Empty", "x", []),
    "a panel without categories": ChartData("Empty", "x", [Panel("Bodies", [], [])]),
    "one panel, one series": ChartData(
        "One", "System type", [Panel("Bodies", ["Drones"], [_series("Published", [3.0])])]
    ),
    "gaps, a category without any value": ChartData(
        "Gaps",
        "System type",
        [
            Panel(
                "Bodies",
                ["External CCTV", "Drones", "ANPR"],
                [
                    _series("Published", [18.0, None, 0.0]),
                    _series("Computed", [None, None, 4.0]),
                ],
            )
        ],
    ),
    "published beside derived, long names": ChartData(
        "Concern",
        "System type",
        [
            Panel(
                "Responding bodies",
                [LONG, "Drones", "Body-worn video"],
                [
                    _series("Published figure (current)", [18.0, None, 7.5]),
                    _series("Of concern (derived)", [11, 0, None], derived=True),
                ],
            )
        ],
    ),
    "two panels, a series in both": ChartData(
        "Facial recognition",
        "Figure",
        [
            Panel("Bodies", ["Live users [INIT2022]", LONG], [_series("2022", [1.0, 2.0])]),
            Panel("Mentions (not bodies)", ["None of the above"], [_series("2022", [17.0])]),
        ],
    ),
    "three panels, four series and more": ChartData(
        "Figures by round",
        "Survey round",
        [
            Panel(
                "Per cent",
                ROUNDS,
                [
                    _series("Published (%)", [100.0, None, 91.0, 77.0]),
                    _series("Computed (%)", [None, None, 83.3, 80.0], derived=True),
                ],
            ),
            Panel(
                "Bodies",
                ROUNDS,
                [
                    _series(f"Series {i}", [i, None, i * 2.5, 33.0], derived=i == 3)
                    for i in range(5)
                ],
            ),
            Panel("Mentions (not bodies)", ROUNDS, [_series("Mentions", [None, 4, 5, None])]),
        ],
    ),
}


def _plotly(figure) -> str:
    return json.dumps(json.loads(figure.to_json()))


def _assert_same(ours: dict, figure) -> None:
    theirs = json.loads(figure.to_json())
    assert ours == theirs  # the same JSON (pytest shows where it differs)
    assert json.dumps(ours) == json.dumps(theirs)  # and its keys in the same order


@pytest.mark.parametrize("shape", SHAPES)
def test_bar_chart_writes_the_json_plotly_writes(shape):
    _assert_same(charts.bar_chart(SHAPES[shape]), plotly_reference.bar_chart(SHAPES[shape]))


@pytest.mark.parametrize("shape", SHAPES)
def test_line_chart_writes_the_json_plotly_writes(shape):
    _assert_same(charts.line_chart(SHAPES[shape]), plotly_reference.line_chart(SHAPES[shape]))


def test_multi_panel_figures_have_their_own_axes_and_domains():
    """Not only equal to plotly's: what the pages rely on, said once more in plain words."""
    figure = charts.bar_chart(SHAPES["three panels, four series and more"])
    layout = figure["layout"]
    assert [k for k in layout if "axis" in k] == [
        "xaxis",
        "yaxis",
        "xaxis2",
        "yaxis2",
        "xaxis3",
        "yaxis3",
    ]
    tops = [layout[f"yaxis{n}"]["domain"] for n in ("", "2", "3")]
    assert tops[0][1] == 1.0 and tops[-1][0] == 0.0
    assert tops[0][0] > tops[1][1] > tops[1][0] > tops[2][1]  # top to bottom, apart
    assert {t["xaxis"] for t in figure["data"]} == {"x", "x2", "x3"}


def test_the_template_is_the_installed_plotlys():
    """After upgrading plotly: scripts/plotly/write_template.py writes it again."""
    import plotly.graph_objects as go

    assert plotly_json.template() == json.loads(go.Figure().to_json())["layout"]["template"]


def test_each_figure_gets_its_own_template():
    first, second = charts.bar_chart(SHAPES["no panels"]), charts.bar_chart(SHAPES["no panels"])
    first["layout"]["template"]["layout"]["font"] = {"size": 99}
    assert second["layout"]["template"] == plotly_json.template()


def _real_charts():
    rounds = selectors.all_rounds()
    for survey_round in rounds:
        for as_published in (False, True):
            yield "bar", chart_data.concern_chart(survey_round, as_published=as_published)[0]
    yield "line", trend_chart.trend_chart(rounds, response_by_round())[0]
    for system_type in SystemType.objects.all():
        covering = selectors.rounds_covering(system_type)
        for as_published in (False, True):
            data, _ = chart_data.system_type_figures_chart(
                system_type, covering, as_published=as_published
            )
            yield "bar", data


@pytest.mark.django_db
def test_every_chart_of_the_real_data_is_the_json_plotly_writes(real_data):
    shown = 0
    for kind, data in _real_charts():
        ours = charts.bar_chart(data) if kind == "bar" else charts.line_chart(data)
        theirs = (
            plotly_reference.bar_chart(data) if kind == "bar" else plotly_reference.line_chart(data)
        )
        assert json.dumps(ours) == _plotly(theirs), data.title
        shown += not data.is_empty
    assert shown >= 10


def test_no_module_of_the_app_imports_plotly():
    """Plotly is for the tests and the template script: pages never import it."""
    code = (
        "import sys, django, os; os.environ.setdefault('DJANGO_SETTINGS_MODULE', "
        "'obscc.test_settings'); django.setup();"
        "import surveys.charts, surveys.web.sharing, surveys.web.views, surveys.web.embeds;"
        "print(sorted(m for m in sys.modules if m.split('.')[0] == 'plotly'))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == "[]"
