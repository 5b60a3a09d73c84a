"""The bank API (read-only, /api/v1/). One view per operation; every read goes through banks.selectors with
the caller's bank, so another bank's case is indistinguishable from one that does not exist."""
import hashlib
import json
import logging
import time

from django.utils import timezone
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
)
from banks.filters import BankCaseFilter
from banks.selectors import bank_case_get, bank_case_list, bank_case_seizures, bank_changes
from cases.models import Case
from cases.selectors import case_deadlines, working_calendar
from thads.api.authentication import BankKeyAuthentication, IsBank
from thads.api.exceptions import InvalidCursor
from thads.api.pagination import NewestFirstCursorPagination
from thads.api.throttles import BurstThrottle, SustainedThrottle

logger = logging.getLogger("thads.api")
ERRORS = {401: OpenApiResponse(ApiErrorSerializer, description="No key, a bad key or a revoked key."),
          429: OpenApiResponse(ApiErrorSerializer, description="Too many requests; see Retry-After.")}


class BankApiView(APIView):
    authentication_classes = [BankKeyAuthentication]
    permission_classes = [IsBank]
    throttle_classes = [BurstThrottle, SustainedThrottle]

    def initial(self, request, *args, **kwargs):
        self._started = time.perf_counter()
        super().initial(request, *args, **kwargs)

    def finalize_response(self, request, response, *args, **kwargs):
        response = super().finalize_response(request, response, *args, **kwargs)
        principal = getattr(request, "_user", None)
        bank = getattr(getattr(principal, "bank", None), "code", "-")
        key = getattr(getattr(principal, "key", None), "prefix", "-")
        elapsed = (time.perf_counter() - getattr(self, "_started", time.perf_counter())) * 1000
        logger.info("api %s %s %s bank=%s key=%s %.1fms", request.method, request.get_full_path(),
                    response.status_code, bank, key, elapsed)
        return response


class BankCaseListView(BankApiView, generics.ListAPIView):
    """The bank's cases, whatever their status, newest recorded first."""

    serializer_class = BankCaseSerializer
    pagination_class = NewestFirstCursorPagination
    filterset_class = BankCaseFilter

    def get_queryset(self):
        if getattr(self, "swagger_fake_view", False):  # schema generation: no caller, no bank
            return Case.objects.none()
        return bank_case_list(self.request.user.bank)

    @extend_schema(operation_id="cases_list",
                   responses={200: BankCaseSerializer(many=True),
                              400: OpenApiResponse(ApiErrorSerializer, description="A filter or cursor is invalid."),
                              **ERRORS},
                   parameters=[OpenApiParameter("page_size", int, description="1–200, default 50")])
    def get(self, request, *args, **kwargs):
        return super().get(request, *args, **kwargs)


class BankCaseDetailView(BankApiView):
    @extend_schema(operation_id="cases_retrieve",
                   parameters=[OpenApiParameter("If-None-Match", str, OpenApiParameter.HEADER, required=False)],
                   responses={200: BankCaseDetailSerializer, 304: OpenApiResponse(description="Not modified."),
                              404: OpenApiResponse(ApiErrorSerializer, description="Not one of the bank's cases."),
                              **ERRORS})
    def get(self, request, case_no: str):
        """One case: its status and amounts, the event timeline, debtors, the next legal deadline, payouts, the
        assets it is enforced against (with the bank's collateral, seizures, valuations, auction rounds and the
        offer to the creditor) and its shares of the money they brought."""
        case = bank_case_get(request.user.bank, case_no)
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
        data = BankCaseDetailSerializer(case, context={"case_id": case.pk}).data
        etag = '"' + hashlib.sha256(json.dumps(data, sort_keys=True, default=str).encode()).hexdigest()[:32] + '"'
        if etag in [tag.strip() for tag in request.headers.get("If-None-Match", "").split(",")]:
            response = Response(status=304)
        else:
            response = Response(data)
        response["ETag"] = etag
        return response


class BankChangeFeedView(BankApiView):
    @extend_schema(operation_id="changes_list",
                   parameters=[OpenApiParameter("after", str, description="The last cursor you processed; "
                                                "omit to start from the beginning."),
                               OpenApiParameter("limit", int, description="1–500, default 100")],
                   responses={200: BankChangeFeedSerializer, 400: ApiErrorSerializer, **ERRORS})
    def get(self, request):
        """Changes to the bank's cases (case accepted, event recorded), oldest first, after a cursor."""
        try:
            after = int(request.query_params.get("after", "0") or 0)
        except ValueError:
            raise InvalidCursor("after: " + _("use a cursor from next_after (a whole number).")) from None
        try:
            limit = int(request.query_params.get("limit", "100") or 100)
        except ValueError:
            raise InvalidCursor("limit: " + _("a whole number from 1 to 500.")) from None
        if after < 0:
            raise InvalidCursor("after: " + _("use a cursor from next_after (a whole number)."))
        if not 1 <= limit <= 500:
            raise InvalidCursor("limit: " + _("a whole number from 1 to 500."))
        changes = bank_changes(request.user.bank, after=after, limit=limit + 1)
        page, has_more = changes[:limit], len(changes) > limit
        return Response({"results": BankChangeSerializer(page, many=True).data,
                         "next_after": str(page[-1].pk if page else after), "has_more": has_more})
