"""The interagency report's lifecycle and deadlines as pure Python (no ORM).

TTLT 12/2021/TTLT-BTP-VKSNDTC-TANDTC: periods of 3, 6, 10 and 12 months from 1 October; the enforcement agency
closes the data and prepares the form within 1 day after the period, the procuracy of the same level
countersigns within 2 working days, differences are reconciled under the agency's lead, and the province
consolidates within 5 working days. An error found later is corrected in the next period of the same year.
"""
from dataclasses import dataclass
from datetime import date, timedelta

from django.utils.translation import gettext as _

from thads.core.dates import WorkingCalendar, fiscal_year_bounds

CLOSED, SENT, DISPUTED, RESOLVED, COUNTERSIGNED, CONSOLIDATED = (
    "closed", "sent", "disputed", "resolved", "countersigned", "consolidated")
INTERAGENCY_MONTHS = (3, 6, 10, 12)

# action: (statuses it may start from, status it leads to)
TRANSITIONS: dict[str, tuple[frozenset[str], str]] = {
    "send": (frozenset({CLOSED}), SENT),
    "countersign": (frozenset({SENT, RESOLVED}), COUNTERSIGNED),
    "difference": (frozenset({SENT, DISPUTED, RESOLVED}), DISPUTED),
    "resolve": (frozenset({DISPUTED}), RESOLVED),
    "consolidate": (frozenset({COUNTERSIGNED}), CONSOLIDATED),
}

CLOSE_DAYS = 1               # calendar days after the period's end
COUNTERSIGN_WORKING_DAYS = 2  # from the day the report is sent
CONSOLIDATE_WORKING_DAYS = 5  # from the period's end (provinces)


class TransitionRefused(Exception):
    def __init__(self, action: str, status: str):
        super().__init__(action, status)
        self.action, self.status = action, status


def next_status(action: str, status: str) -> str:
    """The status ``action`` leads to from ``status``; TransitionRefused when it is not allowed from there."""
    allowed, result = TRANSITIONS[action]
    if status not in allowed:
        raise TransitionRefused(action, status)
    return result


def allowed_actions(status: str) -> set[str]:
    return {action for action, (allowed, _result) in TRANSITIONS.items() if status in allowed}


def period_months(end: date) -> int:
    """Months from 1 October to ``end`` (a month's last day): 31/12 → 3, 30/9 → 12."""
    return (end.month - 10) % 12 + 1


def is_interagency_end(end: date) -> bool:
    return (end + timedelta(days=1)).day == 1 and period_months(end) in INTERAGENCY_MONTHS


def interagency_ends(fiscal_year: int) -> list[date]:
    """The ends of the year's interagency periods, in order."""
    start = fiscal_year_bounds(fiscal_year)[0]
    ends = []
    for months in INTERAGENCY_MONTHS:
        index = start.month - 1 + months  # the month after the period, 0-based from January of start's year
        first_after = date(start.year + index // 12, index % 12 + 1, 1)
        ends.append(first_after - timedelta(days=1))
    return ends


@dataclass(frozen=True)
class Deadline:
    code: str        # "close", "countersign", "consolidate"
    label: str
    due: date
    done_on: date | None
    late: bool       # done after the due day, or not done and the due day has passed


def _deadline(code: str, label: str, due: date, done_on: date | None, today: date) -> Deadline:
    late = done_on > due if done_on is not None else today > due
    return Deadline(code, label, due, done_on, late)


def report_deadlines(*, period_end: date, prepared_on: date, sent_on: date | None, countersigned_on: date | None,
                     consolidated_on: date | None, consolidates: bool, today: date,
                     calendar: WorkingCalendar) -> list[Deadline]:
    """The report's deadlines: the data closed within 1 day after the period; the procuracy's countersignature
    within 2 working days of the report being sent (of the closing deadline while it is not sent); for a
    province, the consolidation within 5 working days of the period's end."""
    close_due = period_end + timedelta(days=CLOSE_DAYS)
    deadlines = [
        _deadline("close", _("Data closed and report prepared"), close_due, prepared_on, today),
        _deadline("countersign", _("Countersigned by the procuracy"),
                  calendar.add_working_days(sent_on or close_due, COUNTERSIGN_WORKING_DAYS), countersigned_on,
                  today),
    ]
    if consolidates:
        deadlines.append(_deadline("consolidate", _("Consolidated by the province"),
                                   calendar.add_working_days(period_end, CONSOLIDATE_WORKING_DAYS), consolidated_on,
                                   today))
    return deadlines
