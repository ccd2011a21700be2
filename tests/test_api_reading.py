"""How the API reads a page of a long list: each answer's round kept by the database
(``AnswerRound``), counts from the summaries, and the same queries whatever the page holds.
Whatever the shortcut, a page is exactly what the plain query gives."""

import json

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from surveys import stats
from surveys.editorial.synthetic import generate
from surveys.models import Answer, AnswerRound, Return, SurveyRound, SystemType
from tests import factories as f

pytestmark = pytest.mark.django_db


def rounds_kept() -> dict[int, int]:
    return dict(AnswerRound.objects.values_list("answer", "survey_round"))


def rounds_of_the_answers() -> dict[int, int]:
    return dict(Answer.objects.values_list("pk", "survey_return__survey_round"))


def test_each_answer_round_follows_inserts_moves_and_deletes(world):
    north_2020 = f.return_of(world.northshire, world.round_2020)
    south_2021 = f.return_of(world.southshire, world.round_2021)
    drones = f.answer(north_2020, world.drones, operates=True)
    cctv = f.answer(south_2021, world.external, operates=False)
    assert rounds_kept() == {drones.pk: world.round_2020.pk, cctv.pk: world.round_2021.pk}

    drones.survey_return = f.return_of(world.northshire, world.round_2021)
    drones.save()  # an answer moved to another return
    round_2022 = f.survey_round(2022)
    Return.objects.filter(pk=south_2021.pk).update(survey_round=round_2022)  # a return moved
    moved = {drones.pk: world.round_2021.pk, cctv.pk: round_2022.pk}
    assert rounds_kept() == rounds_of_the_answers() == moved

    cctv.delete()
    assert rounds_kept() == rounds_of_the_answers() == {drones.pk: world.round_2021.pk}
    Answer.objects.all().delete()
    assert rounds_kept() == {}


def test_answers_inserted_in_bulk_have_their_round():
    generate(bodies=12, rounds=2, seed=4)  # COPY on PostgreSQL, bulk_create elsewhere
    assert rounds_kept() == rounds_of_the_answers()
    assert len(rounds_kept()) > 100


def every_page(client, url: str, limit: int) -> tuple[list[dict], list[int]]:
    """Every row of a list, page by page, and the count each page gave."""
    rows, counts, offset = [], [], 0
    while True:
        response = client.get(f"{url}&limit={limit}&offset={offset}")
        assert response.status_code == 200
        page = response.json()
        rows += page["results"]
        counts.append(page["count"])
        if page["next"] is None:
            return rows, counts
        offset += limit


@pytest.fixture
def two_rounds(db):
    generate(bodies=15, rounds=2, seed=9)
    return list(SurveyRound.objects.order_by("year"))


def test_a_round_of_answers_read_page_by_page_is_the_round_in_id_order(client, two_rounds):
    for survey_round in two_rounds:
        expected = list(
            Answer.objects.filter(survey_return__survey_round=survey_round)
            .order_by("pk")
            .values_list("pk", flat=True)
        )
        rows, counts = every_page(client, f"/api/v1/answers/?round={survey_round.year}", 7)
        assert [row["id"] for row in rows] == expected
        assert set(counts) == {len(expected)}
        assert {row["survey_round"] for row in rows} == {survey_round.year}


def test_every_answer_and_every_return_are_counted(client, two_rounds):
    answers = client.get("/api/v1/answers/?limit=1").json()
    returns = client.get("/api/v1/returns/?limit=1").json()
    assert answers["count"] == Answer.objects.count()
    assert returns["count"] == Return.objects.count()
    year = two_rounds[-1].year
    in_round = client.get(f"/api/v1/returns/?round={year}&limit=1").json()
    assert in_round["count"] == Return.objects.filter(survey_round__year=year).count()
    assert client.get("/api/v1/answers/?round=1901").json()["count"] == 0


def test_a_round_filtered_with_more_is_counted_and_paged_by_the_full_query(client, two_rounds):
    year = two_rounds[0].year
    expected = list(
        Answer.objects.filter(survey_return__survey_round__year=year, system_type__slug="drones")
        .order_by("pk")
        .values_list("pk", flat=True)
    )
    rows, counts = every_page(client, f"/api/v1/answers/?round={year}&system_type=drones", 4)
    assert [row["id"] for row in rows] == expected
    assert set(counts) == {len(expected)}


def queries(client, url: str) -> int:
    with CaptureQueriesContext(connection) as context:
        assert client.get(url).status_code == 200
    return len(context.captured_queries)


@pytest.mark.parametrize(
    "list_url",
    [
        "/api/v1/answers/?round={year}",
        "/api/v1/answers/?body={body}",
        "/api/v1/answers/?figure=operators.drones.counted",
        "/api/v1/returns/?round={year}",
        "/api/v1/corrections/?limit=100",
        "/api/v1/evidence/?limit=100",
    ],
)
def test_a_list_makes_the_same_queries_with_an_empty_page_or_a_full_one(
    client, two_rounds, list_url
):
    full = list_url.format(year=two_rounds[-1].year, body="synthetic-body-000003")
    empty = f"{full}&offset=100000"
    assert queries(client, empty) == queries(client, full) <= 12


@pytest.mark.parametrize("name", ["operators", "concern_users", "aware"])
@pytest.mark.parametrize("part", ["counted", "coverage"])
def test_the_answers_behind_a_figure_are_counted_as_listed(client, two_rounds, name, part):
    for suffix in ("", f"&round={two_rounds[0].year}"):
        url = f"/api/v1/answers/?figure={name}.drones.{part}{suffix}"
        rows, counts = every_page(client, url, 50)
        assert set(counts) == {len(rows)}
        assert [row["id"] for row in rows] == sorted(row["id"] for row in rows)


@pytest.mark.parametrize("name", ["operators", "concern_users", "aware"])
@pytest.mark.parametrize("part", ["counted", "coverage"])
def test_a_page_of_the_answers_behind_a_figure_is_the_plain_querys_page(
    client, two_rounds, name, part
):
    """Filtered by a figure alone, a page is read by its ids among the round's answers; with
    another filter (the same system type: the same answers), by the plain query. Both give
    the same rows, byte for byte, and the rows are the figure's own answers in id order."""
    for survey_round in two_rounds:
        answers = stats.figure_answers(name, survey_round, drones(), part=part)
        expected = list(answers.distinct().order_by("pk").values_list("pk", flat=True))
        assert expected
        url = f"/api/v1/answers/?figure={name}.drones.{part}&round={survey_round.year}&limit=7"
        for offset in (0, 7, max(0, len(expected) - 3), len(expected), len(expected) + 5):
            page = client.get(f"{url}&offset={offset}").json()
            plain = client.get(f"{url}&offset={offset}&system_type=drones").json()
            assert [row["id"] for row in page["results"]] == expected[offset : offset + 7]
            assert json.dumps(page["results"]) == json.dumps(plain["results"])
            assert page["count"] == plain["count"] == len(expected)


def drones() -> SystemType:
    return SystemType.objects.get(slug="drones")
