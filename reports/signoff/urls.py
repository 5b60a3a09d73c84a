"""URLs of the sign-off page (mounted at /sign-off/)."""
from django.urls import path

from reports.signoff import views

app_name = "signoff"

urlpatterns = [
    path("", views.report_list, name="list"),
    path("<int:pk>/", views.report_page, name="report"),
]
