"""The reference files seed the database; after that the database is the record.

A load (as `make run` does at every start) never overwrites what an editor changed; a new
reference fact still reaches an existing database; a conflict is listed with both values.
"""

import datetime
import io
import shutil
from pathlib import Path

import pytest
import yaml
from django.core.management import call_command

from surveys import stats
from surveys.caching import current_version
from surveys.editorial import corrections
from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_files import DATA_DIR
from surveys.models import (
    Answer,
    Body,
    CommissionerTerm,
    Correction,
    Publication,
    PublicEvidence,
    ReferenceLoad,
    ReferenceRecord,
    Return,
    SurveyRound,
    SystemType,
    VendorConcern,
)
from tests import factories as f
from tests.test_admin_permissions import fingerprint
from tests.test_facial_recognition import fr_answers

pytestmark = pytest.mark.django_db


def restart() -> str:
    """What `make run` does before serving: migrate, then load the reference files."""
    out = io.StringIO()
    call_command("migrate", verbosity=0)
    call_command("load_obscc", stdout=out)
    return out.getvalue()


def editor_changes() -> None:
    """The edits the integrity report made in the admin before a restart undid them."""
    body = Body.objects.get(slug="bedfordshire")
    body.name, body.notes = "Bedfordshire Police (renamed)", "An editor's note."
    body.save()
    ended = VendorConcern.objects.get(vendor__name="Honeywell")
    ended.in_force_until = datetime.date(2024, 1, 1)
    ended.save()
    reworded = VendorConcern.objects.get(vendor__name="Nuuo")
    reworded.summary = "Reworded by an editor."
    reworded.save()
    kent = Return.objects.get(body__slug="kent", survey_round__year=2022)
    kent.status = Return.Status.DID_NOT_RESPOND
    kent.save()
    answer = Answer.objects.get(
        survey_return__body__slug="metropolitan-police", system_type__slug="facial-recognition"
    )
    answer.notes = "Changed by an editor."
    answer.save()
    publication = Publication.objects.get(code="PR2023")
    publication.title = "Edited title"
    publication.save()


def test_a_restart_keeps_every_editorial_change(real_data):
    editor_changes()
    bedfordshire = Answer.objects.get(
        survey_return__body__slug="bedfordshire", system_type__slug="cctv-unspecified"
    )
    corrections.record_correction(
        Correction(
            answer=bedfordshire,
            answer_field="operates",
            new_value="no",
            reason="Synthetic test correction",
            source=Publication.objects.get(code="PR2023-UPDATE"),
        )
    )
    round_2022 = SurveyRound.objects.get(year=2022)
    before = (
        fingerprint(),
        current_version(),
        (stats.response_by_round(), stats.system_type_stats(survey_round=round_2022)),
    )
    output = restart()
    assert (
        fingerprint(),
        current_version(),
        (stats.response_by_round(), stats.system_type_stats(survey_round=round_2022)),
    ) == before
    assert "Nothing to change" in output
    for text in ("Bedfordshire Police (renamed)", "Reworded by an editor.", "Edited title"):
        assert text in output  # each kept value is listed
    assert VendorConcern.objects.filter(vendor__name="Nuuo").count() == 1
    bedfordshire.refresh_from_db()
    assert bedfordshire.operates is False  # the correction stands


def copy_files(tmp_path: Path) -> Path:
    data = tmp_path / "data"
    shutil.copytree(DATA_DIR, data)
    return data


def edit_yaml(data: Path, name: str, change) -> None:
    path = data / name
    rows = yaml.safe_load(path.read_text())
    change(rows)
    path.write_text(yaml.safe_dump(rows, allow_unicode=True, sort_keys=False))


def test_a_new_reference_fact_reaches_an_existing_database(real_data, tmp_path):
    editor_changes()
    data = copy_files(tmp_path)

    def add_and_change(rows):
        for row in rows:
            if row["slug"] == "kent":
                row["notes"] = "A new fact from the files."
            if row["slug"] == "bedfordshire":
                row["name"] = "Bedfordshire Police (files)"  # the editor renamed it too
        rows.append(
            {**rows[0], "slug": "new-body", "name": "New Body", "short_name": "New", "ons_code": ""}
        )
        rows[-1]["aliases"] = []

    edit_yaml(data, "bodies.yaml", add_and_change)
    report = load_reference_data(data)
    assert Body.objects.get(slug="kent").notes == "A new fact from the files."
    assert Body.objects.filter(slug="new-body").exists()
    assert Body.objects.get(slug="bedfordshire").name == "Bedfordshire Police (renamed)"
    (conflict,) = report.conflicts
    assert (conflict.field, conflict.database, conflict.file) == (
        "name",
        "Bedfordshire Police (renamed)",
        "Bedfordshire Police (files)",
    )
    assert "conflict(s), not applied" in "\n".join(report.lines())
    record = ReferenceRecord.objects.get(model="surveys.body", key="bedfordshire")
    assert record.conflicts == {"name": "Bedfordshire Police (files)"}
    assert ReferenceLoad.objects.filter(summary__contains="1 created").exists()
    # The same files again: nothing written, the conflict still listed.
    before = fingerprint()
    again = load_reference_data(data)
    assert fingerprint() == before and len(again.conflicts) == 1


def test_a_file_change_applies_where_nobody_edited(real_data, tmp_path):
    data = copy_files(tmp_path)
    edit_yaml(
        data,
        "vendors.yaml",
        lambda rows: rows[0]["concerns"][0].update(summary="Reworded in the files."),
    )
    report = load_reference_data(data)
    assert report.updated["vendor concerns"] == 1 and not report.conflicts
    dahua = VendorConcern.objects.get(vendor__name="Dahua")
    assert dahua.summary == "Reworded in the files."
    assert dahua.history.first().history_change_reason.startswith("load_obscc")
    assert VendorConcern.objects.filter(vendor__name="Dahua").count() == 1


def test_a_database_loaded_before_records_is_adopted_without_overwriting(real_data):
    ReferenceRecord.objects.all().delete()
    kent = Body.objects.get(slug="kent")
    kent.region = "Edited before records existed"
    kent.save()
    report = load_reference_data()
    kent.refresh_from_db()
    assert kent.region == "Edited before records existed"
    assert [(c.record, c.field) for c in report.conflicts] == [("body kent", "region")]
    assert not report.created


def test_a_row_deleted_in_the_database_is_not_recreated(real_data):
    from surveys.models import BodyAlias

    alias = BodyAlias.objects.first()
    alias.delete()
    report = load_reference_data()
    assert not BodyAlias.objects.filter(name=alias.name).exists()
    assert report.not_recreated == [f"body alias {alias.name}"]


@pytest.mark.parametrize(
    "action, kept", [("take_file_value", False), ("keep_database_value", True)]
)
def test_an_editor_resolves_a_conflict_in_the_admin(real_data, tmp_path, client, action, kept):
    from surveys.editorial.roles import EDITORS

    kent = Body.objects.get(slug="kent")
    kent.region = "Edited here"
    kent.save()
    data = copy_files(tmp_path)
    edit_yaml(
        data,
        "bodies.yaml",
        lambda rows: next(r for r in rows if r["slug"] == "kent").update(region="From the files"),
    )
    load_reference_data(data)
    record = ReferenceRecord.objects.get(model="surveys.body", key="kent")
    user = f.account("editor", EDITORS)
    client.force_login(user)
    listing = client.get("/admin/surveys/referencerecord/?conflicts=yes").content.decode()
    assert "&#x27;Edited here&#x27; → &#x27;From the files&#x27;" in listing
    client.post(
        "/admin/surveys/referencerecord/", {"action": action, "_selected_action": [record.pk]}
    )
    kent.refresh_from_db()
    assert kent.region == ("Edited here" if kept else "From the files")
    assert not load_reference_data(data).conflicts


def _files_without_the_later_sources(tmp_path: Path) -> Path:
    """The reference files without the sources added after the first release (FOI0823,
    FOI0323, DRONE2023, later evidence, the Commissioner, key findings)."""
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
    load_reference_data(_files_without_the_later_sources(tmp_path))
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
    assert PublicEvidence.objects.count() == 17 and CommissionerTerm.objects.count() == 3
    assert any(c.field == "notes" for c in report.conflicts)
    assert load_reference_data(DATA_DIR).changed is False  # a second load writes nothing
    assert Return.objects.filter(survey_round__year=2022, status_is_derived=True).count() == 39
