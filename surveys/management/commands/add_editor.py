from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand, CommandError

from surveys.editorial.roles import (
    EDITORS,
    VIEWERS,
    AccountExists,
    create_editor,
    link_base,
    needs_reset,
    new_password_link,
    password_set_link,
)

RESET_HINT = (
    "To print a link that sets a new password, add --reset: any password it has stops "
    "working at once."
)


class Command(BaseCommand):
    help = (
        f"Create an account in the {EDITORS} group (or {VIEWERS}, with --viewer) and print a "
        "one-time link to set its password. Refuses a username that exists; --new-link "
        "prints a new link for an existing account that has no password yet (its earlier "
        "links stop working); --reset does so for an account with a password or a superuser."
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
            help="The account exists and has no password yet (its link expired or was lost): "
            "print a new link; every earlier link stops working.",
        )
        parser.add_argument(
            "--reset",
            action="store_true",
            help="Like --new-link, for an account that has a password or is a superuser: its "
            "password stops working at once (its sessions end) and the link sets a new one.",
        )
        parser.add_argument(
            "--base-url",
            help="Where the site is served, for the link (default: SITE_URL when set, else "
            "http://127.0.0.1:PORT).",
        )
        parser.add_argument(
            "--port",
            type=int,
            default=8000,
            help="The port make run serves on, for the link when SITE_URL is not set "
            "(default 8000).",
        )

    def handle(self, *args, username, email, viewer, base_url, port, new_link, reset, **options):
        if not 0 < port < 65536:
            raise CommandError(f"--port {port} is not a port (1 to 65535).")
        base, why = link_base(base_url=base_url, port=port)
        if new_link or reset:
            user = get_user_model().objects.filter(username=username, email=email).first()
            if user is None:
                raise CommandError(f"No account {username!r} with the address {email!r}.")
            try:
                link = new_password_link(user, base_url=base, reset=reset)
            except ValueError as exc:
                raise CommandError(f"{exc} {RESET_HINT}") from exc
            if reset:
                self.stdout.write(
                    f"Reset {username}: the old password and every earlier link no longer work."
                )
        else:
            try:
                user = create_editor(username=username, email=email, viewer=viewer)
            except AccountExists as exc:
                hint = RESET_HINT if needs_reset(exc.account) else "For a new link, add --new-link."
                raise CommandError(f"{exc} {hint}") from exc
            role = VIEWERS if viewer else EDITORS
            self.stdout.write(f"Created {username} ({email}) in {role}.")
            link = password_set_link(user, base_url=base)
        self.stdout.write(f"Link for {base} ({why}).")
        self.stdout.write(
            "Send them this link to set a password (it works once, for "
            f"{settings.PASSWORD_RESET_TIMEOUT // 86400} days):"
        )
        self.stdout.write(link)
