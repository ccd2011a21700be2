"""Review of issue 15: drafts whose data changed since they were saved, and what a draft's
preview says about the value it changes."""

import re
from html import unescape

import pytest
from django.contrib.auth.models import Group, User
from django.core.files.uploadedfile import SimpleUploadedFile

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS
from surveys.models import Answer, Correction, ImportDraft, PublishedFinding, Vendor

pytestmark = pytest.mark.django_db

IMPORT_URL = "/admin/surveys/answer/import/"


def text(response) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", response.content.decode())))


@pytest.fixture
def editor(real_data, client):
    account = User.objects.create_user("maker", password="a-long-test-password-123")
    account.groups.add(Group.objects.get(name=EDITORS))
    client.force_login(account)
    return account


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


def test_preview_names_the_new_value_with_the_figures_qualifier(editor, client):
    """An empty qualifier keeps the figure's own: "at least 11 → at least 12", not "→ 12"."""
    draft = draft_for("pr2023-anpr-concern", "12", user=editor)
    page = text(client.get(f"/admin/surveys/correction/{draft.pk}/preview/"))
    assert "at least 11 → at least 12." in page


def test_preview_names_the_value_now_when_it_changed_since_the_draft(editor, client):
    """Another correction published since the draft: the preview says what the value is now."""
    stale = draft_for("pr2023-anpr-concern", "13", "exact", user=editor)
    corrections.publish(draft_for("pr2023-anpr-concern", "12", user=editor), user=editor)
    page = text(client.get(f"/admin/surveys/correction/{stale.pk}/preview/"))
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


def test_a_draft_that_can_no_longer_be_published_is_shown_with_why(editor, client):
    """The vendor it names was renamed since: the preview says so (not a server error), offers
    no Publish and keeps Discard."""
    draft = vendors_draft(editor)
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")
    response = client.get(f"/admin/surveys/correction/{draft.pk}/preview/")
    assert response.status_code == 200
    page = text(response)
    assert "cannot be published as it is" in page
    assert "Unknown vendor 'Milestone'" in page
    html = response.content.decode()
    assert 'data-testid="publish"' not in html
    assert 'data-testid="discard"' in html
    # Publishing refuses it too, and the editor lands on the preview that says why.
    response = client.post(f"/admin/surveys/correction/{draft.pk}/publish/", follow=True)
    assert response.status_code == 200
    assert "Not published: Unknown vendor 'Milestone'" in text(response)
    assert Correction.objects.get(pk=draft.pk).status == Correction.Status.DRAFT


def test_a_draft_correction_page_says_it_is_a_draft(editor, client):
    draft = draft_for("pr2023-anpr-concern", "12", user=editor)
    response = client.get(f"/admin/surveys/correction/{draft.pk}/change/")
    assert "This correction is a draft" in text(response)
    assert f"/admin/surveys/correction/{draft.pk}/preview/" in response.content.decode()


def test_a_draft_import_whose_data_changed_can_still_be_seen_and_discarded(editor, client):
    """A draft import that no longer validates (a vendor it names was renamed): its page lists
    the errors instead of failing, offers no Publish, and it can be discarded."""
    data = b"body,round,system_type,source,operates,vendors\nkent,2022,anpr,FOI0323,yes,Milestone\n"
    client.post(
        IMPORT_URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""}
    )
    draft = ImportDraft.objects.get()
    token = draft.stored_name.rsplit(".", 1)[0]
    Vendor.objects.filter(name="Milestone").update(name="Milestone Systems", slug="milestone-x")

    response = client.get(f"{IMPORT_URL}?draft={token}")
    assert response.status_code == 200
    html = response.content.decode()
    assert "Milestone" in text(response) and 'value="Publish these rows"' not in html
    assert 'value="Discard the draft"' in html

    response = client.get(f"{IMPORT_URL}draft/{token}/")
    assert response.status_code == 302
    assert response["Location"] == f"{IMPORT_URL}?draft={token}"

    response = client.post(IMPORT_URL, {"step": "confirm", "token": token})
    assert 'value="Discard the draft"' in response.content.decode()

    client.post(IMPORT_URL, {"step": "discard", "token": token})
    assert not ImportDraft.objects.exists()


def test_a_draft_import_whose_file_is_gone_is_not_a_server_error(editor, client, settings):
    from pathlib import Path

    data = b"body,round,system_type,source,operates\nkent,2022,drones,FOI0323,yes\n"
    client.post(
        IMPORT_URL, {"step": "upload", "file": SimpleUploadedFile("k.csv", data), "reason": ""}
    )
    draft = ImportDraft.objects.get()
    (Path(settings.IMPORT_DIR) / draft.stored_name).unlink()
    token = draft.stored_name.rsplit(".", 1)[0]
    response = client.get(f"{IMPORT_URL}draft/{token}/")
    assert response.status_code == 302


# --- Fixed after the review: bounds, dates, the data's "last changed", wording ---------------


def test_a_corrected_figure_is_bounded(real_data):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from surveys.editorial.correction_values import parse_finding_value
    from surveys.models import PublishedFinding as Finding

    anpr = Finding.objects.get(key="pr2023-anpr-concern")
    for raw in ("1e400", "9" * 199, "10000000", "12.345"):
        with pytest.raises(DjangoValidationError):
            parse_finding_value(anpr, raw)
    responded = Finding.objects.get(key="pr2023-responded")  # 39 of 47
    with pytest.raises(DjangoValidationError, match="out of 47"):
        parse_finding_value(responded, "48")
    assert parse_finding_value(responded, "40") == 40


def test_dates_in_the_future_are_refused(real_data):
    import datetime as dt

    from django.core.exceptions import ValidationError as DjangoValidationError

    from surveys.editorial import corrections as corr
    from surveys.models import Correction as C
    from surveys.models import PublishedFinding as Finding

    anpr = Finding.objects.get(key="pr2023-anpr-concern")
    tomorrow = dt.date.today() + dt.timedelta(days=2)
    with pytest.raises(DjangoValidationError) as exc:
        corr.save_draft(
            C(
                finding=anpr,
                new_value="12",
                reason="x",
                source=anpr.publication,
                announced_on=tomorrow,
            )
        )
    assert "announced_on" in exc.value.message_dict
    published = C.objects.get(finding__key="pr2023-bwv-hikvision")
    with pytest.raises(DjangoValidationError, match="future"):
        corr.withdraw_correction(published, reason="x", on=tomorrow)


def test_drafts_do_not_change_when_the_data_last_changed(real_data):
    from surveys.caching import current_version
    from surveys.editorial import corrections as corr
    from surveys.models import Correction as C
    from surveys.models import ImportDraft
    from surveys.models import PublishedFinding as Finding

    before = current_version()
    anpr = Finding.objects.get(key="pr2023-anpr-concern")
    draft = corr.save_draft(C(finding=anpr, new_value="12", reason="x", source=anpr.publication))
    ImportDraft.objects.create(filename="a.csv", stored_name="abc.csv")
    corr.discard(draft)
    assert current_version() == before
    published = corr.save_draft(
        C(finding=anpr, new_value="13", reason="y", source=anpr.publication)
    )
    corr.publish(published)
    assert current_version() > before


def test_both_targets_give_a_readable_error(real_data):
    from django.core.exceptions import ValidationError as DjangoValidationError

    from surveys.models import Answer as A
    from surveys.models import Correction as C
    from surveys.models import PublishedFinding as Finding

    finding = Finding.objects.first()
    c = C(
        finding=finding,
        answer=A.objects.first(),
        new_value="1",
        old_value="",
        reason="x",
        source=finding.publication,
    )
    with pytest.raises(DjangoValidationError) as exc:
        c.full_clean()
    assert "Choose one thing to correct" in str(exc.value) and "correction_targets" not in str(
        exc.value
    )
