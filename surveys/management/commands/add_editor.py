from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from surveys.roles import EDITORS, VIEWERS, create_editor, password_set_link


class Command(BaseCommand):
    help = (
        f"Create an account in the {EDITORS} group (or {VIEWERS}, with --viewer) and print a "
        "one-time link to set its password. Refuses a username that exists; --new-link "
        "prints a new link for an existing account whose link expired."
    )

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("email")
        parser.add_argument(
            "--viewer", action="store_true", help=f"Read only: the {VIEWERS} group."
        )
        parser.add_argument(
            "--new-link",
            action="store_true",
            help="The account exists (its link expired or was lost): print a new link only.",
        )
        parser.add_argument(
            "--base-url",
            default=settings.SITE_URL,
            help=f"Where the site is served, for the link (default SITE_URL: {settings.SITE_URL}).",
        )

    def handle(self, *args, username, email, viewer, base_url, new_link, **options):
        if new_link:
            user = get_user_model().objects.filter(username=username, email=email).first()
            if user is None:
                raise CommandError(f"No account {username!r} with the address {email!r}.")
        else:
            try:
                user = create_editor(username=username, email=email, viewer=viewer)
            except ValueError as exc:
                raise CommandError(f"{exc} For a new link, add --new-link.") from exc
            role = VIEWERS if viewer else EDITORS
            self.stdout.write(f"Created {username} ({email}) in {role}.")
        link = password_set_link(user, base_url=base_url)
        self.stdout.write(
            "Send them this link to set a password (it works once, for "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days):"
        )
        self.stdout.write(link)
