from django.contrib.admin.apps import AdminConfig


class ObsccAdminConfig(AdminConfig):
    default_site = "surveys.admin_site.ObsccAdminSite"
