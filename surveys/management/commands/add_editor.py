from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from surveys.roles import EDITORS, VIEWERS, create_editor, password_set_link


class Command(BaseCommand):
    help = (
        f"Create an account in the {EDITORS} group (or {VIEWERS}, with --viewer) and print a "
        "one-time link to set its password. Refuses a username that exists."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--viewer", action="store_true", help=f"Read only: the {VIEWERS} group."
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help=f"Where the site is served, for the link (default SITE_URL: {settings.SITE_URL}).",
        )

    def handle(self, *args, username, email, viewer, base_url, **options):
        try:
            user = create_editor(username=username, email=email, viewer=viewer)
        except ValueError as exc:
            raise CommandError(str(exc)) from exc
        role = VIEWERS if viewer else EDITORS
        link = password_set_link(user, base_url=base_url)
        self.stdout.write(f"Created {username} ({email}) in {role}.")
        self.stdout.write(
            "Send them this link to set a password (it works once, for "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days):"
        )
        self.stdout.write(link)
