"""The open-data page's row counts: each table's own count, the largest tables' read from
the summaries (returns, answers and their vendor links), on the real data and after writes
of every kind (tests/test_summaries.py checks them after each random write too)."""

import re

import pytest

from surveys import opendata
from surveys.editorial.synthetic import generate
from surveys.models import Answer, AnswerVendor, Return
from surveys.stats import summaries
from tests import factories as f

pytestmark = pytest.mark.django_db


def shown(client) -> dict[str, int]:
    """Each table's row count as /data/ shows it."""
    html = client.get("/data/").content.decode()
    rows = re.findall(r'id="table-([a-z_]+)".*?([\d,]+) rows?: <a', html, re.S)
    return {table: int(n.replace(",", "")) for table, n in rows}


def test_the_page_shows_each_tables_own_count_on_the_real_data(real_data, client):
    counts = opendata.table_counts()
    assert counts["answer_vendors"] and counts["answers"] and counts["returns"]
    assert opendata.page_counts() == counts
    assert shown(client) == counts


def test_the_counts_follow_writes_of_answers_links_and_returns(world, client):
    north = f.return_of(world.northshire, world.round_2020)
    answer = f.answer(north, world.drones, operates=True)
    AnswerVendor.objects.create(answer=answer, vendor=world.redcam)
    summaries.refresh()
    assert opendata.page_counts() == opendata.table_counts()
    before = shown(client)
    assert before == opendata.table_counts()

    AnswerVendor.objects.create(answer=answer, vendor=world.bluecam)
    f.answer(north, world.external, operates=False)
    westshire = f.body("Westshire Police", source=world.report)
    f.survey_return(westshire, world.round_2021, Return.Status.RESPONDED, world.report)
    summaries.refresh()
    after = opendata.page_counts()
    assert after == opendata.table_counts()
    assert [after[t] - before[t] for t in ("answer_vendors", "answers", "returns")] == [1, 1, 1]
    assert shown(client) == after

    Answer.objects.filter(pk=answer.pk).delete()  # and its links with it
    Return.objects.filter(body=westshire).delete()
    summaries.refresh()
    assert opendata.page_counts() == opendata.table_counts() == shown(client)


def test_the_counts_of_a_synthetic_world(client):
    generate(bodies=20, rounds=2, seed=3)
    counts = opendata.table_counts()
    assert counts["answer_vendors"] > counts["answers"] > counts["returns"] == 40
    assert opendata.page_counts() == counts == shown(client)
