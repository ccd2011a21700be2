"""A correction's history in the admin: the list of versions and each version's own page name
the version by what it corrects and its old and new values, qualifiers included."""

import html

import pytest
from django.contrib.auth.models import Group, User

from surveys.editorial import corrections
from surveys.editorial.roles import EDITORS, VIEWERS
from surveys.models import Correction, PublishedFinding

pytestmark = pytest.mark.django_db


@pytest.fixture
def drafted_and_published(real_data) -> list[Correction]:
    """ANPR's "at least 11": one correction still a draft, one drafted then published, both
    "at least" by their own qualifier."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    made = [
        corrections.save_draft(
            Correction(
                finding=finding,
                new_value=value,
                new_qualifier=PublishedFinding.Qualifier.AT_LEAST,
                reason="A later count",
                source=finding.publication,
            )
        )
        for value in ("12", "13")
    ]
    made[1] = corrections.publish(made[1], check_editor=False)
    return made


def page_title(response) -> str:
    return html.unescape(response.content.decode().split("<h1>", 1)[1].split("</h1>", 1)[0])


@pytest.mark.parametrize("role", [VIEWERS, EDITORS])
def test_each_version_of_a_correction_opens_named_with_its_qualified_values(
    drafted_and_published, client, role
):
    account = User.objects.create_user(role.lower())
    account.groups.add(Group.objects.get(name=role))
    client.force_login(account)
    for correction, new in zip(drafted_and_published, ("12", "13"), strict=True):
        label = f"{correction.target_label}: at least 11 → at least {new}"
        base = f"/admin/surveys/correction/{correction.pk}/history/"
        listing = client.get(base)
        assert page_title(listing) == f"View history: {label}"
        versions = correction.history.order_by("history_id")
        assert versions.count() == (1 if correction.status == Correction.Status.DRAFT else 2)
        table = listing.content.decode().split('id="change-history"', 1)[1]
        assert table.count(html.escape(label)) == versions.count()
        for version in versions:
            page = client.get(f"{base}{version.history_id}/")
            assert page.status_code == 200
            assert page_title(page) == f"View {label}"
