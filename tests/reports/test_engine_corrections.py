"""The statistics engine follows corrections (dinh_chinh), worked by hand; and the per-case reference,
which handles corrections on its own (dropping cancelled events as of each date, by statistical date),
gives the same figures — on the hand-worked cases and on a generated ledger with corrections in it.

Periods: FY2020 so far = 1/10/2019 – 31/10/2019 (the open period) and FY2019 = 1/10/2018 – 30/9/2019 (closed
on 15/10/2019 in the closed-period tests)."""
import random
from datetime import date

import pytest

from cases.codes import EventKind as K
from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent
from cases.services import case_event_cancel
from cases.workflow import CaseFacts, EventInput
from reports.engine import unit_figures
from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
from reports.reference import CaseHistory, period_figures
from reports.services import period_close, report_build
from tests.factories import make_case, record
from thads.core.errors import DomainError
from thads.org.models import Unit

M = 1_000_000
FY2019 = (date(2018, 10, 1), date(2019, 9, 30))
OCTOBER = (date(2019, 10, 1), date(2019, 10, 31))
CLOSED_ON = date(2019, 10, 15)


def figures(counts: dict | None = None, amounts: dict | None = None) -> Figures:
    result = Figures.zero()
    for key, value in (counts or {}).items():
        assert key in BASE_COUNTS, key
        result.counts[key] = value
    for key, value in (amounts or {}).items():
        assert key in BASE_MONEY, key
        result.amounts[key] = value
    return result


def histories() -> list[CaseHistory]:
    """Every case as the reference reads it: statistical dates, each correction naming the position of the
    event it cancels."""
    by_case: dict[int, list[EventInput]] = {}
    for event in CaseEvent.objects.select_related("cancels").order_by("case_id", "sequence"):
        by_case.setdefault(event.case_id, []).append(EventInput(
            kind=event.kind, date=event.stat_date, amount=event.amount, ground=event.ground,
            cancels=event.cancels.sequence if event.cancels_id else None))
    return [CaseHistory(CaseFacts(case.case_no, case.category, case.stat_accepted_on, case.amount_due),
                        tuple(by_case.get(case.pk, ())))
            for case in Case.objects.all()]


def both(unit, period) -> Figures:
    """The engine's figures for ``unit``, after checking the reference gives exactly the same."""
    engine = unit_figures(unit, start=period[0], end=period[1])
    reference = period_figures(histories(), *period)
    assert (engine.counts, engine.amounts) == (reference.counts, reference.amounts)
    return engine


def same(got: Figures, expected: Figures) -> None:
    assert (got.counts, got.amounts) == (expected.counts, expected.amounts)


@pytest.mark.django_db
def test_one_dong_cancelled_and_entered_again_as_one_million_in_the_open_period(org):
    # given: a case accepted 1/8/2019 owing 5.000.000; on 10/10/2019 1 đồng is entered instead of 1.000.000
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 8, 1), amount_due=5 * M)
    mistaken = record(case, K.THU_TIEN, date(2019, 10, 10), amount=1)
    # when: cancelled and entered again
    case_event_cancel(actor=None, case=case, event=mistaken, reason="nhập nhầm số tiền")
    record(case, K.THU_TIEN, date(2019, 10, 10), amount=M)
    # then: October shows 1.000.000 collected, 4.000.000 in progress (carried over with 5.000.000)
    same(both(org["HG"], OCTOBER), figures({"carried_over": 1, "in_progress": 1},
                                           {"carried_over": 5 * M, "collected": M, "in_progress": 4 * M}))


@pytest.mark.django_db
def test_a_mistake_in_a_closed_period_corrected_after_closing(org, people):
    # given: 1 đồng entered on 20/9/2019 instead of 1.000.000; September closed on 15/10
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 8, 1), amount_due=5 * M)
    mistaken = record(case, K.THU_TIEN, date(2019, 9, 20), amount=1)
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSED_ON)
    closed_report = report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])
    same(both(org["HG"], FY2019), figures({"new": 1, "in_progress": 1},
                                          {"new": 5 * M, "collected": 1, "in_progress": 5 * M - 1}))
    # when: the mistake is cancelled and the right amount entered, with its legal date 20/9
    case_event_cancel(actor=None, case=case, event=mistaken, reason="nhập nhầm số tiền")
    record(case, K.THU_TIEN, date(2019, 9, 20), amount=M)
    # then: the closed FY2019 keeps exactly its figures
    assert report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1]) == closed_report
    same(both(org["HG"], FY2019), figures({"new": 1, "in_progress": 1},
                                          {"new": 5 * M, "collected": 1, "in_progress": 5 * M - 1}))
    # and October counts the correction: carried over with what FY2019 carried forward (5.000.000 − 1),
    # collected 1.000.000 − 1 (the 1 đồng taken back, the 1.000.000 added), 4.000.000 in progress
    same(both(org["HG"], OCTOBER), figures({"carried_over": 1, "in_progress": 1},
                                           {"carried_over": 5 * M - 1, "collected": M - 1, "in_progress": 4 * M}))


@pytest.mark.django_db
def test_a_collection_cancelled_after_closing_and_not_replaced_is_taken_back_in_the_open_period(org, people):
    # given: 2.000.000 collected on 20/9 (FY2019, closed), found afterwards never to have been received
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 8, 1), amount_due=5 * M)
    mistaken = record(case, K.THU_TIEN, date(2019, 9, 20), amount=2 * M)
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSED_ON)
    # when
    case_event_cancel(actor=None, case=case, event=mistaken, reason="tiền chưa nhận được")
    # then: October collects −2.000.000 (corrections land in the open period, domain.md §6), and its
    # to_enforce money (3.000.000 carried over) still equals its buckets (5.000.000 in progress) minus it
    october = both(org["HG"], OCTOBER)
    same(october, figures({"carried_over": 1, "in_progress": 1},
                          {"carried_over": 3 * M, "collected": -2 * M, "in_progress": 5 * M}))
    money = october.money()
    assert money["to_enforce"] == money["with_conditions"] + money["without_conditions"] + \
        money["postponed_or_suspended"]


@pytest.mark.django_db
def test_a_cancelled_termination_leaves_the_case_in_progress(org):
    # given: a case carried over into October, terminated on 5/10 by mistake, then the termination cancelled
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 8, 1), amount_due=5 * M)
    record(case, K.THU_TIEN, date(2019, 8, 20), amount=M)
    record(case, K.DINH_CHI, date(2019, 10, 5), ground="c")
    same(both(org["HG"], OCTOBER), figures({"carried_over": 1, "terminated": 1},
                                           {"carried_over": 4 * M, "terminated": 4 * M}))
    # when
    case_event_cancel(actor=None, case=case, event=None, reason="quyết định đình chỉ bị thu hồi")
    # then: in progress with its 4.000.000; nothing terminated
    same(both(org["HG"], OCTOBER), figures({"carried_over": 1, "in_progress": 1},
                                           {"carried_over": 4 * M, "in_progress": 4 * M}))


@pytest.mark.django_db
def test_a_cancelled_completion_leaves_the_case_in_progress_and_its_collection_counted(org):
    # given: paid in full on 3/10 and marked completed on 4/10 by mistake
    case = make_case(unit=org["HG-VT"], accepted_on=date(2019, 10, 2), amount_due=3 * M)
    record(case, K.THU_TIEN, date(2019, 10, 3), amount=3 * M)
    record(case, K.XONG, date(2019, 10, 4))
    # when
    case_event_cancel(actor=None, case=case, event=None, reason="chưa chi trả xong")
    # then: new, in progress with nothing remaining, the 3.000.000 collected
    same(both(org["HG"], OCTOBER), figures({"new": 1, "in_progress": 1}, {"new": 3 * M, "collected": 3 * M}))


@pytest.mark.django_db
def test_a_cancelled_move_to_the_separate_book_after_closing_brings_the_case_back_as_new(org, people):
    # given: moved to the separate book on 20/9/2019 (FY2019, then closed): FY2019 counted it there
    case = make_case(unit=org["HG-VT"], accepted_on=date(2018, 3, 1), amount_due=6 * M)
    record(case, K.CHUA_CO_DIEU_KIEN, date(2018, 6, 1), ground="khong_tai_san")
    record(case, K.CHUYEN_SO_RIENG, date(2019, 9, 20))
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSED_ON)
    # when: the move is cancelled after closing
    case_event_cancel(actor=None, case=case, event=None, reason="chưa đủ điều kiện chuyển sổ")
    # then: FY2019 unchanged (carried over, without conditions); October takes it back as new, without
    # conditions, with its 6.000.000 (as a case returning from the separate book)
    same(both(org["HG"], FY2019), figures({"carried_over": 1, "without_conditions": 1},
                                          {"carried_over": 6 * M, "without_conditions": 6 * M}))
    same(both(org["HG"], OCTOBER), figures({"new": 1, "without_conditions": 1},
                                           {"new": 6 * M, "without_conditions": 6 * M}))


@pytest.mark.django_db
@pytest.mark.parametrize("start,end", [(date(2018, 10, 1), date(2019, 9, 30)), (date(2019, 10, 1), date(2020, 3, 31)),
                                       (date(2019, 1, 1), date(2019, 3, 31))])
def test_engine_matches_the_reference_on_a_generated_ledger_with_corrections(tmp_path, start, end):
    # given: a generated ledger; September 2019 closed; then the latest event of one case in four cancelled
    # (some of them twice, going back one by one)
    generate_ledger(tmp_path, cases=200, events=600, seed=5)
    import_ledger(tmp_path)
    period_close(actor=None, unit=Unit.objects.get(code="HG"), end=date(2019, 9, 30), today=date(2019, 10, 15))
    rng = random.Random(3)
    cancelled = 0
    for case in Case.objects.order_by("id"):
        for _attempt in range(rng.choice((0, 0, 0, 1, 2))):
            try:
                case_event_cancel(actor=None, case=case, event=None, reason="đính chính")
                cancelled += 1
            except DomainError:
                break
    assert cancelled > 30
    # then
    both(Unit.objects.get(code="HG"), (start, end))

