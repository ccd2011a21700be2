from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.opendata import DumpError, load


class Command(BaseCommand):
    help = (
        "Load a download from /data/ (the zip of CSV files or the JSON document) into an "
        "empty database. A file with any bad row writes nothing."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="obscc-data-*.zip or obscc-data-*.json")

    def handle(self, *args, file: Path, **options):
        try:
            with file.open("rb") as handle:
                counts = load(handle)
        except OSError as exc:
            raise CommandError(f"Cannot read {file}: {exc.strerror}") from exc
        except DumpError as exc:
            raise CommandError(f"{file.name}: {exc} Nothing was written.") from exc
        loaded = ", ".join(f"{n:,} {table}" for table, n in counts.items())
        self.stdout.write(f"Loaded {file.name}: {loaded}.")
