"""Bulk export of a bank's cases for its first load (docs/api.md, "Bulk export"):

    GET /api/v1/export/cases.ndjson   one JSON object per line, then one {"export_end": …} line
    GET /api/v1/export/cases.csv      UTF-8 with a BOM, a header row, CRLF line ends (RFC 4180)

Each row has exactly the fields of the case list (banks.api.serializers.BankCaseSerializer, same names, same
values). The body is streamed from keyset chunks (banks.selectors.bank_case_export), so the server's memory
does not grow with the number of cases. Before the first row is read the view takes the end of the change feed
(banks.selectors.feed_end_position) and sends it as ``X-Feed-Position`` (and in the NDJSON's last line): the
bank loads the export, then reads /changes/?after=<position> to the end — every change since the export began
is there (some the export already shows may come again: applying them in order leaves the copy current)."""
import csv
import io
import json
import re

from django.http import StreamingHttpResponse
from django.utils import timezone
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework.renderers import JSONRenderer

from banks.api.serializers import BankCaseSerializer, moment
from banks.api.views import ERRORS, BankApiView
from banks.filters import API_STATUS_OF
from banks.models import ApiScope
from banks.selectors import bank_case_export, feed_end_position

FIELDS = tuple(BankCaseSerializer().fields)  # the list's fields, in its order: the CSV header
FEED_POSITION_HEADER = "X-Feed-Position"
NDJSON = "application/x-ndjson"
CSV = "text/csv"
BOM = "\ufeff"
LINE = json.JSONEncoder(ensure_ascii=False, separators=(",", ":"))


def export_row(row: tuple, zone) -> dict:
    """One tuple of banks.selectors.EXPORT_COLUMNS as the case list shows the case (BankCaseSerializer: the
    same names and the same JSON values — tests/banks/test_api_export.py compares them)."""
    (_id, case_no, decision_no, unit, unit_name, accepted_on, origin, category, status, due, collected, reduced,
     terminated, remaining, updated_at) = row
    return {"case_no": case_no, "decision_no": decision_no, "unit": unit, "unit_name": unit_name,
            "accepted_on": accepted_on.isoformat(), "origin": origin, "category": category,
            "status": API_STATUS_OF[status], "amount_due": due, "amount_collected": collected,
            "amount_reduced": reduced, "amount_terminated": terminated, "amount_remaining": remaining,
            "updated_at": moment(updated_at, zone)}


def export_values(row: tuple, zone) -> tuple:
    """export_row's values alone, in FIELDS order (the CSV's columns)."""
    (_id, case_no, decision_no, unit, unit_name, accepted_on, origin, category, status, due, collected, reduced,
     terminated, remaining, updated_at) = row
    return (case_no, decision_no, unit, unit_name, accepted_on.isoformat(), origin, category, API_STATUS_OF[status],
            due, collected, reduced, terminated, remaining, moment(updated_at, zone))


def ndjson_lines(chunks, position: int):
    count, zone = 0, timezone.get_current_timezone()
    for chunk in chunks:
        count += len(chunk)
        yield "".join([LINE.encode(export_row(row, zone)) + "\n" for row in chunk]).encode()
    end = {"export_end": {"cases": count, "feed_position": str(position)}}
    yield (json.dumps(end, separators=(",", ":")) + "\n").encode()


def csv_lines(chunks):
    buffer, zone = io.StringIO(), timezone.get_current_timezone()
    writer = csv.writer(buffer)  # the excel dialect: "," and CRLF, quotes only where needed
    buffer.write(BOM)
    writer.writerow(FIELDS)
    for chunk in chunks:
        writer.writerows([export_values(row, zone) for row in chunk])
        yield buffer.getvalue().encode()
        buffer.seek(0)
        buffer.truncate()
    if buffer.tell():  # no case at all: the BOM and the header
        yield buffer.getvalue().encode()


FEED_POSITION = OpenApiParameter(
    FEED_POSITION_HEADER, str, OpenApiParameter.HEADER, response=[200],
    description="The end of the change feed when the export began: continue with GET /changes/?after=<it>.")


class BankCaseExportView(BankApiView):
    """Every case of the bank, streamed (see the module's docstring). Errors are JSON like everywhere in the API,
    whatever the Accept header: once a 200 has begun, the content type is the path's."""

    required_scope = ApiScope.CASES_READ
    media_type = ""
    extension = ""

    def perform_content_negotiation(self, request, force=False):
        renderer = JSONRenderer()
        return renderer, renderer.media_type

    def body(self, chunks, position: int):
        raise NotImplementedError

    def get(self, request):
        bank = request.user.bank
        position = feed_end_position(bank)  # before any case is read
        response = StreamingHttpResponse(self.body(bank_case_export(bank), position),
                                         content_type=f"{self.media_type}; charset=utf-8")
        response[FEED_POSITION_HEADER] = str(position)
        name = re.sub(r"[^A-Za-z0-9_.-]", "_", bank.code)
        response["Content-Disposition"] = (f'attachment; filename="cases-{name}-{timezone.localdate().isoformat()}'
                                           f'.{self.extension}"')
        response["Cache-Control"] = "private, no-store"
        return response


EXPORT_DESCRIPTION = (
    "Every case of the bank with the fields of the case list (same names and values), by internal id, streamed. "
    "Before the first row is read, the end of the change feed is taken and sent as X-Feed-Position: load the "
    "export, then read GET /changes/?after=<X-Feed-Position> to the end. Not paginated and not cached (no ETag); "
    "one request counts once against the rate limits.")


class BankCaseNdjsonExportView(BankCaseExportView):
    media_type = NDJSON
    extension = "ndjson"

    def body(self, chunks, position):
        return ndjson_lines(chunks, position)

    @extend_schema(operation_id="export_cases_ndjson", summary="Export every case (NDJSON)",
                   description=EXPORT_DESCRIPTION + " NDJSON: one case (a BankCase object) per line, UTF-8, LF; "
                   "the last line is {\"export_end\": {\"cases\": N, \"feed_position\": \"…\"}} — a body without "
                   "it was cut short.",
                   parameters=[FEED_POSITION],
                   responses={(200, NDJSON): OpenApiResponse(OpenApiTypes.STR, description="One JSON object per "
                                                             "line: the cases, then the export_end line."),
                              **ERRORS})
    def get(self, request):
        return super().get(request)


class BankCaseCsvExportView(BankCaseExportView):
    media_type = CSV
    extension = "csv"

    def body(self, chunks, position):
        return csv_lines(chunks)

    @extend_schema(operation_id="export_cases_csv", summary="Export every case (CSV)",
                   description=EXPORT_DESCRIPTION + " CSV (RFC 4180): UTF-8 with a byte-order mark (Excel then "
                   "reads the Vietnamese right; pandas.read_csv and Python's csv with encoding utf-8-sig drop it), "
                   "a header row of the field names, comma-separated, CRLF line ends, quotes only where needed.",
                   parameters=[FEED_POSITION],
                   responses={(200, CSV): OpenApiResponse(OpenApiTypes.STR, description="The header row, then one "
                                                          "row per case."),
                              **ERRORS})
    def get(self, request):
        return super().get(request)
