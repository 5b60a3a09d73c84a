"""Import a ledger directory: all or nothing, through the same services as the browser.

Two passes. ``read_ledger`` checks every cell; then, inside one transaction, units, banks, cases and events
are written through the services, which apply the lifecycle rules. Every problem from either pass is
collected with its file, row and column; if there is any, the transaction is rolled back and nothing
stays in the database.
"""
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from banks.models import Bank
from banks.services import bank_ensure
from cases.codes import EventSource, PartyKind, PartyRole
from cases.ledger.reader import LedgerIssue, ParsedLedger, Row, read_ledger
from cases.models import Case
from cases.services import EventBatchRefused, EventData, PartyData, case_create, case_events_record
from reports.facts import facts_deferred
from thads.core.errors import DomainError
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
    """Import the ledger in ``directory``. Returns a summary, or raises LedgerRejected with every issue."""
    started = time.perf_counter()
    parsed = read_ledger(directory)
    summary = ImportSummary()
    issues = list(parsed.issues)
    if parsed.refused_files:
        # A file refused as a whole leaves the rows of the others without what they refer to; checking them
        # would bury the real problem under thousands of consequences.
        raise LedgerRejected(sorted(issues, key=lambda issue: (_FILE_ORDER.get(issue.file, 9), issue.row)))
    try:
        with transaction.atomic():
            # The services' per-case fact refreshes are collected and run once, set-based, at the end.
            with facts_deferred():
                _Importer(parsed, summary, issues, actor, progress or (lambda *_: None)).run()
            if issues:
                raise _Rollback
    except _Rollback:
        pass
    if issues:
        issues.sort(key=lambda issue: (_FILE_ORDER.get(issue.file, 9), issue.row, issue.column))
        raise LedgerRejected(issues)
    summary.seconds = time.perf_counter() - started
    return summary


_FILE_ORDER = {"units.csv": 0, "banks.csv": 1, "cases.csv": 2, "events.csv": 3}


class _Importer:
    def __init__(self, parsed: ParsedLedger, summary: ImportSummary, issues: list[LedgerIssue], actor,
                 progress: Progress):
        self.parsed, self.summary, self.issues, self.actor, self.progress = parsed, summary, issues, actor, progress
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

    def import_cases(self, banks: dict[str, Bank]) -> dict[str, Case]:
        units = {unit.code: unit for unit in Unit.objects.all()}
        created: dict[str, Case] = {}
        first_row: dict[str, int] = {}
        total = len(self.parsed.cases)
        for index, row in enumerate(self.parsed.cases, start=1):
            if index % 500 == 0 or index == total:
                self.progress("cases.csv", index, total)
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
            try:
                case = case_create(
                    actor=self.actor, case_no=case_no, decision_no=values["decision_no"],
                    accepted_on=values["accepted_on"], unit=unit, origin=values["origin"],
                    category=values["category"], judgment_type=values["judgment_type"],
                    amount_due=values["amount_due"], creditor_bank=bank, today=self.today,
                    parties=[
                        PartyData(role=PartyRole.DEBTOR, name=values["debtor_name"], kind=PartyKind.PERSON),
                        PartyData(role=PartyRole.CREDITOR, name=values["creditor_name"],
                                  kind=PartyKind.ORGANISATION if bank else PartyKind.PERSON),
                    ],
                )
            except DomainError as error:
                self.domain_issue(row, error, "case_no")
                continue
            created[case_no] = case
            self.summary.cases += 1
            self.summary.case_ids.append(case.pk)
        return created

    def import_events(self, created: dict[str, Case]) -> None:
        """Events are grouped by case (keeping their file order) and each case's events recorded in one
        service call, which checks each against the state the previous ones leave."""
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
        existing = {case.case_no: case for case in Case.objects.filter(
            case_no__in=[no for no in by_case if no not in created])}
        total, done = len(self.parsed.events), 0
        for case_no, rows in by_case.items():
            case = created.get(case_no) or existing.get(case_no)
            if case is None:
                for row in rows:
                    self.issue(row, "case_no", _("case %(case)s is neither in cases.csv nor in the database")
                               % {"case": case_no}, "unknown_case")
                continue
            batch = [EventData(kind=row.values["kind"], date=row.values["date"], amount=row.values["amount"],
                               ground=row.values["ground"], note=row.values["note"]) for row in rows]
            try:
                case_events_record(actor=self.actor, case=case, events=batch, source=EventSource.IMPORT,
                                   today=self.today)
                self.summary.events += len(rows)
            except EventBatchRefused as refused:
                for index, error in refused.errors:
                    self.domain_issue(rows[index], error, "kind")
            except DomainError as error:
                self.domain_issue(rows[0], error, "case_no")
            before, done = done, done + len(rows)
            for mark in range((before // 1000 + 1) * 1000, done + 1, 1000):
                self.progress("events.csv", mark, total)
            if done == total and total % 1000:
                self.progress("events.csv", total, total)
