"""Legal deadlines of a case (cases/deadlines.py) computed with the real holiday table (migration
cases/0002_public_holidays_2016_2027), and the officers' due list (cases/selectors.deadlines_due).

Every expected date is worked out by hand from a wall calendar and the holiday table; the comment next to it
says how. Days off used below (from the migration): Tết 2019 Mon 4/2 – Fri 8/2/2019 (with the weekends,
2/2 – 10/2 off); Tết 2026 Mon 16/2 – Fri 20/2/2026 (14/2 – 22/2 off); Mon 31/12/2018 swapped for the make-up
Saturday 5/1/2019; 1/1/2019; Mon 29/4/2019 swapped for the make-up Saturday 4/5/2019, 30/4 and 1/5/2019;
1/1/2026 (Thu); 1/9 and 2/9/2025 (Mon, Tue). "Today" is always frozen with time_machine.
"""
from datetime import date, datetime
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.utils import timezone

from cases.codes import EventKind, JudgmentType, NoConditionsGround, Origin
from cases.deadlines import REGIMES, Deadline, DeadlineKind, DeadlineStatus, regime_on
from cases.models import Payout
from cases.selectors import case_deadlines, deadlines_due, working_calendar
from cases.services import payout_record
from tests.factories import make_case, record
from thads.core.errors import DomainError

HCM = ZoneInfo("Asia/Ho_Chi_Minh")
OLD, NEW = "luat_2008", "luat_106_2025"


def frozen(day: date, hour: int = 12, minute: int = 0):
    """Freeze the clock at ``hour:minute`` local time (Asia/Ho_Chi_Minh) on ``day``."""
    return time_machine.travel(datetime(day.year, day.month, day.day, hour, minute, tzinfo=HCM), tick=False)


def of_kind(deadlines, kind):
    return [deadline for deadline in deadlines if deadline.kind == kind]


def only(deadlines, kind):
    found = of_kind(deadlines, kind)
    assert len(found) == 1, found
    return found[0]


def pay(case, paid_on, amount):
    return payout_record(actor=None, case=case, paid_on=paid_on, amount=amount, recipient="Trần Thị B",
                         today=date(2026, 11, 28))


# ---- the calendar from the holiday table ------------------------------------------------------------------

@pytest.mark.django_db
def test_given_the_migrated_holiday_table_then_the_working_calendar_has_tet_swaps_and_make_up_saturdays():
    calendar = working_calendar()

    assert [calendar.is_working_day(date(2019, 2, d)) for d in range(1, 12)] == [
        True,  # Fri 1/2
        False, False,  # Sat, Sun
        False, False, False, False, False,  # Tết Mon 4 – Fri 8
        False, False,  # Sat, Sun
        True,  # Mon 11/2
    ]
    assert [calendar.is_working_day(date(2026, 2, d)) for d in range(13, 24)] == [
        True, False, False, False, False, False, False, False, False, False, True]  # Fri 13 … Mon 23
    assert calendar.is_working_day(date(2018, 12, 31)) is False  # Monday, swapped
    assert calendar.is_working_day(date(2019, 1, 5)) is True     # make-up Saturday
    assert calendar.is_working_day(date(2025, 9, 2)) is False    # Quốc khánh
    assert calendar.working_days_between(date(2019, 2, 1), date(2019, 2, 11)) == 1


# ---- decision deadline (5 working days; bankruptcy 3) -----------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("unit", "judgment_type", "received_on", "due_on"), [
    # Tết 2019: Thu 31/1 + 5 wd: Fri 1/2 (1); 2/2–10/2 off; Mon 11 (2), Tue 12 (3), Wed 13 (4), Thu 14 (5).
    pytest.param("HG-VT", JudgmentType.DAN_SU, date(2019, 1, 31), date(2019, 2, 14), id="tet-2019"),
    # Tết 2026: Thu 12/2 + 5 wd: Fri 13 (1); 14/2–22/2 off; Mon 23 (2), Tue 24 (3), Wed 25 (4), Thu 26 (5).
    pytest.param("HG-KV1", JudgmentType.DAN_SU, date(2026, 2, 12), date(2026, 2, 26), id="tet-2026"),
    # Weekend: Wed 6/3/2019 + 5 wd: Thu 7 (1), Fri 8 (2), Mon 11 (3), Tue 12 (4), Wed 13 (5).
    pytest.param("HG-VT", JudgmentType.DAN_SU, date(2019, 3, 6), date(2019, 3, 13), id="weekend"),
    # New Year 2019: Fri 28/12/2018 + 5 wd: Sat 29, Sun 30, Mon 31 (swapped) and Tue 1/1 off; Wed 2/1 (1),
    # Thu 3 (2), Fri 4 (3), Sat 5 make-up (4), Mon 7 (5).
    pytest.param("HG-VT", JudgmentType.DAN_SU, date(2018, 12, 28), date(2019, 1, 7), id="new-year-2019"),
    # New Year 2026: Wed 31/12/2025 + 5 wd: Thu 1/1 off; Fri 2 (1), Mon 5 (2), Tue 6 (3), Wed 7 (4), Thu 8 (5).
    pytest.param("HG-KV1", JudgmentType.DAN_SU, date(2025, 12, 31), date(2026, 1, 8), id="new-year-2026"),
    # 30/4–1/5/2019: Fri 26/4 + 5 wd: Mon 29 (swapped), Tue 30, Wed 1/5 off; Thu 2 (1), Fri 3 (2),
    # Sat 4 make-up (3), Mon 6 (4), Tue 7 (5).
    pytest.param("HG-VT", JudgmentType.DAN_SU, date(2019, 4, 26), date(2019, 5, 7), id="30-4-2019"),
    # 2/9/2025: Fri 29/8 + 5 wd: Mon 1/9, Tue 2/9 off; Wed 3 (1), Thu 4 (2), Fri 5 (3), Mon 8 (4), Tue 9 (5).
    pytest.param("HG-KV1", JudgmentType.DAN_SU, date(2025, 8, 29), date(2025, 9, 9), id="2-9-2025"),
    # Bankruptcy, 3 wd over Tết 2019: Thu 31/1 + 3: Fri 1/2 (1), Mon 11 (2), Tue 12 (3).
    pytest.param("HG-VT", JudgmentType.PHA_SAN, date(2019, 1, 31), date(2019, 2, 12), id="bankruptcy-tet-2019"),
    # Bankruptcy over 2/9/2025: Fri 29/8 + 3: Wed 3/9 (1), Thu 4 (2), Fri 5 (3).
    pytest.param("HG-KV1", JudgmentType.PHA_SAN, date(2025, 8, 29), date(2025, 9, 5), id="bankruptcy-2-9-2025"),
])
def test_given_a_received_request_when_the_decision_is_issued_on_the_last_day_then_the_deadline_is_met(
        org, unit, judgment_type, received_on, due_on):
    # given a request received on ``received_on``, decided on the last allowed day
    case = make_case(unit=org[unit], judgment_type=judgment_type, received_on=received_on, accepted_on=due_on)

    # when
    decision = only(case_deadlines(case), DeadlineKind.DECISION)

    # then
    assert decision == Deadline(DeadlineKind.DECISION, due_on, due_on, OLD)
    assert decision.status(due_on) == DeadlineStatus.MET


@pytest.mark.django_db
def test_given_a_request_received_before_tet_when_decided_the_day_after_the_deadline_then_it_is_late(org):
    # given received Thu 31/1/2019 (due Thu 14/2, see above), decided Fri 15/2/2019
    case = make_case(unit=org["HG-VT"], received_on=date(2019, 1, 31), accepted_on=date(2019, 2, 15))

    decision = only(case_deadlines(case), DeadlineKind.DECISION)

    assert decision == Deadline(DeadlineKind.DECISION, date(2019, 2, 14), date(2019, 2, 15), OLD)
    assert decision.status(date(2019, 2, 15)) == DeadlineStatus.LATE


@pytest.mark.django_db
def test_given_no_receipt_date_then_there_is_no_decision_deadline(org):
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 14))
    assert of_kind(case_deadlines(case), DeadlineKind.DECISION) == []


# ---- voluntary period and verification --------------------------------------------------------------------

@pytest.mark.django_db
def test_given_a_request_case_notified_before_tet_then_verification_runs_after_the_voluntary_period(org):
    # given a case on request, accepted Mon 14/1/2019, notified Wed 16/1/2019
    case = make_case(unit=org["HG-VT"], origin=Origin.THEO_YEU_CAU, accepted_on=date(2019, 1, 14),
                     notified_on=date(2019, 1, 16))

    # when
    deadlines = case_deadlines(case)

    # then voluntary: 16/1 + 10 = Sat 26/1 → Mon 28/1/2019;
    # verification: 28/1 + 10 = Thu 7/2 (Tết, off to Sun 10/2) → Mon 11/2/2019
    assert deadlines == [
        Deadline(DeadlineKind.VOLUNTARY, date(2019, 1, 28), None, OLD, duty=False),
        Deadline(DeadlineKind.VERIFICATION, date(2019, 2, 11), None, OLD),
    ]


@pytest.mark.django_db
def test_given_a_request_case_without_notice_date_then_the_voluntary_period_runs_from_acceptance(org):
    # given accepted Mon 14/1/2019, no notice date
    case = make_case(unit=org["HG-VT"], origin=Origin.THEO_YEU_CAU, accepted_on=date(2019, 1, 14))

    # then voluntary: 14/1 + 10 = Thu 24/1/2019 (a working day);
    # verification: 24/1 + 10 = Sun 3/2, then Tết to Sun 10/2 → Mon 11/2/2019
    assert case_deadlines(case) == [
        Deadline(DeadlineKind.VOLUNTARY, date(2019, 1, 24), None, OLD, duty=False),
        Deadline(DeadlineKind.VERIFICATION, date(2019, 2, 11), None, OLD),
    ]


@pytest.mark.django_db
def test_given_a_proactive_case_then_verification_runs_from_acceptance_not_from_the_voluntary_period(org):
    # given the same dates as the request case above, but chu_dong
    case = make_case(unit=org["HG-VT"], origin=Origin.CHU_DONG, accepted_on=date(2019, 1, 14),
                     notified_on=date(2019, 1, 16))

    # then verification: accepted 14/1 + 10 = Thu 24/1/2019, before the voluntary period ends (Mon 28/1)
    assert case_deadlines(case) == [
        Deadline(DeadlineKind.VERIFICATION, date(2019, 1, 24), None, OLD),
        Deadline(DeadlineKind.VOLUNTARY, date(2019, 1, 28), None, OLD, duty=False),
    ]


@pytest.mark.django_db
def test_given_a_notice_just_before_the_year_end_then_both_periods_roll_over_the_new_year_days_off(org):
    # given accepted Fri 21/12/2018, notified Sat 22/12/2018
    case = make_case(unit=org["HG-VT"], accepted_on=date(2018, 12, 21), notified_on=date(2018, 12, 22))

    # then voluntary: 22/12 + 10 = Tue 1/1/2019 (holiday) → Wed 2/1/2019;
    # verification: 2/1 + 10 = Sat 12/1 (not a make-up Saturday) → Mon 14/1/2019
    assert case_deadlines(case) == [
        Deadline(DeadlineKind.VOLUNTARY, date(2019, 1, 2), None, OLD, duty=False),
        Deadline(DeadlineKind.VERIFICATION, date(2019, 1, 14), None, OLD),
    ]


@pytest.mark.django_db
@pytest.mark.parametrize(("verified_on", "status"), [
    (date(2019, 2, 11), DeadlineStatus.MET),   # on the due day
    (date(2019, 2, 12), DeadlineStatus.LATE),  # the day after
])
def test_given_a_first_verification_then_it_meets_the_verification_deadline(org, verified_on, status):
    # given a request case accepted Mon 14/1/2019 (verification due Mon 11/2/2019, see above)
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 14))
    # when the officer records the verification result
    record(case, EventKind.CO_DIEU_KIEN, verified_on)

    verification = only(case_deadlines(case), DeadlineKind.VERIFICATION)

    assert verification == Deadline(DeadlineKind.VERIFICATION, date(2019, 2, 11), verified_on, OLD)
    assert verification.status(date(2019, 3, 1)) == status


@pytest.mark.django_db
def test_given_a_case_terminated_before_verification_was_due_then_there_is_no_verification_deadline(org):
    # given accepted Mon 14/1/2019 (verification due 11/2), terminated Fri 25/1/2019 without verification
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 14))
    record(case, EventKind.DINH_CHI, date(2019, 1, 25), ground="c")

    assert case_deadlines(case) == [Deadline(DeadlineKind.VOLUNTARY, date(2019, 1, 24), None, OLD, duty=False)]


@pytest.mark.django_db
def test_given_a_case_terminated_after_verification_was_due_then_the_missed_verification_stays_overdue(org):
    # given accepted Mon 14/1/2019 (verification due 11/2), terminated Tue 12/2/2019 without verification
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 14))
    record(case, EventKind.DINH_CHI, date(2019, 2, 12), ground="c")

    verification = only(case_deadlines(case), DeadlineKind.VERIFICATION)

    assert verification == Deadline(DeadlineKind.VERIFICATION, date(2019, 2, 11), None, OLD)
    assert verification.status(date(2019, 2, 12)) == DeadlineStatus.OVERDUE


# ---- re-verification of cases without conditions ---------------------------------------------------------

def _case_without_conditions(org, on=date(2018, 9, 6), ground=NoConditionsGround.KHONG_TAI_SAN,
                             accepted_on=date(2018, 8, 6)):
    case = make_case(unit=org["HG-VT"], accepted_on=accepted_on)
    record(case, EventKind.CHUA_CO_DIEU_KIEN, on, ground=ground)
    return case


@pytest.mark.django_db
@pytest.mark.parametrize(("ground", "due_on"), [
    # Thu 6/9/2018 + 6 months = Wed 6/3/2019
    pytest.param(NoConditionsGround.KHONG_TAI_SAN, date(2019, 3, 6), id="no-assets-6-months"),
    pytest.param(NoConditionsGround.VAT_KHONG_CON, date(2019, 3, 6), id="item-gone-6-months"),
    pytest.param("", date(2019, 3, 6), id="no-ground-6-months"),
    # Thu 6/9/2018 + 12 months = Fri 6/9/2019
    pytest.param(NoConditionsGround.DANG_CHAP_HANH_AN_TU, date(2019, 9, 6), id="prisoner-12-months"),
    pytest.param(NoConditionsGround.KHONG_RO_DIA_CHI, date(2019, 9, 6), id="unknown-address-12-months"),
])
def test_given_a_case_without_conditions_then_it_must_be_reverified_after_6_or_12_months(org, ground, due_on):
    # given a case found without conditions on Thu 6/9/2018 (the first verification: event #1)
    case = _case_without_conditions(org, ground=ground)

    # when
    reverification = only(case_deadlines(case), DeadlineKind.REVERIFICATION)

    # then
    assert reverification == Deadline(DeadlineKind.REVERIFICATION, due_on, None, OLD, reference="#1")
    with frozen(due_on):
        assert reverification.status(timezone.localdate()) == DeadlineStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(("found_on", "due_on"), [
    (date(2018, 8, 31), date(2019, 2, 28)),  # Fri 31/8/2018 + 6 months: "31/2" → Thu 28/2/2019 (not leap)
    (date(2023, 8, 31), date(2024, 2, 29)),  # Thu 31/8/2023 + 6 months: "31/2" → Thu 29/2/2024 (leap)
])
def test_given_a_case_without_conditions_on_the_31st_then_the_reverification_clamps_to_february_end(
        org, found_on, due_on):
    case = _case_without_conditions(org, on=found_on, accepted_on=date(2018, 8, 6))

    assert only(case_deadlines(case), DeadlineKind.REVERIFICATION) == Deadline(
        DeadlineKind.REVERIFICATION, due_on, None, OLD, reference="#1")


@pytest.mark.django_db
def test_given_a_reverification_falling_on_a_weekend_in_tet_then_it_moves_to_the_next_working_day(org):
    # given found without conditions on Thu 2/8/2018: + 6 months = Sat 2/2/2019, then Tết until Sun 10/2.
    # A period whose last day is a day off ends on the next working day (Bộ luật Dân sự 2015, Điều 148
    # khoản 5), as the 10-day periods of this module do: Mon 11/2/2019.
    case = _case_without_conditions(org, on=date(2018, 8, 2), accepted_on=date(2018, 7, 2))

    reverification = only(case_deadlines(case), DeadlineKind.REVERIFICATION)

    assert reverification == Deadline(DeadlineKind.REVERIFICATION, date(2019, 2, 11), None, OLD, reference="#1")
    # an officer who re-verifies on the first working day after Tết is on time
    with frozen(date(2019, 2, 11)):
        assert reverification.status(timezone.localdate()) == DeadlineStatus.OPEN


@pytest.mark.django_db
@pytest.mark.parametrize(("verified_on", "status"), [
    (date(2019, 3, 1), DeadlineStatus.MET),   # before the due day, Wed 6/3/2019
    (date(2019, 3, 6), DeadlineStatus.MET),   # on it
    (date(2019, 3, 7), DeadlineStatus.LATE),  # after it
])
def test_given_a_reverification_finding_conditions_then_it_meets_the_deadline(org, verified_on, status):
    # given without conditions since Thu 6/9/2018 (re-verification due Wed 6/3/2019)
    case = _case_without_conditions(org)
    # when the next verification finds conditions
    record(case, EventKind.CO_DIEU_KIEN, verified_on)

    reverification = only(case_deadlines(case), DeadlineKind.REVERIFICATION)

    assert reverification == Deadline(DeadlineKind.REVERIFICATION, date(2019, 3, 6), verified_on, OLD,
                                      reference="#1")
    assert reverification.status(date(2019, 9, 30)) == status


@pytest.mark.django_db
def test_given_a_reverification_still_without_conditions_then_it_meets_the_first_and_starts_a_new_one(org):
    # given without conditions since Thu 6/9/2018 (event #1), a collection on Mon 1/10/2018 (event #2) that
    # does not interrupt the period, and a re-verification on Tue 5/3/2019 still without conditions (#3)
    case = _case_without_conditions(org)
    record(case, EventKind.THU_TIEN, date(2018, 10, 1), amount=1_000_000)
    record(case, EventKind.CHUA_CO_DIEU_KIEN, date(2019, 3, 5), ground=NoConditionsGround.KHONG_TAI_SAN)

    reverifications = of_kind(case_deadlines(case), DeadlineKind.REVERIFICATION)

    # then #1 (due 6/3/2019) is met on 5/3; #3 runs again: Tue 5/3/2019 + 6 months = Thu 5/9/2019
    assert reverifications == [
        Deadline(DeadlineKind.REVERIFICATION, date(2019, 3, 6), date(2019, 3, 5), OLD, reference="#1"),
        Deadline(DeadlineKind.REVERIFICATION, date(2019, 9, 5), None, OLD, reference="#3"),
    ]
    with frozen(date(2019, 9, 6)):
        assert reverifications[1].status(timezone.localdate()) == DeadlineStatus.OVERDUE


@pytest.mark.django_db
def test_given_a_case_without_conditions_terminated_before_reverification_then_the_reverification_is_dropped(
        org):
    # given without conditions since Thu 6/9/2018, terminated on Mon 3/12/2018 (before 6/3/2019)
    case = _case_without_conditions(org)
    record(case, EventKind.DINH_CHI, date(2018, 12, 3), ground="a")

    # then only the first verification (met late: due Mon 27/8/2018, see below) and the voluntary period remain.
    # accepted Mon 6/8/2018: voluntary 16/8 (Thu); verification 26/8 (Sun) → Mon 27/8/2018
    assert case_deadlines(case) == [
        Deadline(DeadlineKind.VOLUNTARY, date(2018, 8, 16), None, OLD, duty=False),
        Deadline(DeadlineKind.VERIFICATION, date(2018, 8, 27), date(2018, 9, 6), OLD),
    ]


@pytest.mark.django_db
def test_given_a_case_moved_to_the_separate_book_then_the_reverification_is_dropped(org):
    case = _case_without_conditions(org)
    record(case, EventKind.CHUYEN_SO_RIENG, date(2019, 1, 15))

    assert of_kind(case_deadlines(case), DeadlineKind.REVERIFICATION) == []


# ---- decisions when a ground arises (5 working days) ------------------------------------------------------

@pytest.mark.django_db
def test_given_grounds_arising_around_the_year_end_and_tet_then_the_decisions_are_due_5_working_days_later(org):
    # given a case accepted Mon 17/12/2018
    case = make_case(unit=org["HG-VT"], accepted_on=date(2018, 12, 17))
    # a postponement ground arose Fri 28/12/2018: due Mon 7/1/2019 (31/12, 1/1 off; Sat 5/1 make-up counts);
    # decided Tue 8/1/2019: late
    record(case, EventKind.HOAN, date(2019, 1, 8), ground="b", ground_arose_on=date(2018, 12, 28))
    record(case, EventKind.TIEP_TUC, date(2019, 1, 21))
    # a no-conditions ground arose Thu 31/1/2019: due Thu 14/2/2019 (over Tết); decided that day: met
    record(case, EventKind.CHUA_CO_DIEU_KIEN, date(2019, 2, 14), ground=NoConditionsGround.KHONG_TAI_SAN,
           ground_arose_on=date(2019, 1, 31))

    ground_decisions = of_kind(case_deadlines(case), DeadlineKind.GROUND_DECISION)

    assert ground_decisions == [
        Deadline(DeadlineKind.GROUND_DECISION, date(2019, 1, 7), date(2019, 1, 8), OLD, reference="#1"),
        Deadline(DeadlineKind.GROUND_DECISION, date(2019, 2, 14), date(2019, 2, 14), OLD, reference="#3"),
    ]
    assert [d.status(date(2019, 3, 1)) for d in ground_decisions] == [DeadlineStatus.LATE, DeadlineStatus.MET]


# ---- paying collected money out (10 days, FIFO) -----------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize(("paid_on", "today", "met_on", "status"), [
    pytest.param(date(2019, 3, 14), date(2019, 3, 20), date(2019, 3, 14), DeadlineStatus.MET, id="met-on-due-day"),
    pytest.param(date(2019, 3, 15), date(2019, 3, 20), date(2019, 3, 15), DeadlineStatus.LATE, id="late"),
    pytest.param(None, date(2019, 3, 14), None, DeadlineStatus.OPEN, id="open-on-due-day"),
    pytest.param(None, date(2019, 3, 15), None, DeadlineStatus.OVERDUE, id="overdue-the-day-after"),
])
def test_given_a_collection_then_its_payout_deadline_is_met_late_open_or_overdue(org, paid_on, today, met_on,
                                                                                   status):
    # given 5,000,000 đ collected on Mon 4/3/2019: due 4/3 + 10 = Thu 14/3/2019 (a working day)
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 3, 1))
    record(case, EventKind.THU_TIEN, date(2019, 3, 4), amount=5_000_000)
    if paid_on is not None:
        pay(case, paid_on, 5_000_000)

    # when looked at on a frozen "today"
    with frozen(today):
        payout = only(case_deadlines(case), DeadlineKind.PAYOUT)
        observed = payout.status(timezone.localdate())

    # then
    assert payout == Deadline(DeadlineKind.PAYOUT, date(2019, 3, 14), met_on, OLD, reference="#1")
    assert observed == status


@pytest.mark.django_db
def test_given_a_collection_just_before_tet_then_the_payout_is_due_after_tet(org):
    # given collected Fri 25/1/2019: 25/1 + 10 = Mon 4/2 (Tết until Sun 10/2) → Mon 11/2/2019
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 1, 14))
    record(case, EventKind.THU_TIEN, date(2019, 1, 25), amount=2_000_000)

    assert only(case_deadlines(case), DeadlineKind.PAYOUT) == Deadline(
        DeadlineKind.PAYOUT, date(2019, 2, 11), None, OLD, reference="#1")


@pytest.mark.django_db
def test_given_two_collections_and_partial_payouts_then_payouts_settle_them_first_in_first_out(org):
    # given 3,000,000 collected Mon 4/3/2019 (#1, due Thu 14/3) and 2,000,000 on Wed 6/3/2019
    # (#2: 6/3 + 10 = Sat 16/3 → Mon 18/3/2019)
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 3, 1))
    record(case, EventKind.THU_TIEN, date(2019, 3, 4), amount=3_000_000)
    record(case, EventKind.THU_TIEN, date(2019, 3, 6), amount=2_000_000)
    # payouts: 1,000,000 on 8/3 (→ #1, 2,000,000 left), 3,000,000 on 12/3 (2,000,000 closes #1, 1,000,000 → #2)
    pay(case, date(2019, 3, 8), 1_000_000)
    pay(case, date(2019, 3, 12), 3_000_000)

    with frozen(date(2019, 3, 19)):
        payouts = of_kind(case_deadlines(case), DeadlineKind.PAYOUT)
        statuses = [p.status(timezone.localdate()) for p in payouts]

    # then #1 is met on 12/3; #2 still lacks 1,000,000 and is overdue on Tue 19/3
    assert payouts == [
        Deadline(DeadlineKind.PAYOUT, date(2019, 3, 14), date(2019, 3, 12), OLD, reference="#1"),
        Deadline(DeadlineKind.PAYOUT, date(2019, 3, 18), None, OLD, reference="#2"),
    ]
    assert statuses == [DeadlineStatus.MET, DeadlineStatus.OVERDUE]

    # when the last 1,000,000 is paid on Mon 18/3, #2's due day
    pay(case, date(2019, 3, 18), 1_000_000)

    # then #2 is met on time
    assert only([p for p in case_deadlines(case) if p.reference == "#2"], DeadlineKind.PAYOUT).met_on == date(
        2019, 3, 18)


@pytest.mark.django_db
def test_given_a_payout_dated_before_a_collection_then_it_is_refused_and_cannot_settle_that_collection(org):
    # given 1,000,000 collected Mon 4/3/2019 and 2,000,000 collected Mon 1/4/2019
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 3, 1))
    record(case, EventKind.THU_TIEN, date(2019, 3, 4), amount=1_000_000)
    record(case, EventKind.THU_TIEN, date(2019, 4, 1), amount=2_000_000)

    # when a payout of 3,000,000 dated Tue 5/3/2019 is recorded: on 5/3 only 1,000,000 had been collected
    with pytest.raises(DomainError) as refused:
        pay(case, date(2019, 3, 5), 3_000_000)

    # then it is refused and nothing is written, so the April collection's payout stays open
    assert refused.value.code == "amount_exceeds_collected"
    assert Payout.objects.filter(case=case).count() == 0
    assert of_kind(case_deadlines(case), DeadlineKind.PAYOUT)[1] == Deadline(
        DeadlineKind.PAYOUT, date(2019, 4, 11), None, OLD, reference="#2")


# ---- legal regime tagging ---------------------------------------------------------------------------------

def test_given_the_regime_table_then_the_old_law_ends_on_30_6_2026_and_the_new_one_starts_on_1_7_2026():
    assert [regime.code for regime in REGIMES] == [OLD, NEW]
    assert regime_on(date(2026, 6, 30)).code == OLD
    assert regime_on(date(2026, 7, 1)).code == NEW
    assert regime_on(date(2030, 1, 1)).code == NEW
    assert regime_on(date(2005, 1, 1)).code == OLD  # before 2009: the oldest regime the app knows


@pytest.mark.django_db
@pytest.mark.parametrize(("start", "regime", "decision_due", "voluntary_due", "payout_due"), [
    # Tue 30/6/2026: decision + 5 wd = Wed 1/7, Thu 2, Fri 3, Mon 6, Tue 7/7; + 10 days = Fri 10/7/2026
    pytest.param(date(2026, 6, 30), OLD, date(2026, 7, 7), date(2026, 7, 10), date(2026, 7, 10), id="30-6-2026"),
    # Wed 1/7/2026: decision + 5 wd = Thu 2, Fri 3, Mon 6, Tue 7, Wed 8/7; + 10 days = Sat 11/7 → Mon 13/7/2026
    pytest.param(date(2026, 7, 1), NEW, date(2026, 7, 8), date(2026, 7, 13), date(2026, 7, 13), id="1-7-2026"),
])
def test_given_a_period_starting_on_a_day_then_it_is_tagged_with_the_regime_in_force_that_day(
        org, start, regime, decision_due, voluntary_due, payout_due):
    # given a request received, the decision issued and notified, and money collected, all on ``start``
    case = make_case(unit=org["HG-KV1"], received_on=start, accepted_on=start, notified_on=start)
    record(case, EventKind.THU_TIEN, start, amount=1_000_000)

    deadlines = case_deadlines(case)

    assert only(deadlines, DeadlineKind.DECISION) == Deadline(DeadlineKind.DECISION, decision_due, start, regime)
    assert only(deadlines, DeadlineKind.VOLUNTARY) == Deadline(DeadlineKind.VOLUNTARY, voluntary_due, None, regime,
                                                               duty=False)
    assert only(deadlines, DeadlineKind.PAYOUT) == Deadline(DeadlineKind.PAYOUT, payout_due, None, regime,
                                                            reference="#1")


@pytest.mark.django_db
def test_given_a_verification_period_starting_on_1_7_2026_then_it_is_judged_by_the_new_law(org):
    # given a request case notified Fri 26/6/2026: voluntary 26/6 + 10 = Mon 6/7/2026 (old law: it started
    # on 26/6). The verification period starts when the voluntary period ends, on 6/7/2026, under the new law:
    # 6/7 + 10 = Thu 16/7/2026.
    case = make_case(unit=org["HG-KV1"], accepted_on=date(2026, 6, 26), notified_on=date(2026, 6, 26))

    deadlines = case_deadlines(case)

    assert only(deadlines, DeadlineKind.VOLUNTARY) == Deadline(DeadlineKind.VOLUNTARY, date(2026, 7, 6), None, OLD,
                                                               duty=False)
    assert only(deadlines, DeadlineKind.VERIFICATION) == Deadline(DeadlineKind.VERIFICATION, date(2026, 7, 16),
                                                                  None, NEW)


# ---- deadlines_due: the officers' list with a frozen clock -------------------------------------------------
#
# "Today" is Wed 20/3/2019 (noon, local time); the default horizon is 7 days, to Wed 27/3/2019.
#
# HS-A  officer,  HG-VT, on request, accepted Mon 14/1/2019, notified Wed 16/1: voluntary Mon 28/1 (the
#       debtor's, never listed); verification due Mon 11/2/2019, not done → overdue.
# HS-B  officer,  HG-VT, received Tue 26/2/2019 (decision due Tue 5/3: 27/2, 28/2, 1/3, 4/3, 5/3), accepted
#       Fri 1/3: met. Voluntary Mon 11/3, verification due Thu 21/3, met by co_dieu_kien on Tue 5/3 (#1).
#       Collected 1,000,000 Wed 6/3 (#2: due Sat 16/3 → Mon 18/3), paid 8/3: met.
#       Collected 2,000,000 Mon 11/3 (#3: due Thu 21/3): open, within the horizon.
#       Collected 1,000,000 Tue 19/3 (#4: due Fri 29/3): beyond the horizon.
# HS-D  officer,  HG-VT, like HS-A (verification overdue since 11/2) but terminated Fri 15/3/2019: ended.
# HS-E  officer2, HG-VT, accepted Mon 28/1/2019: voluntary 7/2 (Tết) → Mon 11/2; verification 21/2 → overdue.
# HS-F  officer,  HG-VT, accepted Mon 6/8/2018 (verification due Mon 27/8/2018), found without conditions
#       Thu 6/9/2018 (#1; verification met late); re-verification due Wed 6/3/2019 → overdue.
# HS-G  no officer, HG-NB, like HS-A: verification due Mon 11/2/2019 → overdue.

TODAY = date(2019, 3, 20)


@pytest.fixture
def due_cases(org, people):
    officer, officer2 = people["officer"], people["officer2"]
    vt, nb = org["HG-VT"], org["HG-NB"]
    a = make_case(unit=vt, case_no="HS-A", officer=officer, accepted_on=date(2019, 1, 14),
                  notified_on=date(2019, 1, 16))

    b = make_case(unit=vt, case_no="HS-B", officer=officer, received_on=date(2019, 2, 26),
                  accepted_on=date(2019, 3, 1))
    record(b, EventKind.CO_DIEU_KIEN, date(2019, 3, 5))
    record(b, EventKind.THU_TIEN, date(2019, 3, 6), amount=1_000_000)
    record(b, EventKind.THU_TIEN, date(2019, 3, 11), amount=2_000_000)
    record(b, EventKind.THU_TIEN, date(2019, 3, 19), amount=1_000_000)
    pay(b, date(2019, 3, 8), 1_000_000)

    d = make_case(unit=vt, case_no="HS-D", officer=officer, accepted_on=date(2019, 1, 14),
                  notified_on=date(2019, 1, 16))
    record(d, EventKind.DINH_CHI, date(2019, 3, 15), ground="c")

    e = make_case(unit=vt, case_no="HS-E", officer=officer2, accepted_on=date(2019, 1, 28))

    f = make_case(unit=vt, case_no="HS-F", officer=officer, accepted_on=date(2018, 8, 6))
    record(f, EventKind.CHUA_CO_DIEU_KIEN, date(2018, 9, 6), ground=NoConditionsGround.KHONG_TAI_SAN)

    g = make_case(unit=nb, case_no="HS-G", accepted_on=date(2019, 1, 14), notified_on=date(2019, 1, 16))
    return {"A": a, "B": b, "D": d, "E": e, "F": f, "G": g}


def _rows(items):
    return [(item.case.case_no, item.deadline.kind, item.deadline.due_on, item.status, item.deadline.reference)
            for item in items]


A_VERIFICATION = ("HS-A", DeadlineKind.VERIFICATION, date(2019, 2, 11), DeadlineStatus.OVERDUE, "")
E_VERIFICATION = ("HS-E", DeadlineKind.VERIFICATION, date(2019, 2, 21), DeadlineStatus.OVERDUE, "")
F_REVERIFICATION = ("HS-F", DeadlineKind.REVERIFICATION, date(2019, 3, 6), DeadlineStatus.OVERDUE, "#1")
G_VERIFICATION = ("HS-G", DeadlineKind.VERIFICATION, date(2019, 2, 11), DeadlineStatus.OVERDUE, "")
B_PAYOUT_OPEN = ("HS-B", DeadlineKind.PAYOUT, date(2019, 3, 21), DeadlineStatus.OPEN, "#3")
B_PAYOUT_LATER = ("HS-B", DeadlineKind.PAYOUT, date(2019, 3, 29), DeadlineStatus.OPEN, "#4")


@pytest.mark.django_db
def test_given_an_officer_when_listing_their_due_deadlines_then_overdue_duties_come_first_then_by_due_date(
        people, due_cases):
    # when the officer asks for their own list
    with frozen(TODAY):
        items = deadlines_due(people["officer"], officer_id=people["officer"].pk)

    # then: overdue verification and re-verification, then the payout due tomorrow; not the payout beyond the
    # horizon (29/3), not the met decision / verification / payout, not the voluntary period, not HS-D (ended),
    # not HS-E (officer2's)
    assert _rows(items) == [A_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]
    assert items[0].case == due_cases["A"]


@pytest.mark.django_db
def test_given_an_officer_without_filter_then_they_see_every_open_case_of_their_unit(people, due_cases):
    with frozen(TODAY):
        items = deadlines_due(people["officer"])

    assert _rows(items) == [A_VERIFICATION, E_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]


@pytest.mark.django_db
def test_given_a_longer_or_shorter_horizon_then_items_up_to_its_last_day_are_included(people, due_cases):
    officer = people["officer"]
    with frozen(TODAY):
        # 20/3 + 9 days = 29/3: HS-B's #4 payout (due Fri 29/3) is in, on the horizon's last day
        nine_days = deadlines_due(officer, officer_id=officer.pk, horizon_days=9)
        # 20/3 + 8 days = 28/3: it is not
        eight_days = deadlines_due(officer, officer_id=officer.pk, horizon_days=8)
        # 20/3 + 0 days: only what is already overdue (HS-B's #3 is due tomorrow)
        today_only = deadlines_due(officer, officer_id=officer.pk, horizon_days=0)

    assert _rows(nine_days) == [A_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN, B_PAYOUT_LATER]
    assert _rows(eight_days) == [A_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]
    assert _rows(today_only) == [A_VERIFICATION, F_REVERIFICATION]


@pytest.mark.django_db
def test_given_the_clock_passes_midnight_local_time_then_an_open_payout_becomes_overdue(people, due_cases):
    officer = people["officer"]
    # HS-B's #3 payout is due Thu 21/3/2019. 23:30 on 21/3 in Hồ Chí Minh City is 16:30 UTC: still due today.
    with frozen(date(2019, 3, 21), 23, 30):
        late_evening = deadlines_due(officer, officer_id=officer.pk, horizon_days=0)
    # 00:30 on Fri 22/3 local time is still 21/3 in UTC (17:30): the local date decides, so it is overdue.
    with frozen(date(2019, 3, 22), 0, 30):
        after_midnight = deadlines_due(officer, officer_id=officer.pk, horizon_days=0)

    assert _rows(late_evening)[-1] == B_PAYOUT_OPEN
    assert _rows(after_midnight)[-1] == ("HS-B", DeadlineKind.PAYOUT, date(2019, 3, 21), DeadlineStatus.OVERDUE,
                                         "#3")


@pytest.mark.django_db
def test_given_the_provinces_statistician_then_they_see_the_cases_of_every_district(people, due_cases):
    with frozen(TODAY):
        items = deadlines_due(people["statistician"])

    # HS-A and HS-G are both due 11/2: ties go by case number
    assert _rows(items) == [A_VERIFICATION, G_VERIFICATION, E_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]


@pytest.mark.django_db
def test_given_a_unit_filter_then_only_that_units_jurisdiction_is_listed(org, people, due_cases):
    statistician = people["statistician"]
    with frozen(TODAY):
        vi_thanh = deadlines_due(statistician, unit_id=org["HG-VT"].pk)
        nga_bay = deadlines_due(statistician, unit_id=org["HG-NB"].pk)
        province = deadlines_due(statistician, unit_id=org["HG"].pk)
        other_province = deadlines_due(statistician, unit_id=org["ST"].pk)

    assert _rows(vi_thanh) == [A_VERIFICATION, E_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]
    assert _rows(nga_bay) == [G_VERIFICATION]
    assert _rows(province) == [A_VERIFICATION, G_VERIFICATION, E_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]
    assert other_province == []


@pytest.mark.django_db
def test_given_an_officer_filter_then_only_that_officers_cases_are_listed(people, due_cases):
    with frozen(TODAY):
        officer2_items = deadlines_due(people["statistician"], officer_id=people["officer2"].pk)
        officer_items = deadlines_due(people["statistician"], officer_id=people["officer"].pk)

    assert _rows(officer2_items) == [E_VERIFICATION]
    assert _rows(officer_items) == [A_VERIFICATION, F_REVERIFICATION, B_PAYOUT_OPEN]


@pytest.mark.django_db
def test_given_an_officer_of_another_province_then_they_see_none_of_these_deadlines(org, people, due_cases):
    outsider = people["outsider"]
    with frozen(TODAY):
        own = deadlines_due(outsider)
        asking_for_the_unit = deadlines_due(outsider, unit_id=org["HG-VT"].pk)
        asking_for_the_officer = deadlines_due(outsider, officer_id=people["officer"].pk)

    assert (own, asking_for_the_unit, asking_for_the_officer) == ([], [], [])
