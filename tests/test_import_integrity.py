"""Imports change only what the file says, say exactly what they will change, refuse
contradictions, and take the answers download back unchanged."""

import io

import pytest
from django.core.management import call_command

from surveys.models import Answer, AnswerVendor
from tests import factories as f
from tests.test_admin_permissions import fingerprint

pytestmark = pytest.mark.django_db


def bedfordshire_cctv() -> Answer:
    return Answer.objects.get(
        survey_return__body__slug="bedfordshire",
        survey_return__survey_round__year=2022,
        system_type__slug="cctv-unspecified",
    )


def test_a_file_with_only_the_required_columns_changes_nothing(real_data):
    before = fingerprint()
    answer = bedfordshire_cctv()
    result = f.import_text(
        "body,round,system_type,source\n"
        f"Bedfordshire Police,2022,cctv-unspecified,{answer.source.code}\n"
    )
    assert result.ok and result.count("unchanged") == 1
    assert fingerprint() == before
    answer.refresh_from_db()
    assert answer.operates is True and answer.notes
    assert list(answer.vendors.values_list("name", flat=True)) == ["Hikvision"]


def test_a_present_blank_column_means_not_known(real_data):
    answer = bedfordshire_cctv()
    result = f.import_text(
        "body,round,system_type,source,operates\n"
        f"bedfordshire,2022,cctv-unspecified,{answer.source.code},\n",
        reason="Synthetic test: not stated after all",
    )
    assert result.ok and [str(c) for c in result.plans[0].changes] == ["operates yes -> not known"]
    answer.refresh_from_db()
    assert answer.operates is None
    correction = answer.corrections.get()  # the change is public, with its reason and source
    assert (correction.answer_field, correction.old_value, correction.new_value) == (
        "operates",
        "yes",
        "not known",
    )
    assert correction.reason == "Synthetic test: not stated after all"
    assert correction.source == answer.source
    assert list(answer.vendors.values_list("name", flat=True)) == ["Hikvision"]


def test_dry_run_prints_each_fields_old_and_new_value(real_data):
    answer = bedfordshire_cctv()
    out = io.StringIO()
    path = "var/test-dry-run.csv"
    with open(path, "w", encoding="utf-8") as file:
        file.write(
            "body,round,system_type,source,aware_of_concerns,vendors,notes\n"
            f"bedfordshire,2022,cctv-unspecified,{answer.source.code},no,Hikvision;Dahua,x\n"
        )
    before = fingerprint()
    call_command("import_returns", path, "--dry-run", stdout=out)
    text = out.getvalue()
    assert "aware_of_concerns not known -> no" in text
    assert "vendors Hikvision -> Dahua; Hikvision" in text
    assert "notes 'Named among" in text and "-> 'x'" in text
    assert "Dry run: nothing was written." in text
    assert fingerprint() == before


@pytest.mark.parametrize(
    "columns, values, column",
    [
        ("operates,vendors", "no,Hikvision", "operates"),
        ("operates,aware_of_concerns", "no,yes", "operates"),
        ("operates", "no", "operates"),  # the existing answer names Hikvision
    ],
)
def test_a_body_that_does_not_operate_cannot_name_a_vendor_or_be_aware(
    real_data, columns, values, column
):
    before = fingerprint()
    code = bedfordshire_cctv().source.code
    result = f.import_text(
        f"body,round,system_type,source,{columns}\nbedfordshire,2022,cctv-unspecified,{code},{values}\n"
    )
    assert not result.ok
    assert result.errors[0].row == 2 and result.errors[0].column == column
    assert "does not operate" in result.errors[0].message
    assert fingerprint() == before


def test_the_answers_download_imports_back_unchanged(real_data, client):
    answer = bedfordshire_cctv()
    answer.notes = "-starts like a formula; 'quoted' \"and\" commas, here"
    answer.save()
    other = Answer.objects.exclude(pk=answer.pk).first()
    other.notes = "'an apostrophe first"
    other.save()
    download = b"".join(client.get("/data/answers.csv").streaming_content).decode("utf-8-sig")
    # New columns come last, so existing columns keep their places for existing readers (the
    # kind became the kinds, several separated by ";", in the same place)
    assert download.splitlines()[0].startswith(
        "round,body,body_slug,system_type,operates,vendors,aware_of_concerns,intent,source,notes,"
        "kinds,unit_count,says_vendor_of_concern,"
    )
    before = fingerprint()
    result = f.import_text(download)
    assert result.ok, result.errors[:3]
    assert len(result.plans) == Answer.objects.count()
    assert result.count("unchanged") == len(result.plans)
    assert fingerprint() == before
    assert AnswerVendor.objects.count() > 0


def test_an_import_that_changes_public_values_needs_a_reason(real_data):
    from surveys.editorial.importing import ImportFileError

    before = fingerprint()
    code = bedfordshire_cctv().source.code
    with pytest.raises(ImportFileError, match="give a reason"):
        f.import_text(
            f"body,round,system_type,source,vendors\nbedfordshire,2022,cctv-unspecified,{code},\n"
        )
    assert fingerprint() == before


def test_a_vendor_change_by_import_is_a_public_correction_and_withdrawable(real_data, client):
    from surveys.editorial.corrections import withdraw_correction

    answer = bedfordshire_cctv()
    code = answer.source.code
    f.import_text(
        f"body,round,system_type,source,vendors\nbedfordshire,2022,cctv-unspecified,{code},Dahua\n",
        reason="Synthetic test: the vendor was misread",
    )
    assert list(answer.vendors.values_list("name", flat=True)) == ["Dahua"]
    correction = answer.corrections.get()
    assert (correction.old_value, correction.new_value) == ("Hikvision", "Dahua")
    assert "Hikvision → Dahua" in client.get("/forces/bedfordshire/").content.decode()
    withdraw_correction(correction, reason="Synthetic test withdrawal")
    assert list(answer.vendors.values_list("name", flat=True)) == ["Hikvision"]
