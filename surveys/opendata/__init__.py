"""The whole data set as open data: one CSV per table in a zip, or one JSON document, with a
data dictionary; and loading either back into an empty database (``manage.py load_dump``).

Both formats hold the same tables, columns and identifiers as the database, so statistics
computed from a loaded download are the dashboard's own. Rows are read in primary-key chunks
and written as they are read, so a download's memory does not grow with the data.
"""

from surveys.opendata.built import csv_text, serve  # noqa: F401
from surveys.opendata.data_page import page, page_counts  # noqa: F401
from surveys.opendata.dump import (  # noqa: F401
    dictionary_lines,
    json_chunks,
    table_csv_chunks,
    zip_chunks,
)
from surveys.opendata.load import DumpError, load  # noqa: F401
from surveys.opendata.schema import (  # noqa: F401
    COLUMN_DESCRIPTIONS,
    LICENCE,
    LOADED_REASON,
    TABLES,
    columns,
    data_last_changed,
    dictionary,
    table_counts,
)
