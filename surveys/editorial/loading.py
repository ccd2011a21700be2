"""Load the real reference data from ``surveys/data/*.yaml``: the files seed the database;
after that the database is the record.

Each file is read in turn (``reference_survey``, then ``reference_published``: a row refers to
the rows of the files before it), and each row is merged into the database field by field
against what the files said last time, so an editor's change is kept and a change on both
sides waits for an editor as a conflict (the rules: ``reference_merge``). A second run with
the same files writes nothing at all. What a load says (``LoadReport``) is in
``reference_report``; resolving a conflict, in ``reference_conflicts``.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from django.db import transaction

from surveys.editorial import reference_published, reference_survey
from surveys.editorial.reference_files import DATA_DIR, files_digest
from surveys.editorial.reference_merge import Loader
from surveys.editorial.reference_report import EditorsWork, LoadReport, explain
from surveys.editorial.roles import ensure_roles
from surveys.models import ReferenceLoad
from surveys.stats import summaries

# In the order the rows refer to each other (a round names its system types, a body its source).
STEPS: tuple[Callable[[Loader], None], ...] = (
    reference_survey.load_publications,
    reference_survey.load_system_types,
    reference_survey.load_rounds,
    reference_survey.load_bodies,
    reference_survey.load_vendors,
    reference_survey.load_returns,
    reference_survey.load_answers,
    reference_published.load_findings,
    reference_published.load_corrections,
    reference_published.load_evidence,
    reference_published.load_commissioner,
    reference_published.load_key_findings,
)


def load_reference_data(data_dir: Path = DATA_DIR) -> LoadReport:
    loader = Loader(data_dir)
    digest = files_digest(data_dir)
    with transaction.atomic(), summaries.deferred():
        loader.load_records()
        for step in STEPS:
            step(loader)
        ensure_roles()
        explain(loader.report.kept + loader.report.conflicts)
        loader.report.editors = EditorsWork.count()
        if loader.report.changed:
            ReferenceLoad.objects.create(
                files_digest=digest, summary="\n".join(loader.report.lines())
            )
    return loader.report
