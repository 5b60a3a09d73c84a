"""The bank API (/api/v1/). One view per operation; every read goes through banks.selectors with the caller's
bank, so another bank's case is indistinguishable from one that does not exist.

Common to every view (BankApiView): a bearer key (thads.api.authentication), the scope the view needs, the
per-key rate limits with their X-RateLimit-* headers (thads.api.throttles), and an ETag on every 200 GET, with
If-None-Match answered 304 per RFC 9110 (weak comparison, ``*``)."""
import hashlib

from django.utils import timezone
from django.utils.http import parse_etags
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import exceptions, generics
from rest_framework.response import Response
from rest_framework.views import APIView

from banks.api.serializers import (
    ApiErrorSerializer,
    BankCaseDetailSerializer,
    BankCaseSerializer,
    BankChangeFeedSerializer,
    BankChangeSerializer,
    BankMeSerializer,
    bank_case_data,
)
from banks.filters import BankCaseFilter
from banks.models import ApiScope
from banks.selectors import bank_case_get, bank_case_rows, bank_case_seizures, bank_changes
from banks.webhooks.selectors import notices_of_bank
from cases.models import Case
from cases.selectors import case_deadlines, working_calendar
from thads.api.authentication import BankKeyAuthentication, BankPrincipal, HasScope, IsBank
from thads.api.exceptions import InvalidCursor, InvalidParameter
from thads.api.pagination import (
    DEFAULT_PAGE_SIZE,
    FEED_POSITION_PATTERN,
    MAX_PAGE_SIZE,
    NewestFirstCursorPagination,
    feed_position,
    whole_number,
)
from thads.api.throttles import KeyRateLimit

ERRORS = {401: OpenApiResponse(ApiErrorSerializer, description="No key, a bad, revoked or expired key."),
          403: OpenApiResponse(ApiErrorSerializer, description="The key lacks the scope this endpoint needs."),
          429: OpenApiResponse(ApiErrorSerializer, description="Too many requests; see Retry-After.")}
IF_NONE_MATCH = OpenApiParameter(
    "If-None-Match", str, OpenApiParameter.HEADER, required=False,
    description="ETags of representations you hold (weak W/\"…\" forms match too), or *: 304 if one matches.")
NOT_MODIFIED = OpenApiResponse(description="Not modified: the representation matches If-None-Match.")
# the bounds the server enforces (thads.api.pagination), in the schema: a value inside them is served, one outside
# is 400 naming the parameter (schemathesis checks both ways)
DEFAULT_FEED_LIMIT, MAX_FEED_LIMIT = 100, 500
PAGE_SIZE = OpenApiParameter("page_size", {"type": "integer", "minimum": 1, "maximum": MAX_PAGE_SIZE},
                             description=f"1–{MAX_PAGE_SIZE}, default {DEFAULT_PAGE_SIZE}; anything else is 400 "
                                         "naming page_size.")


def content_etag(content: bytes) -> str:
    """A strong validator of a rendered body: the same bytes, the same tag (a hash of what is sent, so the JSON is
    encoded once, by the renderer)."""
    return f'"{hashlib.sha256(content).hexdigest()[:32]}"'


def if_none_match_matches(header: str | None, etag: str) -> bool:
    """RFC 9110 §13.1.2: ``*`` matches any current representation; otherwise the weak comparison (W/ ignored)."""
    if not header:
        return False
    tags = parse_etags(header)
    if tags == ["*"]:
        return True
    return etag.removeprefix("W/") in {tag.removeprefix("W/") for tag in tags}


class BankApiView(APIView):
    authentication_classes = [BankKeyAuthentication]
    permission_classes = [IsBank, HasScope]
    throttle_classes = []  # check_throttles: thads.api.throttles.KeyRateLimit
    required_scope: str | None = None

    def perform_authentication(self, request):
        super().perform_authentication(request)
        if isinstance(request.user, BankPrincipal):
            request._request.api_principal = request.user  # for the log line (thads.api.middleware)

    def check_throttles(self, request):
        limit = KeyRateLimit(request.user.key.pk)
        request.rate_limit = limit
        limit.take()

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        if (isinstance(response, Response) and request.method in ("GET", "HEAD") and response.status_code == 200
                and response.data is not None):
            response.render()  # now rather than on the way out: the tag is the hash of the body
            etag = content_etag(response.content)
            if if_none_match_matches(request.headers.get("If-None-Match"), etag):
                response = super().finalize_response(request, Response(status=304), *args, **kwargs)
            response["ETag"] = etag
            response["Cache-Control"] = "private, no-cache"
        principal = getattr(request, "_user", None)
        if isinstance(principal, BankPrincipal):
            limit = getattr(request, "rate_limit", None)
            if limit is None:  # refused before the limits were checked (a missing scope)
                limit = KeyRateLimit(principal.key.pk)
                limit.peek()
            if response.status_code == 304:
                limit.give_back()
            for name, value in limit.headers().items():
                response[name] = value
        return response


class BankCaseListView(BankApiView, generics.ListAPIView):
    """The bank's cases, whatever their status, newest recorded first."""

    required_scope = ApiScope.CASES_READ
    serializer_class = BankCaseSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_class = BankCaseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller, no bank
            return Case.objects.none()
        return bank_case_rows(self.request.user.bank)  # the columns the page shows, as dicts

    def filter_queryset(self, queryset):
        # No filter given a value (each absent or empty, which the filters treat alike): the FilterSet would filter
        # nothing, so its form is not built. A value, even a wrong one, goes through it (400 naming the filter).
        # QueryDict.get is the last value, as the form reads it.
        if not any(self.request.query_params.get(name) for name in BankCaseFilter.base_filters):
            return queryset
        return super().filter_queryset(queryset)

    def list(self, request, *args, **kwargs):
        page = self.paginate_queryset(self.filter_queryset(self.get_queryset()))
        zone = timezone.get_current_timezone()
        return self.get_paginated_response([bank_case_data(row, zone) for row in page])

    @extend_schema(operation_id="cases_list", summary="List the bank's cases",
                   responses={200: BankCaseSerializer(many=True), 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer,
                                                   description="A filter, the cursor or page_size is invalid."),
                              **ERRORS},
                   parameters=[PAGE_SIZE, IF_NONE_MATCH])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BankCaseDetailView(BankApiView):
    required_scope = ApiScope.CASES_READ

    @extend_schema(operation_id="cases_retrieve", summary="One case in detail",
                   parameters=[IF_NONE_MATCH],
                   responses={200: BankCaseDetailSerializer, 304: NOT_MODIFIED,
                              404: OpenApiResponse(ApiErrorSerializer, description="Not one of the bank's cases."),
                              **ERRORS})
    def get(self, request, case_no: str):
        """One case: its status and amounts, the event timeline, debtors, the next legal deadline, payouts, the
        assets it is enforced against (with the bank's collateral, seizures, valuations, auction rounds and the
        offer to the creditor) and its shares of the money they brought. A case number containing "/" is
        written as it is (…/cases/THA/2024/15/) or percent-encoded (…/cases/THA%2F2024%2F15/)."""
        case = None if "\x00" in case_no else bank_case_get(request.user.bank, case_no)
        if case is None:
            raise exceptions.NotFound(_("No such case."))
        today = timezone.localdate()
        upcoming = [d for d in case_deadlines(case, calendar=working_calendar(), events=case.events.all(),
                                              payouts=case.payouts.all(), seizures=bank_case_seizures(case))
                    if d.duty and d.met_on is None]
        deadline = upcoming[0] if upcoming else None
        case.next_deadline = None if deadline is None else {
            "kind": deadline.kind, "label": deadline.label, "due_on": deadline.due_on,
            "status": deadline.status(today)}
        return Response(BankCaseDetailSerializer(case, context={"case_id": case.pk}).data)


class BankChangeFeedView(BankApiView):
    required_scope = ApiScope.CHANGES_READ

    @extend_schema(operation_id="changes_list", summary="The change feed",
                   parameters=[OpenApiParameter("after", {"type": "string", "pattern": FEED_POSITION_PATTERN},
                                                description="The last cursor you processed (next_after: a whole "
                                                "number of at most 18 digits); omit to start from the beginning."),
                               OpenApiParameter("limit", {"type": "integer", "minimum": 1, "maximum": MAX_FEED_LIMIT},
                                                description=f"1–{MAX_FEED_LIMIT}, default {DEFAULT_FEED_LIMIT}; "
                                                "anything else is 400 naming limit."), IF_NONE_MATCH],
                   responses={200: BankChangeFeedSerializer, 304: NOT_MODIFIED,
                              400: OpenApiResponse(ApiErrorSerializer, description="after or limit is invalid."),
                              **ERRORS})
    def get(self, request):
        """Changes to the bank's cases (case accepted, event recorded), oldest first, after a cursor."""
        raw_after = request.query_params.get("after", "")
        after = 0 if raw_after == "" else feed_position(raw_after)
        if after is None:
            raise InvalidCursor("after", _("use a cursor from next_after (a whole number)."))
        raw_limit = request.query_params.get("limit", "")
        limit = DEFAULT_FEED_LIMIT if raw_limit == "" else whole_number(raw_limit, low=1, high=MAX_FEED_LIMIT)
        if limit is None:
            raise InvalidParameter("limit", _("a whole number from 1 to 500 (default 100)."))
        changes = bank_changes(request.user.bank, after=after, limit=limit + 1)
        page, has_more = changes[:limit], len(changes) > limit
        return Response({"results": BankChangeSerializer(page, many=True).data,
                         "next_after": str(page[-1].position if page else after), "has_more": has_more})


class BankMeView(BankApiView):
    """Who is calling: the key's bank, the key (label, scopes, expiry) and its rate limits now."""

    @extend_schema(operation_id="me_retrieve", summary="Who is calling: the key, its bank and limits",
                   parameters=[IF_NONE_MATCH], responses={200: BankMeSerializer, 304: NOT_MODIFIED, **ERRORS})
    def get(self, request):
        key = request.user.key
        return Response(BankMeSerializer({
            "bank": {"code": key.bank.code, "name": key.bank.name},
            "key": {"prefix": key.prefix, "label": key.label, "scopes": key.scopes, "created_at": key.created_at,
                    "expires_at": key.expires_at},
            "limits": request.rate_limit.describe(),
            "notices": notices_of_bank(key.bank)}).data)
