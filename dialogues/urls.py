"""URLs of the dialogue pages (mounted at /dialogues/)."""
from django.urls import path

from dialogues import views

app_name = "dialogues"

urlpatterns = [
    path("", views.session_list, name="list"),
    path("plan/", views.session_plan, name="plan"),
    path("effect/", views.effect, name="effect"),
    path("<int:pk>/", views.session_detail, name="session"),
    path("<int:pk>/minutes/", views.minutes, name="minutes"),
    path("<int:pk>/export.xlsx", views.export, name="export"),
    path("<int:pk>/agenda/accept/", views.agenda_accept_view, name="agenda_accept"),
    path("<int:pk>/agenda/add/", views.agenda_add_view, name="agenda_add"),
    path("<int:pk>/agenda/<int:item_pk>/", views.agenda_item_view, name="agenda_item"),
    path("<int:pk>/agenda/<int:item_pk>/remove/", views.agenda_remove_view, name="agenda_remove"),
    path("<int:pk>/<slug:action>/", views.session_status_view, name="status"),
    path("<int:pk>/commitments/new/", views.commitment_new, name="commitment_new"),
    path("commitments/<int:commitment_pk>/<slug:action>/", views.commitment_follow_up, name="follow_up"),
]
