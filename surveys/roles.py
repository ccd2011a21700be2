"""The two admin roles. Created after every migrate (and by load_obscc); no accounts are made."""

from __future__ import annotations

from django.apps import apps as global_apps
from django.contrib.auth.models import Group, Permission

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
