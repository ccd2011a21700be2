"""Bodies: an ONS code fits the body's nation (and names one area, one body), and a body
that succeeds others continues their records on its page, without a circle of successors."""

import datetime

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from surveys import stats
from surveys.models import Body, Publication, SurveyRound, SystemType
from tests import factories as f
from tests.pages import text, visible

pytestmark = pytest.mark.django_db


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


def test_ons_codes_of_the_43_territorial_bodies(real_data, client):
    coded = Body.objects.exclude(ons_code="")
    assert coded.count() == 43 and set(coded.values_list("kind", flat=True)) == {"territorial"}
    assert Body.objects.get(slug="west-yorkshire").ons_code == "E23000010"
    assert Body.objects.get(slug="gwent").ons_code == "W15000002"
    assert client.get("/api/v1/bodies/kent/").json()["ons_code"] == "E23000032"
    assert "E23000010" in text(client.get("/forces/west-yorkshire/"))
    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.filter(slug="kent").update(ons_code="E23000010")  # one area, one body


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
    page = visible(text(client.get("/forces/hertfordshire/")))
    assert "Publications that name this body or a body it succeeded" in page
    assert "EPOCH2022" in page
    assert "Dated public facts about Hertfordshire and the bodies it succeeded" in page


def test_a_body_without_predecessors_keeps_the_short_heading(real_data, client):
    page = visible(text(client.get("/forces/hertfordshire/")))
    assert "Publications that name this body " in page
    assert "or a body it succeeded" not in page


def test_a_merged_bodys_history_continues_on_its_successors_page(real_data, client):
    """Synthetic merger (not real data): Hampshire and Thames Valley succeeded in 2026 by a new
    body, which answers a synthetic 2026 round."""
    white_paper = f.publication(kind=Publication.Kind.REFERENCE, title="Synthetic white paper")
    successor = f.body("Synthetic Southern Police", source=white_paper)
    merged_on = datetime.date(2026, 4, 1)
    for slug in ("hampshire-and-isle-of-wight", "thames-valley"):
        Body.objects.filter(slug=slug).update(
            succeeded_by=successor, succeeded_on=merged_on, succession_source=white_paper
        )
    round_2026 = f.survey_round(2026)
    cctv = SystemType.objects.get(slug="cctv-unspecified")
    f.answer(f.survey_return(successor, round_2026, "responded", white_paper), cctv, operates=True)

    page = visible(text(client.get(f"/forces/{successor.slug}/")))
    assert "includes the records of the 2 bodies" in page
    returns = page.split("Returns by round")[1].split("Answers by system type")[0]
    assert "2022 Hampshire and Isle of Wight Responded" in returns
    assert "2022 Thames Valley Did not respond" in returns
    assert "2026 Synthetic Southern Police Responded" in returns
    answers = page.split("Answers by system type")[1]
    assert "2022 Hampshire and Isle of Wight CCTV" in answers  # the Hikvision answer
    assert "2026 Synthetic Southern Police CCTV" in answers
    old = visible(text(client.get("/forces/hampshire-and-isle-of-wight/")))
    assert "was succeeded by Synthetic Southern Police" in old
    api = client.get(f"/api/v1/bodies/{successor.slug}/").json()
    assert set(api["predecessors"]) == {"hampshire-and-isle-of-wight", "thames-valley"}
    # The round figures count each round's own returns: nothing is lost or counted twice.
    cache.clear()
    by_key = stats.system_type_stats_by_round(SurveyRound.objects.filter(year__in=[2022, 2026]))
    operators = {
        SurveyRound.objects.get(pk=round_id).year: s.operators.value
        for (round_id, type_id), s in by_key.items()
        if type_id == cctv.pk
    }
    assert operators == {2022: 11, 2026: 1}


def test_a_circle_of_successors_is_refused(real_data):
    kent, essex = Body.objects.get(slug="kent"), Body.objects.get(slug="essex")
    source = Publication.objects.first()
    Body.objects.filter(pk=kent.pk).update(
        succeeded_by=essex, succeeded_on=datetime.date(2026, 1, 1), succession_source=source
    )
    essex.succeeded_by, essex.succeeded_on, essex.succession_source = (
        kent,
        datetime.date(2026, 1, 1),
        source,
    )
    with pytest.raises(ValidationError, match="circle"):
        essex.full_clean()
