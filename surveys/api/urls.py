from django.urls import include, path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerSplitView
from rest_framework.routers import DefaultRouter

from surveys.api import views as api

# The default enum hook, then the error responses every operation can give (see api/views.py).
SCHEMA_HOOKS = [
    "drf_spectacular.hooks.postprocess_schema_enums",
    "surveys.api.views.document_errors",
]

router = DefaultRouter()
router.register("bodies", api.BodyViewSet)
router.register("rounds", api.RoundViewSet)
router.register("publications", api.PublicationViewSet)
router.register("system-types", api.SystemTypeViewSet)
router.register("vendors", api.VendorViewSet)
router.register("returns", api.ReturnViewSet)
router.register("answers", api.AnswerViewSet)
router.register("findings", api.FindingViewSet)
router.register("corrections", api.CorrectionViewSet)
router.register("evidence", api.EvidenceViewSet)
router.register("commissioner-terms", api.CommissionerTermViewSet)

urlpatterns = [
    path("v1/statistics/rounds/", api.RoundStatisticsView.as_view(), name="api-round-stats"),
    path(
        "v1/statistics/system-types/",
        api.SystemTypeStatisticsView.as_view(),
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
