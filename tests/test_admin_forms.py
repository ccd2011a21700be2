"""Admin forms that explain themselves: withdrawal errors, finding labels, qualifiers, dates."""

import csv
import io
import re

import pytest
from django.contrib import admin
from django.test import RequestFactory
from django.utils import timezone

from surveys.editorial import corrections
from surveys.models import Correction, PublishedFinding

pytestmark = pytest.mark.django_db


@pytest.fixture
def anpr_correction(real_data) -> Correction:
    """ANPR's "at least 11" corrected to 12, the qualifier left to the figure's ("at least")."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    assert finding.format_value().startswith("at least 11")
    return corrections.record_correction(
        Correction(
            finding=finding, new_value="12", reason="A later count", source=finding.publication
        )
    )


def test_a_withdrawal_without_reason_shows_the_error_and_stays_editable(
    anpr_correction, client, editor
):
    url = f"/admin/surveys/correction/{anpr_correction.pk}/change/"
    response = client.post(url, {"withdrawn_on": "2024-06-01", "withdrawal_reason": ""})
    assert response.status_code == 200
    page = response.content.decode()
    assert "Please correct the error below." in page
    assert "Say why the correction is withdrawn." in page
    assert 'name="withdrawn_on"' in page and 'name="withdrawal_reason"' in page
    assert 'value="2024-06-01"' in page  # what was typed stays in the field
    anpr_correction.refresh_from_db()
    assert anpr_correction.withdrawn_on is None

    response = client.post(url, {"withdrawn_on": "2024-06-01", "withdrawal_reason": "Wrong"})
    assert response.status_code == 302
    client.post(f"/admin/surveys/correction/{anpr_correction.pk}/withdrawal/publish/")
    anpr_correction.refresh_from_db()
    assert str(anpr_correction.withdrawn_on) == "2024-06-01"
    page = client.get(url).content.decode()
    assert 'name="withdrawn_on"' not in page and 'name="withdrawal_reason"' not in page


def test_a_withdrawal_without_date_takes_the_day_it_is_published(anpr_correction, client, editor):
    url = f"/admin/surveys/correction/{anpr_correction.pk}/change/"
    client.post(url, {"withdrawn_on": "", "withdrawal_reason": "Wrong"})
    anpr_correction.refresh_from_db()
    assert anpr_correction.withdrawn_on is None
    client.post(f"/admin/surveys/correction/{anpr_correction.pk}/withdrawal/publish/")
    anpr_correction.refresh_from_db()
    assert anpr_correction.withdrawn_on == timezone.localdate()


def autocomplete(client, term: str) -> list[str]:
    """Every result the finding picker offers for ``term``, over all its pages."""
    texts, page, more = [], 1, True
    while more:
        response = client.get(
            "/admin/autocomplete/",
            {
                "app_label": "surveys",
                "model_name": "correction",
                "field_name": "finding",
                "term": term,
                "page": page,
            },
        )
        texts += [result["text"] for result in response.json()["results"]]
        more, page = response.json()["pagination"]["more"], page + 1
    return texts


def test_every_admin_label_for_a_finding_is_unique_and_names_its_round(real_data, client, editor):
    request = RequestFactory().get("/admin/surveys/correction/add/")
    request.user = editor
    form = admin.site.get_model_admin(Correction).get_form(request)()
    labels = [label for value, label in form.fields["finding"].choices if value]
    assert len(labels) == PublishedFinding.objects.count()
    assert len(set(labels)) == len(labels), sorted(labels)
    previous = [label for label in labels if "previous surveys had been 100%" in label]
    assert {"2017 round", "2019 round"} <= {
        part for label in previous for part in label.split(", ")
    }

    texts = autocomplete(client, "")
    assert len(texts) == PublishedFinding.objects.count()
    assert len(set(texts)) == len(texts)
    assert set(texts) == set(labels)
    anpr = [t for t in texts if "ANPR systems" in t]
    assert anpr == [
        "PR2023, 2022 round, Bodies using equipment of concern, ANPR: " + anpr[0].split(": ", 1)[1]
    ]


def test_the_autocomplete_finds_a_finding_by_round(real_data, client, editor):
    texts = autocomplete(client, "2019")
    assert texts and all("2019 round" in text for text in texts)


def test_the_admin_shows_the_qualifier_of_the_new_value(anpr_correction, client, editor):
    listing = client.get("/admin/surveys/correction/").content.decode()
    assert "at least 11 → at least 12" in listing
    assert "at least 11 → 12<" not in listing

    change = client.get(f"/admin/surveys/correction/{anpr_correction.pk}/change/").content.decode()
    new_value = re.search(r'field-new_value.*?<div class="readonly">(.*?)</div>', change, re.S)
    assert new_value.group(1).startswith("at least 12")

    history = client.get(
        f"/admin/surveys/correction/{anpr_correction.pk}/history/"
    ).content.decode()
    assert "at least 11 → at least 12" in history

    export = client.post(
        "/admin/surveys/correction/",
        {"action": "export_as_csv", "_selected_action": [anpr_correction.pk]},
    )
    rows = list(csv.DictReader(io.StringIO(export.getvalue().decode())))
    [row] = [r for r in rows if r["Reason"] == "A later count"]
    assert row["New value"].startswith("at least 12")


def test_an_exact_new_value_says_so_nowhere_at_least(real_data, client, editor):
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    correction = corrections.record_correction(
        Correction(
            finding=finding,
            new_value="14",
            new_qualifier=PublishedFinding.Qualifier.EXACT,
            reason="Counted",
            source=finding.publication,
        )
    )
    listing = client.get("/admin/surveys/correction/").content.decode()
    assert f"at least 11 → {finding.format_value(14, 'exact')}" in listing
    public = client.get(f"/corrections/{correction.pk}/").content.decode()
    assert f"at least 11 → {finding.format_value(14, 'exact')}" in public


def test_the_public_correction_labels_its_two_dates(anpr_correction, client):
    for url in (f"/corrections/{anpr_correction.pk}/", "/corrections/"):
        page = client.get(url).content.decode()
        assert "Announced by the source" in page
        assert "Published here" in page
        assert "Recorded here" not in page
        assert "at least 11 → at least 12" in page
