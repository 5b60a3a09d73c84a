"""python manage.py api_examples [--output docs/api-examples.json] [--bank CODE]

The examples of docs/openapi.yaml, taken from real responses: every operation of the bank API is called, in
this process, against the data in the database (the demo: `manage.py demo --no-serve`), once for every
response the schema declares with a body — the case list and its details, the feed, /me, the dialogues, the
exports, and each error (a bad parameter, no key, a key lacking the scope, a spent limit, an unknown id, a
commitment no longer open…). The bodies are written to the JSON file that thads.api.schema puts into the
schema. Everything runs in one transaction that is rolled back: the keys it makes, the dialogue it holds and the
commitment it marks done are not kept. Then: `manage.py spectacular --file docs/openapi.yaml --validate`.

An error a given operation cannot produce (a 403 from /me/, which any key may call) is borrowed from the case
list, and says so in its summary; the exports' bodies are cut to their first two rows (and the NDJSON's last
line)."""
import json
import threading
from http.server import BaseHTTPRequestHandler, HTTPServer
from pathlib import Path

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError
from django.db import transaction
from django.db.models import Count
from django.test import Client
from django.test.utils import override_settings

from banks.models import ApiScope, Bank, WebhookEndpoint
from banks.services import api_key_create
from banks.webhooks.services import MAX_ENDPOINTS_PER_BANK, endpoint_deliver, webhook_create
from cases.models import Case, CaseChange
from cases.services.changes import case_changes_relay

ROOT = Path(settings.BASE_DIR)
DEFAULT_OUTPUT = ROOT / "docs" / "api-examples.json"
API = "/api/v1"


class Rollback(Exception):
    pass


class _Accept(BaseHTTPRequestHandler):
    """The webhook receiver of the examples: takes every POST with 204."""

    def do_POST(self):  # noqa: N802 — http.server's name
        self.rfile.read(int(self.headers.get("Content-Length", "0")))
        self.send_response(204)
        self.end_headers()

    def log_message(self, *args):
        pass


def _richest_case(bank: Bank) -> Case:
    """The bank's case whose detail shows the most of the schema: a creditor offer on a seized asset, else an
    auction, else a seizure, else any case; among them one with a short timeline."""
    cases = Case.objects.filter(creditor_bank=bank).annotate(events_n=Count("events")).order_by("events_n", "id")
    for lookup in ("assets__seizures__auction__creditor_offer", "assets__seizures__auction__rounds",
                   "assets__seizures", "distribution_shares", "events"):
        found = cases.filter(**{f"{lookup}__isnull": False}).first()
        if found is not None:
            return found
    found = cases.first()
    if found is None:
        raise CommandError(f"bank {bank.code} has no case")
    return found


def _dialogue(bank: Bank, case: Case):
    """A held session with ``case`` on its agenda and two commitments the bank owes (one to mark done, one to
    be refused with a reused key) and one its unit owes, written through dialogues.services."""
    from dialogues.models import CommitmentKind, CommitmentParty
    from dialogues.services import BankData, agenda_add, commitment_record, session_create, session_hold

    session = session_create(actor=None, organiser=case.unit, held_on=case.accepted_on, place="Hội trường",
                             banks=[BankData(bank, "Ông A, Phó Giám đốc")])
    item = agenda_add(actor=None, session=session, case=case, issue_category="unsold_asset")
    session_hold(actor=None, session=session)
    owed = [commitment_record(actor=None, item=item, party=CommitmentParty.BANK, owner_bank=bank,
                              kind=CommitmentKind.SUPPLY_DOCUMENTS, text=text, due_in_working_days=10)
            for text in ("Cung cấp hợp đồng thế chấp bản chính", "Cung cấp bảng kê dư nợ")]
    commitment_record(actor=None, item=item, party=CommitmentParty.UNIT, owner_unit=case.unit,
                      kind=CommitmentKind.REAUCTION, text="Tổ chức bán đấu giá lại", due_in_working_days=15)
    return session, owed


class Command(BaseCommand):
    help = "Write docs/api-examples.json from real responses of the bank API on this database (rolled back)."

    def add_arguments(self, parser):
        parser.add_argument("--output", default=str(DEFAULT_OUTPUT))
        parser.add_argument("--bank", help="bank code (default: the bank with the most cases)")

    def handle(self, *args, output: str, bank: str | None = None, **options):
        chosen = (Bank.objects.filter(code=bank).first() if bank else
                  Bank.objects.annotate(n=Count("cases")).filter(n__gt=0).order_by("-n", "code").first())
        if chosen is None:
            raise CommandError("no bank with cases (load the demo: manage.py demo --no-serve)")
        # (django.test.Client keeps the request signals from closing the connection, and so this transaction)
        try:
            with transaction.atomic():
                examples = self.collect(chosen)
                raise Rollback
        except Rollback:
            pass
        document = {
            "about": "Real responses of the bank API, one per operation and status with a body, written by "
                     "`python manage.py api_examples` (banks/management/commands/api_examples.py) on the demo "
                     "data; thads.api.schema puts them into docs/openapi.yaml. Do not edit by hand.",
            "bank": chosen.code,
            "examples": examples,
        }
        Path(output).write_text(json.dumps(document, ensure_ascii=False, indent=1, sort_keys=True) + "\n",
                                encoding="utf-8")
        count = sum(len(statuses) for statuses in examples.values())
        self.stdout.write(f"{count} examples of {len(examples)} operations (bank {chosen.code}) → {output}")

    def collect(self, bank: Bank) -> dict:
        case = _richest_case(bank)
        session, (owed, other_owed) = _dialogue(bank, case)
        _r, key = api_key_create(bank=bank, label="api_examples")
        _r, scopeless = api_key_create(bank=bank, label="api_examples: no scope", scopes=[ApiScope.WEBHOOKS_MANAGE])
        client = Client(HTTP_HOST="localhost")
        examples: dict[str, dict] = {}

        def call(operation: str, status: int, method: str, path: str, *, key: str | None = key, data=None,
                 headers: dict | None = None, content_type: str = "application/json", body: str | None = None,
                 summary: str = "") -> None:
            request_headers = {"X-Request-Id": f"example-{operation}-{status}", **(headers or {})}
            if key is not None:
                request_headers["Authorization"] = f"Bearer {key}"
            if method == "GET":
                response = client.get(API + path, data=data, headers=request_headers)
            else:
                response = client.generic(method, API + path,
                                          data=body if body is not None else json.dumps(data or {}),
                                          content_type=content_type, headers=request_headers)
            if response.status_code != status:
                raise CommandError(f"{method} {path}: HTTP {response.status_code}, not {status}: {response!r}")
            media_type = response["Content-Type"].split(";")[0]
            if getattr(response, "streaming", False):
                value = self.shortened(b"".join(response.streaming_content).decode("utf-8"), media_type)
            else:
                value = response.json()
            query = "" if not data or method != "GET" else "?" + "&".join(f"{k}={v}" for k, v in data.items())
            examples.setdefault(operation, {})[str(status)] = {
                "summary": summary or f"{method} {API}{path}{query}", "media_type": media_type, "value": value}

        def errors(operation: str, path: str, method: str = "GET", *, scoped: bool = True,
                   lacking: tuple[str, str] | None = None) -> None:
            """401 without a key, 403 with a key lacking the scope, 429 with a spent limit."""
            call(operation, 401, method, path, key=None, summary=f"{method} {API}{path} without a key")
            if scoped:
                other_key, other_scope = lacking or (scopeless, "webhooks:manage")
                call(operation, 403, method, path, key=other_key,
                     summary=f"{method} {API}{path} with a key that has only {other_scope}")
            _r, spent = api_key_create(bank=bank, label=f"api_examples: {operation} limit")
            rates = {**settings.REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "bank_burst": "1/min"}
            with override_settings(REST_FRAMEWORK={**settings.REST_FRAMEWORK, "DEFAULT_THROTTLE_RATES": rates}):
                client.get(f"{API}/me/", headers={"Authorization": f"Bearer {spent}"})
                call(operation, 429, method, path, key=spent,
                     summary=f"{method} {API}{path} past the key's limit (here 1 request a minute)")

        call("cases_list", 200, "GET", "/cases/", data={"page_size": 2})
        call("cases_list", 400, "GET", "/cases/", data={"page_size": 0})
        errors("cases_list", "/cases/")
        call("cases_retrieve", 200, "GET", f"/cases/{case.case_no}/")
        call("cases_retrieve", 404, "GET", "/cases/THA-KHONG-CO/")
        errors("cases_retrieve", f"/cases/{case.case_no}/")
        # from just before the case's first event: an event_recorded change among them
        case_changes_relay()  # every row has its feed position
        first_event = CaseChange.objects.filter(case=case, event__isnull=False).order_by("position").first()
        before_first = first_event.position - 1 if first_event else 0
        call("changes_list", 200, "GET", "/changes/", data={"after": before_first, "limit": 3})
        call("changes_list", 400, "GET", "/changes/", data={"limit": 0})
        errors("changes_list", "/changes/")
        call("me_retrieve", 200, "GET", "/me/")
        errors("me_retrieve", "/me/", scoped=False)
        call("dialogues_list", 200, "GET", "/dialogues/", data={"page_size": 2})
        call("dialogues_list", 400, "GET", "/dialogues/", data={"page_size": "abc"})
        errors("dialogues_list", "/dialogues/")
        call("dialogues_retrieve", 200, "GET", f"/dialogues/{session.pk}/")
        call("dialogues_retrieve", 404, "GET", "/dialogues/999999999/")
        errors("dialogues_retrieve", f"/dialogues/{session.pk}/")
        call("commitments_list", 200, "GET", "/commitments/", data={"page_size": 2, "status": "open"})
        call("commitments_list", 400, "GET", "/commitments/", data={"status": "abc"})
        errors("commitments_list", "/commitments/")
        done = f"/commitments/{owed.pk}/done/"
        call("commitments_done", 400, "POST", done, data={"note": "x"},
             summary=f"POST {API}{done} without an Idempotency-Key")
        call("commitments_done", 415, "POST", done, body="note=x", content_type="text/plain",
             headers={"Idempotency-Key": "5d0f3c1e-example"}, summary=f"POST {API}{done} with a text/plain body")
        call("commitments_done", 404, "POST", "/commitments/999999999/done/",
             headers={"Idempotency-Key": "5d0f3c1e-example"})
        call("commitments_done", 200, "POST", done, data={"note": "Công văn số 12/NH-XLN"},
             headers={"Idempotency-Key": "5d0f3c1e-example"},
             summary=f"POST {API}{done} {{\"note\": \"Công văn số 12/NH-XLN\"}} with Idempotency-Key")
        call("commitments_done", 409, "POST", done, headers={"Idempotency-Key": "9a7b2e44-example"},
             summary=f"POST {API}{done} again with a new Idempotency-Key")
        call("commitments_done", 422, "POST", f"/commitments/{other_owed.pk}/done/",
             headers={"Idempotency-Key": "5d0f3c1e-example"},
             summary="The Idempotency-Key of the first mark, sent for another commitment")
        errors("commitments_done", f"/commitments/{other_owed.pk}/done/")
        for name, path in (("export_cases_ndjson", "/export/cases.ndjson"), ("export_cases_csv", "/export/cases.csv")):
            call(name, 200, "GET", path, summary=f"GET {API}{path} (the first two cases shown)")
            errors(name, path)
        self.webhook_examples(bank, call, errors, before_first)
        # /me/ needs no scope: its 403 is the case list's (the same shape)
        examples["me_retrieve"]["403"] = {**examples["cases_list"]["403"],
                                          "summary": examples["cases_list"]["403"]["summary"] + " (from /cases/)"}
        return examples

    @staticmethod
    def webhook_examples(bank: Bank, call, errors, after: int) -> None:
        """The webhook endpoints' operations. A real delivery for the log: an endpoint on a receiver in this
        process (http://127.0.0.1, allowed here only) gets the three entries of the feed's example."""
        _r, cases_only = api_key_create(bank=bank, label="api_examples: cases only", scopes=[ApiScope.CASES_READ])
        lacking = (cases_only, "cases:read")
        hooks = "/webhooks/"
        url = "https://hooks.bank.example/thads"
        receiver = HTTPServer(("127.0.0.1", 0), _Accept)
        threading.Thread(target=receiver.serve_forever, daemon=True).start()
        try:
            with override_settings(WEBHOOK_BLOCK_PRIVATE_ADDRESSES=False, WEBHOOK_ALLOW_HTTP_LOCALHOST=True):
                local, _secret = webhook_create(bank=bank, url=f"http://127.0.0.1:{receiver.server_port}/thads",
                                                event_types=["event_recorded", "status_changed"], after=after,
                                                description="Receiver of the examples")
                endpoint_deliver(endpoint_id=local.pk, batch=3)
                call("webhooks_create", 201, "POST", hooks, data={
                    "url": url, "event_types": ["offer_made", "offer_answered", "commitment_created"],
                    "description": "Phòng Xử lý nợ — hệ thống thu hồi nợ", "contact_email": "xln@bank.example"})
                created = WebhookEndpoint.objects.filter(bank=bank, url=url).latest("id")
                call("webhooks_create", 400, "POST", hooks, data={"url": "http://hooks.bank.example/thads"},
                     summary=f"POST {API}{hooks} with an http:// URL")
                call("webhooks_create", 415, "POST", hooks, body="url=x", content_type="text/plain",
                     summary=f"POST {API}{hooks} with a text/plain body")
                errors("webhooks_create", hooks, "POST", lacking=lacking)
                one = f"/webhooks/{created.pk}/"
                call("webhooks_list", 200, "GET", hooks, data={"page_size": 2})
                call("webhooks_list", 400, "GET", hooks, data={"page_size": 0})
                errors("webhooks_list", hooks, lacking=lacking)
                call("webhooks_retrieve", 200, "GET", one)
                call("webhooks_retrieve", 404, "GET", "/webhooks/999999999/")
                errors("webhooks_retrieve", one, lacking=lacking)
                call("webhooks_update", 200, "PATCH", one, data={"event_types": ["offer_made", "offer_answered"]})
                call("webhooks_update", 400, "PATCH", one, data={"event_types": ["no_such_kind"]},
                     summary=f"PATCH {API}{one} with an unknown event type")
                call("webhooks_update", 404, "PATCH", "/webhooks/999999999/", data={"enabled": False})
                call("webhooks_update", 415, "PATCH", one, body="enabled=0", content_type="text/plain",
                     summary=f"PATCH {API}{one} with a text/plain body")
                errors("webhooks_update", one, "PATCH", lacking=lacking)
                rotate = f"/webhooks/{created.pk}/rotate-secret/"
                call("webhooks_rotate_secret", 200, "POST", rotate, data={"overlap_hours": 24})
                call("webhooks_rotate_secret", 400, "POST", rotate, data={"overlap_hours": 1000},
                     summary=f"POST {API}{rotate} with an overlap beyond a week")
                call("webhooks_rotate_secret", 404, "POST", "/webhooks/999999999/rotate-secret/")
                call("webhooks_rotate_secret", 415, "POST", rotate, body="overlap_hours=1", content_type="text/plain",
                     summary=f"POST {API}{rotate} with a text/plain body")
                errors("webhooks_rotate_secret", rotate, "POST", lacking=lacking)
                resume = f"/webhooks/{created.pk}/resume/"
                call("webhooks_resume", 200, "POST", resume)
                call("webhooks_resume", 404, "POST", "/webhooks/999999999/resume/")
                errors("webhooks_resume", resume, "POST", lacking=lacking)
                log = f"/webhooks/{local.pk}/deliveries/"
                call("webhooks_deliveries_list", 200, "GET", log, data={"page_size": 2})
                call("webhooks_deliveries_list", 400, "GET", log, data={"page_size": "abc"})
                call("webhooks_deliveries_list", 404, "GET", "/webhooks/999999999/deliveries/")
                errors("webhooks_deliveries_list", log, lacking=lacking)
                call("webhooks_destroy", 404, "DELETE", "/webhooks/999999999/")
                errors("webhooks_destroy", one, "DELETE", lacking=lacking)
                for extra in range(MAX_ENDPOINTS_PER_BANK - WebhookEndpoint.objects.filter(bank=bank).count()):
                    webhook_create(bank=bank, url=f"{url}/{extra}")
                call("webhooks_create", 409, "POST", hooks, data={"url": url + "/more"},
                     summary=f"POST {API}{hooks} when the bank has {MAX_ENDPOINTS_PER_BANK} endpoints already")
        finally:
            receiver.shutdown()

    @staticmethod
    def shortened(text: str, media_type: str) -> str:
        """The first two rows of an export (and the NDJSON's last line), to keep the schema short."""
        lines = text.splitlines(keepends=True)
        if media_type == "application/x-ndjson":
            return "".join(lines[:2] + lines[-1:])
        return "".join(lines[:3])
