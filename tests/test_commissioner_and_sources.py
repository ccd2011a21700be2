"""The Commissioner and the sources: a term of office ends after it starts, and /about/
names the Commissioner (each term with its source) and every source with its kind, date and
standing."""

import datetime

import pytest
from django.core.exceptions import ValidationError

from surveys.models import CommissionerTerm, Publication
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


def test_a_commissioner_term_does_not_end_before_it_starts(real_data):
    term = CommissionerTerm(
        holder="Someone",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
        summary="x",
        source=Publication.objects.get(code="BSCC2025"),
    )
    with pytest.raises(ValidationError, match="ends before it starts"):
        term.full_clean()
    for term in CommissionerTerm.objects.all():
        term.full_clean()


def test_about_names_the_commissioner_and_every_source_with_kind_and_date(real_data, client):
    html = text(client.get("/about/"))
    commissioner = visible(html.split('data-testid="commissioner"')[1].split("</ul>")[0])
    assert "Prof. William Webster" in commissioner and "1 November 2025" in commissioner
    assert "Vacant" in commissioner and "not abolished" in commissioner
    assert "BSCC2025" in commissioner
    assert CommissionerTerm.objects.count() == 3
    for publication in Publication.objects.all():
        row = visible(html.split(f'id="source-{publication.code}"')[1].split("</tr>")[0])
        assert publication.get_kind_display() in row, publication.code
        assert publication.date_display in row, publication.code
        assert publication.standing.capitalize() in row, publication.code
