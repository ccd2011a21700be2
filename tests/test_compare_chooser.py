"""``/compare/``'s chooser at any number of bodies: the bodies chosen, each with a link that
removes it, and a search by name (GET, matched on the server) listing a bounded number of
bodies, each with a link that adds it. Without JavaScript, every step is an address; the page
never lists every body."""

import re

import pytest
from django.core.cache import cache
from django.db import connection
from django.db.models import Q
from django.test.utils import CaptureQueriesContext

from surveys.editorial.synthetic import generate
from surveys.models import Body
from surveys.web.selectors.compare import SEARCH_RESULTS
from tests import factories as f
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


def _links(html: str, action: str) -> dict[str, str]:
    """Each "Add"/"Remove" link of the chooser: the body it names -> its address."""
    pattern = (
        rf'<a class="compare-action" href="([^"]*)">{action}'
        r'<span class="visually-hidden"> ([^<]*)</span></a>'
    )
    return {name: href.replace("&amp;", "&") for href, name in re.findall(pattern, html)}


def _matching(words: str, exclude=()) -> list[str]:
    """The plain computation: every body whose name, short name or a former name contains the
    words, by name."""
    rows = Body.objects.filter(
        Q(name__icontains=words)
        | Q(short_name__icontains=words)
        | Q(aliases__name__icontains=words)
    ).exclude(slug__in=exclude)
    return sorted(set(rows.values_list("name", flat=True)))


def test_a_search_lists_the_bodies_whose_name_contains_it_each_with_a_link_that_adds_it(
    client, real_data
):
    html = text(client.get("/compare/?bodies=kent&q=York"))
    added = _links(html, "Add")
    assert (
        list(added)
        == _matching("York", exclude=["kent"])
        == [
            "North Yorkshire Police",
            "South Yorkshire Police",
            "West Yorkshire Police",
        ]
    )
    assert added["West Yorkshire Police"] == "?bodies=kent%2Cwest-yorkshire&q=York#compare-choose"
    assert _links(html, "Remove") == {"Kent Police": "?q=York#compare-choose"}
    page = visible(html)
    assert "Bodies chosen: 1 of 2 to 4" in page
    assert "Choose from 2 to 4 bodies to compare (1 chosen)." in page


def test_following_the_links_chooses_compares_and_removes_bodies(client, real_data):
    html = text(client.get("/compare/?q=yorkshire"))
    html = text(client.get("/compare/" + _links(html, "Add")["West Yorkshire Police"]))
    response = client.get("/compare/" + _links(html, "Add")["North Yorkshire Police"])
    assert response.status_code == 200
    page = visible(text(response))
    assert "West Yorkshire and North Yorkshire, side by side" in page
    assert "Bodies chosen: 2 of 2 to 4" in page
    html = text(client.get("/compare/" + _links(text(response), "Remove")["West Yorkshire Police"]))
    assert list(_links(html, "Remove")) == ["North Yorkshire Police"]
    assert "side by side" not in visible(html)


def test_the_search_form_keeps_the_bodies_chosen(client, real_data):
    html = text(client.get("/compare/?bodies=kent,essex"))
    start = '<form method="get" action="/compare/#compare-found" class="compare-search"'
    form = html[html.index(start) :]
    form = form[: form.index("</form>")]
    assert '<input type="hidden" name="bodies" value="kent,essex">' in form
    assert '<label for="compare-search">Find a body to add, by name</label>' in form
    assert 'type="search" id="compare-search" name="q"' in form
    assert "<select" not in html  # no list of every body


def test_four_bodies_chosen_offer_no_more_to_add(client, real_data):
    html = text(client.get("/compare/?bodies=kent,essex,cleveland,durham&q=york"))
    assert not _links(html, "Add")
    assert len(_links(html, "Remove")) == 4
    assert "Four bodies are chosen, the most compared at once" in visible(html)


def test_a_search_that_finds_nothing_says_so(client, real_data):
    page = visible(text(client.get("/compare/?bodies=kent&q=Atlantis")))
    assert "No other body's name contains “Atlantis”." in page


@pytest.mark.parametrize(
    "words", ["<script>alert(1)</script>", "a\x00b", "%", "_", "x" * 10_000, "Ωmega 🚓"]
)
def test_any_search_is_answered_and_escaped(client, real_data, words):
    response = client.get("/compare/", {"bodies": "kent,essex", "q": words})
    assert response.status_code == 200
    assert "<script>alert(1)" not in text(response)
    cleaned = words.replace("\x00", "")[:100]  # control characters dropped, then cut
    assert list(_links(text(response), "Add")) == _matching(cleaned, ["kent", "essex"])[:20]


def test_at_scale_the_chooser_lists_only_the_chosen_and_a_bounded_search(client, db):
    generate(bodies=SEARCH_RESULTS + 25, rounds=1, seed=8)
    chosen = list(Body.objects.order_by("pk")[:2])
    bodies = ",".join(b.slug for b in chosen)
    html = text(client.get(f"/compare/?bodies={bodies}"))
    assert list(_links(html, "Remove")) == [b.name for b in chosen]
    others = Body.objects.exclude(pk__in=[b.pk for b in chosen])
    assert not any(body.name in html for body in others)  # no list of every body
    html = text(client.get(f"/compare/?bodies={bodies}&q=synthetic"))
    expected = _matching("synthetic", exclude=[b.slug for b in chosen])
    assert len(expected) > SEARCH_RESULTS
    assert list(_links(html, "Add")) == expected[:SEARCH_RESULTS]
    assert f"More bodies match than the first {SEARCH_RESULTS} listed here" in visible(html)


def _queries(client, url: str) -> int:
    client.get(url)  # anything a first request caches
    cache.clear()  # not the whole response
    with CaptureQueriesContext(connection) as queries:
        assert client.get(url).status_code == 200
    return len(queries.captured_queries)


def test_the_chooser_runs_the_same_queries_whatever_the_number_of_bodies(client, answered_world):
    world = answered_world
    urls = ["/compare/?bodies=northshire-police,southshire-constabulary"]
    urls.append(f"{urls[0]}&q=shire")
    few = [_queries(client, url) for url in urls]
    for i in range(60):
        f.body(f"Extra Shire Police {i:02}", source=world.report)
    assert [_queries(client, url) for url in urls] == few
    assert few[1] == few[0] + 1  # the search: one query
