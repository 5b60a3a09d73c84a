from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from banks.api.views import BankCaseDetailView, BankCaseListView, BankChangeFeedView

urlpatterns = [
    path("cases/", BankCaseListView.as_view(), name="api-cases"),
    path("cases/<str:case_no>/", BankCaseDetailView.as_view(), name="api-case"),
    path("changes/", BankChangeFeedView.as_view(), name="api-changes"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
