"""Black box: import a generated ledger into a fresh database, start the real server, and read the bank API
over HTTP. The expected statuses and amounts come from the ledger's CSV files alone (replayed with the
workflow), not from the database."""
import csv
import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from collections import Counter
from datetime import date
from pathlib import Path

from banks.filters import API_STATUS_OF
from cases.ledger.synthetic import generate_ledger
from cases.workflow import CaseFacts, EventInput, replay

ROOT = Path(__file__).resolve().parents[2]


def _free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def _expected(ledger: Path, bank: str) -> dict[str, dict]:
    with (ledger / "cases.csv").open(encoding="utf-8") as handle:
        cases = {row["case_no"]: row for row in csv.DictReader(handle) if row["bank_code"] == bank}
    events: dict[str, list[EventInput]] = {no: [] for no in cases}
    with (ledger / "events.csv").open(encoding="utf-8") as handle:
        for row in csv.DictReader(handle):
            if row["case_no"] in events:
                events[row["case_no"]].append(EventInput(row["kind"], date.fromisoformat(row["date"]),
                                                         int(row["amount"]) if row["amount"] else None, row["ground"]))
    expected = {}
    for case_no, row in cases.items():
        facts = CaseFacts(case_no, row["category"], date.fromisoformat(row["accepted_on"]), int(row["amount_due"]))
        state = replay(facts, events[case_no])
        expected[case_no] = {"status": API_STATUS_OF[state.status], "amount_due": int(row["amount_due"]),
                             "amount_collected": state.collected, "amount_remaining": state.remaining,
                             "unit": row["unit_code"], "decision_no": row["decision_no"]}
    return expected


def _get(url: str, key: str) -> tuple[int, dict]:
    request = urllib.request.Request(url, headers={"Authorization": f"Bearer {key}"})  # noqa: S310
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 — our own local server
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read())


def _post(url: str, key: str, body: dict, idempotency_key: str) -> tuple[int, dict, str | None]:
    request = urllib.request.Request(url, data=json.dumps(body).encode(), method="POST", headers={  # noqa: S310
        "Authorization": f"Bearer {key}", "Content-Type": "application/json", "Idempotency-Key": idempotency_key})
    try:
        with urllib.request.urlopen(request, timeout=20) as response:  # noqa: S310 — our own local server
            return response.status, json.loads(response.read()), response.headers.get("Idempotent-Replayed")
    except urllib.error.HTTPError as error:
        return error.code, json.loads(error.read()), None


# A held dialogue of the bank's first case's unit with the bank, that case on its agenda and a commitment the bank
# owes, written through dialogues.services as the pages do; prints the ids.
DIALOGUE = """
from banks.models import Bank
from cases.models import Case
from dialogues.models import CommitmentKind, CommitmentParty
from dialogues.services import BankData, agenda_add, commitment_record, session_create, session_hold
bank = Bank.objects.get(code=%r)
case = Case.objects.filter(creditor_bank=bank, category="tin_dung_ngan_hang").order_by("accepted_on", "id").first()
session = session_create(actor=None, organiser=case.unit, held_on=case.accepted_on, place="Hội trường",
                         banks=[BankData(bank, "Ông A")])
item = agenda_add(actor=None, session=session, case=case)
session_hold(actor=None, session=session)
commitment = commitment_record(actor=None, item=item, party=CommitmentParty.BANK, owner_bank=bank,
                               kind=CommitmentKind.SUPPLY_DOCUMENTS, text="Hồ sơ", due_in_working_days=10)
print(session.pk, commitment.pk, case.case_no)
"""


def test_the_api_lists_exactly_the_banks_cases_with_the_status_and_amounts_the_ledger_implies(tmp_path):
    ledger = generate_ledger(tmp_path / "ledger", cases=700, events=2000, seed=21).directory
    with (ledger / "cases.csv").open(encoding="utf-8") as handle:
        per_bank = Counter(row["bank_code"] for row in csv.DictReader(handle) if row["bank_code"])
    (bank, count), (other_bank, _n) = per_bank.most_common(2)
    expected = _expected(ledger, bank)
    assert len(expected) == count >= 5

    env = {**os.environ, "DATABASE_URL": f"sqlite:///{tmp_path / 'api.sqlite3'}",
           "DJANGO_SETTINGS_MODULE": "thads.settings.base"}
    env.pop("REDIS_URL", None)

    def manage(*args):
        return subprocess.run([sys.executable, "manage.py", *args], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=True).stdout

    manage("migrate", "--noinput", "-v0")
    manage("import_ledger", str(ledger), "--quiet-progress")
    key = manage("create_bank_key", bank, "--label", "black box").strip().splitlines()[-1]
    other_key = manage("create_bank_key", other_bank).strip().splitlines()[-1]
    session_id, commitment_id, dialogue_case = manage("shell", "-c", DIALOGUE % bank).split()[-3:]
    port = _free_port()
    server = subprocess.Popen([sys.executable, "manage.py", "runserver", f"127.0.0.1:{port}", "--noreload"],
                              cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        base = f"http://127.0.0.1:{port}/api/v1"
        for _ in range(60):
            try:
                urllib.request.urlopen(f"{base}/schema/", timeout=2)  # noqa: S310
                break
            except OSError:
                time.sleep(0.5)
        seen, url = {}, f"{base}/cases/?page_size=7"
        while url:
            status, page = _get(url, key)
            assert status == 200, page
            for item in page["results"]:
                assert item["case_no"] not in seen
                seen[item["case_no"]] = item
            url = page["next"]
        assert set(seen) == set(expected)
        for case_no, want in expected.items():
            got = seen[case_no]
            assert {k: got[k] for k in want} == want, case_no
            assert got["amount_remaining"] == (got["amount_due"] - got["amount_collected"] - got["amount_reduced"]
                                               - got["amount_terminated"])
        some_case = next(iter(expected))
        status, detail = _get(f"{base}/cases/{some_case}/", key)
        assert status == 200 and detail["status"] == expected[some_case]["status"]
        status, body = _get(f"{base}/cases/{some_case}/", other_key)
        assert status == 404 and body["error"]["code"] == "not_found"
        # the dialogues: the bank reads its session, the agenda of its case and its commitment, and marks it done
        status, page = _get(f"{base}/dialogues/", key)
        assert status == 200 and [row["id"] for row in page["results"]] == [int(session_id)]
        status, dialogue = _get(f"{base}/dialogues/{session_id}/", key)
        assert status == 200 and [item["case_no"] for item in dialogue["agenda"]] == [dialogue_case]
        status, page = _get(f"{base}/commitments/?status=open", key)
        assert status == 200 and [(row["id"], row["owed_by_you"]) for row in page["results"]] == [
            (int(commitment_id), True)]
        assert _get(f"{base}/dialogues/", other_key)[1]["results"] == []
        assert _get(f"{base}/dialogues/{session_id}/", other_key)[0] == 404
        assert _get(f"{base}/commitments/", other_key)[1]["results"] == []
        assert _post(f"{base}/commitments/{commitment_id}/done/", other_key, {}, "bb-1")[0] == 404
        status, done, replayed = _post(f"{base}/commitments/{commitment_id}/done/", key, {}, "bb-1")
        assert status == 200 and done["status"] == "done" and replayed is None
        status, again, replayed = _post(f"{base}/commitments/{commitment_id}/done/", key, {}, "bb-1")
        assert status == 200 and again == done and replayed == "true"
        assert _get(f"{base}/commitments/?status=done", key)[1]["results"] == [done]
        status, body = _get(f"{base}/cases/", "thads_00000000_nope")
        assert status == 401
    finally:
        server.terminate()
        server.wait(timeout=20)
