from django.apps import AppConfig
from django.db.models.signals import post_migrate


class SurveysConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "surveys"
    verbose_name = "Police surveillance camera surveys"

    def ready(self) -> None:
        from surveys.caching import connect_signals
        from surveys.editorial.roles import ensure_roles
        from surveys.stats import summaries

        connect_signals()
        summaries.connect_signals()
        post_migrate.connect(ensure_roles, sender=self, dispatch_uid="surveys-roles")
