"""The two admin roles (created after every migrate and by load_obscc) and their accounts.

No account exists by default; ``manage.py add_editor`` makes one.
"""

from __future__ import annotations

from django.apps import apps as global_apps
from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.models import Group, Permission
from django.contrib.auth.tokens import default_token_generator
from django.db import transaction
from django.urls import reverse
from django.utils.encoding import force_bytes
from django.utils.http import urlsafe_base64_encode

EDITORS = "Editors"
VIEWERS = "Viewers"
ADMIN_GROUPS = (EDITORS, VIEWERS)


def ensure_roles(apps=global_apps, **kwargs) -> None:
    """Editors change data, enter corrections and import; Viewers only read. Never delete."""
    surveys = global_apps.get_app_config("surveys")
    models = [m._meta.model_name for m in surveys.get_models()]
    permissions = Permission.objects.filter(content_type__app_label="surveys")
    view = permissions.filter(codename__in=[f"view_{m}" for m in models])
    change = permissions.filter(
        codename__in=[f"{action}_{m}" for m in models for action in ("add", "change")]
    )
    editors, _ = Group.objects.get_or_create(name=EDITORS)
    editors.permissions.set(
        list(view) + list(change) + list(permissions.filter(codename="import_answers"))
    )
    viewers, _ = Group.objects.get_or_create(name=VIEWERS)
    viewers.permissions.set(view)


def has_role(user) -> bool:
    """May enter the admin: an active superuser or member of Editors or Viewers.

    The group is the role: nobody has to tick "Staff status" as well."""
    if not user.is_active:
        return False
    return user.is_superuser or user.groups.filter(name__in=ADMIN_GROUPS).exists()


class AccountExists(ValueError):
    def __init__(self, account):
        self.account = account
        super().__init__(f"An account named {account.username!r} already exists; nothing changed.")


def create_editor(*, username: str, email: str, viewer: bool = False):
    """A new staff account in Editors (or Viewers) with no usable password yet.

    Refuses a username that is taken: an existing account is never changed by this."""
    User = get_user_model()
    taken = User.objects.filter(username__iexact=username).first()
    if taken is not None:
        raise AccountExists(taken)
    with transaction.atomic():
        user = User(username=username, email=email, is_staff=True)
        user.set_unusable_password()
        user.save()
        user.groups.add(Group.objects.get(name=VIEWERS if viewer else EDITORS))
    return user


def password_set_link(user, *, base_url: str) -> str:
    """A link that sets the account's password once: the token is Django's password-reset
    token, which is bound to the password hash and so stops working once a password is set
    (or after PASSWORD_RESET_TIMEOUT)."""
    path = reverse(
        "admin:password_set",
        kwargs={
            "uidb64": urlsafe_base64_encode(force_bytes(user.pk)),
            "token": default_token_generator.make_token(user),
        },
    )
    return base_url.rstrip("/") + path


def needs_reset(user) -> str | None:
    """Why a link for this account must be asked for as a reset, or None.

    A link sets a password without knowing the old one, so for an account that has a password
    (or a superuser, with every power) it must be a deliberate reset, never a slip."""
    if user.is_superuser:
        return f"{user.username!r} is a superuser"
    if user.has_usable_password():
        return f"{user.username!r} already has a password"
    return None


def new_password_link(user, *, base_url: str, reset: bool = False) -> str:
    """A new one-time link for an existing account, and every earlier link stops working.

    The account gets a new unusable password (a fresh random hash); the token is bound to the
    hash, so earlier links no longer match (and a reset password, and its sessions, end).
    Without ``reset``, refuses an account for which ``needs_reset`` gives a reason."""
    reason = needs_reset(user)
    if reason and not reset:
        raise ValueError(f"{reason}; nothing changed.")
    user.set_unusable_password()
    user.save(update_fields=["password"])
    return password_set_link(user, base_url=base_url)


def link_base(*, base_url: str | None, port: int) -> tuple[str, str]:
    """Where the link points, and why: ``base_url`` when given, else ``SITE_URL`` when set,
    else where ``make run`` serves on this ``port``."""
    if base_url:
        return base_url.rstrip("/"), "--base-url"
    if settings.SITE_URL:
        return settings.SITE_URL.rstrip("/"), "SITE_URL"
    return (
        f"http://127.0.0.1:{port}",
        f"PORT {port}, where make run serves; set SITE_URL for the public address",
    )
