"""The example import file the import guide and the admin link is harmless: against the real
data it validates without an error and changes nothing, public or not (no value, no vendor, no
note), so importing it by mistake does no harm. The guide's column table lists exactly the
columns the import takes."""

import io
import re
from pathlib import Path

import pytest

from surveys.editorial.import_columns import COLUMN_GUIDE, COLUMNS, read_rows
from surveys.editorial.importing import import_answers, validate
from surveys.models import Answer, AnswerKind, AnswerVendor, Correction

ROOT = Path(__file__).resolve().parent.parent
EXAMPLE = ROOT / "docs" / "example-answers.csv"


def everything_an_import_can_change():
    fields = ["pk", "source_id", "notes"]
    for field, source in Answer.SOURCED_FIELDS:  # each value and the source it is credited to
        linked = field in ("vendors", "kinds")  # rows of their own, below
        fields += [f"{source}_id"] if linked else [field, f"{source}_id"]
    return (
        sorted(Answer.objects.values_list(*fields)),
        sorted(AnswerVendor.objects.values_list("answer_id", "vendor_id", "role")),
        sorted(AnswerKind.objects.values_list("answer_id", "kind")),
        Correction.objects.count(),
    )


@pytest.mark.django_db
def test_the_example_file_validates_and_changes_nothing_in_the_real_data(real_data):
    result = validate(read_rows(EXAMPLE.read_bytes(), filename=EXAMPLE.name))
    assert result.ok, [str(e) for e in result.errors]
    assert [plan.describe() for plan in result.plans if plan.action != "unchanged"] == []
    assert len(result.plans) >= 4

    before = everything_an_import_can_change()
    imported = import_answers(io.BytesIO(EXAMPLE.read_bytes()), filename=EXAMPLE.name)
    assert imported.applied
    assert everything_an_import_can_change() == before


def guide_import_columns() -> list[tuple[str, bool]]:
    guide = (ROOT / "docs" / "importing.md").read_text()
    section = guide.split("## The columns", 1)[1].split("\n## ", 1)[0]
    return [
        (name, required == "yes")
        for name, required in re.findall(r"^\| `(\w+)` \| (yes|no) \|", section, re.M)
    ]


def test_the_import_guide_lists_every_column_the_import_takes():
    listed = guide_import_columns()
    assert sorted(name for name, _ in listed) == sorted(COLUMNS)
    assert listed == [(name, required) for name, required, _ in COLUMN_GUIDE]
