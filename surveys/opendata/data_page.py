"""What the open-data page (/data/) shows: every table with its row count and its columns,
the licence and when the data last changed."""

from __future__ import annotations

from surveys import stats
from surveys.caching import cached, data_last_changed
from surveys.models import SurveyRound
from surveys.opendata.schema import SOURCE_LINE, TABLES, dictionary, licence, public_rows


def page() -> dict:
    counts = cached("open_data_counts", (), page_counts)  # once per data version
    return {
        "tables": [{**table, "rows": counts[table["table"]]} for table in dictionary()],
        "licence": licence(),
        "source_line": SOURCE_LINE,
        "last_changed": data_last_changed(),
        "rounds": list(SurveyRound.objects.order_by("year").values_list("year", flat=True)),
    }


def page_counts() -> dict[str, int]:
    """Each table's rows, as ``schema.table_counts`` counts them; the largest tables'
    (returns, answers and their vendor links) read from the summaries, which hold them: the
    page's SQL does not grow with the data."""
    recorded = stats.rows_recorded()
    return {
        table: recorded[table] if table in recorded else public_rows(table).count()
        for table in TABLES
    }
