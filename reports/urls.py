"""URLs of the directors' dashboard."""
from django.urls import path

from reports.views import cases, dashboard, forecast, forms, jobs, seized, trend

app_name = "reports"

urlpatterns = [
    path("", dashboard.dashboard, name="dashboard"),
    path("<str:code>/", dashboard.dashboard, name="unit"),
    path("<str:code>/cases/", cases.case_list, name="cases"),
    path("<str:code>/trend/", trend.trend, name="trend"),
    path("<str:code>/seized/", seized.seized_list, name="seized"),
    path("<str:code>/forecast/", forecast.forecast, name="forecast"),
    path("<str:code>/refresh/", jobs.refresh, name="refresh"),
    path("<str:code>/jobs/<int:job_id>/", jobs.job, name="job"),
    path("<str:code>/forms/", forms.forms_page, name="forms"),
    path("<str:code>/forms/<int:job_id>/download/", forms.forms_download, name="forms_download"),
]
