"""The webhook fault test (issue 13, acceptance): 1,000 feed entries over 20 cases delivered by the task code
(Celery in-process) to a real HTTP receiver that dies in the middle of the stream — after receiving an entry and
before answering — and comes back after the sender has retried with backoff against the dead port. Every entry
arrives, in feed order per case, signed (checked by the code docs/api.md documents); the only duplicates carry
the same delivery id. The figures are printed for the record (pytest -s)."""
import time
from collections import Counter, defaultdict
from datetime import date, timedelta

import pytest

from banks.models import WebhookDelivery, WebhookEndpoint
from banks.selectors import bank_changes, change_cursor
from banks.tasks import webhooks_dispatch
from banks.webhooks.services import entry_id, webhook_create
from cases.codes import Category, EventKind
from cases.models import CaseChange
from cases.services import EventData, case_events_record
from tests.banks.webhook_receiver import Receiver, documented_verify
from tests.factories import BankFactory, make_case

CASES, EVENTS_PER_CASE = 20, 49  # 20 accepted + 20 × 49 collections = 1,000 entries
DIE_AT = 437
BASE = 0.05  # seconds: the first retry's wait, doubling after each failure


def run_until(condition, *, seconds: float) -> int:
    """Run the dispatcher (which runs the delivery task in-process) until ``condition()``; returns the runs."""
    deadline, runs = time.monotonic() + seconds, 0
    while not condition():
        assert time.monotonic() < deadline, "delivery did not finish in time"
        runs += webhooks_dispatch.delay().get()
        time.sleep(0.005)
    return runs


@pytest.fixture
def thousand_entries(org, settings):
    """20 cases accepted and 49 collections recorded on each through the services (case_create,
    case_events_record: 1,000 feed entries); then, as the ledger importer writes them, the event entries are
    rewritten in bulk interleaved across the cases (one event of each case in turn), so the feed mixes the cases
    the way a busy office's does and "in order per case" means something."""
    bank = BankFactory(code="AGR")
    cases = [make_case(unit=org["HG-VT"], category=Category.TIN_DUNG_NGAN_HANG, bank=bank, case_no=f"AGR-{n:02d}",
                       amount_due=100_000_000) for n in range(CASES)]
    events = [case_events_record(actor=None, case=case, today=date(2026, 11, 28), events=[
        EventData(kind=EventKind.THU_TIEN, date=date(2020, 1, 1) + timedelta(days=i), amount=1_000 + i)
        for i in range(EVENTS_PER_CASE)]) for case in cases]
    CaseChange.objects.filter(kind=CaseChange.Kind.EVENT_RECORDED).delete()
    CaseChange.objects.bulk_create([
        CaseChange(case_id=case_events[i].case_id, kind=CaseChange.Kind.EVENT_RECORDED, event=case_events[i])
        for i in range(EVENTS_PER_CASE) for case_events in events])
    assert CaseChange.objects.filter(case__creditor_bank=bank).count() == 1_000
    return bank

def test_receiver_killed_mid_stream_and_restarted_then_every_entry_arrives_in_order_per_case(
        thousand_entries, settings):
    # given: a receiver that dies on the 437th request, and an endpoint registered from the start of the feed
    settings.WEBHOOK_BACKOFF_BASE_SECONDS = BASE
    settings.WEBHOOK_BATCH = 150
    settings.WEBHOOK_TIMEOUT_SECONDS = 2
    bank = thousand_entries
    verify = documented_verify()
    receiver = Receiver(verify=verify, die_at=DIE_AT).start()
    endpoint, secret = webhook_create(bank=bank, url=receiver.url, after=0)
    receiver.secret = secret
    feed = bank_changes(bank, after=0, limit=2_000)  # in feed order, as the feed itself reads it
    head = change_cursor(feed[-1])  # the last entry of this bank
    try:
        # when: delivering until the receiver dies, then against the dead port for a while
        runs = run_until(receiver.died.is_set, seconds=60)
        receiver.stop()
        run_until(lambda: WebhookDelivery.objects.filter(succeeded=False).count() >= 6, seconds=30)
        failures = list(WebhookDelivery.objects.filter(succeeded=False).order_by("id"))
        endpoint.refresh_from_db()
        assert endpoint.failing_since is not None and endpoint.failed_attempts >= 4

        # and: the receiver comes back on the same port
        receiver.die_at = None
        receiver.start()
        runs += run_until(lambda: WebhookEndpoint.objects.get(pk=endpoint.pk).last_delivered == head, seconds=60)
    finally:
        receiver.stop()

    # then: every entry arrived, signed, and per case in feed order
    expected = {entry_id(change): change for change in feed}
    position = {entry_id(change): n for n, change in enumerate(feed)}
    ids = [message.delivery_id for message in receiver.received]
    counts = Counter(ids)
    assert set(counts) == set(expected)
    assert all(message.verified for message in receiver.received)
    for message in receiver.received:
        assert message.entry["cursor"] == str(change_cursor(expected[message.delivery_id]))
        assert message.event == expected[message.delivery_id].kind == message.entry["kind"]
    per_case = defaultdict(list)
    for message in receiver.received:
        per_case[message.entry["case_no"]].append(position[message.delivery_id])
    assert len(per_case) == CASES
    for case_no, received_ids in per_case.items():  # positions in the feed, in the order received
        assert received_ids == sorted(received_ids), case_no
        assert sorted(set(received_ids)) == [n for n, change in enumerate(feed) if change.case.case_no == case_no]
    # the duplicate is the entry the receiver took and never acknowledged, sent again with the same id
    duplicates = {delivery_id: n for delivery_id, n in counts.items() if n > 1}
    assert duplicates == {ids[DIE_AT - 1]: 2}
    # and the sender waited longer each time while the receiver was down (exponential backoff)
    assert len({row.entry_id for row in failures}) == 1 and failures[0].entry_id == ids[DIE_AT - 1]
    assert [row.attempt for row in failures[:6]] == [1, 2, 3, 4, 5, 6]
    assert "RemoteDisconnected" in failures[0].error  # took the entry, never answered
    assert all("ConnectionRefused" in row.error for row in failures[1:6])  # then nobody listening
    gaps = [(b.attempted_at - a.attempted_at).total_seconds() for a, b in zip(failures, failures[1:6], strict=False)]
    # (each gap at least the scheduled wait, which doubles: a retry loop without backoff, polling every 5 ms,
    # would retry far sooner)
    assert all(gap >= BASE * 2 ** n for n, gap in enumerate(gaps)), gaps
    attempts = WebhookDelivery.objects.filter(endpoint=endpoint).count()
    assert WebhookDelivery.objects.filter(endpoint=endpoint, succeeded=True).count() == 1_000
    endpoint.refresh_from_db()
    assert endpoint.failing_since is None and endpoint.paused_at is None
    print(f"\nwebhook fault test: entries={len(feed)} cases={CASES} delivered={len(counts)} "
          f"posts_received={len(ids)} duplicates={sum(n - 1 for n in counts.values())} attempts={attempts} "
          f"failed_attempts={attempts - 1_000} dispatcher_runs={runs} backoff_gaps_s="
          f"{[round(gap, 3) for gap in gaps]}")
