"""Later public evidence: its kind fits its source, it is shown beside the survey data
(body, system type and vendor pages, the API, the downloads) and edited with history in the
admin, and it never changes a statistic."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError

from surveys import opendata, stats
from surveys.models import (
    Body,
    Publication,
    PublicEvidence,
    PublishedFinding,
    SurveyRound,
    SystemType,
    Vendor,
)
from tests import factories as f
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


def _evidence(**kw) -> PublicEvidence:
    values = {
        "key": "review-test",
        "body": Body.objects.get(slug="kent"),
        "summary": "A test fact.",
        "occurred_on": datetime.date(2025, 5, 1),
        "kind": PublicEvidence.Kind.PRIMARY,
        "source": Publication.objects.get(code="IPAPER2025"),
    }
    values.update(kw)
    return PublicEvidence(**values)


def test_evidence_from_a_secondary_source_is_not_primary(real_data):
    with pytest.raises(ValidationError, match="secondary source"):
        _evidence().full_clean()
    _evidence(kind=PublicEvidence.Kind.SECONDARY).full_clean()


def test_evidence_that_ends_before_it_begins_is_explained(real_data):
    evidence = _evidence(
        kind=PublicEvidence.Kind.SECONDARY, occurred_until=datetime.date(2025, 1, 1)
    )
    with pytest.raises(ValidationError, match="ends before it begins"):
        evidence.full_clean()


def test_the_real_evidence_passes(real_data):
    for evidence in PublicEvidence.objects.all():
        evidence.full_clean()


def test_admin_refuses_primary_evidence_from_a_news_report(real_data, admin_client):
    source = Publication.objects.get(code="IPAPER2025")
    response = admin_client.post(
        "/admin/surveys/publicevidence/add/",
        {
            "key": "review-admin-test",
            "body": Body.objects.get(slug="kent").pk,
            "summary": "A test fact.",
            "occurred_on": "2025-05-01",
            "date_precision": "day",
            "kind": "primary",
            "source": source.pk,
        },
    )
    assert response.status_code == 200
    assert "secondary source" in visible(text(response))
    assert not PublicEvidence.objects.filter(key="review-admin-test").exists()


def test_editors_edit_evidence_in_the_admin_with_history(real_data, admin_client):
    fact = PublicEvidence.objects.get(key="north-wales-lfr-wrexham-2024")
    url = f"/admin/surveys/publicevidence/{fact.pk}/change/"
    page = admin_client.get(url)
    assert page.status_code == 200
    form = page.context["adminform"].form
    data = {k: v for k, v in form.initial.items() if v is not None}
    data.update(
        {
            "body": fact.body_id,
            "system_type": fact.system_type_id,
            "source": fact.source_id,
            "summary": "North Wales Police deployed live facial recognition in Wrexham (edited).",
            "occurred_on": "2024-09-07",
            "date_precision": "day",
            "kind": "primary",
            "key": fact.key,
        }
    )
    response = admin_client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:2000]
    fact.refresh_from_db()
    assert fact.summary.endswith("(edited).")
    assert fact.history.count() == 2
    assert admin_client.get(f"/admin/surveys/publicevidence/{fact.pk}/history/").status_code == 200


def test_evidence_is_on_body_pages_and_a_layer_of_system_type_pages(real_data, client):
    essex = visible(text(client.get("/forces/essex/")))
    evidence = essex.split("Later public evidence (not survey data)")[1]
    assert "22 August 2024 to 23 August 2024" in evidence and "ESSLFR" in evidence
    assert "Primary" in evidence and "never counted in a survey figure" in evidence
    page = text(client.get("/systems/facial-recognition/"))
    assert 'data-testid="show-evidence"' in page and 'data-testid="evidence"' not in page
    layer = text(client.get("/systems/facial-recognition/?evidence=1"))
    table = visible(layer.split('data-testid="evidence"')[1].split("</table>")[0])
    assert "South Wales Police" in table and "BRIDGES2020" in table and "CROYDON2026" in table
    api = client.get("/api/v1/evidence/?body=metropolitan-police").json()
    assert {e["key"] for e in api["results"]} == {
        "met-croydon-permanent-lfr-2025",
        "ipaper2025-met-dji",
    }
    assert all(e["is_survey_data"] is False for e in api["results"])
    assert client.get("/api/v1/evidence/?kind=nonsense").status_code == 400


def test_vendor_pages_list_the_evidence_naming_the_vendor(real_data, client):
    page = text(client.get("/vendors/dji/"))
    listed = visible(page.split('data-testid="evidence"')[1].split("</ul>")[0])
    assert listed.count("IPAPER2025") == 3 and "Greater Manchester Police" in listed
    assert 'data-testid="evidence"' not in text(client.get("/vendors/dahua/"))


def test_vendor_page_keeps_the_evidence_kind_as_written(real_data, client):
    page = visible(text(client.get("/vendors/hikvision/")))
    assert "the commissioner" not in page
    assert "the Commissioner" in page


def test_evidence_is_in_the_downloads(real_data, client):
    assert opendata.TABLES["evidence"] is PublicEvidence
    csv_text = text(client.get("/data/tables/evidence.csv"))
    assert "northumbria-hikvision-2021" in csv_text and "NPFOI1161" not in csv_text.split("\n")[0]
    assert opendata.table_counts()["evidence"] == PublicEvidence.objects.count() == 17


def _statistics(client) -> dict:
    cache.clear()
    rounds = list(SurveyRound.objects.order_by("year"))
    return {
        "responses": stats.response_by_round(),
        "types": {
            key: (s.answered, s.figures)
            for key, s in stats.system_type_stats_by_round(rounds).items()
        },
        "vendors": stats.vendor_breakdown(rounds),
        "findings": [
            (v.finding.key, v.computed, v.coverage, v.status)
            for v in stats.finding_views(PublishedFinding.objects.all())
        ],
        "api": client.get("/api/v1/statistics/system-types/?round=2022").json()["results"],
        "forces": visible(text(client.get("/forces/?concern=yes&per_page=100"))),
    }


def test_later_evidence_never_changes_a_statistic(real_data, client):
    before = _statistics(client)
    source = f.publication(kind=Publication.Kind.NEWS, is_secondary=True)
    hikvision_cctv = SystemType.objects.get(slug="cctv-unspecified")
    for body in Body.objects.all():  # every body, of concern and not, answered or not
        PublicEvidence.objects.create(
            key=f"synthetic-{body.slug}",
            body=body,
            system_type=hikvision_cctv,
            vendor=Vendor.objects.get(name="Hikvision"),
            summary="Synthetic test fact: uses Hikvision cameras.",
            occurred_on=datetime.date(2022, 7, 1),
            kind="secondary",
            source=source,
        )
    assert _statistics(client) == before
