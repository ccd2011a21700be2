from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.editorial.import_columns import COLUMNS
from surveys.editorial.importing import ImportFileError, import_answers


class Command(BaseCommand):
    help = (
        "Import per-body answers from a CSV or XLSX file (columns: "
        + ", ".join(COLUMNS)
        + "). A file with any bad row writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="A .csv (UTF-8) or .xlsx file.")
        parser.add_argument(
            "--dry-run", action="store_true", help="Check the file and report; write nothing."
        )
        parser.add_argument(
            "--reason",
            default="",
            help="Why existing answers change: published with each correction the import makes "
            "(required when the file changes an existing answer's values).",
        )

    def handle(self, *args, file: Path, dry_run: bool, reason: str, **options):
        try:
            with file.open("rb") as handle:
                result = import_answers(
                    handle, filename=file.name, dry_run=dry_run, reason=reason, progress=True
                )
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except ImportFileError as exc:
            raise CommandError(f"{file.name}: {exc} Nothing was written.") from exc
        if result.errors:
            for error in result.errors[:200]:
                self.stderr.write(str(error))
            if len(result.errors) > 200:
                self.stderr.write(f"... and {len(result.errors) - 200} more errors.")
            raise CommandError(
                f"{len(result.errors)} error(s) in {file.name}. Nothing was written."
            )
        for plan in result.plans:
            if plan.action != "unchanged" and options["verbosity"] > 0:
                self.stdout.write(plan.describe())
        if dry_run:
            self.stdout.write(f"Would import {file.name}: {result.summary()}.")
        else:
            self.stdout.write(f"Imported {file.name}: {result.done_summary()}.")
        if result.public_changes:
            self.stdout.write(
                f"{result.public_changes} existing answer(s) change in what the public pages "
                "show: each change is recorded as a public correction with the reason given "
                "(--reason)."
            )
        if dry_run:
            self.stdout.write("Dry run: nothing was written.")
