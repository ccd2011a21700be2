"""Every figure of surveys.stats.FIGURES is shown on every surface from its one entry: the
overview's cards (figures marked for the front page), the system type page, /about/, the typed
API and its schema, and docs/METRICS.md. A synthetic world gives every figure a value above
zero, so a new figure is exercised here without a page test of its own."""

import dataclasses
import re
from pathlib import Path

import pytest
from django.utils.html import escape

from surveys import stats
from surveys.models import Answer, Return
from surveys.stats import system_types
from surveys.stats.metrics_doc import with_figure_rows
from surveys.templatetags.survey_tags import figure
from tests import factories as f

pytestmark = pytest.mark.django_db

RESPONDED = Return.Status.RESPONDED
METRICS = Path(__file__).resolve().parent.parent / "docs" / "METRICS.md"


@pytest.fixture
def every_figure_world(db):
    """One round and one system type, in which every figure counts someone and no figure
    counts everyone: each answer field is stated both ways by some body, and left unsaid by
    another. A new figure that counts nothing here needs a body that it counts."""
    report = f.publication("EVERYFIG")
    survey_round = f.survey_round(2020)
    cctv = f.system_type("external-cctv", 1, name="External CCTV")
    redcam = f.vendor("Redcam", concern_source=report)
    homecam = f.vendor("Homecam")
    answers = [
        dict(
            operates=True,
            vendors=[redcam],
            says_vendor_of_concern=True,
            aware_of_concerns=True,
            unit_count=12,
            intent=Answer.Intent.INTENDS,
        ),
        dict(
            operates=True,
            vendors=[homecam],
            says_vendor_of_concern=False,
            aware_of_concerns=False,
            intent=Answer.Intent.NO_INTENTION,
        ),
        dict(operates=False, aware_of_concerns=False),
        dict(),  # says nothing: in no figure's coverage
    ]
    for n, fields in enumerate(answers, start=1):
        body = f.body(f"Testshire {n} Police", source=report)
        f.answer(f.survey_return(body, survey_round, RESPONDED, report), cctv, **fields)
    (row,) = stats.system_type_stats(survey_round=survey_round)
    return row


def visible(html: str) -> str:
    html = re.sub(r"<script.*?</script>", " ", html, flags=re.S)
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(" .", ".")


def test_every_figure_counts_someone_but_not_everyone_in_the_world(every_figure_world):
    for d, value in every_figure_world.described:
        assert 0 < value.value < value.out_of, d.name


def test_the_overview_cards_show_every_front_page_figure(every_figure_world, client):
    page = visible(client.get("/").content.decode())
    front = [(d, v) for d, v in every_figure_world.described if d.front_page]
    assert front
    for d, value in front:
        assert escape(f"{d.label}: {figure(value)} {d.coverage_words}. {d.note}") in page


def test_the_overview_shows_whichever_figures_are_marked_for_it(
    every_figure_world, client, monkeypatch
):
    every_one = tuple(dataclasses.replace(d, front_page=True) for d in stats.FIGURES)
    monkeypatch.setattr(system_types, "FIGURES", every_one)
    page = visible(client.get("/").content.decode())
    for d, value in every_figure_world.described:
        assert escape(f"{d.label}: {figure(value)} {d.coverage_words}.") in page


def test_the_system_type_page_has_a_column_for_every_figure(every_figure_world, client):
    html = client.get("/systems/external-cctv/").content.decode()
    for d, value in every_figure_world.described:
        assert f'<th scope="col">{escape(d.label)}</th>' in html
        cells = [visible(cell) for cell in re.findall(r"<td>(.*?)</td>", html, re.S)]
        # As text: the count and its coverage are links to the rows behind them.
        assert figure(value) in [c.strip() for c in cells]


def test_about_defines_every_figure(every_figure_world, client):
    html = client.get("/about/").content.decode()
    for d in stats.FIGURES:
        assert f'id="figure-{d.name}"' in html
        assert f"{escape(d.definition)} ({escape(d.kind)}.)" in html


def _typed(value: stats.Figure, share: bool) -> dict:
    typed = {"value": value.value, "coverage": value.coverage}
    if share:
        typed |= {"denominator": value.out_of, "percentage": value.percentage}
    return typed


def test_the_api_gives_every_figure_its_typed_shape(every_figure_world, client):
    data = client.get("/api/v1/statistics/system-types/?round=2020").json()
    (row,) = data["results"]
    for d, value in every_figure_world.described:
        assert row[d.name] == _typed(value, d.share)
        assert data["definitions"][d.name] == d.definition


def test_the_schema_types_and_describes_every_figure(every_figure_world, client):
    schema = client.get("/api/schema/?format=json").json()
    properties = schema["components"]["schemas"]["SystemTypeStatisticsRow"]["properties"]
    operation = schema["paths"]["/api/v1/statistics/system-types/"]["get"]["description"]
    for d in stats.FIGURES:
        field = properties[d.name]
        shape = "ShareFigure" if d.share else "Figure"
        assert field["allOf"] == [{"$ref": f"#/components/schemas/{shape}"}]
        assert field["description"] == d.definition
        assert f"`{d.name}`: {d.label}" in operation
    shares = schema["components"]["schemas"].get("ShareFigure", {"properties": {}})
    assert set(shares["properties"]) <= {"value", "coverage", "denominator", "percentage"}


def test_metrics_doc_rows_are_the_figure_list():
    document = METRICS.read_text()
    assert with_figure_rows(document) == document, (
        "docs/METRICS.md differs from surveys.stats.FIGURES: run `python manage.py metrics_doc`."
    )
    for d in stats.FIGURES:
        assert f"| {d.label} (`{d.name}`) | {d.kind} | {d.definition} |" in document
