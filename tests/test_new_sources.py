"""Issue 14: the sources found since the first release (FOI0823, FOI0323, DRONE2023, later
public evidence, the Commissioner), and the model they need: per-field sources, the kind of
facial recognition, unit counts, an explicit "no", rounds that cover some system types, ONS
codes and bodies that succeed one another."""

import datetime
import json
import re
import shutil
from html import unescape
from pathlib import Path

import pytest
import yaml
from django.core.cache import cache

from surveys import opendata, stats
from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_files import DATA_DIR
from surveys.models import (
    Answer,
    Body,
    CommissionerTerm,
    Publication,
    PublicEvidence,
    PublishedFinding,
    Return,
    SurveyRound,
    SystemType,
    Vendor,
)
from tests import factories as f

pytestmark = pytest.mark.django_db

FOI0823_USERS = {
    "bedfordshire",
    "cambridgeshire",
    "cheshire",
    "devon-and-cornwall",
    "dorset",
    "durham",
    "dyfed-powys",
    "essex",
    "hampshire-and-isle-of-wight",
    "hertfordshire",
    "kent",
    "leicestershire",
    "norfolk",
    "north-wales",
    "nottinghamshire",
    "suffolk",
    "west-mercia",
    "west-midlands",
    "west-yorkshire",
    "british-transport-police",
    "metropolitan-police",
}


def text(response) -> str:
    body = b"".join(response.streaming_content) if response.streaming else response.content
    return body.decode("utf-8-sig")


def visible(html: str) -> str:
    return unescape(re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)))


def fr_answers():
    return Answer.objects.filter(
        system_type__slug="facial-recognition", survey_return__survey_round__year=2022
    )


# --- FOI0823: the 21 facial-recognition users, never shown as live users ----------------------


def test_the_21_facial_recognition_users_are_listed(real_data, client):
    html = text(client.get("/forces/?system_type=facial-recognition&round=2022&per_page=100"))
    assert "<strong>21</strong> bodies match" in html
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    listed = set(re.findall(r'href="/forces/([a-z-]+)/"', table))
    assert listed == FOI0823_USERS
    assert set(
        fr_answers().filter(operates=True).values_list("survey_return__body__slug", flat=True)
    ) == (FOI0823_USERS)


def test_only_the_metropolitan_police_is_shown_as_a_live_user(real_data, client):
    html = text(client.get("/forces/?system_type=facial-recognition&round=2022&per_page=100"))
    table = html.split('id="bodies-table"')[1].split("</table>")[0]
    rows = [visible(r) for r in table.split("</tr>") if 'href="/forces/' in r]
    live = [r for r in rows if " Live " in f"{r} "]
    assert len(rows) == 21 and len(live) == 1 and "Metropolitan Police Service" in live[0]
    assert sum("Not stated" in r for r in rows) == 20
    # The body pages and the API say the same.
    assert fr_answers().exclude(kind="").get().survey_return.body.slug == "metropolitan-police"
    kent = visible(text(client.get("/forces/kent/")))
    assert "Facial recognition Yes FOI0823 Not stated" in kent
    api = client.get("/api/v1/answers/?system_type=facial-recognition&limit=100").json()
    assert [a["body"] for a in api["results"] if a["kind"] == "live"] == ["metropolitan-police"]


def test_a_field_carries_its_own_source(real_data, client):
    """FOI0823 says Cambridgeshire uses facial recognition; INIT2022 that it intends to use it
    live: one answer, two sources, each shown beside what it says."""
    answer = fr_answers().get(survey_return__body__slug="cambridgeshire")
    assert (answer.operates, answer.intent) == (True, "intends")
    assert answer.source_of("operates").code == "FOI0823"
    assert answer.source_of("intent").code == "INIT2022"
    api = client.get(f"/api/v1/answers/{answer.pk}/").json()
    assert api["sources"]["operates"] == "FOI0823" and api["sources"]["intent"] == "INIT2022"
    assert api["sources"]["kind"] is None and api["sources"]["aware_of_concerns"] is None
    page = text(client.get("/forces/cambridgeshire/"))
    row = visible(page.split('"answer-facial-recognition"')[1].split("</tr>")[0])
    assert "Yes FOI0823" in row and "Intends to use (live facial recognition) INIT2022" in row


def test_two_blocks_that_disagree_on_a_field_are_refused(db, tmp_path):
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    blocks = yaml.safe_load((data / "answers.yaml").read_text())
    blocks.append(
        {
            "round": 2022,
            "system_type": "facial-recognition",
            "source": "INIT2022",
            "operates": False,
            "bodies": ["kent"],
        }
    )
    (data / "answers.yaml").write_text(yaml.safe_dump(blocks, sort_keys=False))
    from surveys.editorial.reference_files import DataFileError

    with pytest.raises(DataFileError, match="kent, 2022, facial-recognition: operates"):
        load_reference_data(data)
    assert not Answer.objects.exists()  # one transaction: nothing half-loaded


def test_foi0823_and_init2022_agree_or_are_flagged(real_data):
    views = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=SurveyRound.objects.get(year=2022))
    }
    assert (views["init2022-lfr-users"].computed, views["init2022-lfr-users"].status) == (
        1,
        "agrees",
    )
    assert views["init2022-lfr-intend"].status == "agrees"
    # Were a second body recorded as a live user, INIT2022's "only one" would be flagged.
    Answer.objects.filter(pk=fr_answers().get(survey_return__body__slug="kent").pk).update(
        kind="live"
    )
    cache.clear()
    views = {
        v.finding.key: v
        for v in stats.findings_with_status(survey_round=SurveyRound.objects.get(year=2022))
    }
    assert (views["init2022-lfr-users"].computed, views["init2022-lfr-users"].status) == (
        2,
        "disagrees",
    )


def test_q2_mention_counts_are_mentions_not_bodies(real_data, client):
    mentions = PublishedFinding.objects.filter(publication__code="FOI0823")
    assert {(m.kind, int(m.value)) for m in mentions} == {
        ("retrospective", 11),
        ("other", 8),
        ("operator_initiated", 1),
        ("live", 1),
        ("none_of_the_above", 17),
    }
    assert set(mentions.values_list("unit", flat=True)) == {"mentions"}
    assert mentions.get(kind="retrospective").format_value() == "11 mentions"
    page = visible(text(client.get("/findings/?publication=FOI0823")))
    assert "11 mentions" in page


# --- FOI0323: West Yorkshire ------------------------------------------------------------------


def test_west_yorkshire_shows_20_dji_drones_and_an_explicit_no(real_data, client):
    html = text(client.get("/forces/west-yorkshire/"))
    drones = visible(html.split('data-testid="answer-drones"')[1].split("</tr>")[0])
    assert "Yes FOI0323" in drones and "20 FOI0323" in drones and "DJI" in drones
    bwv = html.split('data-testid="answer-body-worn-video"')[1].split("</tr>")[0]
    said = visible(bwv.split('data-testid="says-concern">')[1].split("</td>")[0]).strip()
    assert said == "No FOI0323"  # the body's own "no", not "no data"
    external = visible(html.split('data-testid="answer-external-cctv"')[1].split("</tr>")[0])
    assert "Milestone" in external


def test_milestone_is_a_vendor_with_no_concern(real_data, client):
    html = visible(text(client.get("/vendors/milestone/")))
    assert "West Yorkshire Police" in html
    (concern_ids,) = stats.concern_vendor_ids(SurveyRound.objects.filter(year=2022)).values()
    assert Vendor.objects.get(name="Milestone").pk not in concern_ids
    assert Vendor.objects.get(name="DJI").pk in concern_ids


def test_an_explicit_no_counts_as_known_and_not_as_a_user(real_data):
    by_type = {
        s.system_type.slug: s
        for s in stats.system_type_stats(survey_round=SurveyRound.objects.get(year=2022))
    }
    bwv = by_type["body-worn-video"].concern_users
    assert (bwv.value, bwv.coverage) == (0, 1)  # West Yorkshire said no: 0 of 1, not a gap
    assert by_type["internal-cctv"].concern_users.value is None  # nobody said: a gap


# --- DRONE2023: a round about drones only -----------------------------------------------------


def test_the_2023_round_shows_36_of_47_and_the_published_77_fits(real_data, client):
    rounds = {r["round"]: r for r in client.get("/api/v1/statistics/rounds/").json()["results"]}
    r2023 = rounds[2023]
    assert (r2023["published_invited"], r2023["published_responded"]) == (47, 36)
    assert r2023["published_rate_percent"] == 77
    assert r2023["published_rate_fits_published_counts"] is True
    assert r2023["system_types"] == ["drones"] and r2023["has_per_body_returns"] is False
    assert rounds[2022]["system_types"] == []
    page = visible(text(client.get("/?round=2023")))
    assert "36 of 47, as published" in page
    assert "36 of 47 is 77% rounded; the published rate, 77%, matches it" in page
    assert "The 2023 survey asked about Drones / UAVs only" in page
    # The default round is still the last full one.
    assert "the 2022 survey" in visible(text(client.get("/")))


def test_the_trend_chart_has_a_2023_point_for_drones_and_none_for_cctv(real_data, client):
    html = text(client.get("/"))
    data = json.loads(
        html.split('<script id="trend-chart-data" type="application/json">')[1].split("</script>")[
            0
        ]
    )
    traces = {t["name"]: dict(zip(t["x"], t["y"], strict=True)) for t in data["data"]}
    assert traces["Response rate, published (%)"]["2023"] == 77
    assert traces["Drones / UAVs: bodies operating them"]["2023"] == 33
    assert not any("CCTV" in name and points.get("2023") for name, points in traces.items())
    # System type pages: drones has its 2023 round; CCTV was not asked in 2023.
    cctv = text(client.get("/systems/external-cctv/"))
    assert "Not asked about in 2023" in visible(cctv)
    header = text(client.get("/systems/external-cctv/figures.csv")).splitlines()[0].split(",")
    assert not [column for column in header if column.startswith("2023")]
    header = text(client.get("/systems/drones/figures.csv")).splitlines()[0].split(",")
    assert [column for column in header if column.startswith("2023")]


# --- Later public evidence --------------------------------------------------------------------


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


def test_evidence_is_in_the_downloads(real_data, client):
    assert opendata.TABLES["evidence"] is PublicEvidence
    csv_text = text(client.get("/data/tables/evidence.csv"))
    assert "northumbria-hikvision-2021" in csv_text and "NPFOI1161" not in csv_text.split("\n")[0]
    assert opendata.table_counts()["evidence"] == PublicEvidence.objects.count() == 17


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


# --- The Commissioner, sources, the data dictionary -------------------------------------------


def test_about_names_the_commissioner_and_every_source_with_kind_and_date(real_data, client):
    html = text(client.get("/about/"))
    commissioner = visible(html.split('data-testid="commissioner"')[1].split("</ul>")[0])
    assert "Prof. William Webster" in commissioner and "1 November 2025" in commissioner
    assert "Vacant" in commissioner and "not abolished" in commissioner
    assert "BSCC2025" in commissioner
    assert CommissionerTerm.objects.count() == 2
    for publication in Publication.objects.all():
        row = visible(html.split(f'id="source-{publication.code}"')[1].split("</tr>")[0])
        assert publication.get_kind_display() in row, publication.code
        assert publication.date_display in row, publication.code
        assert publication.standing.capitalize() in row, publication.code


def test_the_data_dictionary_describes_every_new_column():
    columns = {
        f"{t['table']}.{c['name']}": c["description"]
        for t in opendata.dictionary()
        for c in t["columns"]
    }
    for name in (
        "answers.kind",
        "answers.unit_count",
        "answers.says_vendor_of_concern",
        "answers.operates_source_id",
        "answers.intent_source_id",
        "bodies.ons_code",
        "bodies.succeeded_by_id",
        "bodies.succeeded_on",
        "returns.status_is_derived",
        "findings.kind",
        "findings.wording_is_verbatim",
        "round_system_types.system_type_id",
        "evidence.kind",
        "evidence.occurred_on",
        "commissioner_terms.holder",
    ):
        assert len(columns[name]) > 20, name


# --- What the data says about its sources ------------------------------------------------------


def test_comp2023_quotes_the_final_report_and_the_2022_round_cites_its_facts(real_data):
    assert Publication.objects.get(code="COMP2023").quotes.code == "REP2023"
    r2022 = SurveyRound.objects.get(year=2022)
    assert r2022.source.code == "REP2023"
    assert "(FOI1225)" in r2022.notes and "(PR2023, REP2023)" in r2022.notes


def test_summaries_are_never_printed_in_quotation_marks(real_data, client):
    page = text(client.get("/findings/?round=2023"))
    summary = PublishedFinding.objects.get(key="drone2023-non-operators").wording
    assert summary in page and f"“{summary}”" not in page
    assert "summary of what the source reports, not its words" in page
    quoted = PublishedFinding.objects.get(key="init2022-hikvision-cameras").wording
    assert f"“{quoted}”" in text(client.get("/findings/?publication=INIT2022"))


def test_ons_codes_of_the_43_territorial_bodies(real_data, client):
    coded = Body.objects.exclude(ons_code="")
    assert coded.count() == 43 and set(coded.values_list("kind", flat=True)) == {"territorial"}
    assert Body.objects.get(slug="west-yorkshire").ons_code == "E23000010"
    assert Body.objects.get(slug="gwent").ons_code == "W15000002"
    assert client.get("/api/v1/bodies/kent/").json()["ons_code"] == "E23000032"
    assert "E23000010" in text(client.get("/forces/west-yorkshire/"))
    from django.db import IntegrityError, transaction

    with pytest.raises(IntegrityError), transaction.atomic():
        Body.objects.filter(slug="kent").update(ons_code="E23000010")  # one area, one body


# --- Bodies over time -------------------------------------------------------------------------


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
    from django.core.exceptions import ValidationError

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


# --- Loaded as a changeset --------------------------------------------------------------------


def _files_before_issue_14(tmp_path: Path) -> Path:
    """The reference files as they were before these sources were added."""
    data = tmp_path / "old"
    shutil.copytree(DATA_DIR, data)

    def edit(name, change):
        path = data / name
        path.write_text(yaml.safe_dump(change(yaml.safe_load(path.read_text())), sort_keys=False))

    edit(
        "answers.yaml",
        lambda blocks: [b for b in blocks if b["source"] in ("EPOCH2022", "INIT2022")],
    )
    edit(
        "findings.yaml",
        lambda rows: [r for r in rows if r["round"] != 2023 and r["publication"] != "FOI0823"],
    )
    edit("rounds.yaml", lambda rows: [r for r in rows if r["year"] != 2023])
    edit("publications.yaml", lambda rows: [r for r in rows if r.get("survey_round") != 2023])
    edit("evidence.yaml", lambda rows: [])
    edit("commissioner.yaml", lambda rows: [])
    edit("key_findings.yaml", lambda rows: [])
    return data


def test_the_new_data_arrives_as_a_changeset_that_keeps_editors_work(db, tmp_path):
    load_reference_data(_files_before_issue_14(tmp_path))
    assert not SurveyRound.objects.filter(year=2023).exists()
    kent_fr = fr_answers().get(survey_return__body__slug="kent")
    kent_fr.notes = "An editor's note on Kent's answer."
    kent_fr.save()
    Body.objects.filter(slug="essex").update(name="Essex Police (renamed by an editor)")

    report = load_reference_data(DATA_DIR)

    kent_fr.refresh_from_db()
    assert kent_fr.notes == "An editor's note on Kent's answer."  # kept, reported as a conflict
    assert kent_fr.operates is True and kent_fr.source_of("operates").code == "FOI0823"
    assert Body.objects.get(slug="essex").name == "Essex Police (renamed by an editor)"
    assert fr_answers().filter(operates=True).count() == 21
    assert SurveyRound.objects.get(year=2023).covered_type_ids() == {
        SystemType.objects.get(slug="drones").pk
    }
    assert PublicEvidence.objects.count() == 17 and CommissionerTerm.objects.count() == 2
    assert any(c.field == "notes" for c in report.conflicts)
    assert load_reference_data(DATA_DIR).changed is False  # a second load writes nothing
    assert Return.objects.filter(survey_round__year=2022, status_is_derived=True).count() == 39
