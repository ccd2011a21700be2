"""A conflict between the reference files and the database over a value the public sees.

Such a value changes only through a correction: a conflict on it says which correction is in
force, and taking the files' value makes a correction draft, published by the normal flow.
"""

import io

import pytest
from django.contrib.auth.models import User
from django.core.management import call_command
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from surveys.editorial import corrections
from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_conflicts import resolve_conflict
from surveys.editorial.roles import EDITORS
from surveys.models import (
    Answer,
    Body,
    Correction,
    Publication,
    PublishedFinding,
    ReferenceRecord,
    Return,
)
from tests import factories as f
from tests.test_reference_data import copy_files, edit_yaml

pytestmark = pytest.mark.django_db


def west_yorkshire_drones() -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="west-yorkshire", system_type__slug="drones"
    )


def correct_drones_to_25() -> Correction:
    return corrections.record_correction(
        Correction(
            answer=west_yorkshire_drones(),
            answer_field="unit_count",
            new_value="25",
            reason="A later statement gives 25 drones.",
            source=Publication.objects.get(code="PR2023-UPDATE"),
        )
    )


def files_say_30_drones(tmp_path):
    data = copy_files(tmp_path)

    def thirty(blocks):
        block = next(b for b in blocks if b["bodies"] == ["west-yorkshire"] and "unit_count" in b)
        block["unit_count"] = 30

    edit_yaml(data, "answers.yaml", thirty)
    return data


@pytest.fixture
def drones_conflict(real_data, tmp_path):
    """West Yorkshire's drones corrected 20 -> 25 and published; then the files say 30."""
    correction = correct_drones_to_25()
    data = files_say_30_drones(tmp_path)
    out = io.StringIO()
    call_command("load_obscc", data_dir=data, stdout=out)
    record = ReferenceRecord.objects.get(
        model="surveys.answer", object_id=west_yorkshire_drones().pk
    )
    return correction, record, out.getvalue(), data


def test_a_conflict_under_a_correction_in_force_says_so_in_the_load(drones_conflict):
    correction, record, output, _ = drones_conflict
    assert record.conflicts == {"unit_count": "30"}
    assert f"under correction #{correction.pk} in force: 20 → 25" in output
    assert west_yorkshire_drones().unit_count == 25


def test_a_conflict_under_a_correction_in_force_says_so_in_the_admin(drones_conflict, client):
    correction, _, _, _ = drones_conflict
    client.force_login(f.account("ed", EDITORS))
    listing = client.get("/admin/surveys/referencerecord/?conflicts=yes").content.decode()
    assert f"under correction #{correction.pk} in force: 20 → 25" in listing


def rename_in_files_and_here(data, slugs) -> None:
    def rename(rows):
        for row in rows:
            if row["slug"] in slugs:
                row["name"] += " (files)"

    edit_yaml(data, "bodies.yaml", rename)
    for body in Body.objects.filter(slug__in=slugs):
        body.name = f"{body.name} (edited)"
        body.save()
    load_reference_data(data)


def test_the_admin_list_of_conflicts_does_not_query_more_for_more_conflicts(
    drones_conflict, client
):
    _, _, _, data = drones_conflict
    client.force_login(f.account("ed", EDITORS))
    url = "/admin/surveys/referencerecord/?conflicts=yes"
    rename_in_files_and_here(data, ["kent"])
    with CaptureQueriesContext(connection) as two_conflicts:
        client.get(url)
    rename_in_files_and_here(data, ["essex", "dorset"])
    with CaptureQueriesContext(connection) as four_conflicts:
        listing = client.get(url).content.decode()
    assert listing.count("(edited)") == 3
    assert len(four_conflicts) == len(two_conflicts)


def take_files_value(client, user, record) -> list[str]:
    client.force_login(user)
    response = client.post(
        "/admin/surveys/referencerecord/",
        {"action": "take_file_value", "_selected_action": [record.pk]},
        follow=True,
    )
    return [str(message) for message in response.context["messages"]]


def test_taking_the_files_value_under_a_correction_makes_a_public_draft(drones_conflict, client):
    correction, record, _, data = drones_conflict
    messages = take_files_value(client, f.account("ed", EDITORS), record)
    answer = west_yorkshire_drones()
    assert answer.unit_count == 25  # nothing public changed yet
    draft = Correction.objects.get(status=Correction.Status.DRAFT)
    assert (draft.answer, draft.answer_field, draft.old_value, draft.new_value) == (
        answer,
        "unit_count",
        "25",
        "30",
    )
    assert draft.source.code == "FOI0323"  # the publication the files credit for the count
    loaded_on = timezone.localdate(record.updated_at).isoformat()
    assert draft.reason == f"The reference data files give 30 (as loaded on {loaded_on})."
    assert draft.drafted_by.username == "ed"
    assert any(f"#{draft.pk}" in message and "publish" in message for message in messages)
    record.refresh_from_db()
    assert record.conflicts == {}
    assert not load_reference_data(data).conflicts  # settled: the next load does not ask

    corrections.publish(draft, user=User.objects.get(username="ed"))
    answer.refresh_from_db()
    assert answer.unit_count == 30
    public = client.get("/corrections/").content.decode()
    assert "25 → 30" in public and "20 → 25" in public


def test_with_a_second_editor_required_taking_the_files_value_waits_for_them(
    drones_conflict, client, settings
):
    settings.CORRECTIONS_NEED_SECOND_EDITOR = True
    _, record, _, _ = drones_conflict
    first, second = f.account("first", EDITORS), f.account("second", EDITORS)
    take_files_value(client, first, record)
    assert west_yorkshire_drones().unit_count == 25
    draft = Correction.objects.get(status=Correction.Status.DRAFT)
    with pytest.raises(corrections.PublishRefused):
        corrections.publish(draft, user=first)
    client.force_login(first)
    client.post(f"/admin/surveys/correction/{draft.pk}/publish/")
    assert west_yorkshire_drones().unit_count == 25
    corrections.publish(draft, user=second)
    assert west_yorkshire_drones().unit_count == 30


def test_a_return_status_under_a_correction_becomes_a_draft_too(real_data):
    kent = Return.objects.get(body__slug="kent", survey_round__year=2022)
    correction = corrections.record_correction(
        Correction(
            survey_return=kent,
            answer_field="status",
            new_value="did not respond",
            reason="Kent's return was never received.",
            source=Publication.objects.get(code="PR2023-UPDATE"),
        )
    )
    ReferenceRecord.objects.filter(model="surveys.return").delete()  # a database adopted
    report = load_reference_data()
    (conflict,) = [c for c in report.conflicts if c.field == "status"]
    assert f"under correction #{correction.pk} in force: responded → did not respond" in str(
        conflict
    )
    record = ReferenceRecord.objects.get(model="surveys.return", object_id=kent.pk)
    (draft,) = resolve_conflict(record, take_file=True)
    kent.refresh_from_db()
    assert kent.status == Return.Status.DID_NOT_RESPOND
    assert (draft.survey_return, draft.status, draft.new_value) == (kent, "draft", "responded")
    assert draft.source == kent.source  # the files credit the return's source


def test_taking_the_files_value_for_a_published_figure_is_refused(real_data, tmp_path, client):
    finding = PublishedFinding.objects.get(key="pr2023-drone-operators")
    PublishedFinding.objects.filter(pk=finding.pk).update(value=32)  # not through the admin
    data = copy_files(tmp_path)
    edit_yaml(
        data,
        "findings.yaml",
        lambda rows: next(r for r in rows if r["key"] == finding.key).update(value=33),
    )
    load_reference_data(data)
    record = ReferenceRecord.objects.get(model="surveys.publishedfinding", key=finding.key)
    messages = take_files_value(client, f.account("ed", EDITORS), record)
    finding.refresh_from_db()
    assert finding.value == 32
    record.refresh_from_db()
    assert record.conflicts == {"value": "33"}
    assert not Correction.objects.filter(finding=finding).exists()
    assert any("correction" in message and "not changed" in message for message in messages)


def test_a_body_name_conflict_still_takes_the_files_value_at_once(real_data, tmp_path):
    kent = Body.objects.get(slug="kent")
    kent.name = "Kent (edited)"
    kent.save()
    data = copy_files(tmp_path)
    edit_yaml(
        data,
        "bodies.yaml",
        lambda rows: next(r for r in rows if r["slug"] == "kent").update(name="Kent (files)"),
    )
    load_reference_data(data)
    record = ReferenceRecord.objects.get(model="surveys.body", key="kent")
    assert resolve_conflict(record, take_file=True) == []
    kent.refresh_from_db()
    assert kent.name == "Kent (files)"
    assert not Correction.objects.filter(status=Correction.Status.DRAFT).exists()


def test_the_files_never_change_a_figure_under_a_correction_in_force(real_data, tmp_path):
    """A figure's correction is laid over its first published value, which stays as loaded:
    the files changing that value are a conflict, not a silent change under the correction."""
    finding = PublishedFinding.objects.get(key="pr2023-anpr-concern")
    correction = corrections.record_correction(
        Correction(
            finding=finding,
            new_value="12",
            reason="Synthetic test: a later statement gives 12",
            source=finding.publication,
        )
    )
    data = copy_files(tmp_path)
    edit_yaml(
        data,
        "findings.yaml",
        lambda rows: next(r for r in rows if r["key"] == finding.key).update(value=13),
    )
    out = io.StringIO()
    call_command("load_obscc", data_dir=data, stdout=out)
    finding.refresh_from_db()
    assert finding.value == 11  # as first published, under the correction to 12
    record = ReferenceRecord.objects.get(model="surveys.publishedfinding", key=finding.key)
    assert record.conflicts == {"value": "13"}
    assert f"under correction #{correction.pk} in force" in out.getvalue()
