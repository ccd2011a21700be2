from django.core.management.base import BaseCommand, CommandError

from surveys.collection import links, opening


class Command(BaseCommand):
    help = (
        "Email each live invitation's contact a fresh link (EMAIL_BACKEND: the console by "
        "default). --reminders: only the bodies that have not submitted. Bodies with no contact "
        "are listed, not emailed."
    )

    def add_arguments(self, parser):
        parser.add_argument("year", type=int)
        parser.add_argument(
            "--reminders", action="store_true", help="Only invitations not yet submitted."
        )

    def handle(self, *args, year, reminders, **options):
        try:
            collection = opening.collection_for(year)
            sent = links.send_invitations(collection, reminders=reminders)
        except opening.RoundRefused as exc:
            raise CommandError(f"{exc} Nothing was sent.") from exc
        what = "reminder" if reminders else "invitation"
        self.stderr.write(
            f"Emailed {len(sent.emailed)} {what}(s); each earlier link stops working."
        )
        for invitation in sent.no_contact:
            self.stderr.write(f"No contact email, not emailed: {invitation.body.name}")
        for invitation, why in sent.failed:
            self.stderr.write(f"Could not send to {invitation.body.name} ({why}): send again.")
        if sent.failed:
            raise CommandError(f"{len(sent.failed)} email(s) could not be sent.")
