"""Per-case facts: one row per case and fiscal year in which it is counted (reports.models.CaseYearFact).

The rows are what reports.engine.per_case_sql computes for the period [1 October, 30 September] of each
fiscal year: the rules live in the engine, this module only stores its answer. The services call
``case_facts_refresh`` in the same transaction as every write that changes what a row holds (a case
accepted, events recorded, an officer assigned); imports, the demo and the rollover use the set-based
``facts_rebuild``; the nightly job checks them (``facts_check``).

Coverage (``FactsCoverage``): the facts are complete for every fiscal year up to ``complete_through``. A new
fiscal year's rows for cases carried into it are created by the rollover (``facts_rollover``, idempotent,
run by the nightly job and `manage.py facts_rebuild`); until then the engine reads that year from the events.
"""
import logging
from dataclasses import dataclass, field
from datetime import date

from django.db import connection, transaction
from django.utils import timezone

from reports.engine import SUM_COLUMNS, facts_group_sums_sql, per_case_sql
from reports.models import CaseYearFact, FactGroupSum, FactsCoverage
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.core.deferral import Deferral

logger = logging.getLogger(__name__)

FACTS_TABLE = CaseYearFact._meta.db_table
SUMS_TABLE = FactGroupSum._meta.db_table
SUMS_KEY = ("fiscal_year", "unit_id", "category", "origin", "officer_key")
COVERAGE_TABLE = FactsCoverage._meta.db_table
COLUMNS = ("case_id", "fiscal_year", "unit_id", "officer_id", "category", "origin", "carried", "is_new",
           "base_money", "status_end", "ground_end", "remaining_end", "terminated_end", "collected", "reduced",
           "last_stat_date", "accepted_on", "first_stat_date", "status_start", "ground_start", "remaining_start",
           "terminated_start")
# per_case (engine.per_case_sql) → a fact row; booleans from the engine's 0/1.
_SELECT = ("SELECT case_id, fiscal_year, unit_id, officer_id, category, origin, carried = 1, is_new = 1, "
           "base_money, status_end, ground_end, remaining_end, terminated_end, collected, reduced, last_stat_date, "
           "accepted_on, first_stat_date, status_start, ground_start, remaining_start, terminated_start "
           "FROM per_case WHERE carried = 1 OR is_new = 1")
CHUNK = 2000  # case ids per statement (well under SQLite's and psycopg's parameter limits)



def _ids_clause(prefix: str, ids: list[int], params: dict) -> str:
    keys = []
    for index, value in enumerate(ids):
        params[f"{prefix}{index}"] = value
        keys.append(f"%({prefix}{index})s")
    return ", ".join(keys) or "NULL"


def _insert_sql(table: str, years: list[int], params: dict, case_ids: list[int] | None) -> str:
    """INSERT … SELECT of the fact rows of ``years`` (for ``case_ids``, or every case) into ``table``."""
    case_filter = event_filter = state_filter = ""
    if case_ids is not None:
        ids = _ids_clause("c", case_ids, params)
        case_filter, event_filter = f" AND c.id IN ({ids})", f" AND e.case_id IN ({ids})"
        state_filter = f" AND {{alias}}.case_id IN ({ids})"
    if len(years) == 1:  # the dates as parameters: the planner sizes a national rebuild right
        params["fiscal_year"] = years[0]
        params["start"], params["end"] = fiscal_year_bounds(years[0])
        with_clause = "WITH " + per_case_sql(by_year="one", case_filter=case_filter, event_filter=event_filter,
                                             state_filter=state_filter)
    else:
        values = []
        for index, year in enumerate(years):
            start, end = fiscal_year_bounds(year)
            params.update({f"y{index}": year, f"s{index}": start, f"e{index}": end})
            values.append(f"(%(y{index})s, %(s{index})s, %(e{index})s)")
        periods = f"periods (fiscal_year, p_start, p_end) AS (VALUES {', '.join(values)}),"
        per_case = per_case_sql(by_year="many", case_filter=case_filter, event_filter=event_filter,
                                state_filter=state_filter)
        with_clause = f"WITH {periods}{per_case}"
    # INSERT first, so that the drivers report the rows written (SQLite's counts only statements starting so).
    # A bulk rebuild writes a year's rows unit by unit: a unit's report reads a few hundred adjacent pages,
    # not one page per case.
    order = " ORDER BY unit_id, case_id" if case_ids is None and table == FACTS_TABLE else ""
    return f"INSERT INTO {table} ({', '.join(COLUMNS)})\n{with_clause}\n{_SELECT}{order}"


def _coverage() -> int | None:
    return FactsCoverage.objects.filter(pk=1).values_list("complete_through", flat=True).first()


def _set_coverage(through: int | None) -> None:
    FactsCoverage.objects.update_or_create(pk=1, defaults={"complete_through": through,
                                                           "built_at": timezone.now()})


def _as_date(value) -> date | None:
    return date.fromisoformat(value) if isinstance(value, str) else value


def _last_year(*days: date | None, through: int | None) -> int:
    """The last fiscal year rows are kept for: the current one, the coverage, or the latest a row needs."""
    years = [fiscal_year_of(timezone.localdate()), through or 0]
    years += [fiscal_year_of(day) for day in days if day is not None]
    return max(years)


# ---- the group sums of the facts (reports_factgroupsum) --------------------------------------------------------
# Invariant: for every fiscal year, the kept sums of each (unit, category, origin, officer) are the engine's
# aggregate of the fact rows of that group (engine.facts_group_sums_sql), zeros for a group without rows. Every
# statement that deletes or inserts fact rows is paired, in the same transaction, with the change of the sums.

def _group_sums_select(fact_filter: str) -> str:
    """The engine's group sums of the fact rows meeting ``fact_filter``, keyed as kept (officer 0: nobody)."""
    return (f"SELECT fiscal_year, unit_id, category, origin, COALESCE(officer_id, 0) AS officer_key, "  # noqa: S608
            f"{', '.join(SUM_COLUMNS)} FROM ({facts_group_sums_sql(fact_filter)}) sums")


def _group_sums(cursor, fact_filter: str, params: dict) -> dict[tuple, list[int]]:
    cursor.execute(_group_sums_select(fact_filter), params)
    return {tuple(row[:5]): [int(v or 0) for v in row[5:]] for row in cursor.fetchall()}


SUMS_BATCH = 400  # groups per statement (22 parameters per row, 5 per key: under SQLite's limit)
# The advisory lock (PostgreSQL) that serialises the compactions of the kept sums with each other and with
# their rebuild: a compaction only tries it (and leaves its rows for the next one when it is held), a rebuild
# waits for it.
SUMS_COMPACTION_LOCK = 0x7468_6164_7301  # "thads" 1


def _sums_add(cursor, delta: dict[tuple, list[int]]) -> None:
    """Add ``delta`` {group key: the SUM_COLUMNS} to the kept sums. A group may hold several rows (readers sum
    them): where the compaction lock is free (``_compaction_lock``) the group's committed rows are deleted and
    one row of their sums plus ``delta`` is inserted; where it is held, a row of ``delta`` is inserted.

    Neither takes a lock another writer waits for, so a long transaction adding to a group (a ledger import
    adding thousands of cases before it commits) never holds up an officer recording an event in the same
    group — until 1/12/2026 an upsert added to the group's one row, whose lock held every other writer of the
    group until the import committed. Rows another transaction has not committed are neither seen nor waited
    for. One transaction (the caller's, or its own)."""
    folded = {key: list(values) for key, values in sorted(delta.items()) if any(values)}
    if not folded:
        return
    with transaction.atomic(savepoint=False):
        if _compaction_lock(cursor):
            _sums_take(cursor, list(folded), folded)
        _sums_insert(cursor, folded)


def _compaction_lock(cursor) -> bool:
    """Whether this transaction may fold rows of the kept sums: on PostgreSQL the compaction lock, tried (a
    rebuild or another transaction folding holds it until it commits: the rows wait for the next fold);
    SQLite has one writer at a time."""
    if connection.vendor != "postgresql":
        return True
    cursor.execute("SELECT pg_try_advisory_xact_lock(%s)", [SUMS_COMPACTION_LOCK])
    return bool(cursor.fetchone()[0])


def _sums_take(cursor, keys: list[tuple], into: dict[tuple, list[int]]) -> int:
    """Delete the rows of the groups ``keys`` (visible to this transaction), their values added to ``into``.
    Under the compaction lock (no other transaction deletes them meanwhile). Returns the rows deleted."""
    key_list = ", ".join(SUMS_KEY)
    deleted = 0
    for index in range(0, len(keys), SUMS_BATCH):
        batch = keys[index:index + SUMS_BATCH]
        params = [value for key in batch for value in key]
        placeholders = ", ".join(f"({', '.join(['%s'] * len(SUMS_KEY))})" for _key in batch)
        cursor.execute(f"DELETE FROM {SUMS_TABLE} WHERE ({key_list}) IN (VALUES {placeholders}) "  # noqa: S608
                       f"RETURNING {key_list}, {', '.join(SUM_COLUMNS)}", params)
        for row in cursor.fetchall():
            deleted += 1
            key, values = tuple(row[:len(SUMS_KEY)]), row[len(SUMS_KEY):]
            total = into.get(key)
            into[key] = list(values) if total is None else [a + b for a, b in zip(total, values, strict=True)]
    return deleted


def _sums_insert(cursor, rows_by_key: dict[tuple, list[int]]) -> None:
    """One row per group of ``rows_by_key``, in key order, 400 per statement."""
    columns = (*SUMS_KEY, *SUM_COLUMNS)
    keys = sorted(rows_by_key)
    for index in range(0, len(keys), SUMS_BATCH):
        params: list = []
        rows = []
        for key in keys[index:index + SUMS_BATCH]:
            params += [*key, *rows_by_key[key]]
            rows.append(f"({', '.join(['%s'] * len(columns))})")
        cursor.execute(f"INSERT INTO {SUMS_TABLE} ({', '.join(columns)}) VALUES {', '.join(rows)}",  # noqa: S608
                       params)


@transaction.atomic
def fact_sums_compact() -> int:
    """Fold every group's rows of the kept sums into one (the nightly job; the writes fold their own groups
    as they go). Returns the rows deleted (0 when another compaction holds the lock)."""
    key_list = ", ".join(SUMS_KEY)
    with connection.cursor() as cursor:
        if not _compaction_lock(cursor):
            return 0
        cursor.execute(f"SELECT {key_list} FROM {SUMS_TABLE} GROUP BY {key_list} "  # noqa: S608 (constants)
                       f"HAVING COUNT(*) > 1 ORDER BY {key_list}")
        keys = [tuple(row) for row in cursor.fetchall()]
        folded: dict[tuple, list[int]] = {}
        deleted = _sums_take(cursor, keys, folded)
        _sums_insert(cursor, folded)
        return deleted


def _sums_delta(before: dict[tuple, list[int]], after: dict[tuple, list[int]]) -> dict[tuple, list[int]]:
    """after − before, group by group (the rows a refresh inserted minus those it deleted)."""
    delta = {key: list(values) for key, values in after.items()}
    for key, values in before.items():
        current = delta.setdefault(key, [0] * len(SUM_COLUMNS))
        delta[key] = [a - b for a, b in zip(current, values, strict=True)]
    return delta


def _sums_rebuild_years(cursor, years: list[int] | None) -> None:
    """Recompute the kept sums of ``years`` (None: every year) from their fact rows, set-based."""
    columns = ", ".join((*SUMS_KEY, *SUM_COLUMNS))
    if years is None:
        cursor.execute(f"DELETE FROM {SUMS_TABLE}")  # noqa: S608 (a constant)
        cursor.execute(f"INSERT INTO {SUMS_TABLE} ({columns}) {_group_sums_select('')} ORDER BY 1, 2, 3, 4, 5")
        return
    for year in years:
        cursor.execute(f"DELETE FROM {SUMS_TABLE} WHERE fiscal_year = %(year)s", {"year": year})  # noqa: S608
        cursor.execute(f"INSERT INTO {SUMS_TABLE} ({columns}) "  # noqa: S608 (constants)
                       f"{_group_sums_select(' AND f.fiscal_year = %(year)s')} ORDER BY 1, 2, 3, 4, 5",
                       {"year": year})


@transaction.atomic
def fact_sums_rebuild(*, fiscal_years=None) -> None:
    """Recompute the kept group sums from the fact rows (every year, or ``fiscal_years``), set-based, under the
    facts' lock: `manage.py facts_rebuild --sums`, and the repair of a drift the nightly check found."""
    _lock_facts()
    with connection.cursor() as cursor:
        _sums_rebuild_years(cursor, sorted(set(fiscal_years)) if fiscal_years else None)


def case_facts_refresh(case_ids) -> int:
    """Recompute the fact rows of ``case_ids`` from their events (every fiscal year from each case's
    acceptance on): per 2,000 cases, whatever their histories, five statements (the group sums before, the
    bounds, delete, insert, the group sums after), two more when the sums change (``_sums_add``: the groups'
    rows taken, one row each put back) and on PostgreSQL two more (the facts' lock, taken before the sums are
    read: ``_refresh_chunk``; the fold's lock, tried). Call it inside the
    transaction of the write. Inside ``facts_deferred()`` the ids are collected and refreshed once at the end.
    Returns the rows written (0 when deferred)."""
    ids = sorted({int(pk) for pk in case_ids})
    if not ids:
        return 0
    if _DEFERRAL.collect(ids):
        return 0
    written = 0
    for index in range(0, len(ids), CHUNK):
        written += _refresh_chunk(ids[index:index + CHUNK])
    return written


def _refresh_chunk(ids: list[int], years: list[int] | None = None) -> int:
    """Delete and re-insert the fact rows of ``ids`` (every year from their acceptance, or ``years``), and
    change the kept group sums by the difference: the sums of the rows before the delete, then after the
    insert, subtracted in Python, added by ``_sums_add``."""
    params: dict = {}
    clause = _ids_clause("c", ids, params)
    year_filter = "" if years is None else f" AND f.fiscal_year IN ({', '.join(str(int(y)) for y in years)})"
    with connection.cursor() as cursor:
        if connection.vendor == "postgresql" and connection.in_atomic_block:
            # (Outside a transaction each statement is its own: no lock to hold, and LOCK TABLE is refused.)
            # The lock the DELETE below takes, taken before the rows are summed: a bulk rebuild holding the facts
            # (_lock_facts) is waited for here, so the sums subtracted are those of the rows it committed, which
            # the DELETE removes (summed before it commits, they were the rows it replaced: the sums drifted).
            cursor.execute(f"LOCK TABLE {FACTS_TABLE} IN ROW EXCLUSIVE MODE")
        before = _group_sums(cursor, f" AND f.case_id IN ({clause})" + year_filter, params)
        if years is None:
            cursor.execute(
                f"SELECT MIN(stat_accepted_on), MAX(stat_accepted_on), "  # noqa: S608 (placeholders only)
                f"(SELECT MAX(stat_date) FROM cases_caseevent WHERE case_id IN ({clause})), "
                f"(SELECT complete_through FROM {COVERAGE_TABLE} WHERE id = 1) "
                f"FROM cases_case WHERE id IN ({clause})", params)
            first, last, last_event, through = cursor.fetchone()
            first, last, last_event = _as_date(first), _as_date(last), _as_date(last_event)
            if first is None:  # none of them exists (any more)
                cursor.execute(f"DELETE FROM {FACTS_TABLE} WHERE case_id IN ({clause})", params)  # noqa: S608
                _sums_add(cursor, _sums_delta(before, {}))
                return 0
            years = list(range(fiscal_year_of(first), _last_year(last, last_event, through=through) + 1))
            cursor.execute(f"DELETE FROM {FACTS_TABLE} WHERE case_id IN ({clause})", params)  # noqa: S608
        else:
            cursor.execute(f"DELETE FROM {FACTS_TABLE} WHERE case_id IN ({clause})"  # noqa: S608 (placeholders)
                           f" AND fiscal_year IN ({', '.join(str(int(y)) for y in years)})", params)
        insert_params: dict = {}
        cursor.execute(_insert_sql(FACTS_TABLE, years, insert_params, ids), insert_params)
        written = cursor.rowcount
        after = _group_sums(cursor, f" AND f.case_id IN ({clause})" + year_filter, params)
        _sums_add(cursor, _sums_delta(before, after))
        return written


def new_case_facts_insert(cursor, case_ids: list[int], years: list[int]) -> dict[tuple, list[int]]:
    """Insert the fact rows of ``years`` for cases written in the current transaction, which have none yet (a
    ledger import's new cases), per 2,000 cases, and return the group sums of the rows written. The caller adds
    the sums once for all its batches (``fact_sums_add``): with no row before, the delta is the rows' sums.
    ``cursor`` is Django's or, from the import's writer thread, the driver's own on the same connection.
    ``years``: every fiscal year from the earliest acceptance of the cases to ``facts_last_year`` of their
    latest acceptance and event (a year in which a case is not counted gives it no row)."""
    sums: dict[tuple, list[int]] = {}
    for index in range(0, len(case_ids), CHUNK):
        ids = case_ids[index:index + CHUNK]
        params: dict = {}
        cursor.execute(_insert_sql(FACTS_TABLE, years, params, ids), params)
        params = {}
        sums_merge(sums, _group_sums(cursor, f" AND f.case_id IN ({_ids_clause('c', ids, params)})", params))
    return sums


def sums_merge(into: dict[tuple, list[int]], sums: dict[tuple, list[int]]) -> None:
    """Add ``sums`` to ``into``, group by group."""
    for key, values in sums.items():
        current = into.get(key)
        into[key] = values if current is None else [a + b for a, b in zip(current, values, strict=True)]


def facts_last_year(*days: date | None, through: int | None) -> int:
    """The last fiscal year fact rows are kept for, given the latest acceptance and event dates of new cases and
    the coverage (``facts_coverage``)."""
    return _last_year(*days, through=through)


def facts_coverage() -> int | None:
    """The last fiscal year for which the facts are complete (None: not complete)."""
    return _coverage()


def fact_sums_add(sums: dict[tuple, list[int]]) -> None:
    """Add ``sums`` (``new_case_facts_insert``'s, merged) to the kept group sums, in the current transaction."""
    if sums:
        with connection.cursor() as cursor:
            _sums_add(cursor, sums)


def facts_deferred_outside() -> bool:
    """True inside a caller's ``facts_deferred()``: the services' refreshes are being collected for its end."""
    return _DEFERRAL.active()


_DEFERRAL = Deferral("facts_deferred", lambda ids: case_facts_refresh(ids))


def facts_deferred():
    """Collect the services' fact refreshes and run them once, set-based, on leaving (an import recording
    thousands of cases): thads.core.deferral."""
    return _DEFERRAL.deferred()


def _lock_facts() -> None:
    """Serialise a bulk rebuild with the services' refreshes (PostgreSQL; SQLite has one writer anyway):
    writers wait until the rebuild commits, then refresh their cases over it. (And no JIT: compiling the
    aggregate costs more than it saves on this one-off statement.)"""
    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"LOCK TABLE {FACTS_TABLE} IN SHARE ROW EXCLUSIVE MODE")
            cursor.execute("SELECT pg_advisory_xact_lock(%s)", [SUMS_COMPACTION_LOCK])  # (the sums' compactions)
            cursor.execute("SET LOCAL jit = off")
            cursor.execute("SET LOCAL work_mem = '256MB'")  # aggregates and hash joins in memory


def _all_years() -> list[int]:
    with connection.cursor() as cursor:
        cursor.execute("SELECT MIN(stat_accepted_on), MAX(stat_accepted_on), (SELECT MAX(stat_date) "
                       "FROM cases_caseevent) FROM cases_case")
        first, last, last_event = (_as_date(v) for v in cursor.fetchone())
    if first is None:
        return []
    return list(range(fiscal_year_of(first), _last_year(last, last_event, through=_coverage()) + 1))


@transaction.atomic
def facts_rebuild(*, case_ids=None, fiscal_years=None, progress=None) -> int:
    """Rebuild fact rows set-based, in SQL (INSERT … SELECT, one statement per fiscal year, or per 2,000
    cases when ``case_ids`` is given). Everything when both are None — then the facts are complete for every
    year up to the current one (FactsCoverage). Returns the rows written."""
    _lock_facts()
    if case_ids is not None:
        ids = sorted({int(pk) for pk in case_ids})
        years = sorted(set(fiscal_years)) if fiscal_years else None
        return sum(_refresh_chunk(ids[i:i + CHUNK], years) for i in range(0, len(ids), CHUNK))
    years = sorted(set(fiscal_years)) if fiscal_years else _all_years()
    written = 0
    with connection.cursor() as cursor:
        if not fiscal_years:
            cursor.execute(f"DELETE FROM {FACTS_TABLE}")  # noqa: S608 (a constant)
        for year in years:
            if fiscal_years:
                cursor.execute(f"DELETE FROM {FACTS_TABLE} WHERE fiscal_year = %s", [year])  # noqa: S608
            params: dict = {}
            cursor.execute(_insert_sql(FACTS_TABLE, [year], params, None), params)
            written += cursor.rowcount
            if progress:
                progress(year, cursor.rowcount)
        _sums_rebuild_years(cursor, years if fiscal_years else None)  # the rebuilt years' group sums
        if connection.vendor == "postgresql":
            cursor.execute(f"ANALYZE {FACTS_TABLE}")
            cursor.execute(f"ANALYZE {SUMS_TABLE}")
    through = _coverage()
    if not fiscal_years:
        _set_coverage(max([*years, fiscal_year_of(timezone.localdate())]))
    elif through is not None and set(range(through + 1, max(years) + 1)) <= set(years):
        _set_coverage(max(through, max(years)))
    return written


def facts_invalidate() -> None:
    """Mark the facts incomplete (data was written around the services): the engine reads the events until
    ``facts_rebuild`` runs."""
    _set_coverage(None)


def facts_rollover(today: date | None = None, progress=None) -> list[int]:
    """Create the rows of every fiscal year after the coverage up to the one containing ``today`` (cases
    carried into a new year have their row before any event of it), then mark those years complete.
    Idempotent: nothing to do once the coverage reaches the current year. Never built: a full rebuild.
    Returns the years built."""
    current = fiscal_year_of(today or timezone.localdate())
    through = _coverage()
    if through is None:
        facts_rebuild(progress=progress)
        return _all_years()
    years = list(range(through + 1, current + 1))
    if years:
        facts_rebuild(fiscal_years=years, progress=progress)
    return years


@dataclass
class FactsDrift:
    """What facts_check found: the (case id, fiscal year) pairs whose stored row differs from a rebuild
    (missing, extra or different), among ``checked`` stored rows of the complete years."""

    checked: int = 0
    through: int | None = None
    pairs: list[tuple[int, int]] = field(default_factory=list)
    # The kept group sums (fiscal year, unit, category, origin, officer key) that differed from the engine's
    # aggregate of the stored fact rows (after the facts' own repair, when repairing).
    groups: list[tuple] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.pairs)


def _sums_drift(cursor) -> list[tuple]:
    """The group keys whose kept sums differ from the engine's aggregate of the stored fact rows, both ways
    (a kept row of zeros is a group without rows). One statement: on PostgreSQL one snapshot, in which the
    facts and their sums are both as some set of committed transactions left them."""
    cols = ", ".join((*SUMS_KEY, *SUM_COLUMNS))
    sums = ", ".join(f"CAST(SUM({c}) AS bigint)" for c in SUM_COLUMNS)
    kept = (f"SELECT {', '.join(SUMS_KEY)}, {sums} FROM {SUMS_TABLE} "  # noqa: S608 (constants)
            f"GROUP BY {', '.join(SUMS_KEY)} HAVING {' OR '.join(f'SUM({c}) <> 0' for c in SUM_COLUMNS)}")
    computed = f"SELECT {cols} FROM ({_group_sums_select('')}) computed"  # noqa: S608
    keys = ", ".join(SUMS_KEY)
    cursor.execute(f"SELECT {keys} FROM ({kept} EXCEPT {computed}) a "  # noqa: S608
                   f"UNION SELECT {keys} FROM ({computed} EXCEPT {kept}) b")
    return sorted(tuple(row) for row in cursor.fetchall())


def facts_check(*, repair: bool = False) -> FactsDrift:
    """Rebuild the facts of every complete year into a temporary table and compare them with the stored
    rows; then compare the kept group sums with the engine's aggregate of the stored rows. 0 pairs and 0
    groups is the expected answer; with ``repair`` the drifted cases are refreshed, then the fiscal years
    whose sums still differ are recomputed."""
    through = _coverage()
    result = FactsDrift(through=through)
    if through is not None:  # (never built: no facts to compare, only their sums)
        years = [y for y in _all_years() if y <= through]
        cols = ", ".join(COLUMNS)
        with transaction.atomic(), connection.cursor() as cursor:
            cursor.execute("DROP TABLE IF EXISTS facts_check_tmp")
            cursor.execute(f"CREATE TEMPORARY TABLE facts_check_tmp AS SELECT {cols} "  # noqa: S608 (constants)
                           f"FROM {FACTS_TABLE} WHERE 1 = 0")
            for year in years:
                params: dict = {}
                cursor.execute(_insert_sql("facts_check_tmp", [year], params, None), params)
            stored = f"SELECT {cols} FROM {FACTS_TABLE} WHERE fiscal_year <= %(through)s"  # noqa: S608
            cursor.execute(f"SELECT COUNT(*) FROM {FACTS_TABLE} WHERE fiscal_year <= %(through)s",  # noqa: S608
                           {"through": through})
            result.checked = cursor.fetchone()[0]
            cursor.execute(
                f"SELECT case_id, fiscal_year FROM ({stored} EXCEPT SELECT {cols} FROM facts_check_tmp) a "  # noqa: S608
                f"UNION SELECT case_id, fiscal_year FROM (SELECT {cols} FROM facts_check_tmp EXCEPT {stored}) b",
                {"through": through})
            result.pairs = sorted((int(c), int(y)) for c, y in cursor.fetchall())
            cursor.execute("DROP TABLE facts_check_tmp")
        if result.pairs:
            logger.warning("facts drift: %s (case, fiscal year) pairs, e.g. %s", result.count, result.pairs[:10])
            if repair:
                facts_rebuild(case_ids={case_id for case_id, _year in result.pairs})
    with connection.cursor() as cursor:
        result.groups = _sums_drift(cursor)
    if result.groups:
        logger.warning("fact sums drift: %s groups, e.g. %s", len(result.groups), result.groups[:10])
        if repair:
            fact_sums_rebuild(fiscal_years={group[0] for group in result.groups})
    return result
