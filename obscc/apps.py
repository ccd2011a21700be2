from importlib import import_module

from django.contrib.admin.apps import AdminConfig

# surveys/admin/ holds the site and one module per desk. The desks register after the site
# exists: registering while the site's own module is being imported would register them on a
# site that is then replaced.
DESKS = (
    "collection",
    "collection_review",
    "collection_tracker",
    "corrections",
    "key_findings",
    "records",
    "reference",
    "change_drafts",
)


class ObsccAdminConfig(AdminConfig):
    default_site = "surveys.admin.site.ObsccAdminSite"

    def ready(self):
        super().ready()
        for desk in DESKS:
            import_module(f"surveys.admin.{desk}")
