from django.core.management.base import BaseCommand, CommandError

from surveys.loading import DataFileError, load_reference_data


class Command(BaseCommand):
    help = (
        "Load the real survey data (bodies, rounds, publications, returns, vendors, findings, "
        "corrections) from surveys/data/. Safe to run again: it changes only what differs."
    )

    def handle(self, *args, **options):
        try:
            report = load_reference_data()
        except DataFileError as exc:
            raise CommandError(f"Nothing was loaded: {exc}") from exc
        for line in report.lines():
            self.stdout.write(line)
