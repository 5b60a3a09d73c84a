"""Import a ledger directory: all or nothing, with the same rules as the browser, in batches.

``read_ledger`` checks every cell. Then, inside one transaction: units and banks go through their services
(unit_ensure, bank_ensure); every case row is checked with case_create_rules and every new case's whole
history in memory with events_apply — the functions case_create and case_events_record decide with — reading
the database once for all rows; events for a case already stored go through case_events_record itself.
Every problem is collected with its file, row and column; if there is any, the transaction is rolled back
and nothing stays in the database. Otherwise the rows, built by the services' builders, are written with
bulk inserts (cases/ledger/bulk.py), 5,000 cases at a time, with each new case's open deadlines computed in
memory from its checked events (new_case_open_duties). See docs/ledger-import.md.
"""
import time
from collections import deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path

from django.db import connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank
from banks.services import bank_ensure
from cases import workflow
from cases.changes import event_change_values
from cases.codes import EventSource, PartyKind, PartyRole, Status
from cases.ledger.bulk import draw_ids, prepare_rows, write_prepared
from cases.ledger.reader import LedgerIssue, ParsedLedger, Row, read_ledger
from cases.models import Case, CaseChange, CaseEvent, OpenDeadline, Party
from cases.selectors import case_is_writable_by, unit_is_writable_by
from cases.services import (
    EventBatchRefused,
    EventData,
    PartyData,
    _after_closure,
    case_build,
    case_create_rules,
    case_events_record,
    event_values,
    events_apply,
    party_values,
)
from cases.services.changes import case_changes_relay_on_commit
from cases.services.deadlines import new_case_open_duties
from reports.facts import (
    case_facts_refresh,
    fact_sums_add,
    facts_coverage,
    facts_deferred,
    facts_deferred_outside,
    facts_last_year,
    new_case_facts_insert,
    sums_merge,
)
from reports.selectors import statistics_closed_through
from thads.audit.context import Source, audit_source
from thads.core.dates import fiscal_year_of
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Unit
from thads.org.services import unit_ensure

# Service argument names that differ from the ledger's column names.
FIELD_TO_COLUMN = {"unit": "unit_code", "creditor_bank": "bank_code", "parent": "parent_code"}


class LedgerRejected(Exception):
    """The ledger was refused; ``issues`` lists every problem. Nothing was written."""

    def __init__(self, issues: list[LedgerIssue]):
        super().__init__(f"{len(issues)} problem(s)")
        self.issues = issues


@dataclass
class ImportSummary:
    units_created: int = 0
    units_existing: int = 0
    banks_created: int = 0
    banks_existing: int = 0
    cases: int = 0
    events: int = 0
    seconds: float = 0.0
    case_ids: list[int] = field(default_factory=list)


class _Rollback(Exception):
    pass


Progress = Callable[[str, int, int], None]


def import_ledger(directory: str | Path, *, actor=None, progress: Progress | None = None) -> ImportSummary:
    """Import the ledger in ``directory`` (CSV files) or in the .xlsx workbook it names (one sheet per file).
    Returns a summary, or raises LedgerRejected with every issue."""
    started = time.perf_counter()
    parsed = read_ledger(directory)
    summary = ImportSummary()
    issues = list(parsed.issues)
    if parsed.refused_files:
        # A file refused as a whole leaves the rows of the others without what they refer to; checking them
        # would bury the real problem under thousands of consequences.
        raise LedgerRejected(sorted(issues, key=lambda issue: (parsed.order(issue.file), issue.row)))
    try:
        with transaction.atomic(), audit_source(Source.IMPORT):
            # The new cases' facts are written with their rows; the services' refreshes (events of cases already
            # stored) are collected and run once, set-based, at the end. Inside a caller's facts_deferred() (the
            # demo, which assigns officers next) the new cases' are left to its end too: written once.
            write_facts = not facts_deferred_outside()
            with facts_deferred():
                _Importer(parsed, summary, issues, actor, progress or (lambda *_: None), write_facts).run()
            if issues:
                raise _Rollback
    except _Rollback:
        pass
    if issues:
        issues.sort(key=lambda issue: (parsed.order(issue.file), issue.row, issue.column))
        raise LedgerRejected(issues)
    _refresh_planner_statistics(summary)
    summary.seconds = time.perf_counter() - started
    return summary


# Above this many new cases, PostgreSQL's planner statistics of the tables an import filled are refreshed: on a
# server without autovacuum (or before it runs), a filtered statistics read of a freshly loaded ledger took
# seconds instead of milliseconds.
ANALYZE_AFTER_CASES = 1000


def _refresh_planner_statistics(summary: ImportSummary) -> None:
    from django.db import connection

    if connection.vendor != "postgresql" or summary.cases < ANALYZE_AFTER_CASES:
        return
    with connection.cursor() as cursor:
        for table in ("cases_case", "cases_party", "cases_caseevent", "reports_caseyearfact", "cases_casechange"):
            cursor.execute(f"ANALYZE {table}")  # noqa: S608 (constant names)


# Case numbers per look-up query (SQLite allows 32,766 parameters), and new cases written per batch (with their
# parties, events, change-feed rows and open deadlines: about 5,000 × 10 rows held as mappings at a time).
LOOKUP_CHUNK = 5_000
WRITE_BATCH = 5_000


class _NewCase:
    """A case row accepted by case_create_rules, with its parties and, once checked, its events and the
    state each leaves."""

    __slots__ = ("arguments", "parties", "events", "states")

    def __init__(self, arguments: dict, parties: list[PartyData]):
        self.arguments, self.parties = arguments, parties
        self.events: list[EventData] = []
        self.states: list = []

    def case(self, actor, closed_through: dict[int, date | None]) -> Case:
        """The unsaved case row, as case_create would write it, with the cached state after its events (a new
        instance each call)."""
        unit_id = self.arguments["unit"].pk
        if unit_id not in closed_through:
            closed_through[unit_id] = statistics_closed_through(unit_id)
        return case_build(actor=actor, **self.arguments, closed_through=closed_through[unit_id],
                          state=self.states[-1] if self.states else None)

    def values(self, closed_through: dict[int, date | None], officer_id: int | None,
               created_by_id: int | None) -> dict[str, object]:
        """The columns case_build gives this case (by attname; the others take their defaults), with the cached
        state after its events, without building a model instance (tests/cases/test_import_batch.py compares
        every column with what case_create writes)."""
        arguments = self.arguments
        unit_id = arguments["unit"].pk
        if unit_id not in closed_through:
            closed_through[unit_id] = statistics_closed_through(unit_id)
        bank = arguments["creditor_bank"]
        state = self.states[-1] if self.states else workflow.initial_state(workflow.CaseFacts(
            case_no=arguments["case_no"], category=arguments["category"], accepted_on=arguments["accepted_on"],
            amount_due=arguments["amount_due"]))
        return {
            "case_no": arguments["case_no"].strip(), "decision_no": arguments["decision_no"].strip(),
            "accepted_on": arguments["accepted_on"], "received_on": None, "notified_on": None,
            "judgment_court": "", "judgment_no": "", "judgment_date": None,
            "judgment_type": arguments["judgment_type"], "unit_id": unit_id, "officer_id": officer_id,
            "origin": arguments["origin"], "category": arguments["category"], "amount_due": arguments["amount_due"],
            "creditor_bank_id": bank.pk if bank is not None else None, "created_by_id": created_by_id,
            "stat_accepted_on": _after_closure(arguments["accepted_on"], closed_through[unit_id]),
            "status": state.status, "status_ground": state.ground, "amount_collected": state.collected,
            "amount_reduced": state.reduced, "amount_terminated": state.terminated_amount,
            "amount_remaining": state.remaining, "last_event_on": state.last_event_on, "ended_on": state.ended_on,
            "event_count": state.event_count}


class _Importer:
    def __init__(self, parsed: ParsedLedger, summary: ImportSummary, issues: list[LedgerIssue], actor,
                 progress: Progress, write_facts: bool = True):
        self.parsed, self.summary, self.issues, self.actor, self.progress = parsed, summary, issues, actor, progress
        self.write_facts = write_facts
        self.today = timezone.localdate()

    def issue(self, row: Row, column: str, message: str, code: str) -> None:
        self.issues.append(LedgerIssue(row.file, row.number, column, message, code))

    def domain_issue(self, row: Row, error: DomainError, default_column: str) -> None:
        column = FIELD_TO_COLUMN.get(error.field or "", error.field or default_column)
        self.issue(row, column, error.message, error.code)

    def run(self) -> None:
        self.import_units()
        banks = self.import_banks()
        cases = self.import_cases(banks)
        self.import_events(cases)
        if not self.issues:
            # The parsed rows are not needed once checked (the checked cases hold what is written): free them
            # before the write, which holds one batch of rows at a time.
            self.parsed.cases.clear()
            self.parsed.events.clear()
            self.write(cases)

    # Units may name a parent further down the file: create them in dependency order.
    def import_units(self) -> None:
        rows = self.parsed.units
        seen: dict[str, Row] = {}
        pending: list[Row] = []
        for row in rows:
            code = row.values["code"]
            if code in seen:
                self.issue(row, "code", _("unit code %(code)s repeated (already on row %(row)s)") % {
                    "code": code, "row": seen[code].number}, "duplicate")
                continue
            seen[code] = row
            pending.append(row)
        known: dict[str, Unit] = {}
        while pending:
            progressed, waiting = False, []
            for row in pending:
                parent_code = row.values["parent_code"]
                parent = None
                if parent_code in self.parsed.refused_unit_codes:
                    self.parsed.refused_unit_codes.add(row.values["code"])  # its parent's error says why
                    progressed = True
                    continue
                if parent_code:
                    parent = known.get(parent_code)
                    if parent is None and parent_code not in seen:
                        parent = Unit.objects.filter(code=parent_code).first()
                        if parent is None:
                            self.issue(row, "parent_code", _("parent unit %(code)s is neither in units.csv "
                                                             "nor in the database") % {"code": parent_code},
                                       "unknown_unit")
                            progressed = True
                            continue
                    if parent is None:
                        waiting.append(row)
                        continue
                progressed = True
                try:
                    unit, created = unit_ensure(
                        code=row.values["code"], name=row.values["name"], level=row.values["level"], parent=parent,
                        valid_from=row.values["valid_from"], valid_to=row.values["valid_to"])
                except DomainError as error:
                    self.domain_issue(row, error, "code")
                    self.parsed.refused_unit_codes.add(row.values["code"])
                    continue
                known[unit.code] = unit
                if created:
                    self.summary.units_created += 1
                else:
                    self.summary.units_existing += 1
            if not progressed:
                for row in waiting:
                    self.parsed.refused_unit_codes.add(row.values["code"])
                    self.issue(row, "parent_code", _("parent unit %(code)s could not be created (an error or a cycle)")
                               % {"code": row.values["parent_code"]}, "unknown_unit")
                break
            pending = waiting

    def import_banks(self) -> dict[str, Bank]:
        banks: dict[str, Bank] = {bank.code: bank for bank in Bank.objects.all()}
        seen: dict[str, int] = {}
        for row in self.parsed.banks:
            code = row.values["code"]
            if code in seen:
                self.issue(row, "code", _("bank code %(code)s repeated (already on row %(row)s)") % {
                    "code": code, "row": seen[code]}, "duplicate")
                continue
            seen[code] = row.number
            try:
                bank, created = bank_ensure(code=code, name=row.values["name"])
            except DomainError as error:
                self.domain_issue(row, error, "name")
                self.parsed.refused_bank_codes.add(code)
                continue
            banks[code] = bank
            if created:
                self.summary.banks_created += 1
            else:
                self.summary.banks_existing += 1
        return banks

    def import_cases(self, banks: dict[str, Bank]) -> dict[str, _NewCase]:
        """Check every case row with the rules of case_create (case_create_rules), reading the database
        once for all rows instead of once per row. Nothing is written here (see write)."""
        units = {unit.code: unit for unit in Unit.objects.all()}
        listed = [row.values["case_no"] for row in self.parsed.cases]
        taken: set[str] = set()
        for start in range(0, len(listed), LOOKUP_CHUNK):
            taken.update(Case.objects.filter(case_no__in=listed[start:start + LOOKUP_CHUNK])
                         .values_list("case_no", flat=True))
        may_write: dict[int, bool] = {}

        def may_write_unit(unit: Unit) -> bool:
            if unit.pk not in may_write:
                may_write[unit.pk] = unit_is_writable_by(self.actor, unit.pk)
            return may_write[unit.pk]

        created: dict[str, _NewCase] = {}
        first_row: dict[str, int] = {}
        total = len(self.parsed.cases)
        for index, row in enumerate(self.parsed.cases, start=1):
            if index % 500 == 0 or index == total:
                self.progress(self.parsed.label("cases.csv"), index, total)
            values = row.values
            case_no = values["case_no"]
            if case_no in first_row:
                self.issue(row, "case_no", _("case number %(case)s repeated (already on row %(row)s)") % {
                    "case": case_no, "row": first_row[case_no]}, "duplicate_case_no")
                continue
            first_row[case_no] = row.number
            if values["unit_code"] in self.parsed.refused_unit_codes or values["bank_code"] in (
                    self.parsed.refused_bank_codes - {""}):
                self.parsed.refused_case_numbers.add(case_no)  # the unit's or bank's own error says why
                continue
            unit = units.get(values["unit_code"])
            if unit is None:
                self.issue(row, "unit_code", _("unit %(code)s is neither in units.csv nor in the database") % {
                    "code": values["unit_code"]}, "unknown_unit")
                continue
            bank = None
            if values["bank_code"]:
                bank = banks.get(values["bank_code"])
                if bank is None:
                    self.issue(row, "bank_code", _("bank %(code)s is neither in banks.csv nor in the database")
                               % {"code": values["bank_code"]}, "unknown_bank")
                    continue
            arguments = {
                "case_no": case_no, "decision_no": values["decision_no"], "accepted_on": values["accepted_on"],
                "unit": unit, "origin": values["origin"], "category": values["category"],
                "judgment_type": values["judgment_type"], "amount_due": values["amount_due"], "creditor_bank": bank}
            parties = [
                PartyData(role=PartyRole.DEBTOR, name=values["debtor_name"], kind=PartyKind.PERSON),
                PartyData(role=PartyRole.CREDITOR, name=values["creditor_name"],
                          kind=PartyKind.ORGANISATION if bank else PartyKind.PERSON),
            ]
            try:
                case_create_rules(**arguments, parties=parties, today=self.today, may_write_unit=may_write_unit,
                                  case_no_taken=taken.__contains__)
            except DomainError as error:
                self.domain_issue(row, error, "case_no")
                continue
            created[case_no] = _NewCase(arguments, parties)
        return created

    def import_events(self, created: dict[str, _NewCase]) -> None:
        """Events are grouped by case, keeping their file order. A new case's whole history is checked in
        memory with the same function as case_events_record (events_apply); events of a case already in
        the database go through case_events_record itself (it locks the row and starts from its state)."""
        # Case numbers that appear in cases.csv but were refused there: their events cannot be checked, and
        # their case's own error is already reported.
        listed = {row.values["case_no"] for row in self.parsed.cases}
        refused = (listed | self.parsed.refused_case_numbers) - set(created)
        by_case: dict[str, list[Row]] = {}
        for row in self.parsed.events:
            case_no = row.values["case_no"]
            if case_no in refused:
                continue
            by_case.setdefault(case_no, []).append(row)
        earlier = [no for no in by_case if no not in created]
        existing: dict[str, Case] = {}
        for start in range(0, len(earlier), LOOKUP_CHUNK):
            existing.update((case.case_no, case) for case in Case.objects.filter(
                case_no__in=earlier[start:start + LOOKUP_CHUNK]))
        closed_through: dict[int, date | None] = {}
        may_write: dict[int, bool] = {}
        total, done = len(self.parsed.events), 0
        for case_no, rows in by_case.items():
            batch = [EventData(kind=row.values["kind"], date=row.values["date"], amount=row.values["amount"],
                               ground=row.values["ground"], note=row.values["note"]) for row in rows]
            new = created.get(case_no)
            if new is not None:
                self.check_new_case_events(new, rows, batch, closed_through, may_write)
            elif case_no in existing:
                try:
                    case_events_record(actor=self.actor, case=existing[case_no], events=batch,
                                       source=EventSource.IMPORT, today=self.today)
                    self.summary.events += len(rows)
                except EventBatchRefused as refused_batch:
                    for index, error in refused_batch.errors:
                        self.domain_issue(rows[index], error, "kind")
                except DomainError as error:
                    self.domain_issue(rows[0], error, "case_no")
            else:
                for row in rows:
                    self.issue(row, "case_no", _("case %(case)s is neither in cases.csv nor in the database")
                               % {"case": case_no}, "unknown_case")
            before, done = done, done + len(rows)
            for mark in range((before // 1000 + 1) * 1000, done + 1, 1000):
                self.progress(self.parsed.label("events.csv"), mark, total)
            if done == total and total % 1000:
                self.progress(self.parsed.label("events.csv"), total, total)

    def check_new_case_events(self, new: _NewCase, rows: list[Row], batch: list[EventData],
                              closed_through: dict[int, date | None], may_write: dict[int, bool]) -> None:
        """What case_events_record checks for a case that case_create would just have written."""
        unit_id = new.arguments["unit"].pk
        if unit_id not in may_write:
            may_write[unit_id] = case_is_writable_by(self.actor, new.case(self.actor, closed_through))
        if not may_write[unit_id]:
            self.issue(rows[0], "case_no", PermissionDeniedError(
                _("You are not allowed to write to case %(case)s.") % {"case": new.arguments["case_no"]}).message,
                PermissionDeniedError.default_code)
            return
        facts = workflow.CaseFacts(case_no=new.arguments["case_no"], category=new.arguments["category"],
                                   accepted_on=new.arguments["accepted_on"], amount_due=new.arguments["amount_due"])
        states, errors, _state = events_apply(facts, workflow.initial_state(facts), batch, today=self.today)
        for index, error in errors:
            self.domain_issue(rows[index], error, "kind")
        if not errors:
            new.events, new.states = batch, states
            self.summary.events += len(rows)

    def write(self, created: dict[str, _NewCase]) -> None:
        """Write the checked new cases, their parties, events, change-feed rows, cached open deadlines and per-case
        facts, WRITE_BATCH cases at a time (the rows of three batches at most are held in memory: two queued
        for the writer, one being built). The case rows
        are the columns case_build gives (built here as plain mappings, without a model instance per case), the
        others come from the services' column builders (party_values, event_values); the open deadlines are
        computed in memory from the checked events by the pure rules (new_case_open_duties), as
        case_deadlines_refresh would compute them from the written rows; the facts by the engine's SQL over the
        rows written (reports.facts.new_case_facts_insert). The ids are drawn first, so a batch is built without
        the database: on PostgreSQL it is built while the database writes the one before (_BatchWriter)."""
        from cases.selectors import working_calendar

        calendar = working_calendar()
        closed_through: dict[int, date | None] = {}
        actor = self.actor
        recorded_by_id = actor.pk if actor is not None and actor.is_authenticated else None
        # case_build's officer of record: the importing officer (not a superuser) unless one is given.
        officer_id = (actor.pk if actor is not None and not getattr(actor, "is_superuser", False)
                      and hasattr(actor, "officer_profile") else None)
        created_by_id = actor.pk if actor is not None else None
        news = list(created.values())
        total = sum(1 + len(new.events) for new in news)
        # What the batches need from the database, read before the writer starts (one connection: see _BatchWriter).
        for unit_id in {new.arguments["unit"].pk for new in news} - set(closed_through):
            closed_through[unit_id] = statistics_closed_through(unit_id)
        coverage = facts_coverage()
        all_case_ids = draw_ids(Case, len(news))
        all_event_ids = draw_ids(CaseEvent, total - len(news))
        done = events_done = 0
        sums: dict[tuple, list[int]] = {}
        with _BatchWriter() as writer:
            for start in range(0, len(news), WRITE_BATCH):
                chunk = news[start:start + WRITE_BATCH]
                cases = [new.values(closed_through, officer_id, created_by_id) for new in chunk]
                case_ids = all_case_ids[start:start + len(chunk)]
                deadline_rows = []
                for case, new in zip(cases, chunk, strict=True):
                    duties = new_case_open_duties(
                        status=case["status"], accepted_on=case["accepted_on"], origin=case["origin"],
                        judgment_type=case["judgment_type"], calendar=calendar,
                        events=[(after.event_count, data.kind, data.date, data.amount, data.ground or "",
                                 data.ground_arose_on) for data, after in zip(new.events, new.states, strict=True)])
                    first = min(duties, key=lambda d: (d.due_on, d.kind), default=None)
                    case["next_due_on"], case["next_due_kind"] = (first.due_on, first.kind) if first else (None, "")
                    deadline_rows.append(duties)
                events = [{"case_id": case_id, "recorded_by_id": recorded_by_id,
                           **event_values(data, after, closed_through=closed_through[case["unit_id"]],
                                          source=EventSource.IMPORT)}
                          for case_id, case, new in zip(case_ids, cases, chunk, strict=True)
                          for data, after in zip(new.events, new.states, strict=True)]
                event_ids = all_event_ids[events_done:events_done + len(events)]
                events_done += len(events)
                prepared = [
                    prepare_rows(Case, cases, case_ids),
                    prepare_rows(Party, [{"case_id": case_id, **party_values(party)}
                                         for case_id, new in zip(case_ids, chunk, strict=True)
                                         for party in new.parties]),
                    prepare_rows(CaseEvent, events, event_ids),
                    prepare_rows(CaseChange, [
                        {"case_id": case_id, "kind": CaseChange.Kind.CASE_CREATED, "event_id": None,
                         "case_status": Status.WITH_CONDITIONS, "payload": {}} for case_id in case_ids]
                        + event_change_values(
                            ((event["case_id"], event_id, event["status_after"], event["date"], event["sequence"])
                             for event, event_id in zip(events, event_ids, strict=True)),
                            status_before=lambda _case_id: Status.WITH_CONDITIONS)),
                    prepare_rows(OpenDeadline, [
                        {"case_id": case_id, "case_no": case["case_no"], "kind": duty.kind, "due_on": duty.due_on,
                         "regime": duty.regime, "reference": duty.reference, "position": position}
                        for case_id, case, duties in zip(case_ids, cases, deadline_rows, strict=True)
                        for position, duty in enumerate(duties)]),
                ]
                years = None
                if self.write_facts:
                    first_day = min(case["stat_accepted_on"] for case in cases)
                    last_days = [max(case["stat_accepted_on"] for case in cases),
                                 max((event["stat_date"] for event in events), default=None)]
                    years = list(range(fiscal_year_of(first_day), facts_last_year(*last_days, through=coverage) + 1))
                else:
                    case_facts_refresh(case_ids)  # collected for the end of the caller's facts_deferred()
                writer.submit(_BatchJob(prepared, case_ids, years))
                for batch_sums in writer.finished():
                    sums_merge(sums, batch_sums)
                case_changes_relay_on_commit()  # positions once the import commits (cases.services.changes)
                self.summary.cases += len(cases)
                self.summary.case_ids.extend(case_ids)
                done += len(cases) + len(events)
                self.progress("writing", done, total)
            for batch_sums in writer.drain():
                sums_merge(sums, batch_sums)
        fact_sums_add(sums)


class _BatchJob:
    """One batch's database work: its rows (built by prepare_rows), then its per-case facts (``years``; None:
    left to the caller's deferred refresh). Returns the facts' group sums."""

    __slots__ = ("prepared", "case_ids", "years")

    def __init__(self, prepared: list, case_ids: list[int], years: list[int] | None):
        self.prepared, self.case_ids, self.years = prepared, case_ids, years

    def __call__(self, cursor) -> dict[tuple, list[int]]:
        for prepared in self.prepared:
            write_prepared(cursor, prepared)
        if self.years is None:
            return {}
        return new_case_facts_insert(cursor, self.case_ids, self.years)


class _BatchWriter:
    """Runs the import's batch jobs in order. On PostgreSQL one thread runs them on the import's own connection
    (so inside its transaction), with the driver's cursor: the server writes a batch while this process builds
    the next one (psycopg2 releases the GIL while it waits for the server), so the import uses both cores.
    At most two batches are queued, so memory stays at a few batches. Elsewhere (SQLite: one writer, in this
    thread) a batch is written when submitted. A job's error is raised in the caller at the next ``submit``,
    ``finished`` or ``drain``; on leaving, whatever happened, no job is left running on the connection (the
    transaction's rollback follows an error).

    The connection serves one statement at a time, and a query sent while the thread is inside a COPY hangs
    both: while jobs are queued, a query of the calling thread through Django first waits for them
    (``_wait_for_jobs``, installed with ``execute_wrapper``). The importer reads what a batch needs before
    it starts, so this is a safety net, not a pause."""

    QUEUED = 2

    def __init__(self):
        self._pool = None
        self._pending: deque = deque()
        self._done: list = []

    def __enter__(self):
        if connection.vendor == "postgresql":
            connection.ensure_connection()
            self._raw = connection.connection
            self._pool = ThreadPoolExecutor(max_workers=1, thread_name_prefix="ledger-writer")
            self._wrapper = connection.execute_wrapper(self._wait_for_jobs)
            self._wrapper.__enter__()
        return self

    def _wait_for_jobs(self, execute, sql, params, many, context):
        while self._pending:
            self._done.append(self._pending.popleft().result())
        return execute(sql, params, many, context)

    def _run(self, job):
        with self._raw.cursor() as cursor:
            return job(cursor)

    def submit(self, job: _BatchJob) -> None:
        if self._pool is None:
            with connection.cursor() as wrapper:
                self._done.append(job(wrapper.cursor))
            return
        while len(self._pending) >= self.QUEUED:
            self._done.append(self._pending.popleft().result())
        self._pending.append(self._pool.submit(self._run, job))

    def finished(self) -> list:
        """The results of the jobs finished since the last call (in order)."""
        while self._pending and self._pending[0].done():
            self._done.append(self._pending.popleft().result())
        done, self._done = self._done, []
        return done

    def drain(self) -> list:
        """Wait for every job; their results not yet taken."""
        while self._pending:
            self._done.append(self._pending.popleft().result())
        return self.finished()

    def __exit__(self, *exc_info):
        if self._pool is not None:
            for future in self._pending:
                future.cancel()
            self._pool.shutdown(wait=True)  # the running job ends before the caller rolls back or goes on
            self._wrapper.__exit__(*exc_info)
        return False
