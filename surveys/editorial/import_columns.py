"""An import file's columns, as the admin's column guide names them, and its header read.

A file's data rows come out as dicts keyed by column name; what the values mean is checked row
by row in ``surveys.editorial.import_rows``.
"""

from __future__ import annotations

from surveys.editorial.import_files import ImportFileError, file_rows
from surveys.models import Answer

REQUIRED_COLUMNS = ("body", "round", "system_type", "source")
# A column absent from the file leaves that field of an existing answer as it is.
ANSWER_COLUMNS = (
    "operates",
    "kinds",
    "unit_count",
    "vendors",
    "says_vendor_of_concern",
    "aware_of_concerns",
    "intent",
    "notes",
)
# A field's own source, as /data/answers.csv has it: the publication that states that field,
# where it may differ from the row's source (one source says a body uses facial recognition,
# another that it intends to use it live).
FIELD_SOURCE_COLUMNS = {f"{name}_source": name for name, _ in Answer.SOURCED_FIELDS}
# body_slug: the body's slug, as /data/answers.csv has it beside its name (it wins if both).
OPTIONAL_COLUMNS = (*ANSWER_COLUMNS, "body_slug", *FIELD_SOURCE_COLUMNS)
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS
# The column guide the admin's import page shows (the README has the same table).
COLUMN_GUIDE = (
    ("body", True, "Name, short name, slug or alias (any case), e.g. Hampshire Constabulary."),
    ("round", True, "Survey year, e.g. 2022."),
    ("system_type", True, "Slug or name, e.g. external-cctv or Body-worn video."),
    ("source", True, "Code of the publication that says so, e.g. INIT2022."),
    (
        "body_slug",
        False,
        "The body's slug, as /data/answers.csv has it; wins over body, which must agree.",
    ),
    ("operates", False, "yes / no; blank means not known."),
    (
        "kinds",
        False,
        "For facial recognition: the kinds the body uses, separated by ; (live; retrospective; "
        "operator_initiated; database_access; other); blank: not stated. A kind not listed is "
        "not known, not a no.",
    ),
    ("unit_count", False, "How many units (cameras, drones); blank: not stated."),
    (
        "vendors",
        False,
        "Vendor names or aliases separated by ;, each followed by (software) where the source "
        "names a video management system's vendor rather than the equipment's maker, e.g. "
        "Hikvision; Milestone (software). Blank means none stated.",
    ),
    (
        "says_vendor_of_concern",
        False,
        "yes / no: the body itself says it uses a vendor of concern; blank means not known.",
    ),
    ("aware_of_concerns", False, "yes / no; blank means not known."),
    ("intent", False, "Future use: intends, no_intention, unsure, or blank."),
    ("notes", False, "Free text."),
    *(
        (
            column,
            False,
            f"Code of the publication that states {name}, where not the row's source; "
            "blank: as it is, or the row's source for a new or changed value.",
        )
        for column, name in FIELD_SOURCE_COLUMNS.items()
    ),
)


def read_rows(data: bytes, *, filename: str) -> list[dict[str, str]]:
    """The file's data rows as dicts keyed by normalised column name; a blank row is {}."""
    # A header of more names than COLUMNS has an unknown or repeated one within the first
    # len(COLUMNS) + 1 cells, so no cell beyond them needs reading.
    raw = file_rows(data, filename=filename, width=len(COLUMNS) + 1)
    number, header = next(raw, (0, None))
    if header is None:
        raise ImportFileError("The file is empty: it needs a header row and data rows.")
    columns = [name.lower().replace(" ", "_") for name in header] if number == 1 else []
    while columns and not columns[-1]:
        columns.pop()
    missing = [name for name in REQUIRED_COLUMNS if name not in columns]
    unknown = [name or "(blank)" for name in columns if name not in COLUMNS]
    duplicated = sorted({name for name in columns if columns.count(name) > 1})
    problems = []
    if missing:
        problems.append(f"missing column(s): {', '.join(missing)}")
    if unknown:
        problems.append(f"unknown column(s): {', '.join(unknown)}")
    if duplicated:
        problems.append(f"repeated column(s): {', '.join(duplicated)}")
    if problems:
        raise ImportFileError(
            f"Header row: {'; '.join(problems)}. Expected columns: {', '.join(COLUMNS)}."
        )
    rows: list[dict[str, str]] = []
    for number, cells in raw:
        if not any(cells):
            continue
        rows.extend({} for _ in range(number - 2 - len(rows)))  # numbering keeps blank rows
        rows.append({name: cells[i] if i < len(cells) else "" for i, name in enumerate(columns)})
    if not rows:
        raise ImportFileError("The file has a header row but no data rows.")
    return rows
