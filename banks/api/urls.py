from django.urls import path
from drf_spectacular.views import SpectacularAPIView, SpectacularSwaggerView

from banks.api.dialogues import (
    BankCommitmentDoneView,
    BankCommitmentListView,
    BankDialogueDetailView,
    BankDialogueListView,
)
from banks.api.export import BankCaseCsvExportView, BankCaseNdjsonExportView
from banks.api.views import BankCaseDetailView, BankCaseListView, BankChangeFeedView, BankMeView
from banks.api.webhooks import (
    BankWebhookDeliveryListView,
    BankWebhookDetailView,
    BankWebhookListView,
    BankWebhookResumeView,
    BankWebhookRotateSecretView,
)

urlpatterns = [
    path("cases/", BankCaseListView.as_view(), name="api-cases"),
    # path: a case number may contain "/" (sent as is or as %2F; docs/api.md)
    path("cases/<path:case_no>/", BankCaseDetailView.as_view(), name="api-case"),
    path("changes/", BankChangeFeedView.as_view(), name="api-changes"),
    path("dialogues/", BankDialogueListView.as_view(), name="api-dialogues"),
    path("dialogues/<int:id>/", BankDialogueDetailView.as_view(), name="api-dialogue"),
    path("commitments/", BankCommitmentListView.as_view(), name="api-commitments"),
    path("commitments/<int:id>/done/", BankCommitmentDoneView.as_view(), name="api-commitment-done"),
    path("export/cases.ndjson", BankCaseNdjsonExportView.as_view(), name="api-export-ndjson"),
    path("export/cases.csv", BankCaseCsvExportView.as_view(), name="api-export-csv"),
    path("me/", BankMeView.as_view(), name="api-me"),
    path("webhooks/", BankWebhookListView.as_view(), name="api-webhooks"),
    path("webhooks/<int:id>/", BankWebhookDetailView.as_view(), name="api-webhook"),
    path("webhooks/<int:id>/rotate-secret/", BankWebhookRotateSecretView.as_view(), name="api-webhook-rotate"),
    path("webhooks/<int:id>/resume/", BankWebhookResumeView.as_view(), name="api-webhook-resume"),
    path("webhooks/<int:id>/deliveries/", BankWebhookDeliveryListView.as_view(), name="api-webhook-deliveries"),
    path("schema/", SpectacularAPIView.as_view(), name="api-schema"),
    path("docs/", SpectacularSwaggerView.as_view(url_name="api-schema"), name="api-docs"),
]
