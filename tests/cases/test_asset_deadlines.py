"""Deadlines of seized assets (cases.deadlines.compute_asset_deadlines) with the real holiday table, and
their place in the officer's due list. Days off used: Tết 2019 (2/2 – 10/2/2019 with the weekends) and
Monday 2/9/2019 (National Day). Every date is worked out by hand in the comment next to it."""
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import AssetKind, Category, LandType, RoundOutcome, ValuationMethod
from cases.deadlines import DeadlineKind, DeadlineStatus
from cases.selectors import case_deadlines, deadlines_due
from cases.services.assets import (
    AssetData,
    asset_create,
    auction_create,
    auction_round_record,
    auction_sale_paid,
    collateral_register,
    creditor_offer_answer,
    creditor_offer_make,
    seizure_record,
    seizure_release,
    valuation_record,
)
from tests.cases.test_deadlines import frozen
from tests.factories import BankFactory, make_case

TODAY = date(2026, 11, 28)
LAND = AssetData(kind=AssetKind.LAND_USE_RIGHT, description="Đất lúa ấp 5", owner_name="Nguyễn Văn A",
                 parcel_no="45", map_sheet_no="12", area_m2=Decimal("3000"), land_type=LandType.RICE)
CAR = AssetData(kind=AssetKind.VEHICLE, description="Xe ô tô tải", owner_name="Nguyễn Văn A", plate_no="95C-01234")


def asset_deadlines(case, kind):
    return [d for d in case_deadlines(case) if d.kind == kind]


@pytest.fixture
def seized(org, people):
    """A bank case of HG-VT assigned to ``officer``, its rice land seized on Thursday 31/1/2019."""
    bank = BankFactory(code="VCB", name="Vietcombank")
    case = make_case(unit=org["HG-VT"], actor=people["officer"], officer=people["officer"], bank=bank,
                     category=Category.TIN_DUNG_NGAN_HANG, amount_due=900_000_000, accepted_on=date(2018, 10, 1))
    asset = asset_create(actor=people["officer"], cases=[case], data=LAND)
    collateral_register(actor=people["officer"], asset=asset, bank=bank, loan_contract_no="01/HĐTD",
                        principal=700_000_000, secured_amount=900_000_000, today=TODAY)
    seizure = seizure_record(actor=people["officer"], asset=asset, case=case, seized_on=date(2019, 1, 31),
                             minutes_no="BB 3", today=TODAY)
    return case, asset, seizure


def test_valuation_contract_due_five_working_days_after_seizure_across_tet(seized):
    case, _asset, seizure = seized
    # Seized Thu 31/1/2019: Fri 1/2 (1); 2/2 – 10/2 Tết and weekends; Mon 11/2 (2) … Thu 14/2 (5).
    (deadline,) = asset_deadlines(case, DeadlineKind.VALUATION_CONTRACT)
    assert (deadline.due_on, deadline.met_on, deadline.regime) == (date(2019, 2, 14), None, "luat_2008")
    assert deadline.status(date(2019, 2, 14)) == DeadlineStatus.OPEN
    assert deadline.status(date(2019, 2, 15)) == DeadlineStatus.OVERDUE
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.FIRM, firm_name="Công ty TĐG",
                     contract_signed_on=date(2019, 2, 15), value=600_000_000, valued_on=date(2019, 3, 1),
                     today=TODAY)
    (deadline,) = asset_deadlines(case, DeadlineKind.VALUATION_CONTRACT)
    assert (deadline.met_on, deadline.status(TODAY)) == (date(2019, 2, 15), DeadlineStatus.LATE)


def test_release_before_the_due_date_drops_the_open_valuation_deadline(seized):
    case, _asset, seizure = seized
    seizure_release(actor=None, seizure=seizure, released_on=date(2019, 2, 1), reason="Đương sự tự nguyện trả nợ",
                    today=TODAY)
    assert asset_deadlines(case, DeadlineKind.VALUATION_CONTRACT) == []


def _valued_with_auction(seizure, contract_on=date(2019, 4, 1)):
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=600_000_000,
                     valued_on=date(2019, 2, 12), today=TODAY)
    return auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG tỉnh Hậu Giang",
                          contract_no="HĐ 12", contract_signed_on=contract_on, today=TODAY)


def test_real_estate_auction_within_45_days_of_the_contract(seized):
    case, _asset, seizure = seized
    auction = _valued_with_auction(seizure)
    # Contract Mon 1/4/2019 + 45 days = Thu 16/5/2019 (a working day). The agreement met the valuation step.
    (deadline,) = asset_deadlines(case, DeadlineKind.AUCTION)
    assert (deadline.due_on, deadline.met_on) == (date(2019, 5, 16), None)
    assert asset_deadlines(case, DeadlineKind.VALUATION_CONTRACT)[0].met_on == date(2019, 2, 12)
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 5, 17), starting_price=600_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    (deadline,) = asset_deadlines(case, DeadlineKind.AUCTION)
    assert (deadline.met_on, deadline.status(TODAY)) == (date(2019, 5, 17), DeadlineStatus.LATE)


def test_movable_auction_within_30_days(org):
    case = make_case(unit=org["HG-VT"], amount_due=300_000_000, accepted_on=date(2019, 1, 2))
    asset = asset_create(actor=None, cases=[case], data=CAR)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2019, 3, 4), minutes_no="BB 1",
                             today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.OFFICER, value=250_000_000,
                     valued_on=date(2019, 3, 8), today=TODAY)
    auction_create(actor=None, seizure=seizure, organisation="Công ty ĐG", contract_no="7",
                   contract_signed_on=date(2019, 8, 3), today=TODAY)
    # Sat 3/8/2019 + 30 days = Mon 2/9/2019, National Day → Tue 3/9/2019.
    (deadline,) = asset_deadlines(case, DeadlineKind.AUCTION)
    assert deadline.due_on == date(2019, 9, 3)


def test_buyer_payment_thirty_days_after_the_sale(seized):
    case, _asset, seizure = seized
    auction = _valued_with_auction(seizure)
    sold = auction_round_record(actor=None, auction=auction, held_on=date(2019, 5, 20), starting_price=600_000_000,
                                outcome=RoundOutcome.SOLD, sale_price=650_000_000, buyer_name="Lê Văn C",
                                today=TODAY)
    # Held Mon 20/5/2019 + 30 days = Wed 19/6/2019.
    (deadline,) = asset_deadlines(case, DeadlineKind.BUYER_PAYMENT)
    assert (sold.payment_due_on, deadline.due_on, deadline.met_on) == (date(2019, 6, 19), date(2019, 6, 19), None)
    auction_sale_paid(actor=None, auction_round=sold, paid_on=date(2019, 6, 18), today=TODAY)
    (deadline,) = asset_deadlines(case, DeadlineKind.BUYER_PAYMENT)
    assert (deadline.met_on, deadline.status(TODAY)) == (date(2019, 6, 18), DeadlineStatus.MET)
    # The sale's collection now has its own 10-day payout deadline: Tue 18/6 + 10 = Fri 28/6/2019.
    payout = [d for d in case_deadlines(case) if d.kind == DeadlineKind.PAYOUT]
    assert [(d.due_on, d.met_on) for d in payout] == [(date(2019, 6, 28), None)]


def test_creditor_offer_and_answer_deadlines(seized):
    case, _asset, seizure = seized
    auction = _valued_with_auction(seizure)
    for held_on, price in ((date(2019, 5, 15), 600_000_000), (date(2019, 7, 1), 540_000_000)):
        auction_round_record(actor=None, auction=auction, held_on=held_on, starting_price=price,
                             outcome=RoundOutcome.NO_REGISTRANT, today=TODAY)
    assert asset_deadlines(case, DeadlineKind.CREDITOR_OFFER) == []  # once reduced: no offer due yet
    auction_round_record(actor=None, auction=auction, held_on=date(2019, 7, 26), starting_price=486_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    # The twice-reduced round failed on Fri 26/7/2019: Mon 29/7 (1) … Fri 2/8/2019 (5).
    (deadline,) = asset_deadlines(case, DeadlineKind.CREDITOR_OFFER)
    assert (deadline.due_on, deadline.met_on) == (date(2019, 8, 2), None)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 8, 30), today=TODAY)
    # Offered Fri 30/8/2019; Mon 2/9 is National Day: Tue 3/9 (1) … Mon 9/9/2019 (5).
    (answer,) = asset_deadlines(case, DeadlineKind.CREDITOR_ANSWER)
    assert (answer.due_on, answer.met_on) == (date(2019, 9, 9), None)
    assert asset_deadlines(case, DeadlineKind.CREDITOR_OFFER)[0].status(TODAY) == DeadlineStatus.LATE
    creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 9, 9), today=TODAY)
    (answer,) = asset_deadlines(case, DeadlineKind.CREDITOR_ANSWER)
    assert answer.status(TODAY) == DeadlineStatus.MET
    # The debtor's window: 9/9/2019 + 30 days = 9/10/2019; the debtor's right, not an officer's duty.
    (window,) = asset_deadlines(case, DeadlineKind.REDEMPTION)
    assert (window.due_on, window.duty) == (date(2019, 10, 9), False)


def test_due_list_shows_the_asset_steps_to_the_assigned_officer_only(seized, people):
    case, _asset, seizure = seized
    auction = _valued_with_auction(seizure, contract_on=date(2026, 10, 20))
    # Contract Tue 20/10/2026 + 45 days = Fri 4/12/2026, within a 14-day horizon from 28/11/2026.
    with frozen(TODAY):
        items = deadlines_due(people["officer"], officer_id=people["officer"].pk, horizon_days=14)
        kinds = [(item.case.pk, item.deadline.kind, item.deadline.due_on, item.status) for item in items]
        assert (case.pk, DeadlineKind.AUCTION, date(2026, 12, 4), DeadlineStatus.OPEN) in kinds
        assert deadlines_due(people["outsider"], horizon_days=14) == []
    auction_round_record(actor=None, auction=auction, held_on=date(2026, 11, 27), starting_price=600_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)
    with frozen(TODAY):
        items = deadlines_due(people["officer"], officer_id=people["officer"].pk, horizon_days=14)
        assert DeadlineKind.AUCTION not in [item.deadline.kind for item in items]


def _seize_and_auction(case, number):
    asset = asset_create(actor=None, cases=[case], data=LAND)
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=date(2026, 9, 1),
                             minutes_no=f"BB {number}", today=TODAY)
    valuation_record(actor=None, seizure=seizure, method=ValuationMethod.AGREEMENT, value=500_000_000,
                     valued_on=date(2026, 9, 3), today=TODAY)
    auction = auction_create(actor=None, seizure=seizure, organisation="Trung tâm DVĐG", contract_no=f"HĐ {number}",
                             contract_signed_on=date(2026, 10, 20), today=TODAY)
    auction_round_record(actor=None, auction=auction, held_on=date(2026, 11, 2), starting_price=500_000_000,
                         outcome=RoundOutcome.NO_BID, today=TODAY)


def test_deadlines_page_query_count_does_not_grow_with_assets(client, org, people, django_assert_num_queries):
    client.force_login(people["officer"])
    for number in range(3):
        case = make_case(unit=org["HG-VT"], officer=people["officer"], actor=people["officer"],
                         case_no=f"VT-LAND-{number}", accepted_on=date(2024, 8, 1), amount_due=600_000_000)
        _seize_and_auction(case, number)
        # The duties are cached per case (OpenDeadline): assets add no query to the page.
        with frozen(TODAY), django_assert_num_queries(9):
            response = client.get("/deadlines/?days=30")
        assert response.status_code == 200
        assert all(f"VT-LAND-{n}" in response.content.decode() for n in range(number + 1))
