"""URLs of the directors' dashboard."""
from django.urls import path

from reports.views import cases, dashboard

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("<str:code>/", dashboard.dashboard, name="unit"),
    path("<str:code>/cases/", cases.case_list, name="cases"),
]
