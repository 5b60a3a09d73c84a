"""URLs of the officers' pages."""
from django.urls import path

from cases.views import case as case_views
from cases.views import steps, work

app_name = "cases"

urlpatterns = [
    path("work/", work.work, name="work"),
    path("cases/new/", steps.case_new, name="case_new"),
    path("cases/<int:pk>/", case_views.case_detail, name="case"),
    path("cases/<int:pk>/verify/", steps.verify, name="verify"),
    path("cases/<int:pk>/record/<slug:kind>/", steps.record_event, name="record"),
    path("cases/<int:pk>/payout/", steps.payout, name="payout"),
    path("cases/<int:pk>/cancel/", steps.cancel_latest, name="cancel_latest"),
    path("cases/<int:pk>/parties/add/", steps.party_add_view, name="party_add"),
    path("cases/<int:pk>/parties/<int:party_pk>/correct/", steps.party_correct_view, name="party_correct"),
    path("cases/<int:pk>/assets/<slug:step>/", steps.asset_step, name="asset_step"),
]

from cases.views import review, search  # noqa: E402

urlpatterns += [
    path("search/", search.search, name="search"),
    path("review/", review.review, name="review"),
    path("review/cases/", review.review_list, name="review_list"),
]
