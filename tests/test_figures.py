"""One list of figure descriptions (surveys.stats.FIGURES) drives the pages, the API and the
definitions; one filter shows a figure, and unknown is one wording everywhere."""

import pytest
from django.utils.html import escape

from surveys.stats import FIGURES, Figure
from surveys.templatetags.survey_tags import NO_PER_BODY_DATA, figure

pytestmark = pytest.mark.django_db


def test_the_figure_filter():
    assert figure(Figure(3, 11)) == "3 of 11"
    assert figure(Figure(0, 4)) == "0 of 4"  # a real zero is shown
    assert figure(Figure(None, 0)) == NO_PER_BODY_DATA == "no per-body data"
    assert figure(None) == NO_PER_BODY_DATA


def test_every_figure_is_defined_on_about_and_in_every_table_and_api_row(real_data, client):
    about = client.get("/about/").content.decode()
    table = client.get("/systems/cctv-unspecified/").content.decode()
    api = client.get("/api/v1/statistics/system-types/?round=2022").json()
    for d in FIGURES:
        assert f'id="figure-{d.name}"' in about and escape(d.definition) in about
        assert f'<th scope="col">{escape(d.label)}</th>' in table
        assert api["definitions"][d.name] == d.definition
        shape = {"value", "coverage"} | ({"denominator", "percentage"} if d.share else set())
        assert all(set(row[d.name]) == shape for row in api["results"])
    assert api["definitions"]["url"].endswith("/about/#definitions")
    assert "no data<" not in table


def test_a_derived_figure_is_labelled_as_derived():
    concern = next(d for d in FIGURES if d.name == "concern_users")
    assert "derived" in concern.label.lower() and "not a statement" in concern.definition


def test_a_findings_computed_counterpart_reads_the_same_way(real_data, client):
    html = client.get("/findings/?round=2022").content.decode()
    assert "no per-body data" in html
    assert "(of " not in html


def test_system_type_stats_name_each_figure_and_nothing_else(world):
    import pickle

    from surveys import stats

    row = stats.system_type_stats(survey_round=world.round_2020)[0]
    for d in FIGURES:
        assert getattr(row, d.name) is row.figures[d.name]
    with pytest.raises(AttributeError):
        row.no_such_figure  # noqa: B018
    assert pickle.loads(pickle.dumps(row)).figures == row.figures  # as the cache stores it
