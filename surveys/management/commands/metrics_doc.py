from django.conf import settings
from django.core.management.base import BaseCommand

from surveys.stats.metrics_doc import with_figure_rows


class Command(BaseCommand):
    help = "Write docs/METRICS.md's rows for the figures of surveys.stats.FIGURES."

    def handle(self, *args, **options):
        path = settings.BASE_DIR / "docs" / "METRICS.md"
        document = path.read_text()
        updated = with_figure_rows(document)
        path.write_text(updated)
        self.stdout.write(f"{path}: {'rewritten' if updated != document else 'unchanged'}.")
