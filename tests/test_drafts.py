"""Editors do not publish blind. A correction is saved as a draft, previewed exactly as the
public will see it, then published (by a second editor when the setting asks) or discarded.
A draft is never public and never leaves a trace in the statistics cache; its preview names the
value it changes as it is now, and a draft that can no longer be published says why."""

import re
from html import unescape

import pytest
from django.core.cache import cache
from django.test import override_settings

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Answer, Body, Correction, PublishedFinding, Vendor
from tests import factories as f
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


@pytest.fixture
def draft(real_data, client):
    """An editor's draft: ANPR's "at least 11" corrected to 12."""
    editor = f.account("maker", EDITORS)
    client.force_login(editor)
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "finding": finding.pk,
            "new_value": "12",
            "new_qualifier": "exact",
            "reason": "Synthetic test: the final count was 12",
            "announced_on": "2024-03-01",
            "source": finding.publication_id,
        },
    )
    correction = Correction.objects.get(finding=finding)
    assert response["Location"] == f"/admin/surveys/correction/{correction.pk}/preview/"
    return correction


def public(client, *, clear_cache: bool = True) -> dict:
    """What the public sees of the ANPR figure, everywhere it is shown."""
    client.logout()
    if clear_cache:
        cache.clear()
    shown = {
        "overview": "corrected to 12" in client.get("/").content.decode(),
        "api": client.get("/api/v1/findings/pr2023-anpr-concern/").json()["current_value"],
        "corrections": "final count was 12" in client.get("/corrections/").content.decode(),
        "feed": "final count was 12" in client.get("/corrections/feed/").content.decode(),
        "data": "final count was 12"
        in b"".join(client.get("/data/tables/corrections.csv").streaming_content).decode(),
    }
    return shown


NOT_PUBLIC = {"overview": False, "api": 11, "corrections": False, "feed": False, "data": False}


def test_a_draft_changes_nothing_public(draft, client):
    assert draft.status == "draft"
    assert public(client) == NOT_PUBLIC
    assert client.get(f"/corrections/{draft.pk}/").status_code == 404


def test_the_preview_shows_every_changed_value_and_the_page_as_it_will_be(draft, client):
    client.force_login(draft.drafted_by)
    page = client.get(f"/admin/surveys/correction/{draft.pk}/preview/")
    assert page.status_code == 200
    html = page.content.decode()
    changes = (
        visible(text(page)).split("What publishing it changes")[1].split("The public pages")[0]
    )
    assert "at least 11; Partial" not in changes  # labels, not codes
    assert re.search(
        r"PR2023: Bodies using equipment of concern, ANPR .* at least 11; .* 12;", changes
    )
    preview = unescape(html.split('data-testid="preview-page"')[1])
    assert "Published: at least 11; corrected to 12, announced by" in preview
    assert "</a> on 1 March 2024:" in preview
    # Nothing of it is public, or cached, afterwards: a real change reuses the version number
    # the preview's rolled-back transaction had used.
    Body.objects.filter(slug="kent").update(notes="A real change after the preview.")
    from surveys.caching import bump_version

    bump_version()
    assert public(client, clear_cache=False) == NOT_PUBLIC


def test_every_affected_page_can_be_previewed(draft, client):
    client.force_login(draft.drafted_by)
    html = client.get(f"/admin/surveys/correction/{draft.pk}/preview/").content.decode()
    for url in ("/?round=2022", "/systems/anpr/", "/findings/?round=2022"):
        assert f"({url})" in unescape(html)
    page = client.get(f"/admin/surveys/correction/{draft.pk}/preview/?page=/systems/anpr/")
    assert "at least 11; corrected to 12" in unescape(page.content.decode())


def test_publishing_makes_it_public(draft, client):
    client.force_login(draft.drafted_by)
    response = client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    assert response.status_code == 302
    draft.refresh_from_db()
    assert (draft.status, draft.published_by.username) == ("published", "maker")
    assert draft.published_at is not None
    shown = public(client)
    assert shown == {"overview": True, "api": 12, "corrections": True, "feed": True, "data": True}
    # After publication only withdrawal remains: no discarding, no second publication.
    with pytest.raises(corrections.PublishRefused):
        corrections.discard(draft)
    with pytest.raises(corrections.PublishRefused):
        corrections.publish(draft)


def test_a_draft_can_be_discarded_with_history(draft, client):
    client.force_login(draft.drafted_by)
    pk = draft.pk
    assert client.post(f"/admin/surveys/correction/{pk}/discard/").status_code == 302
    assert not Correction.objects.filter(pk=pk).exists()
    history = Correction.history.filter(id=pk).order_by("history_date")
    assert [h.history_type for h in history] == ["+", "-"]
    assert history.last().history_change_reason == "Draft discarded before publication"
    assert public(client) == NOT_PUBLIC


def test_a_draft_is_not_withdrawn(draft):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError, match="draft"):
        corrections.withdraw_correction(draft, reason="x")


@override_settings(CORRECTIONS_NEED_SECOND_EDITOR=True)
def test_maker_checker_needs_a_second_editor(draft, client):
    client.force_login(draft.drafted_by)
    page = client.get(f"/admin/surveys/correction/{draft.pk}/preview/").content.decode()
    assert 'data-testid="publish-refused"' in page and 'data-testid="publish"' not in page
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == "draft"
    checker = f.account("checker", EDITORS)
    client.force_login(checker)
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert (draft.status, draft.published_by) == ("published", checker)


def test_maker_checker_is_off_by_default(draft, client):
    client.force_login(draft.drafted_by)
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    draft.refresh_from_db()
    assert draft.status == "published"


def test_viewers_and_strangers_cannot_publish_or_discard(draft, client):
    client.force_login(f.account("reader", VIEWERS))
    assert client.get(f"/admin/surveys/correction/{draft.pk}/preview/").status_code == 200
    assert client.post(f"/admin/surveys/correction/{draft.pk}/publish/").status_code == 403
    assert client.post(f"/admin/surveys/correction/{draft.pk}/discard/").status_code == 403
    assert client.get(f"/admin/surveys/correction/{draft.pk}/publish/").status_code == 405
    client.logout()
    response = client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    assert response.status_code == 302 and "/login/" in response["Location"]
    draft.refresh_from_db()
    assert draft.status == "draft"


def test_an_answer_correction_is_applied_only_on_publication(real_data, client):
    from surveys.models import Answer

    editor = f.account("maker", EDITORS)
    client.force_login(editor)
    answer = Answer.objects.get(
        survey_return__body__slug="kent", system_type__slug="facial-recognition"
    )
    response = client.post(
        "/admin/surveys/correction/add/",
        {
            "answer": answer.pk,
            "answer_field": "operates",
            "new_value": "no",
            "reason": "Synthetic test: a later return states the kind",
            "source": answer.source_id,
        },
    )
    assert response.status_code == 302
    correction = Correction.objects.get(answer=answer)
    answer.refresh_from_db()
    assert (correction.status, answer.operates) == ("draft", True)
    preview = client.get(f"/admin/surveys/correction/{correction.pk}/preview/")
    assert "/forces/kent/" in preview.content.decode()
    answer.refresh_from_db()
    assert answer.operates is True  # the preview rolled back
    # and left nothing in the statistics cache: the next real change takes the data version
    # the preview's rolled-back transaction had used, and must not find its results.
    from surveys.caching import bump_version

    stats_url = "/api/v1/statistics/system-types/?round=2022"
    for _ in range(4):  # the preview's saves used the next few version numbers
        bump_version()
        results = client.get(stats_url).json()["results"]
        fr = next(t for t in results if t["system_type"] == "facial-recognition")
        assert fr["operators"] == {"value": 21, "coverage": 21}
    client.post(f"/admin/surveys/correction/{correction.pk}/publish/")
    answer.refresh_from_db()
    assert answer.operates is False
    assert answer.source_of("operates") == correction.source


def draft_for(finding_key: str, new_value: str, qualifier: str = "", user=None) -> Correction:
    finding = PublishedFinding.objects.get(key=finding_key)
    return corrections.save_draft(
        Correction(
            finding=finding,
            new_value=new_value,
            new_qualifier=qualifier,
            reason="Review test",
            source=finding.publication,
        ),
        user=user,
    )


def test_preview_names_the_new_value_with_the_figures_qualifier(real_data, maker, client):
    """An empty qualifier keeps the figure's own: "at least 11 → at least 12", not "→ 12"."""
    draft = draft_for("pr2023-anpr-concern", "12", user=maker)
    page = visible(text(client.get(f"/admin/surveys/correction/{draft.pk}/preview/")))
    assert "at least 11 → at least 12." in page


def test_preview_names_the_value_now_when_it_changed_since_the_draft(real_data, maker, client):
    """Another correction published since the draft: the preview says what the value is now."""
    stale = draft_for("pr2023-anpr-concern", "13", "exact", user=maker)
    corrections.publish(draft_for("pr2023-anpr-concern", "12", user=maker), user=maker)
    page = visible(text(client.get(f"/admin/surveys/correction/{stale.pk}/preview/")))
    assert "at least 12 → 13." in page
    assert "at least 11 → 13" not in page


def vendors_draft(editor) -> Correction:
    answer = Answer.objects.filter(vendors__isnull=False).first()
    return corrections.save_draft(
        Correction(
            answer=answer,
            answer_field=Correction.AnswerField.VENDORS,
            new_value="Milestone",
            reason="Review test",
            source=answer.survey_return.survey_round.publications.first()
            or PublishedFinding.objects.first().publication,
        ),
        user=editor,
    )


def test_a_draft_that_can_no_longer_be_published_is_shown_with_why(real_data, maker, client):
    """The vendor it names was renamed since: the preview says so (not a server error), offers
    no Publish and keeps Discard."""
    draft = vendors_draft(maker)
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")
    response = client.get(f"/admin/surveys/correction/{draft.pk}/preview/")
    assert response.status_code == 200
    page = visible(text(response))
    assert "cannot be published as it is" in page
    assert "Unknown vendor 'Milestone'" in page
    html = response.content.decode()
    assert 'data-testid="publish"' not in html
    assert 'data-testid="discard"' in html
    # Publishing refuses it too, and the maker lands on the preview that says why.
    response = client.post(f"/admin/surveys/correction/{draft.pk}/publish/", follow=True)
    assert response.status_code == 200
    assert "Not published: Unknown vendor 'Milestone'" in visible(text(response))
    assert Correction.objects.get(pk=draft.pk).status == Correction.Status.DRAFT


def test_a_draft_correction_page_says_it_is_a_draft(real_data, maker, client):
    draft = draft_for("pr2023-anpr-concern", "12", user=maker)
    response = client.get(f"/admin/surveys/correction/{draft.pk}/change/")
    assert "This correction is a draft" in visible(text(response))
    assert f"/admin/surveys/correction/{draft.pk}/preview/" in response.content.decode()
