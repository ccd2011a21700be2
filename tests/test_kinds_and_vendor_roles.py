"""An answer states the kinds of facial recognition a body uses as a set, and each vendor it
names with its role. A kind not stated is not known (never a "no"); a vendor named only for
software (a video management system) settles nothing about vendors of concern. Both go through
the pages, the API, the flat download and its import, and corrections, unchanged."""

import pytest
from django.core.cache import cache

from surveys import stats
from surveys.editorial import corrections
from surveys.models import Answer, AnswerKind, AnswerVendor, Correction, SurveyRound
from surveys.values import parse_kinds, vendor_entry
from tests import factories as f
from tests.pages import text, visible
from tests.test_answers_download_sources import download, rows_of
from tests.test_facial_recognition import fr_answers

pytestmark = pytest.mark.django_db


def views_2022() -> dict[str, stats.FindingView]:
    cache.clear()
    survey_round = SurveyRound.objects.get(year=2022)
    return {v.finding.key: v for v in stats.findings_with_status(survey_round=survey_round)}


def west_yorkshire(slug: str) -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="west-yorkshire",
        survey_return__survey_round__year=2022,
        system_type__slug=slug,
    )


# --- Kinds of facial recognition ----------------------------------------------------------


def test_the_mets_live_use_says_nothing_about_its_access_to_image_databases(real_data):
    views = views_2022()
    database = views["init2022-fr-database-access"]
    assert (database.computed, database.coverage, database.status) == (None, None, "no_data")
    live = views["init2022-lfr-users"]
    assert (live.computed, live.coverage) == (1, 1)


def test_a_body_stating_several_kinds_counts_for_each_and_settles_no_other(real_data):
    kent = fr_answers().get(survey_return__body__slug="kent")
    for kind in ("retrospective", "database_access"):
        AnswerKind.objects.create(answer=kent, kind=kind)
    views = views_2022()
    database = views["init2022-fr-database-access"]
    assert (database.computed, database.coverage) == (1, 1)
    # Kent's kinds do not include live: that is not known, so the live count still rests on
    # the Met's answer alone
    live = views["init2022-lfr-users"]
    assert (live.computed, live.coverage) == (1, 1)


def test_an_answer_saying_the_body_does_not_use_it_settles_every_kind(world):
    fr = f.system_type("facial-recognition", 3, name="Facial recognition")
    north = f.answer(f.return_of(world.northshire, world.round_2020), fr, operates=True)
    AnswerKind.objects.create(answer=north, kind="live")
    f.answer(f.return_of(world.southshire, world.round_2020), fr, operates=False)
    database = f.finding(world, "db", metric="database_access", system_type=fr, value=0)
    live = f.finding(world, "live", metric="live_users", system_type=fr, value=1)
    views = {v.finding.key: v for v in stats.finding_views([database, live])}
    assert (views["db"].computed, views["db"].coverage) == (0, 1)  # Southshire's "no"
    assert (views["live"].computed, views["live"].coverage) == (1, 2)


def test_kinds_read_in_any_order_and_case_and_write_one_way():
    assert parse_kinds("Retrospective; live;LIVE") == ["live", "retrospective"]
    assert parse_kinds("not stated") == parse_kinds("") == []
    with pytest.raises(ValueError, match="not a known kind"):
        parse_kinds("live; thermal")


def test_several_kinds_show_on_the_pages_and_in_the_api(real_data, client):
    kent = fr_answers().get(survey_return__body__slug="kent")
    AnswerKind.objects.create(answer=kent, kind="retrospective")
    AnswerKind.objects.create(answer=kent, kind="database_access")
    page = text(client.get("/forces/kent/"))
    row = visible(page.split('"answer-facial-recognition"')[1].split("</tr>")[0])
    assert "Retrospective; Access to national image databases FOI0823" in row
    page = visible(text(client.get("/forces/?system_type=facial-recognition&round=2022&q=Kent")))
    assert "Retrospective; Access to national image databases" in page
    api = client.get(f"/api/v1/answers/{kent.pk}/").json()
    assert api["kinds"] == ["retrospective", "database_access"]
    assert api["sources"]["kinds"] == "FOI0823"


def test_several_kinds_and_a_software_vendor_import_back_unchanged(real_data, client):
    kent = fr_answers().get(survey_return__body__slug="kent")
    AnswerKind.objects.create(answer=kent, kind="retrospective")
    AnswerKind.objects.create(answer=kent, kind="operator_initiated")
    before = download(client)
    rows = {(r["body_slug"], r["system_type"]): r for r in rows_of(before)}
    assert rows[("kent", "facial-recognition")]["kinds"] == "retrospective; operator_initiated"
    assert rows[("west-yorkshire", "external-cctv")]["vendors"] == "Milestone (software)"
    result = f.import_text(before, dry_run=True)
    assert result.ok and {plan.action for plan in result.plans} == {"unchanged"}
    Correction.objects.filter(answer__isnull=False).delete()
    Answer.objects.all().delete()
    result = f.import_text(before)
    assert result.ok, result.errors[:3]
    assert download(client) == before
    assert AnswerVendor.objects.get(vendor__name="Milestone").role == "software"


def test_a_kinds_correction_changes_the_set_and_its_withdrawal_restores_it(real_data):
    met = fr_answers().get(survey_return__body__slug="metropolitan-police")
    correction = corrections.record_correction(
        Correction(
            answer=met,
            answer_field="kinds",
            new_value="live; database_access",
            reason="Synthetic test: a second kind",
            source=met.source,
        )
    )
    assert met.kinds == ["live", "database_access"]
    assert (correction.old_value, correction.new_value) == ("live", "live; database_access")
    assert views_2022()["init2022-fr-database-access"].computed == 1
    corrections.withdraw_correction(correction, reason="Synthetic test: withdrawn")
    assert met.kinds == ["live"]


# --- Vendor roles -------------------------------------------------------------------------


def test_a_software_vendor_alone_is_not_a_no_on_vendors_of_concern(real_data, client):
    milestone = west_yorkshire("external-cctv").answer_vendors.get()
    assert (milestone.vendor.name, milestone.role) == ("Milestone", "software")
    page = text(client.get("/forces/?round=2022&system_type=external-cctv"))
    row = visible(page.split('id="bodies-table"')[1].split("West Yorkshire")[1].split("</tr>")[0])
    # The last column is the box choosing the body for /compare/ ("Compare <name>").
    assert row.split("Compare")[0].strip().endswith("At least 3 No data"), row
    assert "0 of 1" not in visible(text(client.get("/systems/external-cctv/")))
    body = visible(text(client.get("/forces/west-yorkshire/")))
    assert "Milestone (Software (video management system))" in body


def test_only_an_equipment_maker_of_concern_counts(world):
    """The rule in one place (ROLES_COUNTING_TOWARD_CONCERN): the same vendor of concern
    counts as the equipment's maker and not as a software vendor."""
    answer = f.answer(f.return_of(world.northshire, world.round_2020), world.external)
    link = AnswerVendor.objects.create(answer=answer, vendor=world.redcam, role="software")
    figure = stats.system_type_stats_by_round([world.round_2020])[
        (world.round_2020.pk, world.external.pk)
    ].concern_users
    assert (figure.value, figure.coverage) == (None, 0)
    assert not AnswerVendor.objects.counting_toward_concern().exists()
    link.role = "equipment"
    link.save()
    cache.clear()
    figure = stats.system_type_stats_by_round([world.round_2020])[
        (world.round_2020.pk, world.external.pk)
    ].concern_users
    assert (figure.value, figure.coverage) == (1, 1)


def test_a_vendor_entry_carries_its_role():
    assert vendor_entry("Milestone (software)") == ("Milestone", "software")
    assert vendor_entry("Milestone (Equipment)") == ("Milestone", "equipment")
    assert vendor_entry("Hikvision") == ("Hikvision", "equipment")
    assert vendor_entry("Acme (UK)") == ("Acme (UK)", "equipment")


def test_a_vendors_role_is_corrected_like_its_vendors(real_data):
    answer = west_yorkshire("external-cctv")
    correction = corrections.record_correction(
        Correction(
            answer=answer,
            answer_field="vendors",
            new_value="Milestone",
            reason="Synthetic test: the maker after all",
            source=answer.source,
        )
    )
    assert correction.old_value == "Milestone (software)"
    assert answer.answer_vendors.get().role == "equipment"
    corrections.withdraw_correction(correction, reason="Synthetic test: withdrawn")
    assert answer.answer_vendors.get().role == "software"


# --- West Yorkshire's "no" for live facial recognition -------------------------------------


def test_west_yorkshires_no_for_live_facial_recognition_is_a_statement_at_its_level(
    real_data, client
):
    live = west_yorkshire("live-facial-recognition")
    assert live.says_vendor_of_concern is False
    assert live.source_of("says_vendor_of_concern").code == "FOI0323"
    # not stretched to facial recognition of every kind, which the return does not speak of
    assert west_yorkshire("facial-recognition").says_vendor_of_concern is None
    page = text(client.get("/forces/west-yorkshire/"))
    row = page.split('"answer-live-facial-recognition"')[1].split("</tr>")[0]
    assert "No FOI0323" in visible(row.split('data-testid="says-concern"')[1])


def test_a_database_loaded_before_roles_takes_the_files_role_without_a_conflict(real_data):
    """As after migration 0013: the link holds the default role and its record of what the
    files said has no role yet. The files' "Milestone (software)" fills it, with no conflict."""
    import io

    from django.core.management import call_command

    from surveys.models import ReferenceRecord

    link = west_yorkshire("external-cctv").answer_vendors.get()
    AnswerVendor.objects.filter(pk=link.pk).update(role="equipment")
    record = ReferenceRecord.objects.get(model="surveys.answervendor", object_id=link.pk)
    record.loaded.pop("role")
    record.save()
    call_command("load_obscc", stdout=io.StringIO())
    link.refresh_from_db()
    record.refresh_from_db()
    assert (link.role, record.conflicts) == ("software", {})


def test_an_editors_saved_default_role_is_kept_as_a_conflict_not_overwritten(real_data, editor):
    """As above, but an editor saved the link with the default role (history with a user):
    the files' role is then a conflict for an editor to resolve, never a silent overwrite."""
    import io

    from django.core.management import call_command

    from surveys.models import ReferenceRecord

    link = west_yorkshire("external-cctv").answer_vendors.get()
    link.role = "equipment"
    link._history_user = editor
    link.save()
    record = ReferenceRecord.objects.get(model="surveys.answervendor", object_id=link.pk)
    record.loaded.pop("role")
    record.save()
    call_command("load_obscc", stdout=io.StringIO())
    link.refresh_from_db()
    record.refresh_from_db()
    assert (link.role, record.conflicts) == ("equipment", {"role": "software"})
