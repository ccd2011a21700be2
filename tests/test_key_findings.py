"""The overview opens with "Key findings": editors choose published findings and
their order, and write the sentence; each keeps its source and its corrected or as-published
state. Badges say what they mean where they appear."""

import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from surveys.caching import bump_version
from surveys.models import KeyFinding, KeyFindingDraft, PublishedFinding

pytestmark = pytest.mark.django_db


def block(client, url: str = "/") -> str:
    html = client.get(url).content.decode()
    section = html.split('data-testid="key-findings"')[1].split("</section>")[0]
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", section)))


def test_key_findings_come_first_in_the_editors_order(real_data, client):
    html = client.get("/").content.decode()
    assert html.index('data-testid="key-findings"') < html.index('id="responses-heading"')
    text = block(client)
    assert text.index("Responses received to the 2022 survey: 39 of 47") < text.index(
        "At least 18 respondents said their external camera systems"
    )
    KeyFinding.objects.filter(finding__key="pr2023-external-cctv-concern").update(position=0)
    bump_version()  # a bulk update sends no signal; the admin's save bumps the data version
    text = block(client)
    assert text.index("At least 18 respondents") < text.index(
        "Responses received to the 2022 survey"
    )


def test_each_sentence_links_its_source(real_data, client):
    html = client.get("/").content.decode()
    section = html.split('data-testid="key-findings"')[1].split("</section>")[0]
    for key in KeyFinding.objects.filter(finding__survey_round__year=2022):
        publication = key.finding.publication
        assert f'href="{publication.url}">{publication.code}</a>' in section


def test_a_corrected_finding_shows_its_current_value_and_what_was_published(real_data, client):
    current = block(client)
    assert (
        "0 respondents use cameras made by Hikvision in their body-worn video systems." in current
    )
    assert "Corrected: first published as at least 2" in current
    published = block(client, "/?as_published=1")
    assert (
        "At least 2 respondents use cameras made by Hikvision in their body-worn video systems."
        in published
    )
    assert "a later correction ( PR2023-UPDATE , date not stated) changed it to 0" in published


def test_each_round_has_its_own_key_findings(real_data, client):
    text = block(client, "/?round=2023")
    assert "36 of 47 policing bodies replied to the 2023 survey of police drones" in text
    assert "2022" not in text.replace("2023", "")
    assert 'data-testid="key-findings"' not in client.get("/?round=2019").content.decode()


def test_a_sentence_needs_exactly_one_value_place():
    finding = PublishedFinding(key="x")
    for sentence in ("No value here.", "{value} and {value}", "{value} {other}"):
        with pytest.raises(ValidationError):
            KeyFinding(finding=finding, position=1, sentence=sentence).clean()
    KeyFinding(finding=finding, position=1, sentence="{value} bodies.").clean()


def test_a_drafted_sentence_follows_the_same_rule():
    finding = PublishedFinding(key="x")
    for sentence in ("No value here.", "{value} and {value}", "{value} {other}"):
        with pytest.raises(ValidationError):
            KeyFindingDraft(finding=finding, position=1, sentence=sentence).clean()
    KeyFindingDraft(finding=finding, position=1, sentence="{value} bodies.").clean()


def test_every_badge_says_what_it_means_where_it_appears(real_data, client):
    html = client.get("/").content.decode()
    badges = re.findall(r'<strong class="tag [^"]*">([^<]+)</strong>', html)
    helps = re.findall(r"<summary>What “([^”]+)” means</summary>", html)
    finding_badges = [b for b in badges if b not in ("Yes", "No", "No data")]
    assert finding_badges and set(finding_badges) <= set(unescape(h) for h in helps)
    assert "It does not say which is right" in unescape(html)
    about = unescape(client.get("/about/").content.decode())
    labels = about.split('data-testid="labels"')[1].split("</dl>")[0]
    for label in (
        "Matches the per-body data",
        "Differs from the per-body data",
        "No per-body data",
        "Per-body data incomplete",
        "Percentage does not fit the derived denominator",
    ):
        assert label in labels
