"""Pages that read only what they show: the map's rows, a vendor's list of answers, a system
type's count of answers (the compare page's chooser: tests/test_compare_chooser.py). Each is
checked against the plain computation over every row, which is what the page showed before it
read less."""

import re

import pytest
from django.db.models import Case, Value, When

from surveys.editorial.synthetic import generate
from surveys.models import Answer, AnswerVendor, Body, SurveyRound, SystemType, Vendor
from surveys.web import map_measures
from surveys.web.hexmap import OTHERS_SHOWN, hex_map, layout
from surveys.web.selectors import LIST_LIMIT, vendor_detail
from surveys.web.selectors.bodies import bodies_for_round, with_concern
from surveys.web.selectors.tiles import map_rows
from tests.pages import text

pytestmark = pytest.mark.django_db


def _every_body_ordered(survey_round):
    """The map's rows as first computed: every body, those with a tile first, then by name."""
    codes = list(layout())
    rows = with_concern(bodies_for_round(survey_round), survey_round).annotate(
        has_tile=Case(When(ons_code__in=codes, then=Value(1)), default=Value(0))
    )
    return list(rows.order_by("-has_tile", "name")[: len(codes) + OTHERS_SHOWN + 1])


def _drawn(hexmap):
    return (
        [(t.name, t.category, t.value) for t in hexmap.tiles],
        [(t.name, t.category, t.value) for t in hexmap.national],
        hexmap.more_national,
        hexmap.legend,
    )


@pytest.mark.parametrize("bodies", [5, OTHERS_SHOWN + 1, 40])
def test_the_map_draws_the_same_tiles_from_its_few_rows(bodies):
    generate(bodies=bodies, rounds=1, seed=4)
    survey_round = SurveyRound.objects.get()
    measure = map_measures.concern(None)
    drawn = hex_map(map_rows(survey_round), measure, url=lambda b: b.slug)
    every = hex_map(_every_body_ordered(survey_round), measure, url=lambda b: b.slug)
    assert _drawn(drawn) == _drawn(every)
    assert drawn.more_national == (bodies > OTHERS_SHOWN)


def test_the_real_maps_rows_are_every_tiled_body_then_the_first_others(real_data):
    survey_round = SurveyRound.objects.get(year=2022)
    rows = map_rows(survey_round)
    assert [b.pk for b in rows] == [b.pk for b in _every_body_ordered(survey_round)][: len(rows)]
    tiled = Body.objects.filter(ons_code__in=list(layout())).count()
    assert len(rows) == tiled + min(OTHERS_SHOWN + 1, Body.objects.count() - tiled)


def _every_link_listed(vendor):
    return list(
        AnswerVendor.objects.filter(vendor=vendor)
        .order_by("-answer__survey_return__survey_round__year", "answer__survey_return__body")
        .values_list("answer__survey_return__survey_round__year", "answer__survey_return__body")[
            :LIST_LIMIT
        ]
    )


@pytest.mark.parametrize("bodies", [4, 30, 90])  # every round, a few rounds, the latest alone
def test_a_vendors_page_lists_the_newest_answers_naming_it(client, bodies):
    generate(bodies=bodies, rounds=3, seed=5)
    for vendor in Vendor.objects.filter(answer_vendors__isnull=False).distinct():
        links = vendor_detail(vendor.slug)["links"]
        listed = [
            (a.answer.survey_return.survey_round.year, a.answer.survey_return.body_id)
            for a in links
        ]
        assert listed == _every_link_listed(vendor), vendor.slug


def test_a_system_types_answer_count_is_every_answer_of_its_latest_round(client):
    generate(bodies=LIST_LIMIT + 20, rounds=1, seed=6)
    drones = SystemType.objects.get(slug="drones")
    recorded = Answer.objects.filter(system_type=drones).count()
    assert recorded > LIST_LIMIT
    page = text(client.get("/systems/drones/"))
    assert f"{recorded} answers in " in page
    assert f"the first {LIST_LIMIT} are shown" in page


@pytest.mark.parametrize("slug", ["drones", "facial-recognition", "anpr", "body-worn-video"])
def test_a_system_types_answer_count_under_the_list_limit_is_its_answers(client, real_data, slug):
    """Read from the summaries whether or not the list is full: the answers it lists."""
    system_type = SystemType.objects.get(slug=slug)
    page = text(client.get(f"/systems/{slug}/"))
    year = int(re.search(r"(\d+) answers? in (\d{4})", page).group(2))
    recorded = Answer.objects.filter(
        system_type=system_type, survey_return__survey_round__year=year
    ).count()
    assert 0 < recorded < LIST_LIMIT
    answers = "answer" if recorded == 1 else "answers"
    assert f"{recorded} {answers} in {year}" in page and "are shown" not in page
