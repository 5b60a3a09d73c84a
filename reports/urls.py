"""URLs of the directors' dashboard."""
from django.urls import path

from reports.views import cases, dashboard, forms, trend

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("<str:code>/", dashboard.dashboard, name="unit"),
    path("<str:code>/cases/", cases.case_list, name="cases"),
    path("<str:code>/trend/", trend.trend, name="trend"),
    path("<str:code>/forms/", forms.forms_page, name="forms"),
    path("<str:code>/forms/<int:job_id>/download/", forms.forms_download, name="forms_download"),
]
