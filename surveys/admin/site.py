"""The admin site: only members of Editors or Viewers (and superusers) may enter.

Membership of the group is enough: "Staff status" is not needed as well. A new account sets
its password through the one-time link that ``manage.py add_editor`` prints.
"""

from django.contrib import admin
from django.contrib.admin.forms import AdminAuthenticationForm
from django.contrib.admin.views.autocomplete import AutocompleteJsonView
from django.contrib.auth import views as auth_views
from django.core.exceptions import ValidationError
from django.template.response import TemplateResponse
from django.urls import path, reverse_lazy
from django.views.decorators.http import require_safe

from surveys import stats
from surveys.editorial.roles import has_role

NO_ROLE = (
    "This account has no editor or viewer role; ask an administrator to add it with add_editor."
)


class RoleAuthenticationForm(AdminAuthenticationForm):
    """Lets in any account with a role. Only called once the password is right, so the
    "no role" message never tells a stranger whether an account exists."""

    error_messages = {
        **AdminAuthenticationForm.error_messages,
        "invalid_login": "Please enter the correct username and password. Note that both fields "
        "may be case-sensitive.",
        "no_role": NO_ROLE,
    }

    def confirm_login_allowed(self, user):
        if not user.is_active:
            raise ValidationError(self.error_messages["inactive"], code="inactive")
        if not has_role(user):
            raise ValidationError(self.error_messages["no_role"], code="no_role")


class LabelledAutocompleteJsonView(AutocompleteJsonView):
    """Names each result as the model's admin labels it (``autocomplete_label``), else str()."""

    def serialize_result(self, obj, to_field_name):
        label = getattr(self.model_admin, "autocomplete_label", str)
        return {"id": str(getattr(obj, to_field_name)), "text": label(obj)}


class ObsccAdminSite(admin.AdminSite):
    site_header = "OBSCC survey data: editors"
    site_title = "OBSCC survey data"
    index_title = "Survey data"
    login_form = RoleAuthenticationForm

    def has_permission(self, request) -> bool:
        return request.user.is_authenticated and has_role(request.user)

    def get_urls(self):
        urls = [
            path(
                "password-set/<uidb64>/<token>/",
                self.password_set_view,
                name="password_set",
            ),
            path(
                "password-set/done/",
                self.password_set_done_view,
                name="password_set_done",
            ),
            path(
                "reconciliation/",
                self.admin_view(require_safe(self.reconciliation_view)),
                name="reconciliation",
            ),
        ]
        return urls + super().get_urls()

    def autocomplete_view(self, request):
        return LabelledAutocompleteJsonView.as_view(admin_site=self)(request)

    def password_set_view(self, request, uidb64, token):
        """The one-time link from add_editor: Django's password reset, under the admin."""
        view = auth_views.PasswordResetConfirmView.as_view(
            template_name="admin/password_set.html",
            success_url=reverse_lazy("admin:password_set_done"),
            extra_context={**self.each_context(request), "title": "Set your password"},
        )
        return view(request, uidb64=uidb64, token=token)

    def password_set_done_view(self, request):
        view = auth_views.PasswordResetCompleteView.as_view(
            template_name="admin/password_set_done.html",
            extra_context={**self.each_context(request), "title": "Password set"},
        )
        return view(request)

    def reconciliation_view(self, request):
        """Published figures whose status asks an editor to look: they differ from the per-body
        data, their arithmetic fails, or the per-body data is incomplete."""
        views = stats.finding_views(
            stats.findings_for_display().order_by("survey_round__year", "publication__published_on")
        )
        context = {
            **self.each_context(request),
            "title": "Reconciliation: published figures to check",
            # The public statuses and labels, one section each: one vocabulary everywhere.
            "sections": [
                (
                    stats.Agreement.LABELS[status],
                    stats.Agreement.MEANINGS[status],
                    [v for v in views if v.status == status],
                )
                for status in stats.Agreement.TO_CHECK
            ],
            "checked": len(views),
        }
        return TemplateResponse(request, "admin/surveys/reconciliation.html", context)
