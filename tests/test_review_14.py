"""Review of issue 14: what the pages say and what the admin lets an editor enter, checked
against ../shared/reference/FACTS.md."""

import datetime
import re
from html import unescape

import pytest
from django.core.exceptions import ValidationError

from surveys.models import (
    Answer,
    Body,
    CommissionerTerm,
    Publication,
    PublicEvidence,
    VendorConcern,
)

pytestmark = pytest.mark.django_db


def visible(response) -> str:
    html = response.content.decode()
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


# --- Words: the five camera makers are named in what respondents say ------------------------


def test_camera_makers_are_not_said_to_be_named_by_the_commissioner(real_data, client):
    """FACTS.md: the five makers are named inside what respondents "say" about their camera
    systems, not in the Commissioner's own words."""
    for name in ("Dahua", "Hikvision", "Honeywell", "Huawei", "Nuuo"):
        for concern in VendorConcern.objects.filter(vendor__name=name):
            assert "by the Commissioner" not in concern.summary
            assert "respondents" in concern.summary
    page = visible(client.get("/vendors/hikvision/"))
    assert "Named by the Commissioner" not in page


# --- ONS codes fit the body's nation ----------------------------------------------------------


def test_a_national_body_has_no_ons_code(real_data):
    btp = Body.objects.get(slug="british-transport-police")
    btp.ons_code = "E23000050"
    with pytest.raises(ValidationError, match="no police force area"):
        btp.full_clean()


def test_an_ons_code_fits_the_bodys_nation(real_data):
    kent = Body.objects.get(slug="kent")
    kent.ons_code = "W15000009"
    with pytest.raises(ValidationError, match="E23"):
        kent.full_clean()
    wales = Body.objects.get(slug="gwent")
    wales.ons_code = "E23000041"
    with pytest.raises(ValidationError, match="W15"):
        wales.full_clean()


def test_a_malformed_ons_code_is_explained(real_data):
    kent = Body.objects.get(slug="kent")
    kent.ons_code = "X1"
    with pytest.raises(ValidationError, match="E23 followed by six digits"):
        kent.full_clean()


def test_the_real_ons_codes_pass(real_data):
    for body in Body.objects.all():
        body.full_clean()


# --- Later public evidence: its kind fits its source -------------------------------------------


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
    assert "secondary source" in visible(response)
    assert not PublicEvidence.objects.filter(key="review-admin-test").exists()


# --- The Commissioner's terms ------------------------------------------------------------------


def test_a_commissioner_term_does_not_end_before_it_starts(real_data):
    term = CommissionerTerm(
        holder="Someone",
        starts_on=datetime.date(2025, 1, 1),
        ends_on=datetime.date(2024, 1, 1),
        summary="x",
        source=Publication.objects.get(code="BSCC2025"),
    )
    with pytest.raises(ValidationError, match="ends before it starts"):
        term.full_clean()
    for term in CommissionerTerm.objects.all():
        term.full_clean()


# --- The kind of facial recognition belongs to facial-recognition answers ----------------------


def test_kind_only_on_a_facial_recognition_answer(real_data):
    answer = Answer.objects.get(
        survey_return__body__slug="west-yorkshire",
        survey_return__survey_round__year=2022,
        system_type__slug="drones",
    )
    answer.kind = "live"
    with pytest.raises(ValidationError, match="facial recognition"):
        answer.full_clean()
    for answer in Answer.objects.all():
        answer.full_clean()


# --- Vendor page wording ------------------------------------------------------------------------


def test_vendor_page_says_one_answer_records(real_data, client):
    page = visible(client.get("/vendors/dji/"))
    assert "1 answer records DJI" in page
    page = visible(client.get("/vendors/hikvision/"))
    assert "11 answers record Hikvision" in page


def test_vendor_page_keeps_the_evidence_kind_as_written(real_data, client):
    page = visible(client.get("/vendors/hikvision/"))
    assert "the commissioner" not in page
    assert "the Commissioner" in page


# --- A successor's page: what names which body ---------------------------------------------------


def _merge_bedfordshire_into_hertfordshire():
    Body.objects.filter(slug="bedfordshire").update(
        succeeded_by=Body.objects.get(slug="hertfordshire"),
        succeeded_on=datetime.date(2026, 4, 1),
        succession_source=Publication.objects.get(code="FORCELIST"),
    )


def test_a_successors_page_does_not_say_a_predecessors_source_names_it(real_data, client):
    """EPOCH2022 names Bedfordshire, not Hertfordshire: on Hertfordshire's page after a merger,
    the list of publications says which body each names."""
    _merge_bedfordshire_into_hertfordshire()
    page = visible(client.get("/forces/hertfordshire/"))
    assert "Publications that name this body or a body it succeeded" in page
    assert "EPOCH2022" in page
    assert "Dated public facts about Hertfordshire and the bodies it succeeded" in page


def test_a_body_without_predecessors_keeps_the_short_heading(real_data, client):
    page = visible(client.get("/forces/hertfordshire/"))
    assert "Publications that name this body " in page
    assert "or a body it succeeded" not in page
