from django.contrib import admin
from django.urls import include, path

from obscc.views import healthz

urlpatterns = [
    path("healthz", healthz, name="healthz"),
    path("admin/", admin.site.urls),
    path("api/", include("surveys.api.urls")),
    path("returns/", include("surveys.returns.urls")),
    path("", include("surveys.web.urls")),
]

handler404 = "obscc.views.page_not_found"
handler500 = "obscc.views.server_error"
