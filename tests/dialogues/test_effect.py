"""The effect of a session (dialogues.effect) against a hand-worked example."""
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import EventKind
from cases.services.assets import auction_handover, creditor_offer_answer, creditor_offer_make
from dialogues.effect import session_effect, year_effect
from dialogues.services import BankData, agenda_add, session_create, session_hold
from tests.dialogues.histories import TODAY, stuck_auction
from tests.factories import record

SESSION_DAY = date(2019, 4, 26)


@pytest.fixture
def history(people, org, banks, bank_case):
    """AGR's cases at HG-VT, all accepted 15/1/2018, and a dialogue on 26/4/2019 with A and B on its agenda.
    A 800,000,000: collects 300,000,000 on 20/5/2019 and 500,000,000 (completed) on 10/9/2019.
    B 400,000,000: collects 100,000,000 on 10/1/2019; its land goes to the bank on 10/1/2020 (300,000,000
       collected), completed on 1/3/2020.
    C 200,000,000 (not on the agenda): collected in full and completed on 10/6/2019.
    D 1,000,000,000 (not on the agenda): collected in full and completed on 1/2/2019, before the session.
    Not counted: a VCB case and an AGR case of another province."""
    accepted = date(2018, 1, 15)
    a, b = bank_case(accepted_on=accepted), bank_case(accepted_on=accepted, amount_due=400_000_000)
    c = bank_case(accepted_on=accepted, amount_due=200_000_000)
    d = bank_case(accepted_on=accepted, amount_due=1_000_000_000)
    vcb = bank_case(bank="VCB", accepted_on=accepted)
    elsewhere = bank_case(unit="ST-A", officer=None, accepted_on=accepted)
    record(b, EventKind.THU_TIEN, date(2019, 1, 10), amount=100_000_000)
    record(d, EventKind.THU_TIEN, date(2019, 2, 1), amount=1_000_000_000)
    record(d, EventKind.XONG, date(2019, 2, 1))
    session = session_create(actor=people["province_head"], organiser=org["HG"], held_on=SESSION_DAY,
                             place="Hội trường", banks=[BankData(banks["AGR"])])
    agenda_add(actor=people["province_head"], session=session, case=a)
    agenda_add(actor=people["province_head"], session=session, case=b)
    session_hold(actor=people["province_head"], session=session)
    record(a, EventKind.THU_TIEN, date(2019, 5, 20), amount=300_000_000)
    record(a, EventKind.THU_TIEN, date(2019, 9, 10), amount=500_000_000)
    record(a, EventKind.XONG, date(2019, 9, 10))
    record(c, EventKind.THU_TIEN, date(2019, 6, 10), amount=200_000_000)
    record(c, EventKind.XONG, date(2019, 6, 10))
    auction = stuck_auction(b)
    offer = creditor_offer_make(actor=None, auction=auction, offered_on=date(2019, 12, 5), today=TODAY)
    creditor_offer_answer(actor=None, offer=offer, accepted=True, answered_on=date(2019, 12, 10), today=TODAY)
    auction_handover(actor=None, auction=auction, handed_on=date(2020, 1, 10), today=TODAY)
    b.refresh_from_db()
    assert b.amount_remaining == 0
    record(b, EventKind.XONG, date(2020, 3, 1))
    for other in (vcb, elsewhere):
        record(other, EventKind.THU_TIEN, date(2019, 5, 2), amount=1_000_000)
    return session


def _figures(window, group):
    figures = window.groups[group]
    return (figures.cases, figures.money, figures.resolved, figures.collected, figures.assets)


def test_effect_of_one_session_by_hand(history):
    three, six, twelve = session_effect(history, today=date(2019, 12, 31))
    assert (three.months, three.start, three.end, three.complete) == (3, SESSION_DAY, date(2019, 7, 25), True)
    # After: A and B owed 800,000,000 + 300,000,000; only A's first 300,000,000 came in within 3 months.
    assert _figures(three, "agenda") == (2, 1_100_000_000, 0, 300_000_000, 0)
    assert _figures(three, "others") == (1, 200_000_000, 1, 200_000_000, 0)  # C; D had ended before
    # Before (26/1–25/4/2019): A, B (300,000,000 left), C and D; D resolved and collected.
    assert _figures(three, "before") == (4, 2_300_000_000, 1, 1_000_000_000, 0)
    assert _figures(six, "agenda") == (2, 1_100_000_000, 1, 800_000_000, 0)
    assert six.groups["agenda"].resolved_rate == Decimal("50.00")
    assert six.groups["agenda"].collected_rate == Decimal("72.73")
    assert _figures(six, "before") == (4, 2_400_000_000, 1, 1_100_000_000, 0)  # B's 10/1 collection counts
    assert _figures(twelve, "agenda") == (2, 1_100_000_000, 2, 1_100_000_000, 1)
    assert twelve.complete is False  # the window runs to 25/4/2020
    assert _figures(twelve, "before") == (4, 2_400_000_000, 1, 1_100_000_000, 0)


def test_year_effect_sums_the_sessions_and_shows_the_years_bank_figures(history, org):
    year = year_effect(org["HG"], 2019, today=date(2020, 12, 31))
    assert [session.pk for session in year.sessions] == [history.pk]
    assert _figures(year.windows[2], "agenda") == (2, 1_100_000_000, 2, 1_100_000_000, 1)
    assert year.windows[2].complete is True
    # FY2019 (1/10/2018–30/9/2019), HG's bank cases: A, B, C, D of AGR and the VCB case; D, C, A completed.
    assert (year.bank_cases["to_enforce"], year.bank_cases["resolved"]) == (5, 3)
    assert year_effect(org["ST"], 2019, today=date(2020, 12, 31)).sessions == []
