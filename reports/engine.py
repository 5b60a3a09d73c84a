"""The statistics engine: the indicators of domain.md §6, computed in the database.

One aggregate query per (period, category filter) classifies every case from two points of its history —
the last event before the period and the last event on or before its end — and sums the classes per
(unit, category, origin, officer). Each event row carries the case's state after it (written once by the
services), so the state on any date is a join, not a replay. Units are then rolled up in Python over the
hierarchy as it stood at the period's end: a few thousand group rows, never a loop over cases.

A fiscal year (to date) whose per-case facts are complete is read from them instead (reports.facts stores,
per case and year, what ``per_case_sql`` computes for the whole year): the same classification and sums
over a narrow table, one row per counted case (see ``facts_answer``).
"""
import json
import operator
from collections import defaultdict
from collections.abc import Iterable
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass
from datetime import date
from functools import wraps

from django.db import connection

from reports.indicators import BASE_COUNTS, BASE_MONEY, Figures
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.org.hierarchy import Hierarchy, org_read_once
from thads.org.hierarchy import hierarchy_on as org_hierarchy_on
from thads.org.models import Unit

ENDED = ("completed", "terminated", "transferred_out")

# shared_reads(): the reads of one page, made once.
_MEMO: ContextVar[dict | None] = ContextVar("reports_engine_reads", default=None)


@contextmanager
def shared_reads():
    """Within the block, the engine makes each read once: the same group rows (and their narrower cuts — a
    category, an origin, an officer), the same source decision, the same hierarchy. For one page or command
    that reports a unit several ways (its figures, its bank cases, its sub-units); never across requests, so
    every figure is as fresh as the page."""
    token = _MEMO.set({}) if _MEMO.get() is None else None
    try:
        with org_read_once():
            yield
    finally:
        if token is not None:
            _MEMO.reset(token)


def reads_shared(view):
    """A view decorated so that its reads are shared (``shared_reads``)."""
    @wraps(view)
    def wrapper(*args, **kwargs):
        with shared_reads():
            return view(*args, **kwargs)
    return wrapper


def shares_reads() -> bool:
    """Whether the caller runs inside ``shared_reads``."""
    return _MEMO.get() is not None


def read_once(key: tuple, compute):
    """``compute()``, made once per key inside ``shared_reads`` (a page's targets, read by several blocks)."""
    memo = _MEMO.get()
    if memo is None:
        return compute()
    key = ("once", *key)
    if key not in memo:
        memo[key] = compute()
    return memo[key]


def hierarchy_on(on: date) -> Hierarchy:
    """The organisation on ``on`` (built once inside ``shared_reads``, and shared with the scoping rules)."""
    return org_hierarchy_on(on)


# A case's state after the event ``alias`` (eb: its last event before the period, ee: its last by the end); a case
# without such an event is as accepted: with conditions, owing its amount due.
_STATE = {"status": "COALESCE({0}.status_after, 'with_conditions')", "ground": "COALESCE({0}.ground_after, '')",
          "remaining": "COALESCE({0}.remaining_after, c.amount_due)", "terminated": "COALESCE({0}.terminated_after, 0)"}


def _state(alias: str, part: str) -> str:
    return _STATE[part].format(alias)


def per_case_sql(*, by_year: bool | str, event_filter: str = "", case_filter: str = "",
                 state_filter: str = "") -> str:
    """The CTEs ``marks`` and ``per_case``: per case, its statistical acceptance date, the state before the
    period (eb) and at its end (ee), and the money collected and reduced within it. A case with no event
    before S is as accepted: with conditions, owing its amount due.

    One period ``%(start)s``–``%(end)s`` (``by_year`` False); or one row per case and fiscal year, with the
    year and the latest statistical date the row reflects — what reports.facts stores — for one fiscal year
    given as ``%(fiscal_year)s``, ``%(start)s``, ``%(end)s`` (``by_year="one"``: the planner sees the dates)
    or for every year of a ``periods (fiscal_year, p_start, p_end)`` relation the caller defines
    (``by_year="many"``). By year, each row also keeps the case's statistical acceptance date, the earliest
    statistical date of its events within the year (``first_stat_date``, NULL: none) and its state before
    the year (``*_start``, as ``*_end`` is at its end): on any day of the year before ``first_stat_date`` the
    case is in that state (see ``source_for``). The rules live here only."""
    many = by_year == "many"
    before_filter, end_filter = state_filter.replace("{alias}", "eb"), state_filter.replace("{alias}", "ee")
    start, end = ("p.p_start", "p.p_end") if many else ("%(start)s", "%(end)s")
    year_key = ("p.fiscal_year AS fiscal_year, " if many else "%(fiscal_year)s AS fiscal_year, ") if by_year else ""
    last_stat = (f"MAX(e.stat_date) AS last_stat, MIN(CASE WHEN e.stat_date >= {start} THEN e.stat_date END) "
                 "AS first_in, " if by_year else "")
    event_from = "cases_caseevent e JOIN periods p ON e.stat_date <= p.p_end" if many else "cases_caseevent e"
    event_where = "1 = 1" if many else f"e.stat_date <= {end}"
    group = "e.case_id, p.fiscal_year" if many else "e.case_id"
    case_from = ("cases_case c JOIN periods p ON c.stat_accepted_on <= p.p_end\n"
                 "    LEFT JOIN marks m ON m.case_id = c.id AND m.fiscal_year = p.fiscal_year"
                 if many else "cases_case c\n    LEFT JOIN marks m ON m.case_id = c.id")
    case_where = "1 = 1" if many else f"c.stat_accepted_on <= {end}"
    case_extra = (f"{'p.fiscal_year' if many else '%(fiscal_year)s'} AS fiscal_year, c.id AS case_id,\n"
                  "           CASE WHEN m.last_stat IS NULL OR m.last_stat < c.stat_accepted_on "
                  "THEN c.stat_accepted_on ELSE m.last_stat END AS last_stat_date,\n"
                  "           c.stat_accepted_on AS accepted_on, m.first_in AS first_stat_date,\n"
                  f"           {_state('eb', 'status')} AS status_start, {_state('eb', 'ground')} AS ground_start,\n"
                  f"           {_state('eb', 'remaining')} AS remaining_start, "
                  f"{_state('eb', 'terminated')} AS terminated_start,\n           "
                  if by_year else "")
    drill = ("c.id AS case_id, c.case_no AS case_no, eb.status_after AS status_before, "
             "eb.ground_after AS ground_before,\n           " if not by_year else "")
    return f"""
marks AS (
    SELECT e.case_id AS case_id, {year_key if many else ""}{last_stat}
           MAX(CASE WHEN e.stat_date < {start} THEN e.sequence END) AS seq_before,
           MAX(e.sequence) AS seq_end
    FROM {event_from}
    WHERE {event_where} {event_filter}
    GROUP BY {group}
),
per_case AS (
    SELECT {case_extra}{drill}c.unit_id AS unit_id, c.category AS category, c.origin AS origin,
           c.officer_id AS officer_id,
           CASE WHEN c.stat_accepted_on < {start}
                 AND {_state('eb', 'status')}
                     NOT IN ('completed', 'terminated', 'transferred_out', 'separate_book')
                THEN 1 ELSE 0 END AS carried,
           CASE WHEN c.stat_accepted_on >= {start}
                  OR (eb.status_after = 'separate_book' AND m.seq_end > m.seq_before)
                THEN 1 ELSE 0 END AS is_new,
           CASE WHEN c.stat_accepted_on >= {start} THEN c.amount_due
                ELSE {_state('eb', 'remaining')} END AS base_money,
           {_state('ee', 'status')} AS status_end,
           {_state('ee', 'ground')} AS ground_end,
           {_state('ee', 'remaining')} AS remaining_end,
           {_state('ee', 'terminated')} AS terminated_end,
           COALESCE(ee.collected_after, 0) - COALESCE(eb.collected_after, 0) AS collected,
           COALESCE(ee.reduced_after, 0) - COALESCE(eb.reduced_after, 0) AS reduced
    FROM {case_from}
    LEFT JOIN cases_caseevent eb ON eb.case_id = c.id AND eb.sequence = m.seq_before{before_filter}
    LEFT JOIN cases_caseevent ee ON ee.case_id = c.id AND ee.sequence = m.seq_end{end_filter}
    WHERE {case_where} {case_filter}
)"""  # noqa: S608 (fragments of this module and placeholders only)


# Classify each counted case of ``source`` (per_case, or the stored facts) by its state at the end and sum the
# classes per (unit, category, origin, officer).
_CLASSIFIED = """
classified AS (
    SELECT {extra}unit_id, category, origin, officer_id, carried, is_new, base_money, collected, reduced,
           remaining_end, terminated_end, status_end, ground_end,
           CASE WHEN status_end IN ('completed', 'terminated', 'transferred_out') THEN status_end
                WHEN status_end = 'with_conditions' OR (status_end = 'postponed' AND ground_end = 'c')
                    THEN 'in_progress'
                WHEN status_end IN ('postponed', 'suspended') THEN 'postponed_or_suspended'
                ELSE 'without_conditions' END AS outcome
    FROM {source}
    WHERE carried = 1 OR is_new = 1
)"""

_AGGREGATE = """
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

_SUMS = _CLASSIFIED.replace("{extra}", "") + _AGGREGATE

# The per-case classification over the events (the drill-down's source): the aggregate of the event path and
# case_rows both select from this ``classified``, so a figure and its list of cases cannot disagree.
CLASSIFIED_SQL = ("WITH " + per_case_sql(by_year=False, case_filter="{case_filter}", event_filter="{event_filter}")
                  + "," + _CLASSIFIED.replace("{extra}", "case_id, case_no, status_before, ground_before, ")
                  .replace("{source}", "per_case") + "\n")
# The aggregate over the events (any period), with the case filters still to place (_filtered).
_EVENTS_AGGREGATE = ("WITH " + per_case_sql(by_year=False, case_filter="{case_filter}", event_filter="{event_filter}")
                     + "," + _SUMS.format(source="per_case"))


# The stored facts of one fiscal year, shaped as per_case (booleans as 0/1): a row's values for a period ending
# on or after its last_stat_date (nothing later in the year changed it) ...
_AT_END = """CASE WHEN f.carried THEN 1 ELSE 0 END AS carried, CASE WHEN f.is_new THEN 1 ELSE 0 END AS is_new,
           f.base_money AS base_money, f.status_end AS status_end, f.ground_end AS ground_end,
           f.remaining_end AS remaining_end, f.terminated_end AS terminated_end, f.collected AS collected,
           f.reduced AS reduced"""
# ... and for a period [1 October, E] ending before its first_stat_date (and on/after its acceptance): no event of
# the case is dated within the period, so per_case's state at E is its state before it (ee = eb, nothing
# collected or reduced) and the case is new only if accepted within the year (the separate book's return needs an
# event in the period); carried and base_money depend on the state before 1 October only, as in the row.
_AT_START = """CASE WHEN f.carried THEN 1 ELSE 0 END AS carried,
           CASE WHEN f.accepted_on >= %(start)s THEN 1 ELSE 0 END AS is_new,
           f.base_money AS base_money, f.status_start AS status_end, f.ground_start AS ground_end,
           f.remaining_start AS remaining_end, f.terminated_start AS terminated_end, 0 AS collected, 0 AS reduced"""
_FACTS_ROWS = """
    SELECT f.unit_id AS unit_id, f.category AS category, f.origin AS origin, f.officer_id AS officer_id,
           {columns}
    FROM reports_caseyearfact f
    WHERE f.fiscal_year = %(fiscal_year)s {fact_filter}"""
# The same, one row per case with its number (the drill-down lists); the state before the period is not stored.
_FACTS_CASE_ROWS = """
    SELECT f.case_id AS case_id, c.case_no AS case_no, CAST(NULL AS varchar(32)) AS status_before,
           '' AS ground_before, f.unit_id AS unit_id, f.category AS category, f.origin AS origin,
           f.officer_id AS officer_id, {columns}
    FROM reports_caseyearfact f JOIN cases_case c ON c.id = f.case_id
    WHERE f.fiscal_year = %(fiscal_year)s {fact_filter}"""
# … without the case numbers (a list's count and total need none: no join with the cases).
_FACTS_CASE_ROWS_UNNUMBERED = (_FACTS_CASE_ROWS.replace("c.case_no AS case_no", "CAST(NULL AS varchar(32)) AS case_no")
                               .replace(" JOIN cases_case c ON c.id = f.case_id", ""))

# The split source (a period [1 October, E] of a covered year ending before the year's latest date): a row that
# reflects nothing after E answers at its end; a row whose first event in the year is after E (or none) answers
# at its start; the other counted cases (an event on each side of E) are read from their events.
_ANSWERED = " AND f.last_stat_date <= %(end)s"
_ANSWERED_AT_START = (" AND f.last_stat_date > %(end)s AND f.accepted_on <= %(end)s"
                      " AND (f.first_stat_date IS NULL OR f.first_stat_date > %(end)s)")
_UNANSWERED = ("SELECT f.case_id FROM reports_caseyearfact f WHERE f.fiscal_year = %(fiscal_year)s "
               "AND f.last_stat_date > %(end)s AND f.first_stat_date <= %(end)s {fact_filter}")


_SPLIT_CTE = True


def _split_events(sql: str, params: dict, filters: dict, fact_filter: str) -> str:
    """``sql`` (``WITH marks … per_case …``) over the events of the cases the split's facts do not answer for
    only: those cases found once (``unanswered``), then their events and their rows in the cases."""
    if not _SPLIT_CTE:
        return _filtered(sql, params, **filters, only_cases=_UNANSWERED.format(fact_filter=fact_filter))
    body = _filtered(sql, params, **filters, only_cases="SELECT u.case_id FROM unanswered u")
    return f"WITH unanswered AS ({_UNANSWERED.format(fact_filter=fact_filter)}),{body.removeprefix('WITH ')}"


def _facts_cte(rows: str, fact_filter: str, *, split: bool) -> str:
    """``facts AS (…)``: the facts of the year shaped as per_case (``rows``: _FACTS_ROWS or _FACTS_CASE_ROWS);
    for a split period only the rows that answer for their cases, each at its end or at its start."""
    if not split:
        return f"facts AS ({rows.format(columns=_AT_END, fact_filter=fact_filter)}\n)"
    return (f"facts AS ({rows.format(columns=_AT_END, fact_filter=fact_filter + _ANSWERED)}\n    UNION ALL"
            f"{rows.format(columns=_AT_START, fact_filter=fact_filter + _ANSWERED_AT_START)}\n)")


def _replaced(text: str, old: str, new: str) -> str:
    if old not in text:
        raise AssertionError(f"not in the engine's SQL: {old!r}")
    return text.replace(old, new)


# The names of the base figures as the aggregate returns them (and reports_factgroupsum stores them).
SUM_COLUMNS = tuple(f"n_{name}" for name in BASE_COUNTS) + tuple(f"m_{name}" for name in BASE_MONEY)


def facts_group_sums_sql(fact_filter: str = "") -> str:
    """The aggregate ``group_rows`` runs on the facts of a whole fiscal year (or a year to date they answer),
    for every fiscal year at once: one row per (fiscal_year, unit_id, category, origin, officer_id) with the
    SUM_COLUMNS, over the fact rows (alias ``f``) meeting ``fact_filter`` (conditions starting with AND).
    What reports.facts keeps in reports_factgroupsum: the same SQL text, grouped by the year as well."""
    rows = _replaced(_replaced(_FACTS_ROWS, "SELECT f.unit_id AS unit_id",
                               "SELECT f.fiscal_year AS fiscal_year, f.unit_id AS unit_id"),
                     "f.fiscal_year = %(fiscal_year)s", "1 = 1")
    aggregate = _replaced(_replaced(_AGGREGATE, "SELECT unit_id,", "SELECT fiscal_year, unit_id,"),
                          "GROUP BY unit_id", "GROUP BY fiscal_year, unit_id")
    return ("WITH facts AS (" + rows.format(columns=_AT_END, fact_filter=fact_filter) + "\n),"
            + _CLASSIFIED.replace("{extra}", "fiscal_year, ").format(source="facts") + aggregate)


# The same sums as kept (reports.facts): the sum of a group's rows of the year (usually one), the figures as the
# aggregate names them. A group whose fact rows are all gone keeps zeros: left out (a group with rows counts at
# least one case).
_STORED_SUMS = f"""
SELECT f.unit_id, f.category, f.origin, NULLIF(f.officer_key, 0),
       {", ".join(f"CAST(SUM(f.{c}) AS bigint)" for c in SUM_COLUMNS)}
FROM reports_factgroupsum f
WHERE f.fiscal_year = %(fiscal_year)s {{fact_filter}}
GROUP BY f.unit_id, f.category, f.origin, f.officer_key
HAVING SUM(f.n_carried_over) <> 0 OR SUM(f.n_new) <> 0
"""  # noqa: S608 (constant column names)


def _sums_filter(fact_filter: str) -> str:
    """``_facts_filter``'s conditions for the kept sums, whose officer is 0 for nobody."""
    return (fact_filter.replace("f.officer_id IS NULL", "f.officer_key = 0")
            .replace("f.officer_id = %(officer)s", "f.officer_key = %(officer)s"))


class GroupRow:
    """The base sums of one (unit, category, origin, officer) group: ``figures``, or ``values`` — the same as
    BASE_COUNTS then BASE_MONEY, as the kept sums are read — from which the figures are made when asked
    (a national page rolls thousands of groups up without making each one's)."""

    __slots__ = ("unit_id", "category", "origin", "officer_id", "_figures", "values")

    def __init__(self, unit_id: int, category: str, origin: str, officer_id: int | None,
                 figures: Figures | None = None, values: tuple[int, ...] | None = None):
        if figures is None and values is None:
            raise ValueError("a group row needs its figures or its values")
        self.unit_id, self.category, self.origin, self.officer_id = unit_id, category, origin, officer_id
        self._figures, self.values = figures, values

    @property
    def figures(self) -> Figures:
        if self._figures is None:
            self._figures = _figures(list(self.values))
        return self._figures

    def _key(self) -> tuple:
        return (self.unit_id, self.category, self.origin, self.officer_id, self.figures)

    def __eq__(self, other) -> bool:
        return isinstance(other, GroupRow) and self._key() == other._key()

    __hash__ = None  # (its figures are mutable)

    def __repr__(self) -> str:
        return f"GroupRow({self.unit_id}, {self.category!r}, {self.origin!r}, {self.officer_id}, {self.figures})"


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


def _filtered(sql: str, params: dict, *, category, unit_ids, origin, bank_id, officer_id,
              only_cases: str = "") -> str:
    """``sql`` with the case filters in place (placeholders only; the values go into ``params``).
    ``officer_id`` 0 means the cases assigned to nobody. ``only_cases``: a subquery of the case ids to read
    (it applies the other filters itself)."""
    if only_cases:
        return sql.format(case_filter=f" AND c.id IN ({only_cases})", event_filter=f" AND e.case_id IN ({only_cases})")
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


def source_for(start: date, end: date, bank_id: int | None = None, source: str | None = None) -> str:
    """Where [start, end] is read from (``source`` forces one):

    - "facts": the per-case facts answer it exactly (a fiscal year to date, or a whole one: ``facts_answer``);
    - "split": a period from the 1 October of a fiscal year whose facts are complete, ending before the
      latest date they reflect (a past month of the year, last year's same period): a case whose fact row
      reflects nothing after the end is as its row says (no event between the end and the row's last
      statistical date changes it, and every case counted in the period has a row of its year); the others
      are read from their events;
    - "events": anything else, or a creditor bank's cases (the facts carry no bank)."""
    if source is not None:
        return source
    if bank_id is not None:
        return "events"
    return _facts_state(start, end)


def _facts_state(start: date, end: date) -> str:
    key = ("facts_state", start, end)
    memo = _MEMO.get()
    if memo is not None and key in memo:
        return memo[key]
    fiscal_year = fiscal_year_of(end)
    year_start, year_end = fiscal_year_bounds(fiscal_year)
    state = "events"
    if start == year_start:
        through, latest = _facts_extent(fiscal_year)
        if through is not None and fiscal_year <= through:
            state = "facts" if end == year_end or latest is None or end >= latest else "split"
    if memo is not None:
        memo[key] = state
    return state


def _facts_extent(fiscal_year: int) -> tuple[int | None, date | None]:
    """(the coverage, the latest statistical date of the year's facts). Inside ``shared_reads`` the year before
    is read in the same query (a page shows each period beside last year's same period)."""
    memo = _MEMO.get()
    if memo is not None and ("facts_extent", fiscal_year) in memo:
        return memo[("facts_extent", fiscal_year)]
    years = [fiscal_year] if memo is None else [fiscal_year, fiscal_year - 1]
    with connection.cursor() as cursor:
        latest_sql = ", ".join("(SELECT MAX(last_stat_date) FROM reports_caseyearfact WHERE fiscal_year = %s)"
                               for _year in years)
        cursor.execute(f"SELECT (SELECT complete_through FROM reports_factscoverage WHERE id = 1), {latest_sql}",  # noqa: S608 (placeholders only)
                       years)
        through, *latest = cursor.fetchone()
    result = {}
    for year, value in zip(years, latest, strict=True):
        if isinstance(value, str):  # SQLite returns the aggregate of a date column as text
            value = date.fromisoformat(value)
        result[year] = (through, value)
    if memo is not None:
        for year, extent in result.items():
            memo[("facts_extent", year)] = extent
    return result[fiscal_year]


def _facts_filter(params: dict, *, start: date, end: date, category, unit_ids, origin, bank_id,
                  officer_id) -> str:
    """The conditions on the facts (alias ``f``) of [start, end] for the case filters of ``group_rows``;
    the values go into ``params``."""
    fiscal_year = fiscal_year_of(end)
    if start != fiscal_year_bounds(fiscal_year)[0]:
        raise ValueError("the facts hold fiscal years from 1 October only")
    if bank_id is not None:
        raise ValueError("the facts hold no creditor bank")
    params["fiscal_year"] = fiscal_year
    fact_filter = ""
    if category:
        params["category"] = category
        fact_filter += " AND f.category = %(category)s"
    if unit_ids is not None:
        fact_filter += f" AND f.unit_id IN ({_in_clause('unit', sorted(set(unit_ids)), params)})"
    if origin:
        params["origin"] = origin
        fact_filter += " AND f.origin = %(origin)s"
    if officer_id is not None:
        if officer_id == 0:
            fact_filter += " AND f.officer_id IS NULL"
        else:
            params["officer"] = officer_id
            fact_filter += " AND f.officer_id = %(officer)s"
    return fact_filter


# The officer of record of case ``{case}`` at the end of day %(officer_as_of)s: the officer before the first
# reassignment dated after that day (cases.CaseOfficerChange), or the case's officer now when none was.
_OFFICER_AS_OF = """CASE WHEN EXISTS (SELECT 1 FROM cases_caseofficerchange oc
                        WHERE oc.case_id = {case} AND oc.changed_on > %(officer_as_of)s)
     THEN (SELECT oc.officer_before_id FROM cases_caseofficerchange oc
           WHERE oc.case_id = {case} AND oc.changed_on > %(officer_as_of)s
           ORDER BY oc.changed_on, oc.id LIMIT 1)
     ELSE {current} END AS officer_id"""


def _officer_as_of(sql: str) -> str:
    """``sql`` (an aggregate of this module) with each case's officer read as of %(officer_as_of)s."""
    return (sql.replace("c.officer_id AS officer_id", _OFFICER_AS_OF.format(case="c.id", current="c.officer_id"))
            .replace("f.officer_id AS officer_id", _OFFICER_AS_OF.format(case="f.case_id", current="f.officer_id")))


def group_rows(*, start: date, end: date, category: str | None = None,
               unit_ids: Iterable[int] | None = None, source: str | None = None, origin: str | None = None,
               bank_id: int | None = None, officer_id: int | None = None,
               officer_as_of: date | None = None) -> list[GroupRow]:
    """Base sums per (unit, category, origin, officer) for [start, end], straight from the database.
    ``unit_ids`` narrows the cases to those units (None: every unit).

    A fiscal year to date or a whole fiscal year is read from the per-case facts (reports.facts) when they
    are complete for that year and hold nothing dated after ``end``; an earlier end within such a year from
    the facts and the events of the cases the facts do not answer for ("split", see ``source_for``); any
    other period from the events. The facts of a whole year (or a year to date they answer) are read from
    their group sums kept per fiscal year (reports_factgroupsum, ``facts_group_sums_sql``): a few rows per
    unit instead of one per case; grouped by the officer of record (``officer_as_of``), from the fact rows.
    ``source`` ("facts", "facts_scan" — the fact rows aggregated, not their kept sums —, "split" or
    "events") forces one (tests and benchmarks compare them). Inside ``shared_reads()`` a read is made once
    and narrower ones (a category, an origin, an officer) are taken from it.

    ``officer_as_of``: group each case under its officer of record at the end of that day rather than its
    officer now (a closed period's per-officer figures, which a later reassignment must not move). The
    ``officer_id`` filter still reads the current officer."""
    memo = _MEMO.get()
    key = (start, end, None if unit_ids is None else frozenset(unit_ids), bank_id, source, officer_as_of)
    if memo is not None:
        narrow = {"category": category, "origin": origin, "officer_id": officer_id}
        if ("rows", key, None, None, None) in memo:
            return _narrowed(memo[("rows", key, None, None, None)], **narrow)
        if ("rows", key, category, origin, officer_id) in memo:
            return memo[("rows", key, category, origin, officer_id)]
    params: dict = {"start": start, "end": end}
    filters = {"category": category, "unit_ids": unit_ids, "origin": origin, "bank_id": bank_id,
               "officer_id": officer_id}
    chosen = source_for(start, end, bank_id, source)
    if chosen == "facts" and officer_as_of is None:
        # The kept group sums of the year: what the aggregate of the facts gives, without aggregating the rows.
        result = _stored_read(_STORED_SUMS, params, start=start, end=end, filters=filters)
    else:
        result = _aggregated_group_rows(chosen, params, start=start, end=end, filters=filters,
                                        officer_as_of=officer_as_of)
    if memo is not None:
        memo[("rows", key, category, origin, officer_id)] = result
    return result


# Above this many units, the kept sums are read for every unit and the units kept in Python: a national page's
# list of a thousand units cost PostgreSQL more to plan and test row by row (about 15 ms) than the year's few
# thousand rows take to send.
UNITS_IN_SQL = 200


def _stored_read(template: str, params: dict, *, start: date, end: date, filters: dict) -> list[GroupRow]:
    """The kept sums read by ``template`` (_STORED_SUMS) with the filters of group_rows."""
    unit_ids = filters["unit_ids"]
    if unit_ids is not None and not isinstance(unit_ids, set | frozenset):
        unit_ids = set(unit_ids)
    in_python = unit_ids is not None and len(unit_ids) > UNITS_IN_SQL
    fact_filter = _facts_filter(params, start=start, end=end, **(filters | {"unit_ids": None} if in_python
                                                                  else filters))
    rows = _stored_group_rows(template.format(fact_filter=_sums_filter(fact_filter)), params)
    return [row for row in rows if row.unit_id in unit_ids] if in_python else rows


def _stored_group_rows(sql: str, params: dict) -> list[GroupRow]:
    """The kept group sums read by ``sql`` (one row per group, whole numbers already)."""
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        return [GroupRow(row[0], row[1], row[2], row[3], values=row[4:]) for row in cursor.fetchall()]


def _aggregated_group_rows(chosen: str, params: dict, *, start: date, end: date, filters: dict,
                           officer_as_of: date | None) -> list[GroupRow]:
    """The group rows aggregated from the events, the fact rows ("facts" by the officer of record, or
    "facts_scan") or both ("split")."""
    if chosen == "events":
        statements = [(_filtered(_EVENTS_AGGREGATE, params, **filters), params)]
    else:
        fact_filter = _facts_filter(params, start=start, end=end, **filters)
        split = chosen == "split"
        statements = [("WITH " + _facts_cte(_FACTS_ROWS, fact_filter, split=split) + ","
                       + _SUMS.format(source="facts"), params)]
        if split:
            statements.append((_split_events(_EVENTS_AGGREGATE, params, filters, fact_filter), params))
    if officer_as_of is not None:
        params["officer_as_of"] = officer_as_of
        statements = [(_officer_as_of(sql), values) for sql, values in statements]
    sums: dict[tuple, Figures] = {}
    with connection.cursor() as cursor:
        for sql, values in statements:
            cursor.execute(sql, values)
            for unit_id, row_category, origin_code, officer, *numbers in cursor.fetchall():
                counts = dict(zip(BASE_COUNTS, (int(v or 0) for v in numbers[:len(BASE_COUNTS)]), strict=True))
                amounts = dict(zip(BASE_MONEY, (int(v or 0) for v in numbers[len(BASE_COUNTS):]), strict=True))
                group = (unit_id, row_category, origin_code, officer)
                if group in sums:
                    sums[group].add(Figures(counts, amounts))
                else:
                    sums[group] = Figures(counts, amounts)
    return [GroupRow(*group, figures) for group, figures in sums.items()]


def _narrowed(rows: list[GroupRow], *, category, origin, officer_id) -> list[GroupRow]:
    """The group rows of one category, origin or officer (0: nobody) among ``rows`` (they are group keys)."""
    wanted_officer = None if officer_id is None else (None if officer_id == 0 else officer_id)
    return [row for row in rows if (not category or row.category == category) and (not origin or row.origin == origin)
            and (officer_id is None or row.officer_id == wanted_officer)]


def _classified_cases(params: dict, *, start: date, end: date, source: str, filters: dict,
                      only_among: str = "", numbered: bool = True) -> str:
    """``WITH … classified``: one row per counted case in scope, with its case number and the columns of
    ``classified`` — over the events (with the state before the period), over the stored facts (the state
    before the period is left NULL: ``case_rows`` reads it from the events for the rows it returns), or both
    ("split": the facts that answer for their cases, the events of the others). ``only_among``: a subquery of
    case ids to which the cases are restricted (read nothing of the others). ``numbered`` False: the rows from
    the facts may leave ``case_no`` NULL (a count or a sum needs no join with the cases)."""
    rows = _FACTS_CASE_ROWS if numbered else _FACTS_CASE_ROWS_UNNUMBERED
    extra = "case_id, case_no, status_before, ground_before, "
    if source == "events":
        sql = CLASSIFIED_SQL
        if only_among:
            sql = (sql.replace("{case_filter}", f" AND c.id IN ({only_among}){{case_filter}}", 1)
                   .replace("{event_filter}", f" AND e.case_id IN ({only_among}){{event_filter}}", 1))
        return _filtered(sql, params, **filters)
    fact_filter = _facts_filter(params, start=start, end=end, **filters)
    if only_among:
        fact_filter += f" AND f.case_id IN ({only_among})"
    if source == "facts":
        return "WITH " + _facts_cte(rows, fact_filter, split=False) + "," + _CLASSIFIED.replace(
            "{extra}", extra).replace("{source}", "facts") + "\n"
    events = _split_events("WITH " + per_case_sql(by_year=False, case_filter="{case_filter}",
                                                  event_filter="{event_filter}"), params, filters, fact_filter)
    return ("WITH " + _facts_cte(rows, fact_filter, split=True) + "," + events.removeprefix("WITH ") + ","  # noqa: S608
            + _CLASSIFIED.replace("classified AS", "classified_facts AS").replace("{extra}", extra)
            .replace("{source}", "facts") + ","
            + _CLASSIFIED.replace("classified AS", "classified_events AS").replace("{extra}", extra)
            .replace("{source}", "per_case") + ","
            + "\nclassified AS (SELECT * FROM classified_facts UNION ALL SELECT * FROM classified_events)\n")


def _class_condition(case_class: str, money: bool) -> tuple[str, str]:
    """(the condition a case of the list meets, the amount it adds to the money figure)."""
    membership, amount = CLASS_SQL[case_class]
    if membership is None and not money:
        raise KeyError(case_class)
    return (f"({amount}) <> 0" if money else membership), amount


# A page of a long list (a national one: 150,000 cases) is read among a window of the first cases in
# case-number order when the list's count says the page lies within it: the window holds about twice the cases
# needed at the list's density, at most _WINDOW_MAX cases (beyond, or for a sparse list, the whole list is
# sorted). The window's ids are read first (the unique index on case_no) and given to the list as constants, so
# that the plan is driven by them (a probe per case into the facts or the events), whatever the planner thinks
# of the list's conditions.
_WINDOW_MAX = 5_000
_WINDOW_MARGIN = 2.0


def _cases_in_table_sql() -> str:
    """About how many cases there are, as a scalar subquery (PostgreSQL's estimate, else a count): the density
    of a list, read with its count."""
    count = "(SELECT COUNT(*) FROM cases_case)"
    if connection.vendor == "postgresql":
        return ("(SELECT CASE WHEN reltuples > 0 THEN CAST(reltuples AS bigint) ELSE " + count + " END "
                "FROM pg_class WHERE oid = 'cases_case'::regclass)")
    return count


def cases_in_table() -> int:
    """About how many cases there are (``_cases_in_table_sql``), alone."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT " + _cases_in_table_sql())
        return int(cursor.fetchone()[0] or 0)


def _window_for(offset: int, limit: int, listed: tuple[int, int] | None) -> int | None:
    """How many cases in case-number order to read for the page [offset, offset + limit) of a list
    (``listed``: how many cases it holds, how many cases there are), or None: read the whole list."""
    if not listed or not listed[0] or offset >= listed[0]:
        return None
    count, cases = listed
    wanted = min(offset + limit, count)
    window = int(wanted * cases / count * _WINDOW_MARGIN) + 100
    return window if window <= _WINDOW_MAX and window < cases else None


def case_rows(*, start: date, end: date, case_class: str, money: bool = False, category: str | None = None,
              unit_ids: Iterable[int] | None = None, origin: str | None = None, bank_id: int | None = None,
              officer_id: int | None = None, offset: int = 0, limit: int | None = None,
              source: str | None = None, listed: tuple[int, int] | None = None) -> list[CaseRow]:
    """The cases behind one figure for [start, end], by case number, with the same filters as ``group_rows``
    (and read from the same source: facts or events); ``offset`` and ``limit`` take one page of them.

    ``listed``: (how many cases the whole list holds, about how many cases there are), as
    ``case_rows_totals(…, with_cases=True)`` reads them, when the caller knows them. A page
    of a dense list is then read among the first cases by case number only (a window walked on the case-number
    index and joined to the facts case by case, rather than the whole list sorted); the matches in that window
    are the first ones of the list, so when the window holds the whole page it is the page, and otherwise (the
    list is denser elsewhere, or changed since it was counted) the page is read from the whole list.

    ``money`` False: the cases the count ``case_class`` counts (as many as the figure). ``money`` True: the
    cases that add a non-zero amount to the money figure ``case_class`` (their amounts sum to the figure):
    money "completed" is what was collected or reduced on any case, whatever its end. Raises KeyError for an
    unknown class (and for "collected" or "reduced" as counts: they are money only)."""
    condition, amount = _class_condition(case_class, money)
    params: dict = {"start": start, "end": end}
    source = source_for(start, end, bank_id, source)
    filters = {"category": category, "unit_ids": unit_ids, "origin": origin, "bank_id": bank_id,
               "officer_id": officer_id}
    page = ""
    if limit is not None:
        params["limit"], params["offset"] = int(limit), int(offset)
        page = " LIMIT %(limit)s OFFSET %(offset)s"
    elif offset:
        raise ValueError("an offset needs a limit")
    select = f"""
SELECT case_id, case_no, carried, is_new, status_before, ground_before, status_end, ground_end, outcome, base_money,
       collected, reduced, remaining_end, {amount} AS amount
FROM classified WHERE {condition} ORDER BY case_no, case_id{page}
"""  # noqa: S608 (class SQL is a constant; values are placeholders)
    rows = None
    window = _window_for(int(offset), int(limit), listed) if limit is not None else None
    if window is not None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT id FROM cases_case ORDER BY case_no, id LIMIT %s", [window])
            window_ids = [row[0] for row in cursor.fetchall()]
        windowed = dict(params)
        sql = _classified_cases(windowed, start=start, end=end, source=source, filters=filters,
                                only_among=_in_clause("window", window_ids, windowed)) + select
        with connection.cursor() as cursor:
            cursor.execute(sql, windowed)
            rows = cursor.fetchall()
        if len(rows) < int(limit):  # the page is not all within the window: read it from the whole list
            rows = None
    if rows is None:
        sql = _classified_cases(params, start=start, end=end, source=source, filters=filters) + select
        with connection.cursor() as cursor:
            cursor.execute(sql, params)
            rows = cursor.fetchall()
    read_before = source != "events"  # the facts keep no state before the period: read it for this page
    before = _states_before([row[0] for row in rows], start) if read_before else {}
    result = []
    for (case_id, case_no, carried, is_new, status_before, ground_before, status_end, ground_end, outcome, base,
         collected, reduced, remaining, value) in rows:
        if read_before:
            status_before, ground_before = before.get(case_id, (None, ""))
        result.append(CaseRow(case_id, case_no, bool(carried), bool(is_new), status_before, ground_before or "",
                              status_end, ground_end or "", outcome, int(base or 0), int(collected or 0),
                              int(reduced or 0), int(remaining or 0), int(value or 0)))
    return result


def case_rows_totals(*, start: date, end: date, case_class: str, money: bool = False, category: str | None = None,
                     unit_ids: Iterable[int] | None = None, origin: str | None = None, bank_id: int | None = None,
                     officer_id: int | None = None, source: str | None = None,
                     with_cases: bool = False) -> tuple[int, ...]:
    """(how many cases ``case_rows`` lists, the sum of their amounts) with the same arguments, in one
    aggregate: a list's count and total without reading its rows. ``with_cases``: and, third, about how many
    cases there are (for ``case_rows``'s ``listed``)."""
    condition, amount = _class_condition(case_class, money)
    params: dict = {"start": start, "end": end}
    filters = {"category": category, "unit_ids": unit_ids, "origin": origin, "bank_id": bank_id,
               "officer_id": officer_id}
    cases = f", {_cases_in_table_sql()}" if with_cases else ""
    select = f"SELECT COUNT(*), SUM({amount}){cases} FROM classified WHERE {condition}\n"  # noqa: S608 (constants)
    sql = _classified_cases(params, start=start, end=end, source=source_for(start, end, bank_id, source),
                            filters=filters, numbered=False) + select
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        count, total, *rest = cursor.fetchone()
    return (int(count or 0), int(total or 0), *(int(value or 0) for value in rest))


def _states_before(case_ids: list[int], start: date) -> dict[int, tuple[str, str]]:
    """{case id: (status, ground) after its last event dated before ``start``} for a page of cases — what
    per_case_sql calls ``eb`` (cases without such an event are left out). One query."""
    if not case_ids:
        return {}
    params: dict = {"start": start}
    ids = _in_clause("case", case_ids, params)
    with connection.cursor() as cursor:
        cursor.execute(f"""
SELECT e.case_id, e.status_after, e.ground_after
FROM cases_caseevent e
WHERE e.case_id IN ({ids}) AND e.sequence = (
    SELECT MAX(x.sequence) FROM cases_caseevent x WHERE x.case_id = e.case_id AND x.stat_date < %(start)s)
""", params)  # noqa: S608 (placeholders only)
        return {case_id: (status, ground or "") for case_id, status, ground in cursor.fetchall()}


def facts_answer(start: date, end: date) -> bool:
    """Whether the stored facts give [start, end] exactly: a period from the 1 October of a fiscal year whose
    facts are complete (FactsCoverage), ending on that year's 30 September or on/after the latest statistical
    date any of its facts reflects (a year to date). One query."""
    return _facts_state(start, end) == "facts"


def _vector(row: GroupRow) -> list[int]:
    if row.values is not None:
        return list(row.values)
    counts, amounts = row.figures.counts, row.figures.amounts
    return [counts[name] for name in BASE_COUNTS] + [amounts[name] for name in BASE_MONEY]


def _figures(vector: list[int]) -> Figures:
    return Figures(dict(zip(BASE_COUNTS, vector[:len(BASE_COUNTS)], strict=True)),
                   dict(zip(BASE_MONEY, vector[len(BASE_COUNTS):], strict=True)))


def figures_of(values: list[int]) -> Figures:
    """The Figures of base sums in the order BASE_COUNTS then BASE_MONEY (``child_sums``'s values)."""
    return _figures(list(values))


def roll_up(rows: Iterable[GroupRow], hierarchy: Hierarchy, *, key=lambda row: None) -> dict:
    """Sum group rows into every unit of the hierarchy (each row counts in its unit and all ancestors),
    optionally split by ``key(row)``. Returns {(unit_id, key): Figures}. The rows are summed per (unit, key)
    first, then each unit's sum up its chain: a national read has thousands of groups and hundreds of units."""
    by_unit: dict = {}
    add = operator.add
    for row in rows:
        group = (row.unit_id, key(row))
        values = row.values if row.values is not None else _vector(row)
        total = by_unit.get(group)
        if total is None:
            by_unit[group] = list(values)
        else:
            total[:] = map(add, total, values)
    sums: dict = {}
    for (unit, split), vector in by_unit.items():
        for unit_id in hierarchy.chain(unit):
            total = sums.get((unit_id, split))
            if total is None:
                sums[(unit_id, split)] = list(vector)
            else:
                total[:] = map(add, total, vector)
    totals: dict = defaultdict(Figures.zero)
    totals.update((group, _figures(vector)) for group, vector in sums.items())
    return totals


def unit_figures(unit: Unit, *, start: date, end: date, category: str | None = None, **filters) -> Figures:
    """The figures of ``unit`` and its subtree (as it stood at ``end``) for [start, end]; ``filters``:
    origin, bank_id, officer_id (and source) as in ``group_rows``."""
    total = [0] * (len(BASE_COUNTS) + len(BASE_MONEY))
    add = operator.add
    for values in child_sums(unit.pk, start=start, end=end, category=category, **filters).values():
        total[:] = map(add, total, values)
    return _figures(total)


# The kept sums of a unit's subtree summed in the database per (the child of the unit each unit's cases count in,
# category): a national page reads a few hundred rows instead of the year's thousands of groups, and rolls up
# none of them. The units' mapping is one parameter (two arrays on PostgreSQL, a JSON object on SQLite), not a
# list of placeholders for the planner.
_CHILD_SUMS = """
SELECT m.counted_in, f.category, {sums}
FROM reports_factgroupsum f JOIN {mapping} ON m.unit_id = f.unit_id
WHERE f.fiscal_year = %(fiscal_year)s {fact_filter}
GROUP BY m.counted_in, f.category
HAVING SUM(f.n_carried_over) <> 0 OR SUM(f.n_new) <> 0
"""


def _mapping_sql(mapping: dict[int, int], params: dict) -> str:
    """The relation ``m (unit_id, counted_in)`` of ``mapping``, its values in ``params``."""
    if connection.vendor == "postgresql":
        params["map_units"] = "{" + ",".join(str(int(unit_id)) for unit_id in mapping) + "}"
        params["map_into"] = "{" + ",".join(str(int(into)) for into in mapping.values()) + "}"
        return "unnest(CAST(%(map_units)s AS integer[]), CAST(%(map_into)s AS integer[])) AS m (unit_id, counted_in)"
    params["map_json"] = json.dumps({str(unit_id): int(into) for unit_id, into in mapping.items()})
    return "(SELECT CAST(j.key AS integer) AS unit_id, j.value AS counted_in FROM json_each(%(map_json)s) j) m"


def child_sums(unit_id: int, *, start: date, end: date, category: str | None = None, origin: str | None = None,
               bank_id: int | None = None, officer_id: int | None = None,
               source: str | None = None) -> dict[tuple[int, str], list[int]]:
    """{(counted in, category): the base sums, BASE_COUNTS then BASE_MONEY} of the cases of ``unit_id``'s
    subtree (as it stood at ``end``) for [start, end] with the filters of ``group_rows``, per the direct child
    of the unit whose figures they count in (``Hierarchy.counted_in``: the unit itself for the cases of no
    child) and category. The unit's figures are the sum of every value, a child's the sum of its keys — what
    ``roll_up`` gives them.

    Where the kept group sums answer (a whole fiscal year or a year to date from the facts, no bank, no
    ``source`` forced) they are summed in the database (one query; inside ``shared_reads`` made once, a
    category then taken from it); otherwise summed here from ``group_rows``."""
    mapping = hierarchy_on(end).counted_in(unit_id)
    add = operator.add
    if source is not None or source_for(start, end, bank_id) != "facts":
        sums: dict[tuple[int, str], list[int]] = {}
        for row in group_rows(start=start, end=end, category=category, unit_ids=mapping.keys(), origin=origin,
                              bank_id=bank_id, officer_id=officer_id, source=source):
            group = (mapping[row.unit_id], row.category)
            values = row.values if row.values is not None else _vector(row)
            total = sums.get(group)
            if total is None:
                sums[group] = list(values)
            else:
                total[:] = map(add, total, values)
        return sums
    memo = _MEMO.get()
    key = ("child_sums", unit_id, start, end, origin, officer_id)
    if memo is not None:
        if (*key, None) in memo:
            return {group: values for group, values in memo[(*key, None)].items()
                    if not category or group[1] == category}
        if (*key, category) in memo:
            return memo[(*key, category)]
    params: dict = {}
    fact_filter = _facts_filter(params, start=start, end=end, category=category, unit_ids=None, origin=origin,
                                bank_id=None, officer_id=officer_id)
    sql = _CHILD_SUMS.format(sums=", ".join(f"CAST(SUM(f.{column}) AS bigint)" for column in SUM_COLUMNS),
                             mapping=_mapping_sql(mapping, params), fact_filter=_sums_filter(fact_filter))
    with connection.cursor() as cursor:
        cursor.execute(sql, params)
        result = {(into, row_category): list(values) for into, row_category, *values in cursor.fetchall()}
    if memo is not None:
        memo[(*key, category)] = result
    return result


def previous_year(start: date, end: date) -> tuple[date, date]:
    """The same period one year earlier (29 February becomes 28 February)."""
    def back(day: date) -> date:
        try:
            return day.replace(year=day.year - 1)
        except ValueError:
            return day.replace(year=day.year - 1, day=28)
    return back(start), back(end)


@dataclass(frozen=True)
class CountedCase:
    """One case counted in a period (carried over or new) and the class it ends in (``outcome``), with the
    amounts behind its money figures (whole đồng)."""
    case_id: int
    case_no: str
    carried_over: bool
    outcome: str
    base_money: int
    collected: int
    reduced: int
    terminated: int
    remaining_end: int


def counted_cases(*, start: date, end: date, category: str | None = None, unit_ids: Iterable[int] | None = None,
                  origin: str | None = None, bank_id: int | None = None, officer_id: int | None = None,
                  chunk: int = 2000):
    """Every case counted in [start, end] with the same filters as ``group_rows``, by start (carried over
    first), outcome and case number — streamed (a server-side cursor on PostgreSQL), so a national list
    never sits in memory. The classification is ``CLASSIFIED_SQL``'s, as for ``case_rows``."""
    params: dict = {"start": start, "end": end}
    select = CLASSIFIED_SQL + """
SELECT case_id, case_no, carried, outcome, base_money, collected, reduced, terminated_end, remaining_end
FROM classified ORDER BY carried DESC, outcome, case_no, case_id
"""
    sql = _filtered(select, params, category=category, unit_ids=unit_ids, origin=origin, bank_id=bank_id,
                    officer_id=officer_id)
    with connection.chunked_cursor() as cursor:
        cursor.execute(sql, params)
        while batch := cursor.fetchmany(chunk):
            for case_id, case_no, carried, outcome, base, collected, reduced, terminated, remaining in batch:
                yield CountedCase(case_id, case_no, bool(carried), outcome, int(base or 0), int(collected or 0),
                                  int(reduced or 0), int(terminated or 0), int(remaining or 0))
