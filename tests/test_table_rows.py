"""The bodies table's rows, written by ``BodyTable.rows_html`` in one pass, are exactly what
django-tables2 renders cell by cell (the template's loop over each row's ``items``, as the
page rendered them before): every column, filter, sort, page and round."""

import pytest
from django.template import Context, Template

from surveys.editorial.synthetic import generate
from surveys.models import Body, Return
from tests import factories as f

pytestmark = pytest.mark.django_db

# The table's body as the template rendered it, cell by cell.
CELL_BY_CELL = Template(
    "{% for row in table.paginated_rows %}<tr>{% for column, cell in row.items %}"
    '{% if forloop.first %}<th scope="row">{{ cell }}</th>{% else %}'
    "<td {{ column.attrs.td.as_html }}>{{ cell }}</td>{% endif %}{% endfor %}</tr>"
    "{% endfor %}"
)


def _both(client, url: str) -> tuple[str, str, int]:
    response = client.get(url)
    assert response.status_code == 200, url
    table = response.context["table"]
    fast = "".join(table.rows_html())
    return fast, CELL_BY_CELL.render(Context({"table": table})), len(table.rows_html())


REAL = [
    "/forces/",
    "/forces/?page=2",
    "/forces/?round=2022&sort=-uses_concern",
    "/forces/?round=2022&sort=status",
    "/forces/?round=2022&sort=-answered",
    "/forces/?round=2022&status=did_not_respond",
    "/forces/?round=2022&system_type=drones",
    "/forces/?round=2022&system_type=facial-recognition",  # its column of kinds
    "/forces/?round=2022&system_type=facial-recognition&sort=-operated",
    "/forces/?round=2020",
    "/forces/?round=2022&vendor=dji",
    "/forces/?round=2022&concern=yes",
    "/forces/?round=2022&nation=national",
]


@pytest.mark.parametrize("url", REAL)
def test_the_rows_are_django_tables2s_cell_by_cell_on_the_real_data(client, real_data, url):
    fast, cell_by_cell, rows = _both(client, url)
    assert fast == cell_by_cell
    assert rows and "<td" in fast


def test_the_rows_are_the_same_for_bodies_without_a_return_a_region_or_a_safe_name(
    client, answered_world
):
    world = answered_world
    f.body("Crime & <Disorder> Unit", source=world.report, region="", short_name="C&D")
    Return.objects.filter(body=world.agency, survey_round=world.round_2020).update(
        status_is_derived=True
    )
    for url in ("/forces/?round=2020", "/forces/?round=2021", "/forces/?round=2021&sort=-region"):
        fast, cell_by_cell, rows = _both(client, url)
        assert fast == cell_by_cell
        assert rows == Body.objects.count()
    assert "Crime &amp; &lt;Disorder&gt; Unit" in fast


def test_the_rows_are_the_same_in_a_synthetic_world(client, db):
    generate(bodies=30, rounds=2, seed=3)
    for url in ("/forces/", "/forces/?page=2", "/forces/?system_type=drones&sort=-uses_concern"):
        fast, cell_by_cell, rows = _both(client, url)
        assert fast == cell_by_cell
        assert rows
