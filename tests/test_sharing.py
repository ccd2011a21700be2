"""Charts people can cite, embed and download: the frame policy of each URL (cached or not),
the cite line, the embed's source, licence and link back, its query budget and its bad input."""

import datetime
import re

import pytest
from django.utils import timezone

from surveys.models import DataVersion
from tests.pages import text, visible

pytestmark = pytest.mark.django_db

CONCERN_2022 = "/embed/concern-by-system-type/?round=2022"
EMBEDS = [CONCERN_2022, "/embed/figures-by-round/", "/embed/published-figures/?system_type=drones"]
FRAMED_NOWHERE = [
    "/",
    "/?round=2022",
    "/forces/",
    "/systems/drones/",
    "/compare/?bodies=kent,essex",
    "/about/",
    "/embed/",  # not an embed: no chart named
]
# The most SQL queries each embed may make with an empty statistics cache: its chart's own
# (as its CSV), the licences of its sources and the date the data last changed.
BUDGETS = {
    CONCERN_2022: 21,
    "/embed/figures-by-round/": 13,
    "/embed/published-figures/?system_type=drones": 19,
}


def frame_ancestors(response) -> str:
    policy = response["Content-Security-Policy"]
    return re.search(r"frame-ancestors ([^;]+)", policy).group(1)


@pytest.mark.parametrize("url", EMBEDS)
def test_an_embed_may_be_framed_by_any_site_from_the_view_and_from_the_cache(
    real_data, client, url
):
    first = client.get(url)
    again = client.get(url)  # served from the whole-response cache
    revalidated = client.get(url, HTTP_IF_NONE_MATCH=first["ETag"])
    assert (first.status_code, again.status_code, revalidated.status_code) == (200, 200, 304)
    for response in (first, again, revalidated):
        assert frame_ancestors(response) == "*"
        assert "X-Frame-Options" not in response
        assert "script-src 'self'" in response["Content-Security-Policy"]  # the rest unchanged
    assert "public" in first["Cache-Control"] and "Cookie" not in first.get("Vary", "")


@pytest.mark.parametrize("url", FRAMED_NOWHERE)
def test_every_other_page_refuses_to_be_framed(real_data, client, url):
    for response in (client.get(url), client.get(url)):
        assert frame_ancestors(response) == "'none'"
        assert response["X-Frame-Options"] == "DENY"


def test_the_cite_line_gives_title_publisher_date_and_address(real_data, client):
    changed = datetime.datetime(2026, 3, 7, 9, 30, tzinfo=datetime.UTC)
    DataVersion.objects.filter(pk=1).update(changed_at=changed)
    html = text(client.get("/?round=2022"))
    cites = [visible(c) for c in re.findall(r'data-testid="cite">(.*?)</span>', html)]
    assert cites == [
        "“Equipment of concern by system type, 2022: published figures, and bodies using a "
        "vendor named as of concern (derived)”. OBSCC survey dashboard. Data last changed "
        "7 March 2026. http://testserver/?round=2022#chart-concern-by-system-type",
        "“Survey figures by round”. OBSCC survey dashboard. Data last changed 7 March 2026. "
        "http://testserver/#chart-figures-by-round",
    ]
    # Each anchor is the id of its chart's figure on the page.
    assert 'id="chart-concern-by-system-type"' in html and 'id="chart-figures-by-round"' in html


def test_the_permanent_link_keeps_the_filters_in_view(real_data, client):
    html = text(client.get("/systems/drones/?as_published=1"))
    assert 'href="http://testserver/systems/drones/?as_published=1#chart-published-figures"' in html
    assert (
        "http://testserver/embed/published-figures/?system_type=drones&amp;as_published=1" in html
    )


def test_the_page_gives_the_iframe_code_of_each_chart(real_data, client):
    html = text(client.get("/?round=2022"))
    codes = [visible(c) for c in re.findall(r'data-testid="iframe-code">(.*?)</code>', html)]
    assert len(codes) == 2
    assert codes[0].startswith(
        '<iframe src="http://testserver/embed/concern-by-system-type/?round=2022" '
        'title="Equipment of concern by system type, 2022'
    )
    assert codes[1].startswith('<iframe src="http://testserver/embed/figures-by-round/"')
    assert all(c.endswith('style="border:0" loading="lazy"></iframe>') for c in codes)
    assert "<iframe" not in html  # shown as code to copy, never framed on the page itself


def test_an_embed_shows_its_source_licence_and_a_link_back_without_the_site_chrome(
    real_data, client
):
    html = text(client.get(CONCERN_2022))
    words = visible(html)
    assert "Source: OBSCC survey dashboard, from the Biometrics and Surveillance Camera" in words
    assert "published figures: PR2023" in words
    assert "Licence: PR2023: © Crown copyright, Open Government Licence v3.0" in words
    assert "Data last changed" in words
    assert re.search(
        r'<a href="http://testserver/\?round=2022#chart-concern-by-system-type" '
        r'target="_blank" rel="noopener" data-testid="back-link">',
        html,
    )
    # The chart and its table, as the text alternative; none of the site's header or footer.
    assert 'id="chart-concern-by-system-type-table"' in html and "at least 18" in words
    assert 'id="chart-concern-by-system-type-data"' in html
    assert "site-header" not in html and "<nav" not in html and "site-footer" not in html


def test_a_quoted_source_gets_its_own_licence_line_in_the_embed(real_data, client):
    words = visible(text(client.get("/embed/figures-by-round/")))
    assert "DRONE2023: © Security World Market; quoted for reporting" in words
    assert "PR2023: © Crown copyright, Open Government Licence v3.0" in words


@pytest.mark.parametrize("url, budget", BUDGETS.items())
def test_an_embed_answers_within_its_query_budget(
    real_data, client, django_assert_max_num_queries, url, budget
):
    with django_assert_max_num_queries(budget):
        response = client.get(url)
    assert response.status_code == 200


@pytest.mark.parametrize(
    "url, status",
    [
        ("/embed/no-such-chart/", 404),
        ("/embed/published-figures/", 404),
        ("/embed/published-figures/?system_type=atlantis", 404),
        ("/embed/published-figures/?system_type=dr%00ones", 404),
        ("/embed/published-figures/?system_type=" + "a" * 5000, 404),
        ("/embed/published-figures/?system_type=DRONES", 404),
        ("/embed/concern-by-system-type/?round=1999", 400),
        ("/embed/concern-by-system-type/?round=abc%00", 400),
        ("/embed/concern-by-system-type/?round=" + "9" * 5000, 400),
        ("/embed/concern-by-system-type/?round=2022&as_published=yes", 200),
        ("/embed/concern-by-system-type/?round=2022&round=1999", 400),
        ("/embed/figures-by-round/?round=nonsense", 200),
    ],
)
def test_bad_embed_addresses_are_refused_in_words_never_a_failure(real_data, client, url, status):
    response = client.get(url)
    assert response.status_code == status
    if status != 200:
        assert "No such chart" in text(response)
        assert frame_ancestors(response) == "*"  # the refusal shows inside the frame


def test_an_embed_without_a_round_shows_the_overviews_round_and_links_to_it(real_data, client):
    html = text(client.get("/embed/concern-by-system-type/"))
    assert "Equipment of concern by system type, 2022" in html  # the latest full round
    assert "http://testserver/?round=2022#chart-concern-by-system-type" in html


def test_the_date_is_said_unknown_when_never_recorded(real_data, client):
    DataVersion.objects.all().delete()
    assert "Data last changed: not recorded" in text(client.get(CONCERN_2022))


def test_the_date_is_the_local_date_the_data_last_changed(real_data, client, settings):
    settings.TIME_ZONE = "Europe/London"
    changed = timezone.make_aware(datetime.datetime(2026, 6, 30, 23, 30), datetime.UTC)
    DataVersion.objects.filter(pk=1).update(changed_at=changed)
    assert "Data last changed 1 July 2026" in visible(text(client.get(CONCERN_2022)))
