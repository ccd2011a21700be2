"""The real data, as loaded by load_obscc, matches ../shared/reference/FACTS.md."""

import io
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.db.models import Count

from surveys.editorial import corrections
from surveys.editorial.importing import import_answers
from surveys.models import (
    Answer,
    Body,
    BodyAlias,
    Correction,
    Publication,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)

pytestmark = pytest.mark.django_db

NON_RESPONDENTS = {
    "City of London Police",
    "Gloucestershire Constabulary",
    "Greater Manchester Police",
    "Gwent Police",
    "Merseyside Police",
    "National Crime Agency",
    "South Yorkshire Police",
    "Thames Valley Police",
}
HIKVISION_USERS = {
    "bedfordshire",
    "cleveland",
    "hampshire-and-isle-of-wight",
    "lincolnshire",
    "norfolk",
    "northumbria",
    "north-wales",
    "nottinghamshire",
    "suffolk",
    "metropolitan-police",
    "british-transport-police",
}


def test_bodies_nations_and_kinds(real_data):
    assert Body.objects.count() == 47
    by_nation = dict(Body.objects.values_list("nation").annotate(n=Count("pk")))
    assert by_nation == {"england": 39, "wales": 4, "national": 4}
    assert Body.objects.filter(kind="territorial").count() == 43
    assert set(Body.objects.filter(kind="special").values_list("short_name", flat=True)) == {
        "British Transport Police",
        "Civil Nuclear Constabulary",
        "Ministry of Defence Police",
    }
    assert Body.objects.get(kind="national_agency").name == "National Crime Agency"
    assert Body.objects.get(slug="west-midlands").region == "West Midlands"
    assert not Body.objects.filter(nation="england", region="").exists()


def test_former_and_variant_names(real_data):
    hampshire = BodyAlias.objects.get(name="Hampshire Constabulary")
    assert hampshire.body.name == "Hampshire and Isle of Wight Constabulary"
    assert hampshire.kind == "former"
    assert BodyAlias.objects.get(name="Gloucestershire Police").source.code == "PR2023"


def test_rounds_and_2022_returns(real_data):
    assert list(SurveyRound.objects.values_list("year", flat=True)) == [2017, 2019, 2022, 2023]
    returns = Return.objects.filter(survey_round__year=2022)
    assert returns.count() == 47
    assert returns.filter(status="responded").count() == 39
    non = returns.filter(status="did_not_respond").values_list("body__name", flat=True)
    assert set(non) == NON_RESPONDENTS
    assert not Return.objects.filter(survey_round__year__in=[2017, 2019, 2023]).exists()
    # No source lists the 39 respondents: their status is derived from PR2023's 8 names
    responded = returns.filter(status="responded")
    assert not responded.filter(status_is_derived=False).exists()
    assert set(responded.values_list("source__code", flat=True)) == {"PR2023"}
    assert SurveyRound.objects.get(year=2022).question_count == 119


def test_earlier_rounds_have_only_their_published_response_rate(real_data):
    for year in (2017, 2019):
        findings = PublishedFinding.objects.filter(survey_round__year=year)
        assert [(f.metric, f.value, f.unit) for f in findings] == [
            ("response_rate", Decimal("100"), "percent")
        ]


@pytest.mark.parametrize(
    "key, metric, system_type, qualifier, value",
    [
        ("pr2023-external-cctv-concern", "concern_users", "external-cctv", "at_least", 18),
        ("pr2023-internal-cctv-concern", "concern_users", "internal-cctv", "at_least", 24),
        ("pr2023-anpr-concern", "concern_users", "anpr", "at_least", 11),
        ("pr2023-bwv-hikvision", "vendor_users", "body-worn-video", "at_least", 2),
        ("pr2023-drone-operators", "operators", "drones", "exact", 31),
        ("pr2023-drone-dji-aware", "aware", "drones", "exact", 23),
        ("init2022-hikvision-cameras", "vendor_users", "cctv-unspecified", "exact", 11),
        ("init2022-non-uk-cameras", "non_uk_users", "cctv-unspecified", "exact", 12),
        ("init2022-lfr-intend", "intends", "facial-recognition", "exact", 13),
        ("init2022-drone-operators", "operators", "drones", "exact", 28),
    ],
)
def test_published_findings(real_data, key, metric, system_type, qualifier, value):
    finding = PublishedFinding.objects.get(key=key)
    assert (finding.metric, finding.system_type.slug, finding.qualifier) == (
        metric,
        system_type,
        qualifier,
    )
    assert finding.value == value
    assert finding.wording


def test_every_finding_and_fact_has_a_source(real_data):
    # + FOI0823's kinds and its count of users, DRONE2023
    assert PublishedFinding.objects.count() == 21 + 5 + 1 + 4
    assert not PublishedFinding.objects.filter(publication__isnull=True).exists()
    assert PublishedFinding.objects.filter(publication__code="INIT2022").count() == 10
    for model in (Body, Return, Answer):
        assert not model.objects.filter(source__isnull=True).exists()
    assert set(Publication.objects.values_list("code", flat=True)) >= {
        "PR2023",
        "PR2023-UPDATE",
        "REP2023",
        "INIT2022",
        "EPOCH2022",
        "FORCELIST",
    }


def test_response_rate_finding_keeps_the_published_91(real_data):
    rate = PublishedFinding.objects.get(key="pr2023-response-rate")
    assert (rate.value, rate.numerator, rate.denominator) == (91, 39, 47)


def test_named_per_body_facts(real_data):
    hikvision = Answer.objects.filter(
        system_type__slug="cctv-unspecified", vendors__name="Hikvision"
    )
    assert set(hikvision.values_list("survey_return__body__slug", flat=True)) == HIKVISION_USERS
    assert not hikvision.exclude(aware_of_concerns=None).exists()  # not stated per body
    fr = Answer.objects.filter(system_type__slug="facial-recognition")
    assert fr.filter(operates=True).count() == 21  # FOI0823
    live = fr.filter(answer_kinds__kind="live")
    assert list(live.values_list("survey_return__body__slug", flat=True)) == ["metropolitan-police"]
    assert fr.filter(intent="intends").count() == 13
    # Hikvision 11; facial recognition: 21 users and 13 intending, 11 of them both;
    # West Yorkshire's other four (FOI0323: drones, external CCTV, body-worn video, ANPR;
    # its CCTV statement joins no Hikvision answer, so it is a fifth, and its live facial
    # recognition statement, at the level the return words it, a sixth)
    assert Answer.objects.count() == 11 + (21 + 13 - 11) + 6


def test_vendors_and_concerns(real_data):
    names = set(Vendor.objects.values_list("name", flat=True))
    assert names == {"Dahua", "Hikvision", "Honeywell", "Huawei", "Nuuo", "DJI", "Milestone"}
    # Milestone (FOI0323) is a vendor with no concern recorded
    assert list(Vendor.objects.filter(concerns__isnull=True).values_list("name", flat=True)) == [
        "Milestone"
    ]
    assert set(Vendor.objects.exclude(country="").values_list("name", flat=True)) == {
        "Hikvision",
        "DJI",
    }


def test_hikvision_body_worn_correction(real_data):
    correction = Correction.objects.get()
    assert correction.finding.key == "pr2023-bwv-hikvision"
    assert (correction.old_value, correction.new_value) == ("at least 2", "0")
    assert correction.source.code == "PR2023-UPDATE"
    assert correction.withdrawn_on is None
    # the published figure itself is kept as published
    assert correction.finding.value == 2


def test_system_types_in_stable_order(real_data):
    slugs = list(SystemType.objects.values_list("slug", flat=True))
    assert slugs[:2] == ["external-cctv", "internal-cctv"]
    assert {"anpr", "body-worn-video", "drones", "helicopters", "facial-recognition"} <= set(slugs)


def test_loading_twice_changes_nothing(real_data):
    models = [Body, Return, Answer, PublishedFinding, Correction, Publication, Vendor]
    history_before = [m.history.count() for m in models]
    out = io.StringIO()
    call_command("load_obscc", stdout=out)
    assert "Nothing to change" in out.getvalue()
    assert [m.history.count() for m in models] == history_before


def test_loading_keeps_an_edited_value_and_says_so(real_data):
    body = Body.objects.get(slug="kent")
    body.region = "Edited by an editor"
    body.save()
    history = body.history.count()
    out = io.StringIO()
    call_command("load_obscc", stdout=out)
    assert "Nothing to change" in out.getvalue()
    assert "body kent, region: 'Edited by an editor' here, 'South East' in the files" in (
        out.getvalue()
    )
    body.refresh_from_db()
    assert body.region == "Edited by an editor"
    assert body.history.count() == history


def answer_of(slug: str, system_type: str) -> Answer:
    return Answer.objects.get(survey_return__body__slug=slug, system_type__slug=system_type)


def test_a_restart_says_in_one_line_what_editors_entered_and_lists_each_value_once(real_data):
    update = Publication.objects.get(code="PR2023-UPDATE")
    drones = corrections.record_correction(
        Correction(
            answer=answer_of("west-yorkshire", "drones"),
            answer_field="unit_count",
            new_value="25",
            reason="A later statement gives 25 drones.",
            source=update,
        )
    )
    bedfordshire = answer_of("bedfordshire", "cctv-unspecified")
    withdrawn = corrections.record_correction(
        Correction(
            answer=bedfordshire,
            answer_field="operates",
            new_value="no",
            reason="Entered by mistake.",
            source=bedfordshire.source_of("operates"),
        )
    )
    corrections.withdraw_correction(withdrawn, reason="It was a mistake.")
    imported = import_answers(
        io.BytesIO(b"body,round,system_type,operates,source\nkent,2022,drones,yes,FOI0323\n"),
        filename="answers.csv",
    )
    assert imported.ok
    met = answer_of("metropolitan-police", "facial-recognition")
    met.notes = "An editor's long note on the Met's live facial recognition. " * 5
    met.save()

    out = io.StringIO()
    call_command("load_obscc", stdout=out)
    lines = out.getvalue().splitlines()

    assert lines[:2] == [
        "Nothing to change: the reference files add nothing new.",
        "Kept 2 corrections, 1 withdrawal, 1 added answer and 1 edited value entered by "
        "editors; the files never overwrite them:",
    ]
    assert sorted(lines[2:]) == [
        "  answer metropolitan-police/2022/facial-recognition, notes: 'An editor’s long note on "
        "the Met’s live…' here, 'Said in its 2022 return that it uses…' in the files".replace(
            "’", "'"
        ),
        f"  answer west-yorkshire/2022/drones, unit_count: 25 here (under correction "
        f"#{drones.pk} in force: 20 → 25), 20 in the files",
    ]


def test_comp2023_quotes_the_final_report_and_the_2022_round_cites_its_facts(real_data):
    assert Publication.objects.get(code="COMP2023").quotes.code == "REP2023"
    r2022 = SurveyRound.objects.get(year=2022)
    assert r2022.source.code == "REP2023"
    assert "(FOI1225)" in r2022.notes and "(PR2023, REP2023)" in r2022.notes
