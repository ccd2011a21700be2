from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.editorial.loading import load_reference_data
from surveys.editorial.reference_files import DATA_DIR, DataFileError


class Command(BaseCommand):
    help = (
        "Load the real survey data (bodies, rounds, publications, returns, vendors, findings, "
        "corrections) from surveys/data/. The files seed an empty database; afterwards a load "
        "adds what the files add and changes a value only where the files changed it and "
        "nobody changed it in the database since. Conflicts are listed, never applied; an editor "
        "settles them in the admin (Reference records)."
    )

    def add_arguments(self, parser):
        parser.add_argument("--data-dir", type=Path, default=DATA_DIR, help=str(DATA_DIR))

    def handle(self, *args, **options):
        try:
            report = load_reference_data(options["data_dir"])
        except DataFileError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
