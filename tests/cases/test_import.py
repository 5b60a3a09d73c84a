"""The ledger import (shared/ledger-format.md): all or nothing, every error named by file, row and column,
through the same services as the browser.

Ledgers are written from Python lists into ``tmp_path``. Row numbers are those a spreadsheet shows: the header
is row 1, so the first data row is row 2.
"""
import csv
import io
import re
from datetime import date
from pathlib import Path

import pytest
from django.apps import apps
from django.core.management import call_command
from django.core.management.base import CommandError

from banks.models import Bank
from cases.codes import Category, EventKind, EventSource, Origin, PartyKind, PartyRole, Status
from cases.ledger.importer import LedgerRejected, import_ledger
from cases.ledger.reader import LedgerIssue
from cases.ledger.synthetic import generate_ledger
from cases.models import Case, CaseEvent, Party
from cases.selectors import case_cached_state, case_state_on
from thads.org.models import Unit

# ---- writing ledgers ---------------------------------------------------------------------------------------

HEADERS = {
    "units.csv": ["code", "name", "parent_code", "level", "valid_from", "valid_to"],
    "banks.csv": ["code", "name"],
    "cases.csv": ["case_no", "unit_code", "decision_no", "accepted_on", "origin", "category", "judgment_type",
                  "debtor_name", "creditor_name", "bank_code", "amount_due"],
    "events.csv": ["case_no", "date", "kind", "amount", "ground", "note"],
}


def unit(code, name, parent_code, level, valid_from="2004-01-01", valid_to=""):
    return {"code": code, "name": name, "parent_code": parent_code, "level": level, "valid_from": valid_from,
            "valid_to": valid_to}


def bank(code, name):
    return {"code": code, "name": name}


def case(case_no, unit_code, accepted_on, category, amount_due, *, bank_code="", debtor="Nguyễn Văn An",
         creditor="Trần Thị Bình"):
    origin = Origin.CHU_DONG if category == Category.NGAN_SACH else Origin.THEO_YEU_CAU
    return {"case_no": case_no, "unit_code": unit_code, "decision_no": f"{case_no}/QĐ-CCTHADS",
            "accepted_on": accepted_on, "origin": origin, "category": category, "judgment_type": "dan_su",
            "debtor_name": debtor, "creditor_name": creditor, "bank_code": bank_code, "amount_due": amount_due}


def event(case_no, on, kind, amount="", ground="", note=""):
    return {"case_no": case_no, "date": on, "kind": kind, "amount": amount, "ground": ground, "note": note}


def write_ledger(directory: Path, *, units, banks, cases, events, headers=None, omit=()) -> Path:
    """Write the four CSV files (header + rows, columns in ``HEADERS`` order unless ``headers`` overrides a
    file's header; a column missing from a row is an empty cell). Files named in ``omit`` are not written."""
    directory.mkdir(parents=True, exist_ok=True)
    for name, rows in (("units.csv", units), ("banks.csv", banks), ("cases.csv", cases), ("events.csv", events)):
        if name in omit:
            continue
        header = (headers or {}).get(name, HEADERS[name])
        with (directory / name).open("w", newline="", encoding="utf-8") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            for row in rows:
                writer.writerow([row.get(column, "") for column in header])
    return directory


def where(issues: list[LedgerIssue]) -> list[tuple[str, int, str, str]]:
    return [(issue.file, issue.row, issue.column, issue.code) for issue in issues]


def db_snapshot() -> tuple[str, dict[str, int]]:
    """Everything the import could touch: a full dump of the apps plus the row count of every table."""
    dump = io.StringIO()
    call_command("dumpdata", "org", "banks", "cases", "auth", stdout=dump)
    counts = {model._meta.db_table: model._default_manager.count()
              for model in apps.get_models(include_auto_created=True)}
    return dump.getvalue(), counts


# ---- the ledgers ---------------------------------------------------------------------------------------------

VT_NAME = "Chi cục Thi hành án dân sự thành phố Vị Thanh"
NB_NAME = "Chi cục Thi hành án dân sự thành phố Ngã Bảy"
HG_NAME = "Cục Thi hành án dân sự tỉnh Hậu Giang"
AGRIBANK_NAME = "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam – Chi nhánh tỉnh Hậu Giang"

# First ledger. The districts (rows 2, 3) name their parent HG, which comes after them (row 4).
FIRST = {
    "units": [
        unit("HG-VT", VT_NAME, "HG", "district", valid_to="2025-06-30"),    # row 2
        unit("HG-NB", NB_NAME, "HG", "district", valid_to="2025-06-30"),    # row 3
        unit("HG", HG_NAME, "", "province"),                                # row 4
    ],
    "banks": [
        bank("AGRIBANK-HG", AGRIBANK_NAME),                                 # row 2
        bank("BIDV-HG", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam – Chi nhánh Hậu Giang"),  # row 3
    ],
    "cases": [
        case("THA-1", "HG-VT", "2019-01-10", Category.KHAC, 10_000_000),                         # row 2
        case("THA-2", "HG-NB", "2019-02-01", Category.NGAN_SACH, 3_000_000,
             creditor="Ngân sách nhà nước"),                                                     # row 3
        case("THA-3", "HG", "2019-03-01", Category.TIN_DUNG_NGAN_HANG, 500_000_000, bank_code="AGRIBANK-HG",
             debtor="Công ty TNHH Thương mại Lộc Tài", creditor=AGRIBANK_NAME),                  # row 4
        case("THA-4", "HG-VT", "2019-04-01", Category.KHAC, 0),                                  # row 5
    ],
    "events": [
        event("THA-1", "2019-02-01", EventKind.THU_TIEN, 4_000_000),                             # row 2
        event("THA-2", "2019-02-15", EventKind.GIAM, 1_000_000),                                 # row 3
        event("THA-1", "2019-03-01", EventKind.THU_TIEN, 6_000_000),                             # row 4
        event("THA-1", "2019-03-01", EventKind.XONG),             # row 5: same day, after the collection
        event("THA-3", "2019-04-01", EventKind.THU_TIEN, 150_000_000),                           # row 6
        event("THA-2", "2019-03-01", EventKind.CHUA_CO_DIEU_KIEN, ground="khong_tai_san"),       # row 7
        event("THA-3", "2019-05-01", EventKind.HOAN, ground="c", note="Đương sự thỏa thuận hoãn"),  # row 8
    ],
}

VIETINBANK_NAME = "Ngân hàng TMCP Công Thương Việt Nam – Chi nhánh Hậu Giang"

# Second ledger, imported on top of the first: it repeats the first's units and banks unchanged, adds a unit
# and a bank, has new cases and one event for a case of the first ledger. The bad ledgers below are this one
# with one change each, so every change is the only problem.
SECOND = {
    "units": [
        *FIRST["units"],                                                                         # rows 2-4
        unit("HG-PH", "Chi cục Thi hành án dân sự huyện Phụng Hiệp", "HG", "district",
             valid_to="2025-06-30"),                                                             # row 5
    ],
    "banks": [*FIRST["banks"], bank("VIETINBANK-HG", VIETINBANK_NAME)],                         # rows 2-4
    "cases": [
        case("THB-1", "HG-PH", "2019-05-02", Category.KHAC, 8_000_000),                          # row 2
        case("THB-2", "HG-VT", "2019-05-03", Category.NGAN_SACH, 2_000_000,
             creditor="Ngân sách nhà nước"),                                                     # row 3
        case("THB-3", "HG", "2019-05-04", Category.TIN_DUNG_NGAN_HANG, 90_000_000, bank_code="VIETINBANK-HG",
             creditor=VIETINBANK_NAME),                                                          # row 4
    ],
    "events": [
        event("THB-1", "2019-06-01", EventKind.THU_TIEN, 3_000_000),                             # row 2
        event("THB-2", "2019-06-02", EventKind.GIAM, 500_000),                                   # row 3
        event("THB-1", "2019-06-10", EventKind.THU_TIEN, 5_000_000),                             # row 4
        event("THB-1", "2019-06-10", EventKind.XONG),                                            # row 5
        event("THB-3", "2019-07-01", EventKind.CO_DIEU_KIEN),                                    # row 6
        event("THA-4", "2019-07-05", EventKind.CHUA_CO_DIEU_KIEN),  # row 7: a case already in the database
    ],
}


def replace_row(rows, index, **changes):
    """``rows`` with row ``index`` (0-based in the list; spreadsheet row index + 2) changed."""
    return [{**row, **changes} if position == index else row for position, row in enumerate(rows)]


@pytest.fixture
def first_imported(db, tmp_path):
    """The database after the first ledger was imported."""
    return import_ledger(write_ledger(tmp_path / "first", **FIRST))


def case_row(case_no):
    c = Case.objects.get(case_no=case_no)
    return (c.status, c.status_ground, c.amount_collected, c.amount_reduced, c.amount_terminated,
            c.amount_remaining, c.last_event_on, c.ended_on, c.event_count)


# ---- 1. a valid ledger -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_a_valid_ledger_when_imported_then_the_summary_counts_every_row(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **FIRST)
    # when
    summary = import_ledger(directory)
    # then
    assert (summary.units_created, summary.units_existing, summary.banks_created, summary.banks_existing,
            summary.cases, summary.events) == (3, 0, 2, 0, 4, 7)
    assert sorted(summary.case_ids) == sorted(Case.objects.values_list("pk", flat=True))
    assert summary.seconds > 0


@pytest.mark.django_db
def test_given_a_child_unit_listed_before_its_parent_when_imported_then_the_hierarchy_is_built(tmp_path):
    # given: HG-VT and HG-NB (rows 2, 3) name HG, which is on row 4
    directory = write_ledger(tmp_path / "first", **FIRST)
    # when
    import_ledger(directory)
    # then
    assert {u.code: (u.name, u.level, u.parent.code if u.parent else None, u.valid_from, u.valid_to)
            for u in Unit.objects.select_related("parent")} == {
        "HG": (HG_NAME, "province", None, date(2004, 1, 1), None),
        "HG-VT": (VT_NAME, "district", "HG", date(2004, 1, 1), date(2025, 6, 30)),
        "HG-NB": (NB_NAME, "district", "HG", date(2004, 1, 1), date(2025, 6, 30)),
    }
    assert dict(Bank.objects.values_list("code", "name")) == {
        "AGRIBANK-HG": AGRIBANK_NAME,
        "BIDV-HG": "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam – Chi nhánh Hậu Giang",
    }


@pytest.mark.django_db
def test_given_a_valid_ledger_when_imported_then_each_case_has_the_hand_computed_state(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **FIRST)
    # when
    import_ledger(directory)
    # then (status, ground, collected, reduced, terminated, remaining, last event, ended, event count)
    assert case_row("THA-1") == (Status.COMPLETED, "", 10_000_000, 0, 0, 0, date(2019, 3, 1), date(2019, 3, 1), 3)
    assert case_row("THA-2") == (Status.WITHOUT_CONDITIONS, "khong_tai_san", 0, 1_000_000, 0, 2_000_000,
                                 date(2019, 3, 1), None, 2)
    assert case_row("THA-3") == (Status.POSTPONED, "c", 150_000_000, 0, 0, 350_000_000, date(2019, 5, 1), None, 2)
    assert case_row("THA-4") == (Status.WITH_CONDITIONS, "", 0, 0, 0, 0, None, None, 0)
    assert {c.case_no: (c.unit.code, c.decision_no, c.accepted_on, c.origin, c.category, c.amount_due,
                        c.creditor_bank.code if c.creditor_bank else None, c.created_by_id)
            for c in Case.objects.select_related("unit", "creditor_bank")} == {
        "THA-1": ("HG-VT", "THA-1/QĐ-CCTHADS", date(2019, 1, 10), Origin.THEO_YEU_CAU, Category.KHAC,
                  10_000_000, None, None),
        "THA-2": ("HG-NB", "THA-2/QĐ-CCTHADS", date(2019, 2, 1), Origin.CHU_DONG, Category.NGAN_SACH,
                  3_000_000, None, None),
        "THA-3": ("HG", "THA-3/QĐ-CCTHADS", date(2019, 3, 1), Origin.THEO_YEU_CAU, Category.TIN_DUNG_NGAN_HANG,
                  500_000_000, "AGRIBANK-HG", None),
        "THA-4": ("HG-VT", "THA-4/QĐ-CCTHADS", date(2019, 4, 1), Origin.THEO_YEU_CAU, Category.KHAC, 0, None,
                  None),
    }


@pytest.mark.django_db
def test_given_a_valid_ledger_when_imported_then_each_case_has_its_debtor_and_creditor(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **FIRST)
    # when
    import_ledger(directory)
    # then: the creditor of a bank case is an organisation
    assert sorted(Party.objects.values_list("case__case_no", "role", "kind", "name")) == sorted([
        ("THA-1", PartyRole.DEBTOR, PartyKind.PERSON, "Nguyễn Văn An"),
        ("THA-1", PartyRole.CREDITOR, PartyKind.PERSON, "Trần Thị Bình"),
        ("THA-2", PartyRole.DEBTOR, PartyKind.PERSON, "Nguyễn Văn An"),
        ("THA-2", PartyRole.CREDITOR, PartyKind.PERSON, "Ngân sách nhà nước"),
        ("THA-3", PartyRole.DEBTOR, PartyKind.PERSON, "Công ty TNHH Thương mại Lộc Tài"),
        ("THA-3", PartyRole.CREDITOR, PartyKind.ORGANISATION, AGRIBANK_NAME),
        ("THA-4", PartyRole.DEBTOR, PartyKind.PERSON, "Nguyễn Văn An"),
        ("THA-4", PartyRole.CREDITOR, PartyKind.PERSON, "Trần Thị Bình"),
    ])


@pytest.mark.django_db
def test_given_a_valid_ledger_when_imported_then_events_keep_file_order_and_come_from_the_import(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **FIRST)
    # when
    import_ledger(directory)
    # then
    assert list(CaseEvent.objects.order_by("case__case_no", "sequence").values_list(
        "case__case_no", "sequence", "date", "kind", "amount", "ground", "note", "source", "recorded_by")) == [
        ("THA-1", 1, date(2019, 2, 1), EventKind.THU_TIEN, 4_000_000, "", "", EventSource.IMPORT, None),
        ("THA-1", 2, date(2019, 3, 1), EventKind.THU_TIEN, 6_000_000, "", "", EventSource.IMPORT, None),
        ("THA-1", 3, date(2019, 3, 1), EventKind.XONG, None, "", "", EventSource.IMPORT, None),
        ("THA-2", 1, date(2019, 2, 15), EventKind.GIAM, 1_000_000, "", "", EventSource.IMPORT, None),
        ("THA-2", 2, date(2019, 3, 1), EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san", "", EventSource.IMPORT,
         None),
        ("THA-3", 1, date(2019, 4, 1), EventKind.THU_TIEN, 150_000_000, "", "", EventSource.IMPORT, None),
        ("THA-3", 2, date(2019, 5, 1), EventKind.HOAN, None, "c", "Đương sự thỏa thuận hoãn", EventSource.IMPORT,
         None),
    ]


@pytest.mark.django_db
def test_given_a_ledger_without_banks_csv_when_imported_then_it_is_accepted(tmp_path):
    # given: banks.csv is optional; no bank case
    directory = write_ledger(tmp_path / "nobanks", units=FIRST["units"], banks=[],
                             cases=[FIRST["cases"][0]], events=FIRST["events"][0:1], omit=("banks.csv",))
    # when
    summary = import_ledger(directory)
    # then
    assert (summary.units_created, summary.banks_created, summary.cases, summary.events) == (3, 0, 1, 1)
    assert Bank.objects.count() == 0


# ---- 2. bad ledgers: refused, file/row/column named, nothing written --------------------------------------

EV = SECOND["events"]
CS = SECOND["cases"]

BAD_LEDGERS = [
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, 90_000_001)]},
        ("events.csv", 8, "amount", "amount_exceeds_remaining"), id="amount-above-remaining"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", "thu_no")]},
        ("events.csv", 8, "kind", "invalid_choice"), id="unknown-event-kind"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.GIAM, 1_000_000)]},
        ("events.csv", 8, "kind", "reduction_only_budget"), id="giam-on-a-bank-case"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-02-30", EventKind.CO_DIEU_KIEN)]},
        ("events.csv", 8, "date", "invalid_date"), id="impossible-event-date"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-7-2", EventKind.CO_DIEU_KIEN)]},
        ("events.csv", 8, "date", "invalid_date"), id="event-date-not-iso"),
    pytest.param(
        {"cases": replace_row(CS, 1, accepted_on="2019-02-30")},
        ("cases.csv", 3, "accepted_on", "invalid_date"), id="impossible-acceptance-date"),
    pytest.param(
        {"events": [*EV, event("THB-1", "2019-06-20", EventKind.THU_TIEN, 1_000)]},
        ("events.csv", 8, "kind", "case_ended"), id="event-after-xong"),
    pytest.param(
        {"cases": replace_row(CS, 0, unit_code="HG-XX")},
        ("cases.csv", 2, "unit_code", "unknown_unit"), id="unknown-unit"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, "5tr")]},
        ("events.csv", 8, "amount", "invalid_amount"), id="amount-5tr"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, "1.000.000")]},
        ("events.csv", 8, "amount", "invalid_amount"), id="amount-with-dots"),
    pytest.param(
        {"cases": replace_row(CS, 1, amount_due="2.000.000")},
        ("cases.csv", 3, "amount_due", "invalid_amount"), id="amount-due-with-dots"),
    pytest.param(
        {"cases": [*CS, case("THB-1", "HG-VT", "2019-05-05", Category.KHAC, 1_000_000)]},
        ("cases.csv", 5, "case_no", "duplicate_case_no"), id="duplicate-case-no-in-file"),
    pytest.param(
        {"cases": [*CS, case("THA-2", "HG-VT", "2019-05-05", Category.KHAC, 1_000_000)]},
        ("cases.csv", 5, "case_no", "duplicate_case_no"), id="duplicate-case-no-in-database"),
    pytest.param(
        {"headers": {"cases.csv": [*HEADERS["cases.csv"], "officer"]}},
        ("cases.csv", 1, "officer", "unknown_column"), id="unknown-column"),
    pytest.param(
        {"headers": {"events.csv": [c for c in HEADERS["events.csv"] if c != "kind"]}},
        ("events.csv", 1, "kind", "missing_column"), id="missing-column"),
    pytest.param(
        {"cases": replace_row(CS, 2, bank_code="NO-SUCH-BANK")},
        ("cases.csv", 4, "bank_code", "unknown_bank"), id="bank-case-with-unknown-bank"),
    pytest.param(
        {"cases": replace_row(CS, 2, bank_code="")},
        ("cases.csv", 4, "bank_code", "bank_required"), id="bank-case-without-bank"),
    pytest.param(
        {"cases": replace_row(CS, 0, bank_code="AGRIBANK-HG")},
        ("cases.csv", 2, "bank_code", "bank_not_allowed"), id="bank-on-a-non-bank-case"),
    pytest.param(
        {"omit": ("cases.csv",)},
        ("cases.csv", 0, "", "missing_file"), id="missing-required-file"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-06-15", EventKind.HOAN, ground="b")]},
        ("events.csv", 8, "date", "date_before_previous_event"), id="event-dates-decrease"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-05-01", EventKind.CO_DIEU_KIEN)]},
        ("events.csv", 8, "date", "date_before_acceptance"), id="event-before-acceptance"),
    pytest.param(
        {"events": [*EV, event("THB-9", "2019-07-02", EventKind.CO_DIEU_KIEN)]},
        ("events.csv", 8, "case_no", "unknown_case"), id="event-of-unknown-case"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.HOAN)]},
        ("events.csv", 8, "ground", "ground_required"), id="hoan-without-ground"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN)]},
        ("events.csv", 8, "amount", "amount_required"), id="thu-tien-without-amount"),
    pytest.param(
        {"events": [*EV, event("THB-2", "2019-07-02", EventKind.XONG)]},
        ("events.csv", 8, "kind", "remaining_not_zero"), id="xong-with-money-remaining"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.TIEP_TUC)]},
        ("events.csv", 8, "kind", "not_allowed_from_status"), id="tiep-tuc-from-with-conditions"),
    pytest.param(
        {"events": [*EV, event("THB-3", "2019-07-02", EventKind.CO_DIEU_KIEN, 1_000)]},
        ("events.csv", 8, "amount", "amount_not_allowed"), id="amount-on-a-non-money-event"),
    pytest.param(
        {"cases": replace_row(CS, 1, category="ngan-sach")},
        ("cases.csv", 3, "category", "invalid_choice"), id="unknown-category"),
    pytest.param(
        {"cases": replace_row(CS, 1, debtor_name="  ")},
        ("cases.csv", 3, "debtor_name", "required"), id="blank-debtor"),
    pytest.param(
        {"cases": replace_row(CS, 1, accepted_on="2025-08-01")},
        ("cases.csv", 3, "unit_code", "unit_inactive"), id="unit-not-existing-on-acceptance-date"),
    pytest.param(
        {"units": [*SECOND["units"], unit("HG-LM", "Chi cục Long Mỹ", "HG", "huyen")]},
        ("units.csv", 6, "level", "invalid_choice"), id="unknown-unit-level"),
    pytest.param(
        {"units": [*SECOND["units"], unit("HG-LM", "Chi cục Long Mỹ", "HG-ZZ", "district")]},
        ("units.csv", 6, "parent_code", "unknown_unit"), id="unknown-parent-unit"),
    pytest.param(
        {"units": [*SECOND["units"], unit("HG-PH", "Chi cục Phụng Hiệp", "HG", "district")]},
        ("units.csv", 6, "code", "duplicate"), id="duplicate-unit-code"),
]


@pytest.mark.parametrize(("changes", "expected"), BAD_LEDGERS)
def test_given_a_bad_ledger_when_imported_then_it_is_refused_naming_the_place_and_nothing_changes(
        first_imported, tmp_path, changes, expected):
    # given: the database holds the first ledger; the second ledger has exactly one problem
    directory = write_ledger(tmp_path / "second", **{**SECOND, **changes})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    assert where(rejected.value.issues) == [expected]
    assert db_snapshot() == before


def test_given_the_second_ledger_unchanged_then_it_imports_so_each_bad_variant_fails_only_for_its_change(
        first_imported, tmp_path):
    # given
    directory = write_ledger(tmp_path / "second", **SECOND)
    # when
    summary = import_ledger(directory)
    # then
    assert (summary.units_created, summary.units_existing, summary.banks_created, summary.banks_existing,
            summary.cases, summary.events) == (1, 3, 1, 2, 3, 6)


def test_given_a_refused_ledger_then_its_new_units_banks_cases_and_events_are_all_absent(first_imported, tmp_path):
    # given: valid new units, bank, cases and events, and one bad event at the very end
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, 90_000_001)]})
    # when
    with pytest.raises(LedgerRejected):
        import_ledger(directory)
    # then
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["HG", "HG-NB", "HG-VT"]
    assert sorted(Bank.objects.values_list("code", flat=True)) == ["AGRIBANK-HG", "BIDV-HG"]
    assert sorted(Case.objects.values_list("case_no", flat=True)) == ["THA-1", "THA-2", "THA-3", "THA-4"]
    assert CaseEvent.objects.count() == 7
    assert case_row("THA-4") == (Status.WITH_CONDITIONS, "", 0, 0, 0, 0, None, None, 0)


@pytest.mark.django_db
def test_given_a_bad_first_ledger_on_an_empty_database_then_the_database_stays_empty(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **{
        **FIRST, "events": [*FIRST["events"], event("THA-4", "2019-05-01", EventKind.THU_TIEN, 1)]})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then: THA-4 owes nothing, so nothing can be collected
    assert where(rejected.value.issues) == [("events.csv", 9, "amount", "nothing_remaining")]
    assert db_snapshot() == before
    assert (Unit.objects.count(), Bank.objects.count(), Case.objects.count()) == (0, 0, 0)


def test_given_the_same_ledger_imported_twice_then_every_case_is_named_as_a_duplicate(first_imported, tmp_path):
    # given
    directory = write_ledger(tmp_path / "again", **FIRST)
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then: the events of the refused cases are not checked again (they would all be consequences)
    assert where(rejected.value.issues) == [
        ("cases.csv", 2, "case_no", "duplicate_case_no"),
        ("cases.csv", 3, "case_no", "duplicate_case_no"),
        ("cases.csv", 4, "case_no", "duplicate_case_no"),
        ("cases.csv", 5, "case_no", "duplicate_case_no"),
    ]
    assert db_snapshot() == before


def test_given_units_naming_each_other_as_parent_then_both_are_refused(first_imported, tmp_path):
    # given: a cycle HG-A → HG-B → HG-A (rows 6, 7)
    directory = write_ledger(tmp_path / "second", **{**SECOND, "units": [
        *SECOND["units"], unit("HG-A", "Đơn vị A", "HG-B", "district"), unit("HG-B", "Đơn vị B", "HG-A", "district")]})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    assert where(rejected.value.issues) == [("units.csv", 6, "parent_code", "unknown_unit"),
                                            ("units.csv", 7, "parent_code", "unknown_unit")]
    assert db_snapshot() == before


def test_given_a_row_with_too_many_cells_then_the_row_is_named(first_imported, tmp_path):
    # given: cases.csv row 3 has one cell more than the header
    directory = write_ledger(tmp_path / "second", **SECOND)
    path = directory / "cases.csv"
    lines = path.read_text(encoding="utf-8").splitlines()
    lines[2] += ",extra"
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then: the events of THB-2 (its case row is refused) are not reported again
    assert where(rejected.value.issues) == [("cases.csv", 3, "", "wrong_cell_count")]
    assert db_snapshot() == before


def test_given_a_file_that_is_not_utf8_then_the_file_is_named(first_imported, tmp_path):
    # given: cases.csv saved as UTF-16 (Excel's "Unicode text")
    directory = write_ledger(tmp_path / "second", **SECOND)
    path = directory / "cases.csv"
    path.write_bytes(path.read_text(encoding="utf-8").encode("utf-16"))
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    assert where(rejected.value.issues) == [("cases.csv", 0, "", "not_utf8")]
    assert db_snapshot() == before


# What the database cannot hold must be an issue on its row and column, not a crash (OverflowError on SQLite,
# NumericValueOutOfRange / StringDataRightTruncation on PostgreSQL) and not silently stored (SQLite ignores
# max_length).
BEYOND_COLUMN_LIMITS = [
    pytest.param({"cases": replace_row(CS, 1, amount_due="99999999999999999999")}, ("cases.csv", 3, "amount_due"),
                 id="amount-due-beyond-bigint"),
    pytest.param({"cases": replace_row(CS, 1, decision_no="9" * 65)}, ("cases.csv", 3, "decision_no"),
                 id="decision-no-longer-than-64"),
    pytest.param({"cases": replace_row(CS, 1, debtor_name="Nguyễn " * 50)}, ("cases.csv", 3, "debtor_name"),
                 id="debtor-name-longer-than-255"),
]


@pytest.mark.parametrize(("changes", "expected"), BEYOND_COLUMN_LIMITS)
def test_given_a_value_the_database_cannot_hold_then_it_is_an_issue_on_its_cell(
        first_imported, tmp_path, changes, expected):
    # given
    directory = write_ledger(tmp_path / "second", **{**SECOND, **changes})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    assert [(issue.file, issue.row, issue.column) for issue in rejected.value.issues] == [expected]
    assert db_snapshot() == before


# ---- 3. every error is reported ------------------------------------------------------------------------------

def test_given_three_independent_errors_in_three_files_then_exactly_those_three_are_reported(
        first_imported, tmp_path):
    # given: a unit whose validity ends before it starts (units.csv row 6, refused by the service),
    # an amount written with dots (cases.csv row 3, refused when the cell is read) and a collection larger
    # than what remains (events.csv row 8, refused by the lifecycle rules)
    directory = write_ledger(tmp_path / "second", **{
        **SECOND,
        "units": [*SECOND["units"], unit("HG-LM", "Chi cục Long Mỹ", "HG", "district", valid_from="2010-01-01",
                                         valid_to="2009-12-31")],
        "cases": replace_row(CS, 1, amount_due="2.000.000"),
        "events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, 90_000_001)],
    })
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    assert where(rejected.value.issues) == [
        ("units.csv", 6, "valid_to", "invalid_dates"),
        ("cases.csv", 3, "amount_due", "invalid_amount"),
        ("events.csv", 8, "amount", "amount_exceeds_remaining"),
    ]
    assert db_snapshot() == before


def test_given_an_issue_then_its_text_names_the_file_row_and_column(first_imported, tmp_path):
    # given
    directory = write_ledger(tmp_path / "second", **{
        **SECOND, "events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, 90_000_001)]})
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then
    [issue] = rejected.value.issues
    text = str(issue)
    assert "events.csv" in text
    assert re.search(r"\b8\b", text)
    assert "amount" in text
    assert text.endswith(issue.message)
    assert issue.message


# ---- 4. units and banks are shared reference data ---------------------------------------------------------

def test_given_a_second_ledger_repeating_units_and_banks_then_it_imports_and_counts_them_existing(
        first_imported, tmp_path):
    # given
    directory = write_ledger(tmp_path / "second", **SECOND)
    # when
    summary = import_ledger(directory)
    # then
    assert (summary.units_created, summary.units_existing, summary.banks_created, summary.banks_existing,
            summary.cases, summary.events) == (1, 3, 1, 2, 3, 6)
    assert sorted(Unit.objects.values_list("code", flat=True)) == ["HG", "HG-NB", "HG-PH", "HG-VT"]
    assert Unit.objects.get(code="HG-PH").parent.code == "HG"
    assert Bank.objects.count() == 3
    assert Case.objects.count() == 7
    assert case_row("THB-1") == (Status.COMPLETED, "", 8_000_000, 0, 0, 0, date(2019, 6, 10), date(2019, 6, 10), 3)
    assert case_row("THB-2") == (Status.WITH_CONDITIONS, "", 0, 500_000, 0, 1_500_000, date(2019, 6, 2), None, 1)
    assert case_row("THB-3") == (Status.WITH_CONDITIONS, "", 0, 0, 0, 90_000_000, date(2019, 7, 1), None, 1)
    # an event for a case imported earlier is appended to its history
    assert case_row("THA-4") == (Status.WITHOUT_CONDITIONS, "", 0, 0, 0, 0, date(2019, 7, 5), None, 1)
    assert Case.objects.get(case_no="THB-3").creditor_bank.code == "VIETINBANK-HG"


UNIT_OR_BANK_DIFFERS = [
    pytest.param({"units": replace_row(SECOND["units"], 1, name="Chi cục THADS TP Ngã Bảy (tên khác)")},
                 ("units.csv", 3, "name", "unit_differs"), id="district-name-differs"),
    pytest.param({"units": replace_row(SECOND["units"], 1, valid_to="")},
                 ("units.csv", 3, "valid_to", "unit_differs"), id="district-validity-differs"),
    pytest.param({"units": replace_row(SECOND["units"], 1, parent_code="")},
                 ("units.csv", 3, "parent_code", "unit_differs"), id="district-parent-differs"),
    pytest.param({"units": replace_row(SECOND["units"], 2, name="Cục THADS tỉnh Hậu Giang (tên khác)")},
                 ("units.csv", 4, "name", "unit_differs"), id="province-name-differs"),
    pytest.param({"banks": replace_row(SECOND["banks"], 0, name="Agribank Hậu Giang")},
                 ("banks.csv", 2, "name", "bank_differs"), id="bank-name-differs"),
]


@pytest.mark.parametrize(("changes", "expected"), UNIT_OR_BANK_DIFFERS)
def test_given_a_second_ledger_whose_reference_row_differs_then_it_is_refused_and_nothing_is_written(
        first_imported, tmp_path, changes, expected):
    # given
    directory = write_ledger(tmp_path / "second", **{**SECOND, **changes})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then: only the differing row is reported (its children are identical to what is stored)
    assert where(rejected.value.issues) == [expected]
    assert db_snapshot() == before
    assert Unit.objects.get(code="HG-NB").name == NB_NAME
    assert Bank.objects.get(code="AGRIBANK-HG").name == AGRIBANK_NAME


def test_given_a_new_unit_row_refused_then_the_cases_of_that_unit_are_not_reported_as_consequences(
        first_imported, tmp_path):
    # given: the new unit HG-PH (units.csv row 5) has an unknown level; case THB-1 (cases.csv row 2) is in it
    directory = write_ledger(tmp_path / "second", **{**SECOND, "units": replace_row(SECOND["units"], 3,
                                                                                  level="huyen")})
    before = db_snapshot()
    # when
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    # then: THB-1 cannot be checked without its unit, and HG-PH *is* in units.csv, so reporting the case row as
    # "unit not in units.csv or the database" would be a false consequence (as events of a refused case are
    # skipped, not reported again)
    assert where(rejected.value.issues) == [("units.csv", 5, "level", "invalid_choice")]
    assert db_snapshot() == before


# ---- 5. the command ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_a_good_ledger_when_the_command_runs_then_it_prints_the_summary(tmp_path):
    # given
    directory = write_ledger(tmp_path / "first", **FIRST)
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command("import_ledger", str(directory), stdout=out, stderr=err)
    # then: units 3 new (0 existing), banks 2 new (0 existing), 4 cases, 7 events, then the seconds
    lines = out.getvalue().splitlines()
    assert len(lines) == 1
    assert re.findall(r"\d+(?:\.\d+)?", lines[0])[:6] == ["3", "0", "2", "0", "4", "7"]
    assert len(re.findall(r"\d+(?:\.\d+)?", lines[0])) == 7
    assert err.getvalue() == ""
    assert (Unit.objects.count(), Bank.objects.count(), Case.objects.count(), CaseEvent.objects.count()) == (
        3, 2, 4, 7)


def test_given_a_bad_ledger_when_the_command_runs_then_it_fails_listing_every_issue(first_imported, tmp_path):
    # given: two problems (cases.csv row 2 unit_code, events.csv row 8 amount)
    directory = write_ledger(tmp_path / "second", **{
        **SECOND,
        "cases": replace_row(CS, 0, unit_code="HG-XX"),
        "events": [*EV, event("THB-3", "2019-07-02", EventKind.THU_TIEN, "5tr")],
    })
    with pytest.raises(LedgerRejected) as rejected:
        import_ledger(directory)
    issues = rejected.value.issues
    assert where(issues) == [("cases.csv", 2, "unit_code", "unknown_unit"),
                             ("events.csv", 8, "amount", "invalid_amount")]
    out, err = io.StringIO(), io.StringIO()
    before = db_snapshot()
    # when
    with pytest.raises(CommandError):
        call_command("import_ledger", str(directory), stdout=out, stderr=err)
    # then
    lines = err.getvalue().splitlines()
    assert lines == [str(issue) for issue in issues]
    assert "cases.csv" in lines[0] and re.search(r"\b2\b", lines[0]) and "unit_code" in lines[0]
    assert "events.csv" in lines[1] and re.search(r"\b8\b", lines[1]) and "amount" in lines[1]
    assert out.getvalue() == ""
    assert db_snapshot() == before


@pytest.mark.django_db
def test_given_a_missing_directory_when_the_command_runs_then_it_fails(tmp_path):
    # given
    missing = tmp_path / "nowhere"
    err = io.StringIO()
    # when
    with pytest.raises(CommandError):
        call_command("import_ledger", str(missing), stdout=io.StringIO(), stderr=err)
    # then
    assert len(err.getvalue().splitlines()) == 1
    assert str(missing) in err.getvalue()
    assert Case.objects.count() == 0


@pytest.mark.django_db
def test_given_a_large_ledger_when_the_command_runs_then_it_shows_progress_on_its_stderr(tmp_path):
    # given
    generated = generate_ledger(tmp_path / "large", cases=1000, events=1500, seed=3)
    assert generated.events >= 1000  # events.csv is large enough to show progress too
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command("import_ledger", str(generated.directory), stdout=out, stderr=err)
    # then
    assert err.getvalue().splitlines() == [
        "  cases.csv: 500/1000",
        "  cases.csv: 1000/1000",
        f"  events.csv: 1000/{generated.events}",
        f"  events.csv: {generated.events}/{generated.events}",
    ]
    assert re.findall(r"\d+(?:\.\d+)?", out.getvalue())[4:6] == ["1000", str(generated.events)]
    assert (Case.objects.count(), CaseEvent.objects.count()) == (1000, generated.events)


@pytest.mark.django_db
def test_given_quiet_progress_when_the_command_runs_then_no_progress_is_shown(tmp_path, capsys):
    # given
    generated = generate_ledger(tmp_path / "large", cases=1000, events=1000, seed=3)
    out, err = io.StringIO(), io.StringIO()
    # when
    call_command("import_ledger", str(generated.directory), "--quiet-progress", stdout=out, stderr=err)
    # then
    assert err.getvalue() == ""
    assert capsys.readouterr().err == ""
    assert Case.objects.count() == 1000


# ---- 6. a generated ledger ------------------------------------------------------------------------------------

def csv_rows(path: Path) -> int:
    with path.open(newline="", encoding="utf-8") as handle:
        return sum(1 for _row in csv.reader(handle)) - 1


@pytest.mark.django_db
def test_given_a_generated_ledger_when_imported_then_every_cached_state_equals_the_state_rebuilt_from_events(
        tmp_path):
    # given
    generated = generate_ledger(tmp_path / "generated", cases=300, events=800, seed=5)
    # when
    summary = import_ledger(generated.directory)
    # then
    case_rows, event_rows = csv_rows(generated.directory / "cases.csv"), csv_rows(generated.directory / "events.csv")
    assert (case_rows, event_rows) == (300, generated.events)
    assert (summary.units_created, summary.banks_created, summary.cases, summary.events) == (9, 6, 300, event_rows)
    assert (Case.objects.count(), CaseEvent.objects.count()) == (300, event_rows)
    assert set(CaseEvent.objects.values_list("source", flat=True)) == {EventSource.IMPORT}
    drifted = [c.case_no for c in Case.objects.all() if case_state_on(c) != case_cached_state(c)]
    assert drifted == []
    assert sum(Case.objects.values_list("event_count", flat=True)) == event_rows
