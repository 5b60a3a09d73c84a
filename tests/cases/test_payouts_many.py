"""payouts_record_many: a batch of payouts writes what payout_record writes one by one (payouts, audit entries,
change-feed rows, deadlines), with the same rules, all or none."""
import json
from datetime import date

import pytest

from cases.codes import EventKind
from cases.models import Case, CaseChange, OpenDeadline, Payout
from cases.services import PayoutBatchRefused, PayoutData, payout_record, payouts_record_many
from tests.factories import make_case, record
from thads.audit.models import Action, AuditEntry

TODAY = date(2026, 11, 28)


def collected_cases(unit, count: int, *, officer=None) -> list[Case]:
    """Cases with two collections each (3,000,000 then 2,000,000)."""
    cases = []
    for _ in range(count):
        case = make_case(unit=unit, amount_due=50_000_000, officer=officer, accepted_on=date(2024, 1, 5))
        record(case, EventKind.THU_TIEN, date(2024, 3, 2), amount=3_000_000)
        record(case, EventKind.THU_TIEN, date(2024, 4, 6), amount=2_000_000)
        cases.append(case)
    return cases


def plan(case: Case) -> list[tuple[date, int, str]]:
    """Three payouts of a case: two of the first collection, one of the second."""
    return [(date(2024, 3, 5), 1_000_000, "Trần Thị B"), (date(2024, 3, 9), 2_000_000, "Trần Thị B"),
            (date(2024, 4, 8), 2_000_000, " Trần Thị B ")]


def written(cases: list[Case]) -> dict[str, list]:
    """What was written for ``cases``, without ids or times, case by case in order."""
    index = {case.pk: position for position, case in enumerate(cases)}
    payouts = sorted((index[p.case_id], p.paid_on, p.amount, p.recipient, p.note)
                     for p in Payout.objects.filter(case__in=cases))
    audits = sorted((index[a.case_id], a.action, a.source, json.dumps(a.changes, sort_keys=True))
                    for a in AuditEntry.objects.filter(case__in=cases, action=Action.PAYOUT_RECORD))
    changes = sorted((index[c.case_id], c.kind, c.case_status,
                      json.dumps({k: v for k, v in c.payload.items() if k != "payout_id"}, sort_keys=True))
                     for c in CaseChange.objects.filter(case__in=cases, kind="payout_recorded"))
    deadlines = sorted((index[d.case_id], d.kind, d.due_on, d.position)
                       for d in OpenDeadline.objects.filter(case__in=cases))
    return {"payouts": payouts, "audits": audits, "changes": changes, "deadlines": deadlines}


@pytest.mark.django_db
def test_a_batch_writes_what_the_payouts_one_by_one_write(org):
    # Given two identical sets of three cases, each with two collections
    one_by_one, batched = collected_cases(org["HG-VT"], 3), collected_cases(org["HG-VT"], 3)
    unpaid = written(batched)["deadlines"]
    # When one set's payouts are recorded one by one, the other's in one batch
    for case in one_by_one:
        for paid_on, amount, recipient in plan(case):
            payout_record(actor=None, case=case, paid_on=paid_on, amount=amount, recipient=recipient, today=TODAY)
    created = payouts_record_many(actor=None, today=TODAY, payouts=[
        PayoutData(case_id=case.pk, paid_on=paid_on, amount=amount, recipient=recipient)
        for case in batched for paid_on, amount, recipient in plan(case)])
    # Then the same rows were written: payouts, audit entries, feed rows (each naming its payout), deadlines
    assert len(created) == 9
    expected, got = written(one_by_one), written(batched)
    assert got == expected
    assert len(expected["payouts"]) == 9 and len(expected["audits"]) == 9 and len(expected["changes"]) == 9
    assert expected["deadlines"] != unpaid  # (the duties to pay out the collections are met)
    feed = CaseChange.objects.filter(case__in=batched, kind="payout_recorded")
    assert sorted(change.payload["payout_id"] for change in feed) == sorted(payout.pk for payout in created)


@pytest.mark.django_db
def test_a_payout_beyond_what_the_batch_left_refuses_the_batch_and_writes_nothing(org):
    # Given a case that collected 5,000,000 and already paid out 1,000,000
    case, other = collected_cases(org["HG-VT"], 2)
    payout_record(actor=None, case=case, paid_on=date(2024, 3, 5), amount=1_000_000, recipient="B", today=TODAY)
    before = (Payout.objects.count(), AuditEntry.objects.count(), CaseChange.objects.count())
    # When a batch pays 3,000,000 on 10/4 (fine alone), then 1,500,000 more on 11/4/2024 (500,000 over), then a
    # payout to nobody, a payout dated tomorrow, one of no case and one of nothing
    batch = [PayoutData(case.pk, date(2024, 4, 10), 3_000_000, "B"),
             PayoutData(other.pk, date(2024, 4, 10), 1_000_000, "B"),
             PayoutData(case.pk, date(2024, 4, 11), 1_500_000, "B"),
             PayoutData(other.pk, date(2024, 4, 12), 1_000_000, "  "),
             PayoutData(other.pk, date(2026, 11, 29), 1_000_000, "B"),
             PayoutData(0, date(2024, 4, 12), 1_000_000, "B"),
             PayoutData(other.pk, date(2024, 4, 12), 0, "B")]
    with pytest.raises(PayoutBatchRefused) as refused:
        payouts_record_many(actor=None, payouts=batch, today=TODAY)
    # Then each refused payout is named by its place and reason, and nothing was written
    assert [(index, error.code, error.field) for index, error in refused.value.errors] == [
        (2, "amount_exceeds_collected", "amount"), (3, "required", "recipient"),
        (4, "date_in_future", "paid_on"), (5, "not_found", "case_id"), (6, "amount_not_positive", "amount")]
    assert "500.000" in refused.value.errors[0][1].message
    assert (Payout.objects.count(), AuditEntry.objects.count(), CaseChange.objects.count()) == before


@pytest.mark.django_db
def test_an_officer_of_another_unit_cannot_pay_out_in_a_batch(org, people):
    # Given a case of HG-VT
    (case,) = collected_cases(org["HG-VT"], 1, officer=people["officer"])
    # When the officer of ST-A sends a batch paying it out, and so does HG-VT's other officer
    for actor in (people["outsider"], people["officer2"]):
        with pytest.raises(PayoutBatchRefused) as refused:
            payouts_record_many(actor=actor, today=TODAY,
                                payouts=[PayoutData(case.pk, date(2024, 3, 5), 1_000_000, "B")])
        # Then it is refused as not theirs, and nothing is written
        assert refused.value.errors[0][1].code == "permission_denied"
    assert not Payout.objects.filter(case=case).exists()
    # While the case's own officer may
    payouts_record_many(actor=people["officer"], today=TODAY,
                        payouts=[PayoutData(case.pk, date(2024, 3, 5), 1_000_000, "B")])
    assert Payout.objects.filter(case=case).count() == 1
