import csv

from django.core.management.base import BaseCommand, CommandError

from surveys.collection import links, opening


class Command(BaseCommand):
    help = (
        "Print body,link as CSV: a fresh link for every live invitation of the round (or one "
        "body's). Only hashes are stored, so each earlier link stops working."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--body", default="", help="One body's slug: only its link.")

    def handle(self, *args, year, body, **options):
        try:
            collection = opening.collection_for(year)
            issued = links.invitation_links(collection, body_slug=body)
        except opening.RoundRefused as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        writer = csv.writer(self.stdout, lineterminator="\n")
        writer.writerow(["body", "link"])
        for invitation, link in issued:
            writer.writerow([invitation.body.slug, link])
        self.stderr.write(
            f"Issued {len(issued)} new link(s): the earlier link of each of these bodies no "
            "longer works."
        )
