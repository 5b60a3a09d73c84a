"""The bank API's webhooks (docs/api.md «Webhooks»), scope webhooks:manage: register, read, change and delete
the bank's endpoints, rotate an endpoint's secret, resume a paused one, read its delivery log.

Scoping is banks.webhooks.selectors' (another bank's endpoint is answered like one that does not exist: 404);
every write goes through banks.webhooks.services."""
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema, extend_schema_field
from rest_framework import exceptions, generics, serializers
from rest_framework.parsers import JSONParser
from rest_framework.response import Response

from banks.api.serializers import CHANGE_KINDS, ApiErrorSerializer
from banks.api.views import ERRORS, IF_NONE_MATCH, NOT_MODIFIED, PAGE_SIZE, BankApiView
from banks.models import ApiScope, WebhookDelivery, WebhookEndpoint
from banks.webhooks import services
from banks.webhooks.selectors import webhook_deliveries, webhook_of_bank, webhooks_of_bank
from thads.api.exceptions import ApiError
from thads.api.fields import (
    StrictBodySerializer,
    StrictBooleanField,
    StrictCharField,
    StrictEmailField,
    StrictIntegerField,
)
from thads.api.pagination import FEED_POSITION_PATTERN, MAX_ID, NewestFirstCursorPagination, feed_position
from thads.core.errors import DomainError

WEBHOOK_STATUSES = [("active", "Delivering"), ("failing", "Retrying a failed entry"),
                    ("paused", "Paused after failing for the retry window; resume it"),
                    ("disabled", "Turned off by the bank (enabled: false)")]
ID = OpenApiParameter("id", int, OpenApiParameter.PATH, description="The webhook endpoint's id.")


def _event_types_field(**kwargs):
    # the feed's own kinds (ChangeKindEnum in the schema); the service checks them against CaseChange.Kind
    return serializers.ListField(child=serializers.ChoiceField(choices=CHANGE_KINDS), **kwargs)


@extend_schema_field({"type": "string", "format": "uri", "pattern": "^https://", "maxLength": 2000})
class WebhookUrlField(StrictCharField):
    """An endpoint's URL: https:// (http:// only to a developer's own machine, where the server allows it)."""

    def __init__(self, **kwargs):
        super().__init__(max_length=2000, trim_whitespace=False, **kwargs)  # " https://…" is not a URI


# an e-mail address, or "" for none (a plain format: email would call "" invalid)
@extend_schema_field({"anyOf": [{"type": "string", "format": "email"}, {"type": "string", "maxLength": 0}]})
class ContactEmailField(StrictEmailField):
    def __init__(self, **kwargs):
        super().__init__(required=False, allow_blank=True, trim_whitespace=False, **kwargs)


@extend_schema_field({"type": "string", "pattern": FEED_POSITION_PATTERN})
class FeedPositionField(StrictCharField):
    """A feed cursor as next_after gives it: a whole number of at most 18 digits."""

    def __init__(self, **kwargs):
        super().__init__(trim_whitespace=False, **kwargs)

    def to_internal_value(self, data):
        number = feed_position(super().to_internal_value(data))
        if number is None:
            raise serializers.ValidationError(_("A feed cursor (a whole number, as in next_after)."))
        return number


# ---- serializers ---------------------------------------------------------------------------------------------

class BankWebhookSerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Stable id of the endpoint.")
    url = serializers.CharField(help_text="Where the entries are POSTed.")
    description = serializers.CharField(allow_blank=True, help_text="Your note on the endpoint; may be empty.")
    event_types = _event_types_field(help_text="The kinds of feed entry sent to it.")
    contact_email = serializers.CharField(allow_blank=True, help_text="Told by e-mail when the endpoint is paused; "
                                                                      "may be empty.")
    enabled = serializers.BooleanField(help_text="false: turned off by you, nothing is sent.")
    status = serializers.ChoiceField(choices=WEBHOOK_STATUSES, help_text="Where delivery stands.")
    paused_at = serializers.DateTimeField(allow_null=True, help_text="When it was paused; null unless paused.")
    paused_reason = serializers.CharField(allow_blank=True, help_text="Why it was paused; empty unless paused.")
    last_delivered = serializers.SerializerMethodField()
    failing_since = serializers.DateTimeField(allow_null=True, help_text="When the pending entry first failed; "
                                                                         "null while deliveries succeed.")
    failed_attempts = serializers.IntegerField(help_text="Failed attempts of the pending entry so far.")
    next_attempt_at = serializers.DateTimeField(allow_null=True, help_text="When the pending entry is tried again; "
                                                                           "null unless retrying.")
    previous_secret_expires_at = serializers.DateTimeField(
        allow_null=True, help_text="Until when the rotated-out secret still signs (a second v1); null: none.")
    created_at = serializers.DateTimeField(help_text="When the endpoint was registered.")

    def get_last_delivered(self, endpoint) -> str:
        """The feed cursor of the last entry handled (delivered, or skipped as not one of event_types)."""
        return str(endpoint.last_delivered)


class BankWebhookWithSecretSerializer(BankWebhookSerializer):
    secret = serializers.CharField(help_text="The signing secret. Shown only in this answer: store it now.")


class BankWebhookCreateSerializer(StrictBodySerializer):
    url = WebhookUrlField(help_text="An https:// URL.")
    event_types = _event_types_field(required=False, allow_empty=False, min_length=1,
                                     help_text="The kinds of feed entry to send; default all.")
    description = StrictCharField(required=False, allow_blank=True, max_length=255,
                                  help_text="Your note on the endpoint.")
    contact_email = ContactEmailField(help_text="Who to tell by e-mail if the endpoint is paused; \"\": no one.")
    after = FeedPositionField(required=False,
                              help_text="The feed cursor (a next_after) to start after; default: the newest "
                                        "entry now, so only what happens from now on is sent.")


class BankWebhookUpdateSerializer(StrictBodySerializer):
    url = WebhookUrlField(required=False, help_text="An https:// URL.")
    event_types = _event_types_field(required=False, allow_empty=False, min_length=1,
                                     help_text="The kinds of feed entry to send.")
    description = StrictCharField(required=False, allow_blank=True, max_length=255,
                                  help_text="Your note on the endpoint.")
    contact_email = ContactEmailField(help_text="Who to tell by e-mail if the endpoint is paused; \"\": no one.")
    enabled = StrictBooleanField(required=False, help_text="false turns the endpoint off; true turns it on "
                                                           "again (and lifts a pause).")


class BankWebhookRotateSerializer(StrictBodySerializer):
    overlap_hours = StrictIntegerField(required=False, min_value=0, max_value=168,
                                       help_text="Hours the old secret keeps signing beside the new one "
                                                 "(0–168, default 24).")


class BankWebhookDeliverySerializer(serializers.Serializer):
    id = serializers.IntegerField(help_text="Id of this log row.")
    entry_id = serializers.CharField(help_text="The feed entry's id (X-THADS-Delivery-Id).")
    kind = serializers.ChoiceField(choices=CHANGE_KINDS, help_text="The entry's kind.")
    case_no = serializers.CharField(help_text="The case number (số hồ sơ).")
    attempt = serializers.IntegerField(help_text="1 for the first attempt at this entry, 2 for the first retry…")
    attempted_at = serializers.DateTimeField(help_text="When the POST was made.")
    status_code = serializers.IntegerField(allow_null=True, help_text="Your receiver's HTTP status; null when "
                                                                      "there was no answer.")
    latency_ms = serializers.IntegerField(help_text="Milliseconds until the answer (or the failure).")
    succeeded = serializers.BooleanField(help_text="Your receiver answered 2xx.")
    error = serializers.CharField(allow_blank=True, help_text="What went wrong; empty on success.")


# ---- views ---------------------------------------------------------------------------------------------------

def _refusal(error: DomainError) -> exceptions.APIException:
    if error.code == "too_many_webhooks":
        return ApiError(409, error.code, error.message)
    return ApiError(400, error.code if error.code != "invalid" else "invalid_request", error.message, error.field)


def _endpoint(request, webhook_id: int) -> WebhookEndpoint:
    endpoint = webhook_of_bank(request.user.bank, webhook_id) if 0 < webhook_id <= MAX_ID else None
    if endpoint is None:
        raise exceptions.NotFound(_("No such webhook endpoint."))
    return endpoint


def _body(serializer_class, request):
    body = serializer_class(data=request.data)  # no body: {}; a JSON null or a list: 400
    body.is_valid(raise_exception=True)
    return body.validated_data


NOT_FOUND = OpenApiResponse(ApiErrorSerializer, description="Not one of your bank's webhook endpoints.")
BAD_BODY = OpenApiResponse(ApiErrorSerializer, description="A bad body: an unknown field or event type, a URL that "
                           "is not https:// or points to a private address (invalid_url).")
NOT_JSON = OpenApiResponse(ApiErrorSerializer, description="The body is not JSON.")


class BankWebhookListView(BankApiView, generics.ListAPIView):
    required_scope = ApiScope.WEBHOOKS_MANAGE
    serializer_class = BankWebhookSerializer
    pagination_class = NewestFirstCursorPagination
    parser_classes = [JSONParser]

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookEndpoint.objects.none()
        return webhooks_of_bank(self.request.user.bank)

    @extend_schema(operation_id="webhooks_list", summary="Your bank's webhook endpoints",
                   responses={200: BankWebhookSerializer(many=True), 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer, description="The cursor or page_size is "
                                                   "invalid."), **ERRORS},
                   parameters=[PAGE_SIZE, IF_NONE_MATCH])
    def get(self, request, *args, **kwargs):
        """The endpoints your bank registered, newest first, with where delivery stands (never the secret)."""
        return super().get(request, *args, **kwargs)

    @extend_schema(operation_id="webhooks_create", summary="Register a webhook endpoint",
                   request=BankWebhookCreateSerializer,
                   responses={201: OpenApiResponse(BankWebhookWithSecretSerializer,
                                                   description="Registered; the secret is shown only now."),
                              400: BAD_BODY, 409: OpenApiResponse(ApiErrorSerializer, description="Your bank "
                                                                  "already has 10 endpoints."),
                              415: NOT_JSON, **ERRORS})
    def post(self, request):
        """Register an https:// endpoint: each feed entry of the chosen kinds, from the cursor `after` on (default:
        from now on), is POSTed to it, signed with the secret this answer gives (docs/api.md «Webhooks»)."""
        data = _body(BankWebhookCreateSerializer, request)
        try:
            endpoint, secret = services.webhook_create(
                bank=request.user.bank, url=data["url"], event_types=data.get("event_types"),
                description=data.get("description", ""), contact_email=data.get("contact_email", ""),
                after=data.get("after"), actor=request.user)
        except DomainError as error:
            raise _refusal(error) from None
        endpoint.secret = secret
        return Response(BankWebhookWithSecretSerializer(endpoint).data, status=201)


class BankWebhookDetailView(BankApiView):
    required_scope = ApiScope.WEBHOOKS_MANAGE
    parser_classes = [JSONParser]

    @extend_schema(operation_id="webhooks_retrieve", summary="One webhook endpoint", parameters=[ID, IF_NONE_MATCH],
                   responses={200: BankWebhookSerializer, 304: NOT_MODIFIED, 404: NOT_FOUND, **ERRORS})
    def get(self, request, id: int):  # noqa: A002 — the path parameter's name
        """One of your endpoints and where its delivery stands."""
        return Response(BankWebhookSerializer(_endpoint(request, id)).data)

    @extend_schema(operation_id="webhooks_update", summary="Change a webhook endpoint", parameters=[ID],
                   request=BankWebhookUpdateSerializer,
                   responses={200: BankWebhookSerializer, 400: BAD_BODY, 404: NOT_FOUND, 415: NOT_JSON, **ERRORS})
    def patch(self, request, id: int):  # noqa: A002
        """Change the fields given (the others stay). enabled: false stops sending; true starts again from
        where it stopped."""
        endpoint = _endpoint(request, id)
        data = _body(BankWebhookUpdateSerializer, request)
        try:
            endpoint = services.webhook_update(endpoint=endpoint, actor=request.user, **data)
        except DomainError as error:
            raise _refusal(error) from None
        return Response(BankWebhookSerializer(endpoint).data)

    @extend_schema(operation_id="webhooks_destroy", summary="Delete a webhook endpoint", parameters=[ID],
                   responses={204: OpenApiResponse(description="Deleted, with its delivery log."), 404: NOT_FOUND,
                              **ERRORS})
    def delete(self, request, id: int):  # noqa: A002
        """Delete the endpoint and its delivery log; nothing more is sent to it."""
        services.webhook_delete(endpoint=_endpoint(request, id), actor=request.user)
        return Response(status=204)


class BankWebhookRotateSecretView(BankApiView):
    required_scope = ApiScope.WEBHOOKS_MANAGE
    parser_classes = [JSONParser]

    @extend_schema(operation_id="webhooks_rotate_secret", summary="Rotate a webhook endpoint's secret",
                   parameters=[ID], request=BankWebhookRotateSerializer,
                   responses={200: OpenApiResponse(BankWebhookWithSecretSerializer,
                                                   description="The new secret, shown only now."),
                              400: BAD_BODY, 404: NOT_FOUND, 415: NOT_JSON, **ERRORS})
    def post(self, request, id: int):  # noqa: A002
        """A new secret. Until previous_secret_expires_at every delivery carries two v1 signatures, by the new
        and the old secret, so your receivers can switch over without losing a delivery."""
        endpoint = _endpoint(request, id)
        data = _body(BankWebhookRotateSerializer, request)
        try:
            endpoint, secret = services.webhook_rotate_secret(endpoint=endpoint,
                                                              overlap_hours=data.get("overlap_hours"),
                                                              actor=request.user)
        except DomainError as error:
            raise _refusal(error) from None
        endpoint.secret = secret
        return Response(BankWebhookWithSecretSerializer(endpoint).data)


class BankWebhookResumeView(BankApiView):
    required_scope = ApiScope.WEBHOOKS_MANAGE

    @extend_schema(operation_id="webhooks_resume", summary="Resume a paused webhook endpoint", parameters=[ID],
                   request=None, responses={200: BankWebhookSerializer, 404: NOT_FOUND, **ERRORS})
    def post(self, request, id: int):  # noqa: A002
        """Deliver again from the entry that failed (nothing was skipped), with a new 24-hour retry window."""
        endpoint = services.webhook_resume(endpoint=_endpoint(request, id), actor=request.user)
        return Response(BankWebhookSerializer(endpoint).data)


class BankWebhookDeliveryListView(BankApiView, generics.ListAPIView):
    required_scope = ApiScope.WEBHOOKS_MANAGE
    serializer_class = BankWebhookDeliverySerializer
    pagination_class = NewestFirstCursorPagination

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):
            return WebhookDelivery.objects.none()
        return webhook_deliveries(_endpoint(self.request, self.kwargs["id"]))

    @extend_schema(operation_id="webhooks_deliveries_list", summary="A webhook endpoint's delivery log",
                   responses={200: BankWebhookDeliverySerializer(many=True), 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer, description="The cursor or page_size is "
                                                   "invalid."), 404: NOT_FOUND, **ERRORS},
                   parameters=[ID, PAGE_SIZE, IF_NONE_MATCH])
    def get(self, request, *args, **kwargs):
        """Every attempt to deliver an entry to this endpoint, newest first: the entry, the attempt's number,
        your receiver's HTTP status, the latency and the error."""
        return super().get(request, *args, **kwargs)
