"""The import page's column guide marks as required exactly the columns the importer requires,
and describes every column it reads, each once."""

from surveys.editorial.import_columns import COLUMN_GUIDE, COLUMNS, REQUIRED_COLUMNS


def test_the_guide_marks_exactly_the_required_columns_as_required():
    assert [column for column, required, _ in COLUMN_GUIDE if required] == list(REQUIRED_COLUMNS)


def test_the_guide_describes_every_column_once():
    described = [column for column, _, _ in COLUMN_GUIDE]
    assert sorted(described) == sorted(COLUMNS) and len(set(described)) == len(described)
    assert all(text.strip() for _, _, text in COLUMN_GUIDE)
