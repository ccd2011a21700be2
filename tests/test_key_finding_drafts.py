"""The overview's key findings change through drafts: an editor's addition, change or removal
is previewed exactly as the overview will show it, then published (by a second editor when
settings.CORRECTIONS_NEED_SECOND_EDITOR) or discarded. Nothing of a draft is public, and
history keeps every step with its reason."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings

from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import DataVersion, KeyFinding, PublishedFinding
from tests import factories as f
from tests.pages import visible

# Every test here works on the real data, its maker (conftest) logged in.
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("real_data")]

ADMIN = "/admin/surveys/keyfinding/"
OLD = "said the same of their ANPR systems."
NEW = "{value} said so of their number plate cameras (ANPR)."
NEW_SHOWN = "said so of their number plate cameras (ANPR)."
REASON = "Synthetic test: plainer words"
second_editor = override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)


def overview(client, url: str = "/?round=2022") -> str:
    """The overview's key findings as an anonymous reader sees them."""
    client.logout()
    cache.clear()
    html = client.get(url).content.decode()
    if 'data-testid="key-findings"' not in html:
        return ""
    return visible(html.split('data-testid="key-findings"')[1].split("</section>")[0])


def everything_public(client) -> str:
    """Every public place a key finding's words could reach: overview, API, feeds, open data."""
    client.logout()
    cache.clear()
    pages = [client.get(url).content.decode() for url in ("/", "/?round=2023", "/findings/")]
    pages += [
        client.get(url).content.decode() for url in ("/api/v1/findings/", "/corrections/feed/")
    ]
    for url in ("/data/tables/key_findings.csv", "/data/obscc-data.json"):
        response = client.get(url)
        if response.status_code == 200:
            body = b"".join(response.streaming_content) if response.streaming else response.content
            pages.append(body.decode("utf-8", "replace"))
    return "\n".join(pages)


def anpr() -> KeyFinding:
    return KeyFinding.objects.get(finding__key="pr2023-anpr-concern")


def form(key: KeyFinding, **changes) -> dict:
    data = {
        "finding": key.finding_id,
        "position": key.position,
        "sentence": key.sentence,
        "reason": REASON,
    }
    data.update(changes)
    return {name: value for name, value in data.items() if value is not None}


def draft_from(response) -> str:
    """The draft's admin address, from the redirect after drafting."""
    assert response.status_code == 302, response.content.decode()[:2000]
    location = response["Location"]
    match = re.fullmatch(rf"{ADMIN}drafts/(\d+)/preview/", location)
    assert match, location
    return f"{ADMIN}drafts/{match[1]}/"


@pytest.fixture
def change(maker, client) -> str:
    """The maker's draft of a new ANPR sentence; returns the draft's admin address."""
    key = anpr()
    return draft_from(client.post(f"{ADMIN}{key.pk}/change/", form(key, sentence=NEW)))


@second_editor
def test_an_editors_new_sentence_does_not_change_the_overview(maker, client):
    key = anpr()
    response = client.post(f"{ADMIN}{key.pk}/change/", form(key, sentence=NEW))
    shown = overview(client)
    assert OLD in shown and NEW_SHOWN not in shown
    assert anpr().sentence.endswith(OLD)
    assert NEW_SHOWN not in everything_public(client)
    draft_from(response)  # a draft, waiting for its preview


@second_editor
def test_the_preview_shows_the_overview_as_it_will_be_and_nothing_public_changes(
    change, maker, client
):
    client.force_login(maker)
    page = client.get(f"{change}preview/")
    assert page.status_code == 200
    html = page.content.decode()
    assert "(/?round=2022)" in unescape(html)
    preview = visible(html.split('data-testid="preview-page"')[1])
    assert NEW_SHOWN in preview and OLD not in preview
    assert "At least 11 said so of their number plate cameras (ANPR)." in preview
    head = visible(html.split('data-testid="draft-notice"')[1].split("</div>")[0])
    assert OLD in head and NEW_SHOWN in head and REASON in head
    assert NEW_SHOWN not in everything_public(client)


@second_editor
def test_a_second_editor_publishes_it_and_then_the_overview_shows_it(change, client):
    client.force_login(f.account("checker", EDITORS))
    response = client.post(f"{change}publish/")
    assert response.status_code == 302
    shown = overview(client)
    assert "At least 11 said so of their number plate cameras (ANPR)." in shown
    assert OLD not in shown
    assert client.get(f"{change}preview/").status_code in (302, 404)


@second_editor
def test_the_editor_who_drafted_it_cannot_publish_it(change, maker, client):
    client.force_login(maker)
    page = client.get(f"{change}preview/").content.decode()
    assert 'data-testid="publish-refused"' in page and 'data-testid="publish"' not in page
    response = client.post(f"{change}publish/", follow=True)
    assert "A second editor must publish it" in visible(response.content.decode())
    assert OLD in overview(client)
    assert anpr().sentence.endswith(OLD)


def test_with_the_setting_off_one_editor_drafts_and_publishes_alone(change, maker, client):
    client.force_login(maker)
    page = client.get(f"{change}preview/").content.decode()
    assert 'data-testid="publish"' in page
    assert OLD in overview(client)
    client.force_login(maker)
    assert client.post(f"{change}publish/").status_code == 302
    assert NEW_SHOWN in overview(client)


@second_editor
def test_a_viewer_can_read_a_draft_but_never_draft_publish_or_discard(change, client):
    viewer = f.account("reader", VIEWERS)
    client.force_login(viewer)
    page = client.get(f"{change}preview/")
    assert page.status_code == 200 and NEW_SHOWN in visible(page.content.decode())
    assert 'data-testid="publish"' not in page.content.decode()
    assert client.get(ADMIN).status_code == 200
    key = anpr()
    before = list(KeyFinding.history.order_by("pk").values_list("pk", flat=True))
    drafts = client.get(ADMIN).content.decode().count("/preview/")
    for url, data in (
        (f"{ADMIN}{key.pk}/change/", form(key, sentence="{value} viewer words.")),
        (f"{ADMIN}{key.pk}/change/", form(key, remove="on")),
        (f"{ADMIN}add/", form(key, finding=PublishedFinding.objects.get(key="pr2023-invited").pk)),
        (f"{change}publish/", {}),
        (f"{change}discard/", {}),
    ):
        assert client.post(url, data).status_code == 403, url
    client.force_login(viewer)
    assert client.get(ADMIN).content.decode().count("/preview/") == drafts
    assert list(KeyFinding.history.order_by("pk").values_list("pk", flat=True)) == before
    assert client.get(f"{change}preview/").status_code == 200  # still a draft
    assert OLD in overview(client)


@second_editor
def test_a_discarded_draft_changes_nothing_and_history_keeps_it(change, client):
    from surveys.models import KeyFindingDraft

    pk = int(change.rstrip("/").rsplit("/", 1)[1])
    client.force_login(f.account("checker", EDITORS))
    assert client.post(f"{change}discard/").status_code == 302
    assert not KeyFindingDraft.objects.filter(pk=pk).exists()
    history = KeyFindingDraft.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert [h.history_change_reason for h in history] == [
        f"Draft: {REASON}",
        "Draft discarded before publication",
    ]
    assert history.last().history_user.username == "checker"
    assert OLD in overview(client)
    assert anpr().history.count() == 1  # as loaded: the key finding itself never changed


@second_editor
def test_publishing_writes_the_reason_and_both_editors_to_history(change, client):
    checker = f.account("checker", EDITORS)
    client.force_login(checker)
    client.post(f"{change}publish/")
    latest = anpr().history.order_by("history_date").last()
    assert latest.history_type == "~" and latest.sentence == NEW
    assert latest.history_change_reason == f"{REASON} (drafted by maker, published by checker)"
    assert latest.history_user == checker


@second_editor
def test_adding_a_key_finding_is_a_draft_until_published(maker, client):
    finding = PublishedFinding.objects.get(key="pr2023-drone-operators")
    data = {
        "finding": finding.pk,
        "position": 7,
        "sentence": "{value} fly drones.",
        "reason": REASON,
    }
    draft = draft_from(client.post(f"{ADMIN}add/", data))
    assert not KeyFinding.objects.filter(finding=finding).exists()
    assert "fly drones" not in everything_public(client)
    client.force_login(maker)
    preview = client.get(f"{draft}preview/").content.decode()
    assert "fly drones" in visible(preview.split('data-testid="preview-page"')[1])
    client.force_login(f.account("checker", EDITORS))
    client.post(f"{draft}publish/")
    assert "fly drones." in overview(client)


@second_editor
def test_removing_a_key_finding_is_a_draft_until_published(maker, client):
    key = anpr()
    draft = draft_from(client.post(f"{ADMIN}{key.pk}/change/", form(key, remove="on")))
    assert OLD in overview(client)
    client.force_login(maker)
    preview = client.get(f"{draft}preview/").content.decode()
    assert OLD not in visible(preview.split('data-testid="preview-page"')[1])
    client.force_login(f.account("checker", EDITORS))
    client.post(f"{draft}publish/")
    assert OLD not in overview(client)
    assert not KeyFinding.objects.filter(pk=key.pk).exists()
    removal = KeyFinding.history.filter(id=key.pk).order_by("history_date").last()
    assert removal.history_type == "-" and removal.history_change_reason.startswith(REASON)


@second_editor
def test_moving_a_key_finding_is_a_draft_until_published(maker, client):
    key = anpr()
    draft = draft_from(client.post(f"{ADMIN}{key.pk}/change/", form(key, position=0)))
    assert overview(client).index("Responses received to the 2022 survey") < overview(client).index(
        OLD
    )
    client.force_login(f.account("checker", EDITORS))
    client.post(f"{draft}publish/")
    assert overview(client).index(OLD) < overview(client).index(
        "Responses received to the 2022 survey"
    )


@second_editor
def test_a_draft_keeps_the_sentence_rules_and_needs_a_reason(maker, client):
    from surveys.models import KeyFindingDraft

    key = anpr()
    for changes in (
        {"sentence": "No value here."},
        {"sentence": "{value} and {value}"},
        {"sentence": "{value} {other}"},
        {"reason": ""},
    ):
        response = client.post(f"{ADMIN}{key.pk}/change/", form(key, **changes))
        assert response.status_code == 200, changes
        assert 'class="errorlist' in response.content.decode()
    taken = {"finding": key.finding_id, "position": 9, "sentence": "{value} twice.", "reason": "x"}
    response = client.post(f"{ADMIN}add/", taken)
    assert response.status_code == 200 and "already" in visible(response.content.decode())
    assert not KeyFindingDraft.objects.exists()


@second_editor
def test_a_draft_that_no_longer_applies_is_refused_and_can_be_discarded(maker, client):
    finding = PublishedFinding.objects.get(key="pr2023-drone-operators")
    data = {"finding": finding.pk, "position": 7, "sentence": "{value} fly drones.", "reason": "a"}
    first = draft_from(client.post(f"{ADMIN}add/", data))
    second = draft_from(client.post(f"{ADMIN}add/", {**data, "sentence": "{value} use drones."}))
    client.force_login(f.account("checker", EDITORS))
    client.post(f"{first}publish/")
    page = client.get(f"{second}preview/")
    assert page.status_code == 200
    assert "cannot be published as it is" in visible(page.content.decode())
    response = client.post(f"{second}publish/", follow=True)
    assert "Not published" in visible(response.content.decode())
    assert "use drones" not in overview(client)
    client.force_login(f.account("other", EDITORS))
    assert client.post(f"{second}discard/").status_code == 302
    assert client.get(f"{second}preview/").status_code in (302, 404)


@second_editor
def test_drafting_and_discarding_do_not_change_when_the_data_last_changed(maker, client):
    version = DataVersion.objects.get().version
    key = anpr()
    change = draft_from(client.post(f"{ADMIN}{key.pk}/change/", form(key, sentence=NEW)))
    client.force_login(f.account("checker", EDITORS))
    client.get(f"{change}preview/")
    client.post(f"{change}discard/")
    assert DataVersion.objects.get().version == version


def test_draft_urls_answer_only_their_methods(change, client):
    assert client.get(f"{change}publish/").status_code == 405
    assert client.get(f"{change}discard/").status_code == 405
    assert client.put(f"{change}preview/").status_code == 405
    client.logout()
    for url in (f"{change}preview/", f"{change}publish/"):
        response = client.post(url) if url.endswith("publish/") else client.get(url)
        assert response.status_code == 302 and "/login/" in response["Location"]
    assert OLD in overview(client)
