"""Every computed figure opens onto exactly the rows it counts: the count links to the bodies it
counts and the coverage to the bodies whose answers it rests on, from the figure's own
definition, so that the linked rows' number always equals the figure."""

import re
from html import unescape

import pytest
from django.http import QueryDict

from surveys import stats
from surveys.editorial.synthetic import generate
from surveys.models import SurveyRound
from surveys.stats import COUNTED, COVERAGE, FIGURES
from surveys.web.filters import BodyFilter
from surveys.web.selectors import bodies_for_round
from tests.pages import text

LINK = re.compile(r'<a href="(/forces/\?round=\d+&amp;figure=[^"]+)"[^>]*>(\d+)</a>')


def linked_rows(survey_round, name, system_type, part) -> int:
    query = QueryDict(mutable=True)
    query["figure"] = f"{name}.{system_type.slug}.{part}"
    body_filter = BodyFilter(
        query, queryset=bodies_for_round(survey_round), survey_round=survey_round
    )
    assert body_filter.is_valid(), body_filter.form.errors
    return body_filter.qs.count()


def assert_every_figure_equals_its_rows():
    rounds = list(SurveyRound.objects.order_by("year"))
    checked = 0
    for (round_id, _), figures in stats.system_type_stats_by_round(rounds).items():
        survey_round = next(r for r in rounds if r.pk == round_id)
        for description in FIGURES:
            figure = figures.figures[description.name]
            if figure.value is None:
                continue
            system_type = figures.system_type
            counted = linked_rows(survey_round, description.name, system_type, COUNTED)
            coverage = linked_rows(survey_round, description.name, system_type, COVERAGE)
            assert (counted, coverage) == (figure.value, figure.coverage), (
                survey_round.year,
                system_type.slug,
                description.name,
            )
            checked += 1
    return checked


def test_every_real_figure_equals_the_rows_it_links_to(real_data):
    assert assert_every_figure_equals_its_rows() >= 8  # 2022: every figure with coverage


def test_every_synthetic_figure_equals_the_rows_it_links_to(db):
    generate(bodies=30, rounds=3, seed=11)  # synthetic, for tests only
    assert assert_every_figure_equals_its_rows() >= 50


@pytest.mark.parametrize(
    "page", ["/?round=2022", "/systems/drones/", "/systems/facial-recognition/"]
)
def test_each_figure_on_a_page_links_to_as_many_bodies_as_it_says(client, real_data, page):
    links = LINK.findall(text(client.get(page)))
    assert links
    for url, number in links:
        listed = text(client.get(unescape(url)))
        count = re.search(r"<strong>(\d+)</strong> bod(?:y|ies) match", listed)
        shown = int(count.group(1)) if count else 0
        assert shown == int(number), url


def test_a_wrong_figure_is_named_and_ignored(client, real_data):
    page = unescape(text(client.get("/forces/?round=2022&figure=everything.drones.counted")))
    assert (
        "No figure is called “everything”; choose one of operators, concern_users, aware." in page
    )
    page = unescape(text(client.get("/forces/?round=2022&figure=aware.moon.counted")))
    assert "No system type is called “moon”." in page
    page = unescape(text(client.get("/forces/?round=2022&figure=aware.drones.all")))
    assert "End the figure with .counted or .coverage." in page


def test_the_api_lists_the_same_answers_as_each_figure(client, real_data):
    rounds = list(SurveyRound.objects.order_by("year"))
    checked = 0
    for (round_id, _), figures in stats.system_type_stats_by_round(rounds).items():
        year = next(r.year for r in rounds if r.pk == round_id)
        for description in FIGURES:
            figure = figures.figures[description.name]
            if figure.value is None:
                continue
            base = f"{description.name}.{figures.system_type.slug}"
            for part, expected in ((COUNTED, figure.value), (COVERAGE, figure.coverage)):
                response = client.get(f"/api/v1/answers/?round={year}&figure={base}.{part}")
                assert response.json()["count"] == expected, (year, base, part)
                checked += 1
    assert checked >= 16


def test_the_api_takes_a_figure_without_a_round_as_the_pages_default_round(client, real_data):
    without = client.get("/api/v1/answers/?figure=concern_users.cctv-unspecified.counted")
    with_round = client.get(
        "/api/v1/answers/?round=2022&figure=concern_users.cctv-unspecified.counted"
    )
    assert without.json() == with_round.json()
    assert without.json()["count"] == 11
