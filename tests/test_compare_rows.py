"""The comparison's rows, written in Python (``surveys.web.comparison``), are exactly what the
template rendered cell by cell before (kept here as the reference): every field, its source,
kinds and future use of facial recognition, units, vendors and their roles, corrections in
force, a body without an answer or a return; on the real data and a synthetic world."""

import datetime
from pathlib import Path

import pytest
from django.template import Context, Template
from django.template.loader import render_to_string

from surveys.editorial.synthetic import generate
from surveys.models import Answer, AnswerVendor, Body, VendorConcern
from surveys.stats import CONCERN_USERS, concern_vendor_ids
from surveys.values import VendorRole
from surveys.web.selectors import compare as selector
from tests import factories

pytestmark = pytest.mark.django_db

# The comparison as the template rendered it cell by cell, before its rows were written in
# Python (templates/surveys/compare.html at the time).
CELL_BY_CELL = Template(
    (Path(__file__).parent / "reference" / "comparison_cell_by_cell.html").read_text()
)


def _both(client, url: str) -> tuple[str, str]:
    response = client.get(url)
    assert response.status_code == 200, url
    context = {name: response.context[name] for name in ("tables", "rows", "chosen", "query")}
    context["error"] = ""
    fast = render_to_string("surveys/partials/comparison.html", context)
    reference = CELL_BY_CELL.render(
        Context({**context, "responses": [r for r, _ in context["tables"]]})
    )
    return fast.strip(), reference.strip()


@pytest.mark.parametrize(
    "bodies",
    [
        "west-yorkshire,metropolitan-police",
        "west-yorkshire,metropolitan-police,kent,essex",
        "south-wales,national-crime-agency,cleveland",
        "british-transport-police,nottinghamshire,bedfordshire,suffolk",
    ],
)
def test_the_rows_are_the_templates_cell_by_cell_on_the_real_data(client, real_data, bodies):
    fast, reference = _both(client, f"/compare/?bodies={bodies}")
    assert fast == reference
    assert '<dl class="compare-cell">' in fast


def test_the_rows_are_the_same_with_a_correction_in_force(client, real_data):
    factories.intent_corrected("metropolitan-police", "Synthetic test: a revised answer")
    fast, reference = _both(client, "/compare/?bodies=west-yorkshire,metropolitan-police")
    assert fast == reference
    assert "Corrected (correction #" in fast


def test_the_rows_are_the_same_in_a_synthetic_world(client, db):
    generate(bodies=12, rounds=3, seed=5)
    slugs = list(Body.objects.order_by("name").values_list("slug", flat=True))
    for pair in (slugs[:2], slugs[2:6], slugs[-2:]):
        fast, reference = _both(client, f"/compare/?bodies={','.join(pair)}")
        assert fast == reference


def _flags_by_the_figures_query(answers, rounds) -> dict[int, str]:
    """The concern column as the compare page first asked the database for it: the figure's
    own conditions (``CONCERN_USERS.known`` and ``.counts``)."""
    concerns = concern_vendor_ids(rounds)
    answered = Answer.objects.filter(pk__in=[a.pk for a in answers])
    known = set(answered.filter(CONCERN_USERS.known(concerns)).values_list("pk", flat=True))
    uses = set(answered.filter(CONCERN_USERS.counts(concerns)).values_list("pk", flat=True))
    return {a.pk: "Yes" if a.pk in uses else "No" if a.pk in known else "No data" for a in answers}


def _every_flag_is_the_figures(bodies) -> int:
    responses, rows = selector.compare(list(bodies))
    rounds = [r.survey_round for r in responses]
    answers = [cell.answer for row in rows for cell in row.cells if cell.answer]
    flags = {cell.answer.pk: cell.concern for row in rows for cell in row.cells if cell.answer}
    assert flags == _flags_by_the_figures_query(answers, rounds)
    return len(set(flags.values()))


def test_the_concern_column_is_the_figures_own_on_the_real_data(real_data):
    bodies = Body.objects.order_by("name")
    kinds = {_every_flag_is_the_figures(bodies[i : i + 4]) for i in range(0, bodies.count(), 4)}
    assert max(kinds) >= 2  # the column says more than one thing somewhere


def test_the_concern_column_is_the_figures_own_after_concerns_and_links_change(db):
    generate(bodies=16, rounds=3, seed=11)
    answer = Answer.objects.filter(operates=True).first()
    AnswerVendor.objects.filter(answer=answer).update(role=VendorRole.SOFTWARE)
    Answer.objects.filter(pk=answer.pk + 1).update(says_vendor_of_concern=False, operates=None)
    VendorConcern.objects.update(in_force_until=datetime.date(2019, 1, 1))  # none in force
    bodies = Body.objects.order_by("pk")
    for i in range(0, 16, 4):
        _every_flag_is_the_figures(bodies[i : i + 4])
