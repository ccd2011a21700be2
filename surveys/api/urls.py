from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from surveys.api import statistics, views

# The default enum hook, then the error responses every operation can give (see api/schema.py).
SCHEMA_HOOKS = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "surveys.api.schema.document_errors",
]

router = DefaultRouter()
router.register("bodies", views.BodyViewSet)
router.register("rounds", views.RoundViewSet)
router.register("publications", views.PublicationViewSet)
router.register("system-types", views.SystemTypeViewSet)
router.register("vendors", views.VendorViewSet)
router.register("returns", views.ReturnViewSet)
router.register("answers", views.AnswerViewSet)
router.register("findings", views.FindingViewSet)
router.register("corrections", views.CorrectionViewSet)
router.register("evidence", views.EvidenceViewSet)
router.register("commissioner-terms", views.CommissionerTermViewSet)

urlpatterns = [
    path("v1/statistics/rounds/", statistics.RoundStatisticsView.as_view(), name="api-round-stats"),
    path(
        "v1/statistics/system-types/",
        statistics.SystemTypeStatisticsView.as_view(),
        name="api-system-type-stats",
    ),
    path("v1/", include(router.urls)),
    path(
        "schema/",
        SpectacularAPIView.as_view(custom_settings={"POSTPROCESSING_HOOKS": SCHEMA_HOOKS}),
        name="api-schema",
    ),
    path("docs/", SpectacularSwaggerSplitView.as_view(url_name="api-schema"), name="api-docs"),
]
