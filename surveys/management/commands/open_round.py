import datetime

from django.core.management.base import BaseCommand, CommandError

from surveys.collection import opening
from surveys.models.collection import GRACE_DAYS


def _date(value: str) -> datetime.date:
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        raise CommandError(f"--deadline {value!r} is not a date as YYYY-MM-DD.") from None


def _slugs(value: str) -> list[str]:
    return [slug.strip() for slug in value.split(",") if slug.strip()]


class Command(BaseCommand):
    help = (
        "Open a round to be collected online: the round, the system types it asks about and an "
        "invitation for each body in scope (the bodies of the last round, following "
        "successions). Links are then printed (invitation_links) or emailed (send_invitations)."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument("--deadline", required=True, help="The date returns are due.")
        parser.add_argument(
            "--system-types",
            default="",
            help="Comma-separated slugs; default: those of the last round.",
        )
        parser.add_argument(
            "--grace-days",
            type=int,
            default=GRACE_DAYS,
            help=f"Days the links work after the deadline (default {GRACE_DAYS}).",
        )
        parser.add_argument(
            "--units",
            default="",
            help="Comma-separated slugs of the system types whose number of units is asked.",
        )

    def handle(self, *args, year, deadline, system_types, grace_days, units, **options):
        try:
            collection = opening.open_round(
                year,
                deadline=_date(deadline),
                system_types=_slugs(system_types),
                grace_days=grace_days,
                units=_slugs(units),
            )
        except opening.RoundRefused as exc:
            raise CommandError(f"{exc} Nothing was written.") from exc
        types = ", ".join(row.system_type.slug for row in collection.coverage.all())
        self.stdout.write(
            f"Opened the {year} round: {collection.invitations.count()} bodies invited, about "
            f"{types}; due {collection.deadline}, links work until "
            f"{collection.links_expire_on}. Nothing is public until publish_round {year}."
        )
        self.stdout.write(
            f"Next: invitation_links {year} (CSV of links) or send_invitations {year} (email)."
        )
