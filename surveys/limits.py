"""How long an editor's free text may be: one home for every limit, shown in the admin forms
(each form refuses longer text with an error) and listed in docs/editors.md.

PostgreSQL enforces a column's length and SQLite does not, so nothing an editor types goes
into a bounded column: these limits keep text readable, not the database safe."""

NOTES_MAX = 5_000  # notes on any record; also an imported cell's limit
REASON_MAX = 2_000  # why a correction, a withdrawal or an import changes a public value
TEXT_MAX = 10_000  # longer prose: a source's wording, a summary, a description
FILENAME_MAX = 255  # an uploaded file's name, as stored with its draft

LIMITS = {
    "Notes (any record)": NOTES_MAX,
    "Reason of a correction, a withdrawal or an import": REASON_MAX,
    "Wording, summaries and descriptions": TEXT_MAX,
    "Name of an uploaded file": FILENAME_MAX,
}
