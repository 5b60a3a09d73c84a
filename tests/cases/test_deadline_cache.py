"""The cached deadlines (Case.next_due_on / next_due_kind and the OpenDeadline rows): every service keeps them
in step in its own transaction, rebuilding them from scratch (manage.py deadlines_refresh) gives the same
values, and they hold exactly what the computation keeps (cases.selectors.case_deadlines: duties not met).

Histories built through the services, with every kind of officer deadline: the enforcement decision
(received_on), verification, re-verification, the decision once a ground arose, payout, and on the assets
the valuation contract, the auction, the buyer's payment, the offer to the creditor and its answer."""
from datetime import date, timedelta
from decimal import Decimal

import pytest
from django.core.management import call_command

from cases.codes import AssetKind, Category, EventKind, LandType, RoundOutcome, ValuationMethod
from cases.deadlines import DeadlineKind
from cases.models import Case, OpenDeadline, PublicHoliday
from cases.selectors import case_deadlines, deadlines_due
from cases.selectors_pages import review_cases, review_rows
from cases.services import case_update, payout_record
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_round_record,
    auction_sale_default,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    seizure_record,
    seizure_release,
    valuation_record,
)
from cases.services.deadlines import case_deadlines_refresh, deadlines_refresh_all
from tests.cases.test_deadlines import frozen
from tests.factories import BankFactory, make_case, record

pytestmark = pytest.mark.django_db

TODAY = date(2026, 11, 28)
LAND = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất lúa ấp 5", owner_name="Nguyễn Văn A",
                 parcel_no="45", map_sheet_no="12", area_m2=Decimal("3000"), land_type=LandType.RICE)


def cached(case_ids=None):
    """{case id: (next_due_on, next_due_kind, [(kind, due_on, regime, reference) by position])}."""
    cases = Case.objects.all() if case_ids is None else Case.objects.filter(pk__in=case_ids)
    rows = {}
    for row in OpenDeadline.objects.order_by("case_id", "position").values_list(
            "case_id", "kind", "due_on", "regime", "reference"):
        rows.setdefault(row[0], []).append(row[1:])
    return {case.pk: (case.next_due_on, case.next_due_kind, rows.get(case.pk, [])) for case in cases}


def computed(case):
    """What the computation keeps: duties not met, of a case that has not ended."""
    case.refresh_from_db()
    if case.status in ("completed", "terminated", "transferred_out"):
        return (None, "", [])
    duties = [d for d in case_deadlines(case) if d.duty and d.met_on is None]
    first = min(duties, key=lambda d: (d.due_on, d.kind), default=None)
    return (first.due_on if first else None, first.kind if first else "",
            [(d.kind, d.due_on, d.regime, d.reference) for d in duties])


@pytest.fixture
def histories(org, people):
    """Cases of HG-VT, each with other kinds of deadline, all written through the services."""
    officer = people["officer"]
    made = {}
    # The decision due 5 working days after the request was received (Điều 36), met on acceptance.
    made["decision"] = make_case(unit=org["HG-VT"], officer=officer, accepted_on=date(2024, 11, 2),
                                 received_on=date(2024, 10, 26), notified_on=date(2024, 11, 3), today=TODAY)
    # Verification never recorded: overdue.
    made["unverified"] = make_case(unit=org["HG-VT"], officer=officer, accepted_on=date(2024, 9, 1),
                                   origin="chu_dong", category="ngan_sach", today=TODAY)
    # Without conditions (re-verification in 6 months), after a ground that arose earlier (decision in 5 days).
    without = make_case(unit=org["HG-VT"], officer=officer, accepted_on=date(2024, 1, 5), today=TODAY)
    record(without, EventKind.CHUA_CO_DIEU_KIEN, date(2024, 2, 2), ground="khong_tai_san",
           ground_arose_on=date(2024, 1, 20), today=TODAY)
    made["without"] = without
    # Two collections, the first paid out: one payout deadline left.
    collected = make_case(unit=org["HG-VT"], officer=people["officer2"], accepted_on=date(2024, 6, 1), today=TODAY)
    record(collected, EventKind.CO_DIEU_KIEN, date(2024, 6, 5), today=TODAY)
    record(collected, EventKind.THU_TIEN, date(2024, 11, 10), amount=2_000_000, today=TODAY)
    record(collected, EventKind.THU_TIEN, date(2024, 11, 20), amount=3_000_000, today=TODAY)
    payout_record(actor=None, case=collected, paid_on=date(2024, 11, 12), amount=2_000_000, recipient="Trần Thị B",
                  today=TODAY)
    made["collected"] = collected
    # Ended: no duty is tracked any more.
    ended = make_case(unit=org["HG-VT"], officer=officer, accepted_on=date(2024, 3, 2), amount_due=1_000_000,
                      today=TODAY)
    record(ended, EventKind.CO_DIEU_KIEN, date(2024, 3, 6), today=TODAY)
    record(ended, EventKind.THU_TIEN, date(2024, 11, 20), amount=1_000_000, today=TODAY)
    record(ended, EventKind.XONG, date(2024, 11, 21), today=TODAY)
    made["ended"] = ended
    # Rice land: seized, valued, auctioned three times without a bid, offered to the bank, no answer yet.
    bank = BankFactory(code="AGR", name="Agribank")
    land = make_case(unit=org["HG-VT"], officer=officer, category=Category.TIN_DUNG_NGAN_HANG, bank=bank,
                     amount_due=800_000_000, accepted_on=date(2024, 1, 5), today=TODAY)
    record(land, EventKind.CO_DIEU_KIEN, date(2024, 1, 10), today=TODAY)
    asset = asset_create(actor=None, cases=[land], data=LAND)
    collateral_register(actor=None, asset=asset, bank=bank, loan_contract_no="01/HĐTD", principal=600_000_000,
                        secured_amount=800_000_000, today=TODAY)
    seizure = seizure_record(actor=None, asset=asset, case=land, seized_on=date(2024, 3, 2), minutes_no="BB 1",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=500_000_000,
                     valued_on=date(2024, 3, 5), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG", contract_no="HĐ 1",
                             contract_signed_on=date(2024, 4, 1), today=TODAY)
    for held_on, price in ((date(2024, 5, 4), 500_000_000), (date(2024, 6, 15), 450_000_000),
                           (date(2024, 8, 3), 405_000_000)):
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_BID, today=TODAY)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2024, 8, 6), today=TODAY)
    made["land"] = land
    # A car sold at auction; the buyer has 30 days to pay (then defaults), and the seizure of a second asset
    # waiting for its valuation contract.
    car_case = make_case(unit=org["HG-VT"], officer=officer, amount_due=300_000_000, accepted_on=date(2024, 2, 2),
                         today=TODAY)
    record(car_case, EventKind.CO_DIEU_KIEN, date(2024, 2, 6), today=TODAY)
    car = asset_create(actor=None, cases=[car_case], data=AssetData(kind=AssetKind.VEHICLE, description="Xe tải",
                                                                     owner_name="Lê Văn C", plate_no="95C-01234"))
    car_seizure = seizure_record(actor=None, asset=car, case=car_case, seized_on=date(2024, 10, 1), minutes_no="BB 2",
                                 today=TODAY)
    valuation_record(actor=None, seizure=car_seizure, method=ValuationMethod.AGREEMENT, value=200_000_000,
                     valued_on=date(2024, 10, 5), today=TODAY)
    car_auction = auction_create(actor=None, seizure=car_seizure, organisation="Trung tâm DVĐG", contract_no="HĐ 2",
                                 contract_signed_on=date(2024, 10, 6), today=TODAY)
    auction_round_record(actor=None, auction=car_auction, held_on=date(2024, 11, 2), starting_price=200_000_000,
                         outcome=RoundOutcome.SOLD, sale_price=210_000_000, buyer_name="Phạm Văn D", today=TODAY)
    second = asset_create(actor=None, cases=[car_case], data=AssetData(kind=AssetKind.VEHICLE, description="Xe máy",
                                                                        owner_name="Lê Văn C", plate_no="95H-5678"))
    seizure_record(actor=None, asset=second, case=car_case, seized_on=date(2024, 11, 25), minutes_no="BB 3",
                   today=TODAY)
    made["car"] = car_case
    return made, offer, car_auction


def test_given_every_kind_of_deadline_then_the_cache_holds_what_the_computation_keeps(histories):
    made, _offer, _auction = histories
    kinds = {row[0] for _due, _kind, rows in cached().values() for row in rows}
    assert kinds == {DeadlineKind.VERIFICATION, DeadlineKind.REVERIFICATION, DeadlineKind.PAYOUT,
                     DeadlineKind.VALUATION_CONTRACT, DeadlineKind.BUYER_PAYMENT, DeadlineKind.CREDITOR_ANSWER}
    for case in made.values():
        assert cached([case.pk])[case.pk] == computed(case)
    assert cached([made["ended"].pk])[made["ended"].pk] == (None, "", [])
    # Verified Fri 2/2/2024 without conditions → re-verification by Fri 2/8/2024.
    assert cached([made["without"].pk])[made["without"].pk][:2] == (date(2024, 8, 2), DeadlineKind.REVERIFICATION)
    # The decision was met on acceptance: only the verification is left, 10 days after the voluntary period.
    assert [row[0] for row in cached([made["decision"].pk])[made["decision"].pk][2]] == [DeadlineKind.VERIFICATION]


def test_given_the_cache_is_wiped_when_rebuilt_then_it_is_what_the_services_kept(histories, django_assert_num_queries):
    kept = cached()
    OpenDeadline.objects.all().delete()
    Case.objects.update(next_due_on=None, next_due_kind="")
    result = deadlines_refresh_all()
    assert cached() == kept
    # Every open case is read (the ended one, carrying nothing, is not); each with a duty is written again.
    assert result == {"cases": Case.objects.count() - 1,
                      "changed": len([v for v in kept.values() if v != (None, "", [])])}
    assert deadlines_refresh_all()["changed"] == 0  # nothing to do the second time


def test_given_a_corrupted_cache_when_the_command_runs_then_it_is_repaired(histories, capsys):
    made, _offer, _auction = histories
    kept = cached()
    Case.objects.filter(pk=made["unverified"].pk).update(next_due_on=date(2030, 1, 1), next_due_kind="payout")
    OpenDeadline.objects.filter(case=made["land"]).update(due_on=date(2030, 1, 1))
    OpenDeadline.objects.create(case=made["ended"], case_no=made["ended"].case_no, kind="payout",
                                due_on=date(2024, 1, 1), regime="luat_2008", position=0)
    call_command("deadlines_refresh", "--batch", "2")
    assert cached() == kept
    assert "3 changed" in capsys.readouterr().out


def test_each_step_moves_the_cache_in_its_own_transaction(histories, people):
    made, offer, car_auction = histories
    land, car_case = made["land"], made["car"]
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2024, 8, 10), today=TODAY)
    assert cached([land.pk])[land.pk] == computed(land)
    assert DeadlineKind.CREDITOR_ANSWER not in [row[0] for row in cached([land.pk])[land.pk][2]]
    round_ = car_auction.rounds.get()
    auction_sale_default(actor=None, auction_round=round_, defaulted_on=date(2024, 11, 26), today=TODAY)
    assert cached([car_case.pk])[car_case.pk] == computed(car_case)
    seizure_release(actor=None, seizure=car_case.seizures.get(asset__description="Xe máy"),
                    released_on=date(2024, 11, 26), reason="Trả lại", today=TODAY)
    assert cached([car_case.pk])[car_case.pk] == computed(car_case)
    # Notice changed on the case: the verification (after the voluntary period) moves with it.
    decision = made["decision"]
    before = cached([decision.pk])[decision.pk]
    case_update(actor=people["head"], case=decision, notified_on=date(2024, 11, 16))
    after = cached([decision.pk])[decision.pk]
    assert after == computed(decision) and after[0] > before[0]
    collected = made["collected"]
    payout_record(actor=None, case=collected, paid_on=date(2024, 11, 24), amount=3_000_000, recipient="Trần Thị B",
                  today=TODAY)
    assert DeadlineKind.PAYOUT not in [row[0] for row in cached([collected.pk])[collected.pk][2]]


def test_given_a_refused_step_then_the_cache_is_unchanged(histories):
    made, _offer, _auction = histories
    kept = cached()
    with pytest.raises(Exception):  # noqa: B017, PT011 (any refusal: nothing may be written)
        record(made["ended"], EventKind.THU_TIEN, date(2024, 11, 25), amount=1, today=TODAY)
    assert cached() == kept


def test_the_refresh_costs_the_same_queries_for_one_case_or_many(org, django_assert_max_num_queries):
    cases = [make_case(unit=org["HG-VT"], accepted_on=date(2024, 9, 3), today=TODAY) for _ in range(12)]
    OpenDeadline.objects.all().delete()
    with django_assert_max_num_queries(10) as one:
        case_deadlines_refresh([cases[0].pk])
    OpenDeadline.objects.all().delete()
    with django_assert_max_num_queries(len(one.captured_queries)):
        assert case_deadlines_refresh([case.pk for case in cases]) == 12


def test_a_holiday_saved_in_the_admin_moves_the_deadlines(admin_client, org, django_capture_on_commit_callbacks):
    # Accepted Tue 3/9/2024, proactive: verification due 10 days later, Fri 13/9/2024.
    case = make_case(unit=org["HG-VT"], accepted_on=date(2024, 9, 3), origin="chu_dong", category="ngan_sach",
                     today=TODAY)
    assert Case.objects.get(pk=case.pk).next_due_on == date(2024, 9, 13)
    with django_capture_on_commit_callbacks(execute=True):
        response = admin_client.post("/admin/cases/publicholiday/add/", {
            "date": "13/09/2024", "kind": PublicHoliday.Kind.DAY_OFF, "name": "Nghỉ bù"})
    assert response.status_code == 302
    assert Case.objects.get(pk=case.pk).next_due_on == date(2024, 9, 16)  # the next working day, Monday


# ---- the readers decide by the cache ----------------------------------------------------------------------------

def test_deadlines_due_matches_the_computation_for_every_day_and_horizon(histories, people):
    made, _offer, _auction = histories

    def reference(today, horizon):
        items = []
        for case in sorted(made.values(), key=lambda c: c.case_no):
            case.refresh_from_db()
            if case.status in ("completed", "terminated", "transferred_out"):
                continue
            for deadline in case_deadlines(case):
                if deadline.duty and deadline.met_on is None and deadline.due_on <= today + timedelta(days=horizon):
                    items.append((case.case_no, deadline.kind, deadline.due_on, deadline.reference,
                                  deadline.status(today)))
        return sorted(items, key=lambda item: (item[4] != "overdue", item[2], item[0]))

    for today in (date(2024, 3, 1), date(2024, 8, 3), date(2024, 11, 28)):
        for horizon in (-1, 0, 7, 30):
            with frozen(today):
                got = [(i.case.case_no, i.deadline.kind, i.deadline.due_on, i.deadline.reference, i.status)
                       for i in deadlines_due(people["head"], horizon_days=horizon)]
            assert got == reference(today, horizon), (today, horizon)


def test_the_review_counts_a_case_overdue_from_the_day_after_its_next_deadline(org, people):
    # Proactive, accepted Tue 3/9/2024: verification due Fri 13/9/2024.
    case = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2024, 9, 3), origin="chu_dong",
                     category="ngan_sach", today=TODAY)
    for today, overdue in ((date(2024, 9, 13), 0), (date(2024, 9, 14), 1)):
        (row,) = review_rows(people["head"], unit=org["HG-VT"], today=today)
        assert (row["open"], row["overdue"]) == (1, overdue)
        listed = review_cases(people["head"], unit=org["HG-VT"], officer_id=people["officer"].pk,
                              review_class="overdue", today=today)
        assert [c.pk for c in listed] == ([case.pk] if overdue else [])
