from pathlib import Path

from django.core.management.base import BaseCommand, CommandError

from surveys.opendata import json_chunks, zip_chunks


class Command(BaseCommand):
    help = (
        "Write the whole data set as /data/ serves it: a .zip of CSV files (one per table, "
        "with the data dictionary) or one .json document, chosen by the file's suffix."
    )

    def add_arguments(self, parser):
        parser.add_argument("file", type=Path, help="Where to write: NAME.zip or NAME.json")

    def handle(self, *args, file: Path, **options):
        if file.suffix not in (".zip", ".json"):
            raise CommandError(f"{file.name}: the name must end in .zip or .json.")
        chunks = zip_chunks() if file.suffix == ".zip" else (t.encode() for t in json_chunks())
        try:
            with file.open("wb") as handle:
                for chunk in chunks:
                    handle.write(chunk)
        except OSError as exc:
            raise CommandError(f"Cannot write {file}: {exc.strerror}") from exc
        self.stdout.write(f"Wrote {file} ({file.stat().st_size:,} bytes).")
