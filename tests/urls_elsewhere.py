"""The site's URLs under /elsewhere/, for tests/test_page_url.py."""

from django.urls import include, path

urlpatterns = [path("elsewhere/", include("surveys.web.urls"))]
