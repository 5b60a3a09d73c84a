"""The demo's organisation: Hậu Giang until the 2025 reorganisation, and what replaced it.

Until 30/06/2025: the Cục THADS tỉnh Hậu Giang (``HG``) and its eight Chi cục (``HG-VT`` …), as the ledger
has always had them. On 01/07/2025 Hậu Giang province was merged into Cần Thơ city (with Sóc Trăng and the old
Cần Thơ, which the demo does not hold): the agency is now Thi hành án dân sự thành phố Cần Thơ (``CT``, whose
predecessor is ``HG``), and the eight Chi cục became four regional offices (Phòng Thi hành án dân sự khu vực),
each the successor of the Chi cục whose districts it covers.

Sourced: the merger of Hậu Giang into Cần Thơ and the new names of the agencies (shared/domain.md §2).
Assumed (no public source could be found from here): the office numbers (khu vực 6–9, after the old Cần Thơ's
offices), the grouping of the old districts into offices, and the unit codes. docs/domain-rules.md ("Demo
organisation") lists both.
"""
import csv
from datetime import date, timedelta
from pathlib import Path

from cases.ledger.synthetic import BANKS, DISTRICTS, PROVINCE

REFORM = date(2025, 7, 1)
OLD_END = REFORM - timedelta(days=1)
OLD_START = date(2004, 1, 1)
CITY = ("CT", "Thi hành án dân sự thành phố Cần Thơ")
# code, name, the Chi cục it replaced (their districts are its territory)
OFFICES = [
    ("CT-KV6", "Phòng Thi hành án dân sự khu vực 6 – Cần Thơ", ("HG-VT", "HG-VTH")),      # Vị Thanh, Vị Thủy
    ("CT-KV7", "Phòng Thi hành án dân sự khu vực 7 – Cần Thơ", ("HG-LMTX", "HG-LMH")),    # Long Mỹ (thị xã, huyện)
    ("CT-KV8", "Phòng Thi hành án dân sự khu vực 8 – Cần Thơ", ("HG-NB", "HG-PH")),       # Ngã Bảy, Phụng Hiệp
    ("CT-KV9", "Phòng Thi hành án dân sự khu vực 9 – Cần Thơ", ("HG-CT", "HG-CTA")),      # Châu Thành, Châu Thành A
]
SUCCESSOR = {old: code for code, _name, olds in OFFICES for old in olds} | {PROVINCE[0]: CITY[0]}
DEMO_OFFICE = SUCCESSOR["HG-VT"]  # where the demo officer and the head of Vị Thanh work today


def unit_on(old_code: str, day: date) -> str:
    """The unit that accepts, on ``day``, a case of ``old_code``'s territory."""
    return old_code if day < REFORM else SUCCESSOR[old_code]


def units_rows() -> list[list[str]]:
    """units.csv rows: the old units exactly as before, then the city and its offices from the reform."""
    rows = [[PROVINCE[0], PROVINCE[1], "", "province", OLD_START.isoformat(), OLD_END.isoformat()]]
    rows += [[code, name, PROVINCE[0], "district", OLD_START.isoformat(), OLD_END.isoformat()]
             for code, name in DISTRICTS]
    rows.append([CITY[0], CITY[1], "", "province", REFORM.isoformat(), ""])
    rows += [[code, name, CITY[0], "regional", REFORM.isoformat(), ""] for code, name, _olds in OFFICES]
    return rows


def write_reference_files(directory: Path) -> None:
    """units.csv and banks.csv of the demo ledger."""
    with (directory / "units.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "parent_code", "level", "valid_from", "valid_to"])
        writer.writerows(units_rows())
    with (directory / "banks.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name"])
        writer.writerows(BANKS)


def link_successors() -> None:
    """Record who replaced whom (the ledger format has no column for it), through the organisation service."""
    from thads.org.models import Unit
    from thads.org.services import unit_predecessors_add

    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[*SUCCESSOR, *SUCCESSOR.values()])}
    unit_predecessors_add(unit=units[CITY[0]], predecessors=[units[PROVINCE[0]]])
    for code, _name, olds in OFFICES:
        unit_predecessors_add(unit=units[code], predecessors=[units[old] for old in olds])
