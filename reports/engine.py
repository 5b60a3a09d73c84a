"""The statistics engine: the indicators of domain.md §6, computed in the database.

One aggregate query per (period, category filter) classifies every case from two points of its history —
the last event before the period and the last event on or before its end — and sums the classes per
(unit, category, origin, officer). Each event row carries the case's state after it (written once by the
services), so the state on any date is a join, not a replay. Units are then rolled up in Python over the
hierarchy as it stood at the period's end: a few thousand group rows, never a loop over cases.
"""
from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.db import connection

from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
from thads.org.hierarchy import Hierarchy
from thads.org.models import Unit

ENDED = ("completed", "terminated", "transferred_out")

# Per case: its statistical acceptance date, the state before the period (eb) and at its end (ee), and the
# money collected and reduced within it. A case with no event before S is as accepted: with conditions,
# owing its amount due. The per-case classification lives here once: the aggregate (group_rows) and the
# drill-down to the cases of one class (case_rows) both select from ``classified``.
CLASSIFIED_SQL = """
WITH marks AS (
    SELECT e.case_id AS case_id,
           MAX(CASE WHEN e.stat_date < %(start)s THEN e.sequence END) AS seq_before,
           MAX(e.sequence) AS seq_end,
           SUM(CASE WHEN e.kind = 'thu_tien' AND e.stat_date >= %(start)s THEN e.amount ELSE 0 END) AS collected,
           SUM(CASE WHEN e.kind = 'giam' AND e.stat_date >= %(start)s THEN e.amount ELSE 0 END) AS reduced
    FROM cases_caseevent e
    WHERE e.stat_date <= %(end)s {event_filter}
    GROUP BY e.case_id
),
per_case AS (
    SELECT c.id AS case_id, c.case_no AS case_no, c.unit_id AS unit_id, c.category AS category, c.origin AS origin,
           c.officer_id AS officer_id, eb.status_after AS status_before, eb.ground_after AS ground_before,
           CASE WHEN c.stat_accepted_on < %(start)s
                 AND COALESCE(eb.status_after, 'with_conditions')
                     NOT IN ('completed', 'terminated', 'transferred_out', 'separate_book')
                THEN 1 ELSE 0 END AS carried,
           CASE WHEN c.stat_accepted_on >= %(start)s
                  OR (eb.status_after = 'separate_book' AND m.seq_end > m.seq_before)
                THEN 1 ELSE 0 END AS is_new,
           CASE WHEN c.stat_accepted_on >= %(start)s THEN c.amount_due
                ELSE COALESCE(eb.remaining_after, c.amount_due) END AS base_money,
           COALESCE(ee.status_after, 'with_conditions') AS status_end,
           COALESCE(ee.ground_after, '') AS ground_end,
           COALESCE(ee.remaining_after, c.amount_due) AS remaining_end,
           COALESCE(ee.terminated_after, 0) AS terminated_end,
           COALESCE(m.collected, 0) AS collected,
           COALESCE(m.reduced, 0) AS reduced
    FROM cases_case c
    LEFT JOIN marks m ON m.case_id = c.id
    LEFT JOIN cases_caseevent eb ON eb.case_id = c.id AND eb.sequence = m.seq_before
    LEFT JOIN cases_caseevent ee ON ee.case_id = c.id AND ee.sequence = m.seq_end
    WHERE c.stat_accepted_on <= %(end)s {case_filter}
),
classified AS (
    SELECT case_id, case_no, unit_id, category, origin, officer_id, carried, is_new, base_money, collected, reduced,
           remaining_end, terminated_end, status_before, ground_before, status_end, ground_end,
           CASE WHEN status_end IN ('completed', 'terminated', 'transferred_out') THEN status_end
                WHEN status_end = 'with_conditions' OR (status_end = 'postponed' AND ground_end = 'c')
                    THEN 'in_progress'
                WHEN status_end IN ('postponed', 'suspended') THEN 'postponed_or_suspended'
                ELSE 'without_conditions' END AS outcome
    FROM per_case
    WHERE carried = 1 OR is_new = 1
)
"""

_AGGREGATE = CLASSIFIED_SQL + """
SELECT unit_id, category, origin, officer_id,
       SUM(carried) AS n_carried_over,
       SUM(is_new) AS n_new,
       SUM(CASE WHEN outcome = 'transferred_out' THEN 1 ELSE 0 END) AS n_transferred_out,
       SUM(CASE WHEN outcome = 'completed' THEN 1 ELSE 0 END) AS n_completed,
       SUM(CASE WHEN outcome = 'terminated' THEN 1 ELSE 0 END) AS n_terminated,
       SUM(CASE WHEN outcome = 'in_progress' THEN 1 ELSE 0 END) AS n_in_progress,
       SUM(CASE WHEN outcome = 'postponed_or_suspended' THEN 1 ELSE 0 END) AS n_postponed_or_suspended,
       SUM(CASE WHEN outcome = 'without_conditions' THEN 1 ELSE 0 END) AS n_without_conditions,
       SUM(carried * base_money) AS m_carried_over,
       SUM(is_new * base_money) AS m_new,
       SUM(CASE WHEN outcome = 'transferred_out' THEN base_money ELSE 0 END) AS m_transferred_out,
       SUM(CASE WHEN outcome <> 'transferred_out' THEN collected ELSE 0 END) AS m_collected,
       SUM(CASE WHEN outcome <> 'transferred_out' THEN reduced ELSE 0 END) AS m_reduced,
       SUM(CASE WHEN outcome = 'terminated' THEN terminated_end ELSE 0 END) AS m_terminated,
       SUM(CASE WHEN outcome = 'in_progress' THEN remaining_end ELSE 0 END) AS m_in_progress,
       SUM(CASE WHEN outcome = 'postponed_or_suspended' THEN remaining_end ELSE 0 END) AS m_postponed_or_suspended,
       SUM(CASE WHEN outcome = 'without_conditions' THEN remaining_end ELSE 0 END) AS m_without_conditions
FROM classified
GROUP BY unit_id, category, origin, officer_id
"""


@dataclass(frozen=True)
class GroupRow:
    unit_id: int
    category: str
    origin: str
    officer_id: int | None
    figures: Figures


# The cases behind each figure, over the columns of ``classified``: (the cases a count counts, the amount each
# case adds to the money figure of the same name). Every money figure is a sum of that amount over the cases.
_NOT_OUT = "outcome <> 'transferred_out'"
_RESOLVED_MONEY = (f"CASE WHEN {_NOT_OUT} THEN collected + reduced ELSE 0 END"
                   " + CASE WHEN outcome = 'terminated' THEN terminated_end ELSE 0 END")
_OPEN = "('in_progress', 'postponed_or_suspended', 'without_conditions')"
CLASS_SQL = {
    "carried_over": ("carried = 1", "carried * base_money"),
    "new": ("is_new = 1", "is_new * base_money"),
    "accepted": ("1 = 1", "base_money"),
    "transferred_out": ("outcome = 'transferred_out'",
                        "CASE WHEN outcome = 'transferred_out' THEN base_money ELSE 0 END"),
    "to_enforce": (_NOT_OUT, f"CASE WHEN {_NOT_OUT} THEN base_money ELSE 0 END"),
    "with_conditions": ("outcome IN ('completed', 'terminated', 'in_progress')",
                        f"{_RESOLVED_MONEY} + CASE WHEN outcome = 'in_progress' THEN remaining_end ELSE 0 END"),
    "completed": ("outcome = 'completed'", f"CASE WHEN {_NOT_OUT} THEN collected + reduced ELSE 0 END"),
    "collected": (None, f"CASE WHEN {_NOT_OUT} THEN collected ELSE 0 END"),  # money only
    "reduced": (None, f"CASE WHEN {_NOT_OUT} THEN reduced ELSE 0 END"),
    "terminated": ("outcome = 'terminated'", "CASE WHEN outcome = 'terminated' THEN terminated_end ELSE 0 END"),
    "resolved": ("outcome IN ('completed', 'terminated')", _RESOLVED_MONEY),
    "in_progress": ("outcome = 'in_progress'", "CASE WHEN outcome = 'in_progress' THEN remaining_end ELSE 0 END"),
    "postponed_or_suspended": ("outcome = 'postponed_or_suspended'",
                               "CASE WHEN outcome = 'postponed_or_suspended' THEN remaining_end ELSE 0 END"),
    "without_conditions": ("outcome = 'without_conditions'",
                           "CASE WHEN outcome = 'without_conditions' THEN remaining_end ELSE 0 END"),
    "carried_forward": (f"outcome IN {_OPEN}",
                        f"CASE WHEN {_NOT_OUT} THEN base_money ELSE 0 END - ({_RESOLVED_MONEY})"),
}
CASE_CLASSES = tuple(key for key in CLASS_SQL if key not in ("collected", "reduced"))


@dataclass(frozen=True)
class CaseRow:
    """One case of a class, and why: its state before the period (None: accepted within it, or no event
    before it) and at its end, and the amount it adds to the money figure of the class."""
    case_id: int
    case_no: str
    carried_over: bool
    new: bool
    status_before: str | None
    ground_before: str
    status_end: str
    ground_end: str
    outcome: str
    base_money: int
    collected: int
    reduced: int
    remaining_end: int
    amount: int


def _in_clause(name: str, values: Iterable, params: dict) -> str:
    keys = []
    for index, value in enumerate(values):
        key = f"{name}_{index}"
        params[key] = value
        keys.append(f"%({key})s")
    return ", ".join(keys) or "NULL"


def _filtered(sql: str, params: dict, *, category, unit_ids, origin, bank_id, officer_id) -> str:
    """``sql`` with the case filters in place (placeholders only; the values go into ``params``).
    ``officer_id`` 0 means the cases assigned to nobody."""
    case_filter = event_filter = ""
    if category:
        params["category"] = category
        case_filter += " AND c.category = %(category)s"
    if origin:
        params["origin"] = origin
        case_filter += " AND c.origin = %(origin)s"
    if bank_id is not None:
        params["bank"] = bank_id
        case_filter += " AND c.creditor_bank_id = %(bank)s"
    if officer_id is not None:
        if officer_id == 0:
            case_filter += " AND c.officer_id IS NULL"
        else:
            params["officer"] = officer_id
            case_filter += " AND c.officer_id = %(officer)s"
    if unit_ids is not None:
        case_filter += f" AND c.unit_id IN ({_in_clause('unit', sorted(set(unit_ids)), params)})"
    if case_filter:
        # Aggregate only the events of the cases in scope (a unit's report must not scan the country).
        event_filter = f" AND e.case_id IN (SELECT c.id FROM cases_case c WHERE 1 = 1{case_filter})"  # noqa: S608 (placeholders only)
    return sql.format(case_filter=case_filter, event_filter=event_filter)


def group_rows(*, start: date, end: date, category: str | None = None,
               unit_ids: Iterable[int] | None = None, origin: str | None = None, bank_id: int | None = None,
               officer_id: int | None = None) -> list[GroupRow]:
    """Base sums per (unit, category, origin, officer) for [start, end], straight from the database.
    ``unit_ids`` narrows the cases to those units (None: every unit); ``origin``, ``bank_id`` (the creditor
    bank) and ``officer_id`` (0: nobody) narrow them further."""
    params: dict = {"start": start, "end": end}
    sql = _filtered(_AGGREGATE, params, category=category, unit_ids=unit_ids, origin=origin, bank_id=bank_id,
                    officer_id=officer_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    result = []
    for unit_id, row_category, origin_code, officer, *sums in rows:
        counts = dict(zip(BASE_COUNTS, (int(v or 0) for v in sums[:len(BASE_COUNTS)]), strict=True))
        amounts = dict(zip(BASE_MONEY, (int(v or 0) for v in sums[len(BASE_COUNTS):]), strict=True))
        result.append(GroupRow(unit_id, row_category, origin_code, officer, Figures(counts, amounts)))
    return result


def case_rows(*, start: date, end: date, case_class: str, money: bool = False, category: str | None = None,
              unit_ids: Iterable[int] | None = None, origin: str | None = None, bank_id: int | None = None,
              officer_id: int | None = None) -> list[CaseRow]:
    """The cases behind one figure for [start, end], by case number, with the same filters as ``group_rows``.

    ``money`` False: the cases the count ``case_class`` counts (as many as the figure). ``money`` True: the
    cases that add a non-zero amount to the money figure ``case_class`` (their amounts sum to the figure):
    money "completed" is what was collected or reduced on any case, whatever its end. Raises KeyError for an
    unknown class (and for "collected" or "reduced" as counts: they are money only)."""
    membership, amount = CLASS_SQL[case_class]
    if membership is None and not money:
        raise KeyError(case_class)
    condition = f"({amount}) <> 0" if money else membership
    params: dict = {"start": start, "end": end}
    select = CLASSIFIED_SQL + f"""
SELECT case_id, case_no, carried, is_new, status_before, ground_before, status_end, ground_end, outcome, base_money,
       collected, reduced, remaining_end, {amount} AS amount
FROM classified WHERE {condition} ORDER BY case_no, case_id
"""  # noqa: S608 (class SQL is a constant; values are placeholders)
    sql = _filtered(select, params, category=category, unit_ids=unit_ids, origin=origin, bank_id=bank_id,
                    officer_id=officer_id)
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        rows = cursor.fetchall()
    return [CaseRow(case_id, case_no, bool(carried), bool(is_new), status_before, ground_before or "", status_end,
                    ground_end or "", outcome, int(base or 0), int(collected or 0), int(reduced or 0),
                    int(remaining or 0), int(value or 0))
            for (case_id, case_no, carried, is_new, status_before, ground_before, status_end, ground_end, outcome, base,
                 collected, reduced, remaining, value) in rows]


def roll_up(rows: Iterable[GroupRow], hierarchy: Hierarchy, *, key=lambda row: None) -> dict:
    """Sum group rows into every unit of the hierarchy (each row counts in its unit and all ancestors),
    optionally split by ``key(row)``. Returns {(unit_id, key): Figures}."""
    totals: dict = defaultdict(Figures.zero)
    for row in rows:
        split = key(row)
        for unit_id in hierarchy.chain(row.unit_id):
            totals[(unit_id, split)].add(row.figures)
    return totals


def unit_figures(unit: Unit, *, start: date, end: date, category: str | None = None, **filters) -> Figures:
    """The figures of ``unit`` and its subtree (as it stood at ``end``) for [start, end]; ``filters``:
    origin, bank_id, officer_id as in ``group_rows``."""
    hierarchy = Hierarchy(end)
    rows = group_rows(start=start, end=end, category=category, unit_ids=hierarchy.subtree_of(unit.pk), **filters)
    return roll_up(rows, hierarchy).get((unit.pk, None), Figures.zero())


def previous_year(start: date, end: date) -> tuple[date, date]:
    """The same period one year earlier (29 February becomes 28 February)."""
    def back(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)
    return back(start), back(end)
