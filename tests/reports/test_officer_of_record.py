"""The per-officer figures of a closed period use the officer of record at the period's end (issue 14 item 8):
reassigning a case afterwards moves the open period's figures, never the closed one's. Both engine paths
(events and stored facts) and the forms by officer."""
from datetime import date

import pytest
from django.utils import timezone

from cases.codes import EventKind
from cases.services import case_update, cases_assign
from reports.engine import group_rows
from reports.services import period_close, report_breakdown
from tests.factories import make_case, record

FY2019 = (date(2018, 10, 1), date(2019, 9, 30))
M = 1_000_000


def accepted_by_officer(rows) -> dict:
    return {row.key: row.cases["accepted"] for row in rows}


@pytest.fixture
def two_cases(org, people):
    first = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2019, 1, 10))
    second = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2019, 2, 10),
                       amount_due=4 * M)
    record(first, EventKind.CO_DIEU_KIEN, date(2019, 2, 1))
    record(first, EventKind.THU_TIEN, date(2019, 3, 1), amount=2 * M)
    return first, second


@pytest.mark.django_db
def test_a_reassignment_after_closing_leaves_the_closed_periods_officers_and_moves_the_open_one(
        org, people, two_cases):
    first, second = two_cases
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=date(2019, 10, 15))
    closed_before = report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by="officer")
    assert accepted_by_officer(closed_before) == {people["officer"].pk: 2}
    # when: the unit head hands one case to another officer (once through the case page, once in bulk)
    case_update(actor=people["head"], case=first, officer=people["officer2"])
    cases_assign(actor=people["head"], case_ids=[second.pk], officer=people["officer2"])
    # then: the closed year is split as at its end, figures included
    closed_after = report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by="officer")
    assert [(row.key, row.cases, row.money) for row in closed_after] == [
        (row.key, row.cases, row.money) for row in closed_before]
    assert closed_after[0].money["collected"] == 2 * M
    # and the open period shows the new officer
    today = timezone.localdate()
    current_start = date(today.year if today.month >= 10 else today.year - 1, 10, 1)
    current = report_breakdown(unit=org["HG"], start=current_start, end=today, by="officer")
    assert accepted_by_officer(current) == {people["officer2"].pk: 2}


@pytest.mark.django_db
@pytest.mark.parametrize("source", ["events", "facts"])
def test_the_officer_of_record_is_read_the_same_from_events_and_facts(org, people, two_cases, source):
    first, second = two_cases
    case_update(actor=people["head"], case=first, officer=people["officer2"])
    case_update(actor=people["head"], case=first, officer=None)  # twice: the first change after the day counts
    today = timezone.localdate()
    yesterday = date.fromordinal(today.toordinal() - 1)

    def officers(as_of):
        rows = group_rows(start=FY2019[0], end=FY2019[1], unit_ids=[org["HG-VT"].pk], source=source,
                          officer_as_of=as_of)
        totals: dict = {}
        for row in rows:
            totals[row.officer_id] = totals.get(row.officer_id, 0) + row.figures.cases()["accepted"]
        return totals

    assert officers(None) == {None: 1, people["officer"].pk: 1}  # now: the first case is assigned to nobody
    assert officers(yesterday) == {people["officer"].pk: 2}  # before both changes
    assert officers(today) == {None: 1, people["officer"].pk: 1}  # both changes dated today
