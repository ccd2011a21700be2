"""The bodies table's sorting: each column sorts, and ties keep one order from page to page."""

import re

import pytest

from surveys.models import Body
from surveys.web.views import PER_PAGE
from tests.pages import text


def test_bodies_sorting(real_data, client):
    html = text(client.get("/forces/?sort=-name"))
    table = html.split('id="bodies-table"')[1]
    first = re.search(r'<th scope="row"><a href="[^"]+">([^<]+)</a>', table).group(1)
    assert first == "Wiltshire Police"
    assert 'aria-sort="descending"' in table


@pytest.mark.parametrize(
    "column", ["kind", "nation", "region", "status", "answered", "operated", "uses_concern"]
)
@pytest.mark.parametrize("direction", ["", "-"])
def test_bodies_tied_on_a_column_keep_one_order_from_page_to_page(
    real_data, client, column, direction
):
    """Many bodies share a kind or a count: each sort ends on the name, so the pages hold each
    body once, ties in the name's order (or its reverse)."""
    shown, pages = [], -(-Body.objects.count() // PER_PAGE)
    for page in range(1, pages + 1):
        html = text(client.get(f"/forces/?sort={direction}{column}&page={page}"))
        table = html.split('id="bodies-table"')[1].split("</table>")[0]
        shown += re.findall(r'<th scope="row"><a href="/forces/([^/"]+)/"', table)
    assert len(shown) == len(set(shown)) == Body.objects.count()
    table = client.get(f"/forces/?sort={direction}{column}").context["table"]
    ordering = table.data.data.query.order_by
    assert ordering[-1] == f"{direction}name"
