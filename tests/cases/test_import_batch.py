"""The batch ledger import writes exactly what recording the same ledger through the services writes.

The importer checks every case's history in memory and writes with bulk inserts; the reference below records the
same rows one case at a time through case_create and case_events_record, as the importer used to. Every column of
every case, party and event, and the change feed, must come out the same.
"""
import csv
import json
from collections import Counter
from datetime import date
from pathlib import Path

import pytest

from banks.models import Bank
from cases.codes import RECORDABLE_KINDS, EventSource, PartyKind, PartyRole
from cases.ledger.importer import LedgerRejected, import_ledger
from cases.ledger.synthetic import generate_ledger, write_reference_files
from cases.models import Case, CaseChange, CaseEvent, OpenDeadline, Party
from cases.services import EventData, PartyData, case_create, case_events_record
from cases.services.deadlines import case_deadlines_refresh
from reports.models import ClosedPeriod
from thads.org.models import Unit

# Columns that differ between any two writes of the same data.
VOLATILE = {"id", "case", "created_at", "updated_at", "recorded_at"}


def record_through_services(directory: Path) -> None:
    """The reference: every case through case_create, then each case's events, in file order, through
    case_events_record — the rules and writes of the browser, one case at a time."""
    with (directory / "cases.csv").open(encoding="utf-8") as handle:
        case_rows = list(csv.DictReader(handle))
    with (directory / "events.csv").open(encoding="utf-8") as handle:
        event_rows = list(csv.DictReader(handle))
    units = {unit.code: unit for unit in Unit.objects.all()}
    banks = {bank.code: bank for bank in Bank.objects.all()}
    cases = {}
    for row in case_rows:
        bank = banks.get(row["bank_code"])
        cases[row["case_no"]] = case_create(
            actor=None, case_no=row["case_no"], decision_no=row["decision_no"],
            accepted_on=date.fromisoformat(row["accepted_on"]), unit=units[row["unit_code"]], origin=row["origin"],
            category=row["category"], judgment_type=row["judgment_type"], amount_due=int(row["amount_due"]),
            creditor_bank=bank, parties=[
                PartyData(role=PartyRole.DEBTOR, name=row["debtor_name"], kind=PartyKind.PERSON),
                PartyData(role=PartyRole.CREDITOR, name=row["creditor_name"],
                          kind=PartyKind.ORGANISATION if bank else PartyKind.PERSON)])
    by_case: dict[str, list[EventData]] = {}
    for row in event_rows:
        by_case.setdefault(row["case_no"], []).append(EventData(
            kind=row["kind"], date=date.fromisoformat(row["date"]),
            amount=int(row["amount"]) if row["amount"] else None, ground=row["ground"], note=row["note"]))
    for case_no, events in by_case.items():
        case_events_record(actor=None, case=cases[case_no], events=events, source=EventSource.IMPORT)


def written() -> dict[str, object]:
    """Every row the import writes, keyed by case number (and sequence), without ids and timestamps."""
    def rows(model, key):
        fields = [f.attname for f in model._meta.concrete_fields if f.name not in VOLATILE and f.attname != "case_id"]
        return {key(row): row for row in model.objects.values("case__case_no", *fields)}

    changes = Counter((case_no, kind, sequence, status, json.dumps(payload, sort_keys=True))
                      for case_no, kind, sequence, status, payload in CaseChange.objects.values_list(
                          "case__case_no", "kind", "event__sequence", "case_status", "payload"))
    return {
        "cases": {row["case_no"]: row for row in Case.objects.values(
            *[f.attname for f in Case._meta.concrete_fields if f.name not in VOLATILE])},
        "parties": rows(Party, lambda row: (row["case__case_no"], row["role"])),
        "events": rows(CaseEvent, lambda row: (row["case__case_no"], row["sequence"])),
        "changes": changes,
        "deadlines": rows(OpenDeadline, lambda row: (row["case__case_no"], row["position"])),
    }


def wipe_cases() -> None:
    OpenDeadline.objects.all().delete()
    CaseChange.objects.all().delete()
    CaseEvent.objects.all().delete()
    Party.objects.all().delete()
    Case.objects.all().delete()


@pytest.mark.django_db
def test_given_a_generated_ledger_when_imported_in_batch_then_it_writes_what_the_services_write(
        tmp_path):
    # given: the ledger's units and banks, periods closed for Vị Thanh and (earlier) for the whole province, so
    # statistical dates move; and a generated ledger with every kind of event
    reference = tmp_path / "reference"
    reference.mkdir()
    write_reference_files(reference)
    for name, header in (("cases.csv", "case_no,unit_code,decision_no,accepted_on,origin,category,judgment_type,"
                                       "debtor_name,creditor_name,amount_due"),
                         ("events.csv", "case_no,date,kind")):
        (reference / name).write_text(header + "\n", encoding="utf-8")
    import_ledger(reference)
    ClosedPeriod.objects.create(unit=Unit.objects.get(code="HG-VT"), end=date(2018, 9, 30))
    ClosedPeriod.objects.create(unit=Unit.objects.get(code="HG"), end=date(2017, 9, 30))
    generated = generate_ledger(tmp_path / "ledger", cases=400, events=1400, seed=11)
    with (generated.directory / "events.csv").open(encoding="utf-8") as handle:
        assert {row["kind"] for row in csv.DictReader(handle)} == set(RECORDABLE_KINDS)  # corrections: not imported
    # when
    summary = import_ledger(generated.directory)
    batch = written()
    wipe_cases()
    record_through_services(generated.directory)
    services = written()
    # then
    assert (summary.cases, summary.events) == (400, generated.events)
    assert len(batch["cases"]) == 400
    assert len(batch["events"]) == generated.events
    assert len(batch["parties"]) == 800
    # an event that moves its case to another status is followed by a status_changed entry
    by_case = {}
    for (case_no, _sequence), row in sorted(batch["events"].items()):
        by_case.setdefault(case_no, []).append(row["status_after"])
    moves = sum(after != before for statuses in by_case.values()
                for before, after in zip(["with_conditions", *statuses], statuses, strict=False))
    assert moves > 100
    assert sum(batch["changes"].values()) == 400 + generated.events + moves
    assert sum(count for (_case, kind, *_rest), count in batch["changes"].items() if kind == "status_changed") == moves
    assert {row["stat_date"] for row in batch["events"].values()} & {date(2017, 10, 1), date(2018, 10, 1)} == {
        date(2017, 10, 1), date(2018, 10, 1)}
    assert batch["cases"] == services["cases"]
    assert batch["parties"] == services["parties"]
    assert batch["events"] == services["events"]
    assert batch["changes"] == services["changes"]
    assert len(batch["deadlines"]) > 100
    assert batch["deadlines"] == services["deadlines"]


@pytest.mark.django_db
def test_given_a_generated_ledger_when_imported_then_its_deadlines_are_what_the_refresh_computes(tmp_path):
    # given: a generated ledger (open and ended cases, every kind of event) and a day off that moves deadlines
    from cases.models import PublicHoliday

    PublicHoliday.objects.get_or_create(date=date(2019, 2, 11), defaults={"name": "Tết"})
    generated = generate_ledger(tmp_path / "ledger", cases=300, events=1000, seed=3)
    # when: imported (the open deadlines computed in memory from the checked events)
    summary = import_ledger(generated.directory)
    imported = list(OpenDeadline.objects.order_by("case_id", "position").values_list(
        "case_id", "case_no", "kind", "due_on", "regime", "reference", "position"))
    next_due = list(Case.objects.order_by("pk").values_list("pk", "next_due_on", "next_due_kind"))
    # then: recomputing them from the written rows changes nothing
    assert summary.cases == 300
    assert len(imported) > 100
    assert sum(due is not None for _pk, due, _kind in next_due) > 50
    assert sum(due is None for _pk, due, _kind in next_due) > 10  # ended cases carry none
    assert case_deadlines_refresh(summary.case_ids) == 0
    assert list(OpenDeadline.objects.order_by("case_id", "position").values_list(
        "case_id", "case_no", "kind", "due_on", "regime", "reference", "position")) == imported
    assert list(Case.objects.order_by("pk").values_list("pk", "next_due_on", "next_due_kind")) == next_due


def small_ledger(directory: Path, cases: list[str]) -> Path:
    """A ledger of cases in existing units: ``cases`` lists "case_no,unit_code"; each gets one collection."""
    directory.mkdir()
    (directory / "units.csv").write_text("code,name,parent_code,level,valid_from,valid_to\n", encoding="utf-8")
    (directory / "cases.csv").write_text(
        "case_no,unit_code,decision_no,accepted_on,origin,category,judgment_type,debtor_name,creditor_name,amount_due\n"
        + "".join(f"{case},1/QĐ,2019-01-10,theo_yeu_cau,khac,dan_su,Nguyễn Văn An,Trần Thị Bình,5000000\n"
                  for case in cases), encoding="utf-8")
    (directory / "events.csv").write_text("case_no,date,kind,amount\n" + "".join(
        f"{case.split(',')[0]},2019-02-01,thu_tien,1000000\n" for case in cases), encoding="utf-8")
    return directory


def test_given_an_importing_officer_then_cases_outside_the_units_they_write_are_refused(people, tmp_path):
    # given: the head of Vị Thanh imports a case of Vị Thanh (row 2) and one of Ngã Bảy (row 3)
    directory = small_ledger(tmp_path / "ledger", ["THA-1,HG-VT", "THA-2,HG-NB"])
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory, actor=people["head"])
    # then: the refusal case_create gives, on the row of the Ngã Bảy case; nothing written
    assert [(i.file, i.row, i.column, i.code) for i in rejected.value.issues] == [
        ("cases.csv", 3, "case_no", "permission_denied")]
    assert (Case.objects.count(), CaseEvent.objects.count(), CaseChange.objects.count()) == (0, 0, 0)


def test_given_an_importing_officer_then_their_cases_and_events_are_recorded_as_theirs(people, tmp_path):
    # given
    directory = small_ledger(tmp_path / "ledger", ["THA-1,HG-VT"])
    head = people["head"]
    # when
    import_ledger(directory, actor=head)
    # then: as case_create and case_events_record would record them
    case = Case.objects.get()
    assert (case.created_by_id, case.officer_id, case.amount_remaining) == (head.pk, head.pk, 4_000_000)
    assert list(CaseEvent.objects.values_list("recorded_by_id", "source")) == [(head.pk, EventSource.IMPORT)]


def test_a_large_import_refreshes_the_planner_statistics_on_postgresql_only(db, tmp_path, monkeypatch):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    generate_ledger(tmp_path, cases=30, events=60, seed=5)
    monkeypatch.setattr("cases.ledger.importer.ANALYZE_AFTER_CASES", 30)
    with CaptureQueriesContext(connection) as captured:
        summary = import_ledger(tmp_path)
    analyzed = [query["sql"] for query in captured.captured_queries if query["sql"].startswith("ANALYZE")]
    assert summary.cases == 30
    if connection.vendor == "postgresql":
        assert analyzed == [f"ANALYZE {table}" for table in ("cases_case", "cases_party", "cases_caseevent",
                                                             "reports_caseyearfact", "cases_casechange")]
    else:
        assert analyzed == []


def test_a_small_import_leaves_the_statistics_to_autovacuum(db, tmp_path):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    generate_ledger(tmp_path, cases=20, events=40, seed=6)
    with CaptureQueriesContext(connection) as captured:
        import_ledger(tmp_path)
    assert not [query for query in captured.captured_queries if query["sql"].startswith("ANALYZE")]
