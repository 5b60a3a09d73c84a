"""The agenda builder (dialogues.agenda) on hand-built histories, each reason at its boundary."""
from datetime import date

import pytest

from cases.codes import EventKind
from cases.services.assets import creditor_offer_answer, creditor_offer_make
from dialogues.agenda import propose
from dialogues.models import Reason
from dialogues.services import BankData, session_create
from tests.dialogues.histories import TODAY, stuck_auction
from tests.factories import record


def _session(people, org, banks, held_on, *, bank="AGR", **thresholds):
    return session_create(actor=people["province_head"], organiser=org["HG"], held_on=held_on,
                          place="Hội trường Cục THADS", banks=[BankData(banks[bank], "Phó Giám đốc")], **thresholds)


def _proposed(session):
    return {item.case.pk: item for item in propose(session)}


def test_exactly_n_failed_rounds_puts_the_case_on_the_agenda(people, org, banks, bank_case):
    case = bank_case()
    stuck_auction(case)  # the third failed round is held on 2/12/2019
    on_the_day_after = _proposed(_session(people, org, banks, date(2019, 12, 3)))
    assert on_the_day_after[case.pk].reasons == [Reason.FAILED_ROUNDS]
    assert on_the_day_after[case.pk].amount_remaining == 800_000_000
    # On the round's own day only two rounds had failed before the session: not stuck.
    assert case.pk not in _proposed(_session(people, org, banks, date(2019, 12, 2)))
    # N is the session's: with N = 2 the case is stuck a round earlier.
    assert case.pk in _proposed(_session(people, org, banks, date(2019, 10, 16), failed_rounds_threshold=2))
    assert case.pk not in _proposed(_session(people, org, banks, date(2019, 10, 16)))


def test_offer_declined_on_the_eve_and_unanswered_on_the_day(people, org, banks, bank_case):
    case = bank_case()
    auction = stuck_auction(case)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=date(2019, 12, 10), today=TODAY)
    declined_on_eve = _proposed(_session(people, org, banks, date(2019, 12, 11)))[case.pk]
    assert declined_on_eve.reasons == [Reason.FAILED_ROUNDS, Reason.OFFER_DECLINED]
    assert "10/12/2019" in "; ".join(declined_on_eve.detail)
    answered_on_the_day = _proposed(_session(people, org, banks, date(2019, 12, 10)))[case.pk]
    assert answered_on_the_day.reasons == [Reason.FAILED_ROUNDS, Reason.OFFER_UNANSWERED]
    assert Reason.OFFER_UNANSWERED not in _proposed(_session(people, org, banks, date(2019, 12, 5)))[case.pk].reasons


def test_case_ended_before_the_session_is_not_on_it(people, org, banks, bank_case):
    case = bank_case()
    stuck_auction(case)
    record(case, EventKind.DINH_CHI, date(2019, 12, 5), ground="c")
    assert case.pk not in _proposed(_session(people, org, banks, date(2019, 12, 6)))
    # The session the day it ended still saw it open on its eve.
    assert case.pk in _proposed(_session(people, org, banks, date(2019, 12, 5)))


def test_idle_months_boundary_and_large_amount_alone_is_not_enough(people, org, banks, bank_case):
    case = bank_case(amount_due=2_000_000_000)  # accepted 1/3/2019, no step since
    # Six months later to the day: not yet idle; the large amount alone does not put it on the agenda.
    assert case.pk not in _proposed(_session(people, org, banks, date(2019, 9, 1)))
    item = _proposed(_session(people, org, banks, date(2019, 9, 2)))[case.pk]
    assert item.reasons == [Reason.IDLE, Reason.LARGE_AMOUNT]
    assert item.amount_remaining == 2_000_000_000


def test_ranked_by_money_and_only_the_sessions_banks_and_jurisdiction(people, org, banks, bank_case):
    small = bank_case(amount_due=300_000_000)
    big = bank_case(amount_due=900_000_000)
    stuck_auction(small, parcel="1")
    stuck_auction(big, parcel="2")
    paid_down = bank_case(amount_due=1_500_000_000)
    stuck_auction(paid_down, parcel="3")
    record(paid_down, EventKind.THU_TIEN, date(2019, 11, 20), amount=1_000_000_000)  # 500,000,000 left
    other_bank = bank_case(bank="VCB", amount_due=5_000_000_000)
    stuck_auction(other_bank, parcel="4")
    other_province = bank_case(unit="ST-A", officer=None, amount_due=7_000_000_000)
    stuck_auction(other_province, parcel="5")
    proposed = propose(_session(people, org, banks, date(2019, 12, 3)))
    assert [(item.rank, item.case.pk, item.amount_remaining) for item in proposed] == [
        (1, big.pk, 900_000_000), (2, paid_down.pk, 500_000_000), (3, small.pk, 300_000_000)]


def test_floor_reached_postponed_on_ground_h(people, org, banks, bank_case):
    case = bank_case()
    record(case, EventKind.HOAN, date(2019, 5, 10), ground="h")
    item = _proposed(_session(people, org, banks, date(2019, 5, 11)))[case.pk]
    assert item.reasons == [Reason.FLOOR_REACHED]


@pytest.mark.parametrize("held_on, expected", [(date(2019, 7, 1), True), (date(2019, 7, 2), False)])
def test_valuation_pending_until_the_asset_is_valued(people, org, banks, bank_case, held_on, expected):
    case = bank_case()
    stuck_auction(case, rounds=())  # seized 3/6/2019, valued 1/7/2019
    assert (case.pk in _proposed(_session(people, org, banks, held_on))) is expected
