"""The flat answers download credits each field to the publication that states it, and the
import takes those credits back: a field's own source column credits that field."""

import csv
import io

import pytest
from django.db.models import F, Q

from surveys.editorial.import_columns import COLUMNS
from surveys.editorial.importing import ImportFileError
from surveys.models import Answer, AnswerVendor, Correction
from surveys.values import intent_text
from tests import factories as f
from tests.test_admin_permissions import fingerprint

pytestmark = pytest.mark.django_db

SOURCE_COLUMNS = [f"{name}_source" for name, _ in Answer.SOURCED_FIELDS]


def download(client, query: str = "") -> str:
    response = client.get(f"/data/answers.csv{query}")
    return b"".join(response.streaming_content).decode("utf-8-sig")


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def credited_elsewhere() -> list[Answer]:
    """Answers with a field that another publication than the answer's own states."""
    elsewhere = Q()
    for _, source_name in Answer.SOURCED_FIELDS:
        elsewhere |= Q(**{f"{source_name}__isnull": False}) & ~Q(**{source_name: F("source")})
    return list(Answer.objects.filter(elsewhere).select_related("survey_return__body"))


def intent_from_init2022() -> Answer:
    """A FOI0823 facial-recognition answer whose future use INIT2022 states."""
    return Answer.objects.filter(
        system_type__slug="facial-recognition",
        source__code="FOI0823",
        intent_source__code="INIT2022",
    ).first()


def row_for(rows: list[dict[str, str]], answer: Answer) -> dict[str, str]:
    [row] = [
        r
        for r in rows
        if r["body_slug"] == answer.survey_return.body.slug
        and r["system_type"] == answer.system_type.slug
        and r["round"] == str(answer.survey_return.survey_round.year)
    ]
    return row


def as_file(rows: list[dict[str, str]]) -> str:
    out = io.StringIO()
    writer = csv.DictWriter(out, fieldnames=list(rows[0]))
    writer.writeheader()
    writer.writerows(rows)
    return out.getvalue()


def test_the_answers_download_credits_each_field_to_the_publication_that_states_it(
    real_data, client
):
    rows = rows_of(download(client))
    assert list(rows[0])[-len(SOURCE_COLUMNS) :] == SOURCE_COLUMNS
    answers = Answer.objects.select_related(
        "survey_return__body", "survey_return__survey_round", "system_type", "source"
    ).prefetch_related("answer_vendors", "answer_kinds")
    for answer in answers:
        row = row_for(rows, answer)
        for name, _ in Answer.SOURCED_FIELDS:
            stated = answer.stated_source(name)
            assert row[f"{name}_source"] == (stated.code if stated else ""), (answer, name)
    # 11 facial-recognition answers of FOI0823 whose future use INIT2022 states, and the
    # Met's, whose kind (live) INIT2022 states
    elsewhere = credited_elsewhere()
    assert len(elsewhere) == 12
    for answer in elsewhere:
        row = row_for(rows, answer)
        assert row["source"] == "FOI0823"
        assert "INIT2022" in (row["intent_source"], row["kinds_source"])


def test_each_fields_source_survives_a_round_trip_through_an_empty_answers_table(real_data, client):
    before = download(client)
    Correction.objects.filter(answer__isnull=False).delete()
    AnswerVendor.objects.all().delete()
    Answer.objects.all().delete()
    result = f.import_text(before)
    assert result.ok, result.errors[:3]
    assert result.count("create") == len(result.plans) == len(rows_of(before))
    assert len(credited_elsewhere()) == 12
    assert download(client) == before


def test_the_answers_download_with_its_sources_imports_back_unchanged(real_data, client):
    assert credited_elsewhere()
    text = download(client)
    assert set(SOURCE_COLUMNS) <= set(text.splitlines()[0].split(","))
    before = fingerprint()
    result = f.import_text(text)
    assert result.ok, result.errors[:3]
    assert result.count("unchanged") == len(result.plans) == Answer.objects.count()
    assert fingerprint() == before


def test_a_file_that_changes_only_a_fields_credit_is_refused_and_changes_nothing(real_data, client):
    answer = intent_from_init2022()
    rows = rows_of(download(client, "?round=2022"))
    row_for(rows, answer)["intent_source"] = "FOI0823"
    before = fingerprint()
    result = f.import_text(as_file(rows), reason="Synthetic test: a credit moved")
    assert not result.ok
    [error] = result.errors
    assert error.column == "intent_source"
    assert "INIT2022 -> FOI0823" in error.message and "correction" in error.message
    assert fingerprint() == before


def test_a_changed_value_is_corrected_on_the_authority_of_its_own_source_column(real_data, client):
    answer = intent_from_init2022()
    rows = rows_of(download(client, "?round=2022"))
    row = row_for(rows, answer)
    assert row["intent"] != "unsure"
    row["intent"], row["intent_source"] = "unsure", "PR2023"
    before = fingerprint()
    with pytest.raises(ImportFileError, match="give a reason"):
        f.import_text(as_file(rows))
    assert fingerprint() == before

    result = f.import_text(as_file(rows), reason="Synthetic test: future use restated")
    assert [str(c) for p in result.plans for c in p.changes] == [
        f"intent {intent_text(answer.intent)} -> {intent_text('unsure')}, credited to PR2023"
    ]
    answer.refresh_from_db()
    assert (answer.intent, answer.source_of("intent").code, answer.source.code) == (
        "unsure",
        "PR2023",
        "FOI0823",
    )
    correction = answer.corrections.get()
    assert (correction.answer_field, correction.source.code) == ("intent", "PR2023")
    assert correction.old_source.code == "INIT2022"


@pytest.mark.parametrize(
    "columns, values, column, message",
    [
        ("intent_source", "NOSUCH", "intent_source", "unknown source 'NOSUCH'"),
        ("operates,operates_source", ",INIT2022", "operates_source", "operates is not stated"),
        ("vendors,vendors_source", ",INIT2022", "vendors_source", "vendors is not stated"),
    ],
)
def test_a_fields_source_is_checked_like_the_rows_source(
    real_data, columns, values, column, message
):
    before = fingerprint()
    result = f.import_text(
        f"body,round,system_type,source,{columns}\n"
        f"bedfordshire,2022,cctv-unspecified,INIT2022,{values}\n",
        reason="Synthetic test",
    )
    assert not result.ok
    assert [(e.row, e.column) for e in result.errors] == [(2, column)]
    assert message in result.errors[0].message
    assert fingerprint() == before


def test_the_import_takes_every_fields_source_column():
    assert set(SOURCE_COLUMNS) <= set(COLUMNS)
