from django.urls import path

from surveys.returns import offline, views

app_name = "returns"

# Every route names its token ``token``: obscc.logs shows these routes' pattern, never the path.
urlpatterns = [
    path("<str:token>/", views.start, name="start"),
    path("<str:token>/form/", views.form, name="form"),
    path("<str:token>/review/", views.review, name="review"),
    path("<str:token>/receipt/", views.receipt, name="receipt"),
    path("<str:token>/receipt.csv", views.receipt_csv, name="receipt_csv"),
    path("<str:token>/questionnaire.xlsx", offline.questionnaire_xlsx, name="questionnaire"),
    path("<str:token>/upload/", offline.upload, name="upload"),
]
