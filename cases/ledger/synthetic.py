"""Generate realistic, valid ledgers (shared/ledger-format.md) for the demo, tests and benchmarks.

Deterministic for a given seed. Every history is built with cases.workflow, so a generated ledger always
imports; the statistics it implies can be computed from the same histories.
"""
import csv
import random
from dataclasses import dataclass
from datetime import date, timedelta
from pathlib import Path

from cases import workflow
from cases.codes import (
    Category,
    EventKind,
    NoConditionsGround,
    Origin,
    PostponementGround,
    SuspensionGround,
    TerminationGround,
)

FAMILY = ["Nguyễn", "Trần", "Lê", "Phạm", "Huỳnh", "Võ", "Phan", "Trương", "Bùi", "Đặng", "Đỗ", "Ngô", "Hồ",
          "Dương", "Lý", "Lâm", "Châu", "Mai", "Tạ", "Thái"]
MIDDLE = ["Văn", "Thị", "Minh", "Hoàng", "Thanh", "Ngọc", "Quốc", "Hữu", "Kim", "Thành", "Bích", "Phước"]
GIVEN = ["An", "Bình", "Cường", "Dũng", "Hà", "Hải", "Hạnh", "Hoa", "Hùng", "Lan", "Long", "Mai", "Minh", "Nam",
         "Nga", "Phúc", "Phương", "Quang", "Sơn", "Tâm", "Thảo", "Thu", "Tuấn", "Vân", "Việt", "Xuân", "Lộc",
         "Tài", "Nhân", "Khoa", "Trí", "Hiếu", "Đạt", "Yến", "Diễm", "Nhung", "Trang", "Kiệt"]
COMPANIES = ["Công ty TNHH Thương mại {n}", "Công ty Cổ phần Nông sản {n}", "Doanh nghiệp tư nhân {n}",
             "Hợp tác xã Nông nghiệp {n}", "Công ty TNHH Xây dựng {n}"]

PROVINCE = ("HG", "Cục Thi hành án dân sự tỉnh Hậu Giang")
DISTRICTS = [
    ("HG-VT", "Chi cục Thi hành án dân sự thành phố Vị Thanh"),
    ("HG-NB", "Chi cục Thi hành án dân sự thành phố Ngã Bảy"),
    ("HG-LMTX", "Chi cục Thi hành án dân sự thị xã Long Mỹ"),
    ("HG-LMH", "Chi cục Thi hành án dân sự huyện Long Mỹ"),
    ("HG-VTH", "Chi cục Thi hành án dân sự huyện Vị Thủy"),
    ("HG-CT", "Chi cục Thi hành án dân sự huyện Châu Thành"),
    ("HG-CTA", "Chi cục Thi hành án dân sự huyện Châu Thành A"),
    ("HG-PH", "Chi cục Thi hành án dân sự huyện Phụng Hiệp"),
]
BANKS = [
    ("AGRIBANK-HG", "Ngân hàng Nông nghiệp và Phát triển Nông thôn Việt Nam – Chi nhánh tỉnh Hậu Giang"),
    ("VIETCOMBANK-HG", "Ngân hàng TMCP Ngoại thương Việt Nam – Chi nhánh Hậu Giang"),
    ("BIDV-HG", "Ngân hàng TMCP Đầu tư và Phát triển Việt Nam – Chi nhánh Hậu Giang"),
    ("VIETINBANK-HG", "Ngân hàng TMCP Công Thương Việt Nam – Chi nhánh Hậu Giang"),
    ("SACOMBANK-HG", "Ngân hàng TMCP Sài Gòn Thương Tín – Chi nhánh Hậu Giang"),
    ("LPBANK-HG", "Ngân hàng TMCP Lộc Phát Việt Nam – Chi nhánh Hậu Giang"),
]

# (category, share of cases, origin, amount range in đồng, judgment types)
CATEGORY_MIX = [
    (Category.NGAN_SACH, 0.46, Origin.CHU_DONG, (200_000, 30_000_000), ["hinh_su", "dan_su", "hanh_chinh"]),
    (Category.KHAC, 0.44, Origin.THEO_YEU_CAU, (3_000_000, 600_000_000),
     ["dan_su", "hon_nhan_gia_dinh", "kinh_doanh_thuong_mai", "lao_dong"]),
    (Category.TIN_DUNG_NGAN_HANG, 0.035, Origin.THEO_YEU_CAU, (150_000_000, 6_000_000_000),
     ["kinh_doanh_thuong_mai", "dan_su"]),
    (Category.THAM_NHUNG_KINH_TE, 0.065, Origin.CHU_DONG, (20_000_000, 2_000_000_000), ["hinh_su"]),
]
# Relative weights of the next event, among those the workflow allows.
WEIGHTS = {
    EventKind.THU_TIEN: 30, EventKind.CO_DIEU_KIEN: 10, EventKind.CHUA_CO_DIEU_KIEN: 14, EventKind.HOAN: 7,
    EventKind.TAM_DINH_CHI: 1, EventKind.TIEP_TUC: 14, EventKind.GIAM: 4, EventKind.CHUYEN_SO_RIENG: 3,
    EventKind.XONG: 45, EventKind.DINH_CHI: 4, EventKind.UY_THAC_DI: 2,
}
ENDING = {EventKind.XONG, EventKind.DINH_CHI, EventKind.UY_THAC_DI}


@dataclass
class GeneratedLedger:
    directory: Path
    cases: int
    events: int


def person_name(rng: random.Random) -> str:
    return f"{rng.choice(FAMILY)} {rng.choice(MIDDLE)} {rng.choice(GIVEN)}"


def _ground(rng: random.Random, kind: str) -> str:
    if kind == EventKind.HOAN:
        return rng.choices(PostponementGround.values, weights=[3, 3, 6, 2, 1, 1, 1, 3])[0]
    if kind == EventKind.TAM_DINH_CHI:
        return rng.choice(SuspensionGround.values)
    if kind == EventKind.DINH_CHI:
        return rng.choices(TerminationGround.values, weights=[3, 1, 4, 2, 1, 3, 1, 1, 1])[0]
    if kind == EventKind.CHUA_CO_DIEU_KIEN:
        return rng.choices(["", *NoConditionsGround.values], weights=[2, 6, 2, 2, 1])[0]
    return ""


def _history(rng: random.Random, facts: workflow.CaseFacts, count: int, end: date) -> list[workflow.EventInput]:
    """``count`` valid events for a case, dated between acceptance and ``end``; only the last may end it."""
    state = workflow.initial_state(facts)
    current = facts.accepted_on
    events: list[workflow.EventInput] = []
    for step in range(count):
        last = step == count - 1
        kinds = [k for k in sorted(workflow.allowed_kinds(state)) if last or k not in ENDING]  # sorted: no hash order
        kinds = [k for k in kinds if k not in (EventKind.THU_TIEN, EventKind.GIAM) or state.remaining > 0]
        kinds = [k for k in kinds if k != EventKind.GIAM or facts.category == Category.NGAN_SACH]
        kinds = [k for k in kinds if k != EventKind.XONG or state.remaining == 0]
        if not kinds:
            break
        kind = rng.choices(kinds, weights=[WEIGHTS[k] for k in kinds])[0]
        days_left = (end - current).days
        current = current + timedelta(days=rng.randint(0, max(0, days_left // max(1, count - step))))
        amount = None
        if kind in (EventKind.THU_TIEN, EventKind.GIAM):
            amount = state.remaining if rng.random() < 0.55 else max(1, int(state.remaining * rng.uniform(0.05, 0.7)))
            amount = min(amount, state.remaining)
        event = workflow.EventInput(kind=kind, date=current, amount=amount, ground=_ground(rng, kind))
        state = workflow.apply(facts, state, event, today=end)
        events.append(event)
    return events


def write_reference_files(directory: Path) -> None:
    """units.csv (Hậu Giang and its eight Chi cục, until the 2025 reorganisation) and banks.csv."""
    with (directory / "units.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name", "parent_code", "level", "valid_from", "valid_to"])
        writer.writerow([PROVINCE[0], PROVINCE[1], "", "province", "2004-01-01", "2025-06-30"])
        for code, name in DISTRICTS:
            writer.writerow([code, name, PROVINCE[0], "district", "2004-01-01", "2025-06-30"])
    with (directory / "banks.csv").open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["code", "name"])
        writer.writerows(BANKS)


def generate_ledger(directory: str | Path, *, cases: int = 3000, events: int = 8000, seed: int = 1,
                    start: date = date(2016, 10, 1), end: date = date(2020, 9, 30),
                    prefix: str = "THA") -> GeneratedLedger:
    """Write a ledger of ``cases`` cases and about ``events`` events (exactly, unless histories end early)
    for the Hậu Giang province and its eight districts."""
    rng = random.Random(seed)
    directory = Path(directory)
    directory.mkdir(parents=True, exist_ok=True)

    write_reference_files(directory)

    weights = [rng.expovariate(1.0) for _ in range(cases)]
    scale = events / sum(weights) if cases else 0
    counts = [int(w * scale) for w in weights]
    for index in rng.sample(range(cases), min(cases, events - sum(counts))) if cases else []:
        counts[index] += 1

    span = (end - start).days
    written_events = 0
    with (directory / "cases.csv").open("w", newline="", encoding="utf-8") as case_handle, \
            (directory / "events.csv").open("w", newline="", encoding="utf-8") as event_handle:
        case_writer, event_writer = csv.writer(case_handle), csv.writer(event_handle)
        case_writer.writerow(["case_no", "unit_code", "decision_no", "accepted_on", "origin", "category",
                              "judgment_type", "debtor_name", "creditor_name", "bank_code", "amount_due"])
        event_writer.writerow(["case_no", "date", "kind", "amount", "ground", "note"])
        for number in range(1, cases + 1):
            category, _share, origin, (low, high), judgment_types = rng.choices(
                CATEGORY_MIX, weights=[c[1] for c in CATEGORY_MIX])[0]
            unit_code = rng.choice(DISTRICTS)[0] if rng.random() < 0.85 else PROVINCE[0]
            accepted_on = start + timedelta(days=rng.randint(0, max(0, span - 1)))
            amount_due = rng.randint(low // 1000, high // 1000) * 1000
            if category == Category.KHAC and rng.random() < 0.08:
                amount_due = 0  # non-money obligation: return an item, hand over a child…
            bank_code = rng.choice(BANKS)[0] if category == Category.TIN_DUNG_NGAN_HANG else ""
            if category == Category.NGAN_SACH:
                creditor = "Ngân sách nhà nước"
            elif bank_code:
                creditor = dict(BANKS)[bank_code]
            else:
                creditor = person_name(rng)
            debtor = (rng.choice(COMPANIES).format(n=rng.choice(GIVEN) + " " + rng.choice(GIVEN))
                      if rng.random() < 0.12 else person_name(rng))
            case_no = f"{prefix}-{accepted_on.year}-{number:06d}"
            decision_no = f"{rng.randint(1, 999)}/QĐ-CCTHADS"
            case_writer.writerow([case_no, unit_code, decision_no, accepted_on.isoformat(), origin, category,
                                  rng.choice(judgment_types), debtor, creditor, bank_code, amount_due])
            facts = workflow.CaseFacts(case_no=case_no, category=category, accepted_on=accepted_on,
                                       amount_due=amount_due)
            for event in _history(rng, facts, counts[number - 1], end):
                event_writer.writerow([case_no, event.date.isoformat(), event.kind,
                                       "" if event.amount is None else event.amount, event.ground, ""])
                written_events += 1
    return GeneratedLedger(directory=directory, cases=cases, events=written_events)
