"""The admin site: only members of Editors or Viewers (and superusers) may enter."""

from django.contrib import admin
from django.template.response import TemplateResponse
from django.urls import path
from django.views.decorators.http import require_safe

from surveys import stats
from surveys.roles import ADMIN_GROUPS


class ObsccAdminSite(admin.AdminSite):
    site_header = "OBSCC survey data: editors"
    site_title = "OBSCC survey data"
    index_title = "Survey data"

    def has_permission(self, request) -> bool:
        user = request.user
        if not (user.is_active and user.is_staff):
            return False
        return user.is_superuser or user.groups.filter(name__in=ADMIN_GROUPS).exists()

    def get_urls(self):
        urls = [
            path(
                "reconciliation/",
                self.admin_view(require_safe(self.reconciliation_view)),
                name="reconciliation",
            ),
        ]
        return urls + super().get_urls()

    def reconciliation_view(self, request):
        """Published figures that differ from the per-body data or whose arithmetic fails."""
        from surveys.selectors import findings_for_display

        views = stats.finding_views(
            findings_for_display().order_by("survey_round__year", "publication__published_on")
        )
        context = {
            **self.each_context(request),
            "title": "Reconciliation: published figures to check",
            "differs": [v for v in views if v.status == stats.Agreement.DISAGREES],
            "arithmetic": [v for v in views if v.arithmetic_ok is False],
            "partial": [v for v in views if v.status == stats.Agreement.PARTIAL],
            "checked": len(views),
        }
        return TemplateResponse(request, "admin/surveys/reconciliation.html", context)
