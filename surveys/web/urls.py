from django.urls import path

from surveys.web import compare, embeds, record_views, views
from surveys.web.feeds import CorrectionsFeed

app_name = "surveys"

urlpatterns = [
    path("", views.overview, name="overview"),
    path("charts/concern-by-system-type.csv", views.concern_chart_csv, name="concern_chart_csv"),
    path("charts/figures-by-round.csv", views.trend_chart_csv, name="trend_chart_csv"),
    path("embed/<slug:chart>/", embeds.embed, name="embed"),
    path("forces/", views.bodies, name="bodies"),
    path("forces/<slug:slug>/", views.body, name="body"),
    path("compare/", compare.compare, name="compare"),
    path("systems/", views.system_types, name="system_types"),
    path("systems/<slug:slug>/", views.system_type, name="system_type"),
    path(
        "systems/<slug:slug>/figures.csv", views.system_type_chart_csv, name="system_type_chart_csv"
    ),
    path("vendors/", views.vendors, name="vendors"),
    path("vendors/<slug:slug>/", views.vendor, name="vendor"),
    path("findings/", record_views.findings, name="findings"),
    path("corrections/", record_views.corrections, name="corrections"),
    path("corrections/feed/", CorrectionsFeed(), name="corrections_feed"),
    path("corrections/<int:pk>/", record_views.correction, name="correction"),
    path("about/", record_views.about, name="about"),
    path("data/", views.data, name="data"),
    path("data/obscc-data.zip", views.data_zip, name="data_zip"),
    path("data/obscc-data.json", views.data_json, name="data_json"),
    path("data/data-dictionary.csv", views.data_dictionary_csv, name="data_dictionary_csv"),
    path("data/tables/<slug:table>.csv", views.data_table_csv, name="data_table_csv"),
    path("data/answers.csv", views.answers_csv, name="answers_csv"),
]
