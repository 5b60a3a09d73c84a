"""The Hậu Giang demo: a ledger for fiscal years 2016–2020 whose FY2019 statistics reproduce the figures the
provincial director gave in the 2019 interview (shared/reference/hau-giang-2019-interview.txt):

- cases rate 74.38 % and money rate 51.25 %, against targets of 73 % and 33 % (+1.38 and +18.25 points);
- bank-credit cases: 3.50 % of the cases to enforce and 47.13 % of the money, with rates of 17.53 % (cases)
  and 29.77 % (money), and their resolved cases up 10.94 % on FY2018;
- cases to enforce up 21.72 % and money to enforce up 12.57 % on FY2018.

How: a realistic base (several thousand cases a year, Vietnamese names, amounts by category, histories of
verifications, postponements, collections, terminations) is generated first; its figures are measured with
the independent per-case implementation (reports.reference); then a few hundred cases of six designed kinds
(accepted in FY2019 and resolved / in progress / without conditions in it; accepted in FY2018 and resolved or
moved to the separate book in it) are added in exactly the numbers and amounts that bring every published
figure to its value. The ledger is then imported through import_ledger like any other, and the figures are
read back from the database engine.
"""
import csv
import math
import random
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from cases.codes import Category, EventKind, Origin, PostponementGround
from cases.ledger.synthetic import (
    BANKS,
    COMPANIES,
    DISTRICTS,
    GIVEN,
    PROVINCE,
    person_name,
)
from cases.workflow import CaseFacts, EventInput, apply, initial_state
from reports.demo.org import write_reference_files
from reports.indicators import Figures, percentage_change, rate
from reports.reference import CaseHistory, period_figures

FY18 = (date(2017, 10, 1), date(2018, 9, 30))
FY19 = (date(2018, 10, 1), date(2019, 9, 30))
LEDGER_END = date(2020, 9, 30)

PUBLISHED = {
    "cases_rate": Decimal("74.38"), "money_rate": Decimal("51.25"),
    "bank_case_share": Decimal("3.50"), "bank_money_share": Decimal("47.13"),
    "bank_cases_rate": Decimal("17.53"), "bank_money_rate": Decimal("29.77"),
    "bank_resolved_growth": Decimal("10.94"), "to_enforce_growth": Decimal("21.72"),
    "money_to_enforce_growth": Decimal("12.57"),
}
TARGETS = {  # (fiscal year, metric): target %, for HG; FY2019 from the interview, the others plausible
    (2017, "cases"): Decimal("70.00"), (2017, "money"): Decimal("30.00"),
    (2018, "cases"): Decimal("71.00"), (2018, "money"): Decimal("31.00"),
    (2019, "cases"): Decimal("73.00"), (2019, "money"): Decimal("33.00"),
    (2020, "cases"): Decimal("74.00"), (2020, "money"): Decimal("35.00"),
}
NEW_PER_YEAR = {2016: 6000, 2017: 6000, 2018: 6300, 2019: 6900, 2020: 7000}
# Share of new cases by category (bank cases are few but carry the money; they also pile up, since few end)
CATEGORY_MIX = [(Category.NGAN_SACH, 0.46), (Category.KHAC, 0.445), (Category.THAM_NHUNG_KINH_TE, 0.07),
                (Category.TIN_DUNG_NGAN_HANG, 0.016)]
MIN_AMOUNT = 2_000_000
MIN_DESIGNED = 12  # at least this many designed cases of each kind, so their money spreads plausibly
MIN_DESIGNED_BANK_OPEN = 3  # bank cases without conditions or postponed are rare


@dataclass
class DemoCase:
    case_no: str
    unit_code: str
    decision_no: str
    category: str
    origin: str
    judgment_type: str
    debtor: str
    creditor: str
    bank_code: str
    amount_due: int
    accepted_on: date
    events: list[EventInput] = field(default_factory=list)

    def history(self) -> CaseHistory:
        return CaseHistory(CaseFacts(self.case_no, self.category, self.accepted_on, self.amount_due),
                           tuple(self.events), category=self.category)


class _Builder:
    def __init__(self, seed: int, *, until: date = LEDGER_END, prefix: str = "HG"):
        self.rng = random.Random(seed)
        self.cases: list[DemoCase] = []
        self.counter = 0
        self.until = until      # histories are cut here (the end of the ledger, or the live part's today)
        self.prefix = prefix    # of the case numbers

    # ---- case shells ----------------------------------------------------------------------------------
    def shell(self, category: str, accepted_on: date, amount: int) -> DemoCase:
        rng = self.rng
        self.counter += 1
        unit_code = rng.choices([c for c, _n in DISTRICTS] + [PROVINCE[0]],
                                weights=[14, 10, 8, 12, 9, 11, 12, 14, 10])[0]
        bank_code, origin = "", Origin.THEO_YEU_CAU
        if category == Category.TIN_DUNG_NGAN_HANG:
            bank_code = rng.choices([b for b, _n in BANKS], weights=[45, 12, 14, 12, 9, 8])[0]
            creditor, judgment = dict(BANKS)[bank_code], rng.choice(["kinh_doanh_thuong_mai", "dan_su"])
        elif category == Category.NGAN_SACH:
            origin, creditor, judgment = Origin.CHU_DONG, "Ngân sách nhà nước", rng.choice(["hinh_su", "dan_su"])
        elif category == Category.THAM_NHUNG_KINH_TE:
            origin, creditor, judgment = Origin.CHU_DONG, "Ngân sách nhà nước", "hinh_su"
        else:
            creditor = person_name(rng)
            judgment = rng.choice(["dan_su", "hon_nhan_gia_dinh", "kinh_doanh_thuong_mai", "lao_dong"])
        debtor = (rng.choice(COMPANIES).format(n=rng.choice(GIVEN) + " " + rng.choice(GIVEN))
                  if rng.random() < 0.1 else person_name(rng))
        prefix = "CT" if unit_code == PROVINCE[0] else "CC"
        case = DemoCase(
            case_no=f"{self.prefix}-{accepted_on.year}-{self.counter:06d}", unit_code=unit_code,
            decision_no=f"{rng.randint(1, 1500)}/QĐ-{prefix}THADS", category=category, origin=origin,
            judgment_type=judgment, debtor=debtor, creditor=creditor, bank_code=bank_code, amount_due=amount,
            accepted_on=accepted_on)
        self.cases.append(case)
        return case

    def amount(self, category: str) -> int:
        rng = self.rng
        median, spread, low, high = {
            Category.NGAN_SACH: (2_500_000, 1.0, 200_000, 400_000_000),
            Category.KHAC: (70_000_000, 1.2, 1_000_000, 5_000_000_000),
            Category.THAM_NHUNG_KINH_TE: (250_000_000, 1.1, 10_000_000, 20_000_000_000),
            Category.TIN_DUNG_NGAN_HANG: (1_900_000_000, 0.8, 80_000_000, 40_000_000_000),
        }[category]
        value = int(median * math.exp(rng.gauss(0, spread)))
        return max(low, min(high, value)) // 1000 * 1000

    # ---- histories ------------------------------------------------------------------------------------
    def add_events(self, case: DemoCase, steps: list[tuple[int, str, int | None, str]]) -> None:
        """Append (day offset from the previous step, kind, amount, ground) steps, validated by the workflow;
        steps past ``self.until`` are dropped (a history is cut, never bent)."""
        facts = CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due)
        state = initial_state(facts)
        for event in case.events:
            state = apply(facts, state, event, today=self.until)
        current = case.events[-1].date if case.events else case.accepted_on
        for offset, kind, amount, ground in steps:
            current = current + timedelta(days=offset)
            if current > self.until:
                return
            event = EventInput(kind=kind, date=current, amount=amount, ground=ground)
            state = apply(facts, state, event, today=self.until)
            case.events.append(event)

    def base_history(self, case: DemoCase) -> None:
        """A plausible life for a case, drawn by category: most budget and civil cases are resolved within
        months; bank cases have collateral (so conditions) but drag on for years — rice land nobody buys,
        postponements while ownership is disputed — and are paid in instalments from failed-then-reduced
        auctions."""
        if case.category == Category.TIN_DUNG_NGAN_HANG:
            self._bank_history(case)
            return
        rng, amount = self.rng, case.amount_due
        p_resolve = {Category.NGAN_SACH: 0.8, Category.KHAC: 0.74, Category.THAM_NHUNG_KINH_TE: 0.55}[case.category]
        steps: list = [(rng.randint(3, 25), EventKind.CO_DIEU_KIEN, None, "")]
        roll = rng.random()
        if roll < p_resolve:
            delay = int(rng.expovariate(1 / 45))
            rest = amount
            if rng.random() < 0.5 and amount > 2_000_000:
                part = amount * rng.randint(20, 70) // 100
                steps.append((delay // 2, EventKind.THU_TIEN, part, ""))
                rest -= part
                delay -= delay // 2
            if rng.random() < 0.06 and rest > 0:
                steps.append((delay, EventKind.DINH_CHI, None, rng.choice(["a", "c", "e"])))
            else:
                if case.category == Category.NGAN_SACH and rest > 0 and rng.random() < 0.08:
                    reduced = rest * rng.randint(20, 60) // 100
                    steps.append((delay // 2, EventKind.GIAM, reduced, ""))
                    rest -= reduced
                    delay -= delay // 2
                if rest > 0:
                    steps.append((delay, EventKind.THU_TIEN, rest, ""))
                steps.append((rng.randint(0, 6), EventKind.XONG, None, ""))
        elif roll < p_resolve + 0.03:
            steps.append((rng.randint(10, 120), EventKind.UY_THAC_DI, None, ""))
        elif roll < p_resolve + 0.08:
            steps.append((rng.randint(15, 150), EventKind.HOAN, None, rng.choice(["a", "b", "c", "dd", "e"])))
            steps.append((rng.randint(60, 400), EventKind.TIEP_TUC, None, ""))
            if rng.random() < 0.7:
                if amount > 0:
                    steps.append((rng.randint(10, 90), EventKind.THU_TIEN, amount, ""))
                steps.append((rng.randint(0, 5), EventKind.XONG, None, ""))
            else:
                steps.append((rng.randint(10, 60), EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san"))
        else:
            # debtors found without means mostly owe less (and big debts get seized first)
            case.amount_due = amount = max(200_000, amount * 35 // 100 // 1000 * 1000)
            if amount > 1_000_000 and rng.random() < 0.2:
                steps.append((rng.randint(10, 120), EventKind.THU_TIEN, amount * rng.randint(5, 40) // 100, ""))
            ground = rng.choices(["khong_tai_san", "dang_chap_hanh_an_tu", "khong_ro_dia_chi", ""],
                                 weights=[7, 1, 2, 1])[0]
            steps.append((rng.randint(20, 150), EventKind.CHUA_CO_DIEU_KIEN, None, ground))
            steps.append((182 if ground not in ("dang_chap_hanh_an_tu", "khong_ro_dia_chi") else 365,
                          EventKind.CHUA_CO_DIEU_KIEN, None, ground))
            if rng.random() < 0.08:
                steps.append((rng.randint(200, 500), EventKind.CHUYEN_SO_RIENG, None, ""))
        self.add_events(case, steps)

    def _bank_history(self, case: DemoCase) -> None:
        """Bank cases have collateral, so they are with conditions; they end when the collateral finally sells
        (about one in six a year), some after instalments, a few are postponed or found without means."""
        rng, amount = self.rng, case.amount_due
        steps: list = [(rng.randint(5, 30), EventKind.CO_DIEU_KIEN, None, "")]
        years = 0
        while rng.random() > 0.17 and years < 12:
            years += 1
        days = years * 365 + rng.randint(30, 330)
        paid = 0
        # instalments: part of the proceeds of a reduced auction, a guarantor's payment, rent of the land
        for _year in range(years):
            if rng.random() < 0.7 and amount - paid > 1_000_000:
                piece = (amount - paid) * rng.randint(12, 35) // 100
                steps.append((rng.randint(200, 365), EventKind.THU_TIEN, piece, ""))
                days -= 365
                paid += piece
        days = max(days, 30)
        roll = rng.random()
        if roll < 0.03:
            steps.append((min(days, 400), EventKind.HOAN, None, rng.choice(["d", "h"])))
        elif roll < 0.05:
            steps.append((min(days, 400), EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san"))
        elif roll < 0.12:
            steps.append((days, EventKind.DINH_CHI, None, "c"))  # the bank and the debtor settle
        else:
            steps.append((days, EventKind.THU_TIEN, amount - paid, ""))
            steps.append((rng.randint(0, 10), EventKind.XONG, None, ""))
        self.add_events(case, steps)

    def random_day(self, start: date, end: date) -> date:
        return start + timedelta(days=self.rng.randint(0, (end - start).days))


# ---- calibration ------------------------------------------------------------------------------------------

@dataclass
class Plan:
    """How many designed cases of each kind to add, and the money they carry."""

    counts: dict[str, int]
    money: dict[str, int]


KINDS = ("resolved19_bank", "progress19_bank", "without19_bank", "resolved19_other", "progress19_other",
         "without19_other", "resolved18_bank", "separate18_other")


def _is(value: Decimal | None, expected: Decimal) -> bool:
    return value is not None and value == expected


def _search(start: int, test: Callable[[int], object], limit: int = 2_000_000):
    for candidate in range(start, start + limit):
        found = test(candidate)
        if found:
            return found
    raise RuntimeError("calibration found no solution")


def solve(base: dict[str, Figures], room: dict[str, int]) -> Plan:
    """Counts and money of the designed cases that bring the base to the published figures."""
    b19, o19, b18, a18 = base["bank19"], base["other19"], base["bank18"], base["all18"]
    bc, oc = b19.cases(), o19.cases()
    p = PUBLISHED

    def bank_counts(resolved18: int):
        if resolved18 < b18.cases()["resolved"] + MIN_DESIGNED:
            return None
        for resolved19 in range(int(resolved18 * 1.1094) - 2, int(resolved18 * 1.1094) + 3):
            if resolved19 < bc["resolved"] + MIN_DESIGNED or not _is(percentage_change(resolved19, resolved18),
                                                          p["bank_resolved_growth"]):
                continue
            low = bc["with_conditions"] + (resolved19 - bc["resolved"]) + MIN_DESIGNED
            guess = int(resolved19 * 100 / p["bank_cases_rate"])
            for with_conditions in range(max(low, guess - 3), max(low, guess - 3) + 8):
                if _is(rate(resolved19, with_conditions), p["bank_cases_rate"]):
                    return resolved18, resolved19, with_conditions
        return None

    resolved18_b, resolved19_b, with19_b = _search(1, bank_counts)

    def other_counts(with_other: int):
        total_with = with19_b + with_other
        guess = int(total_with * p["cases_rate"] / 100)
        for resolved in range(guess - 2, guess + 3):
            resolved_other = resolved - resolved19_b
            if (resolved_other >= oc["resolved"] + MIN_DESIGNED
                    and with_other - resolved_other >= oc["with_conditions"] - oc["resolved"] + MIN_DESIGNED
                    and _is(rate(resolved, total_with), p["cases_rate"])):
                return with_other, resolved_other
        return None

    with19_o, resolved19_o = _search(oc["with_conditions"] + 2 * MIN_DESIGNED, other_counts)
    bank_min = bc["to_enforce"] + (with19_b - bc["with_conditions"]) + MIN_DESIGNED_BANK_OPEN
    other_min = oc["to_enforce"] + (with19_o - oc["with_conditions"]) + MIN_DESIGNED
    t18_base = a18.cases()["to_enforce"]
    a4 = resolved18_b - b18.cases()["resolved"]

    def totals(total19: int):
        guess = int(total19 * p["bank_case_share"] / 100)
        for bank19 in range(guess - 2, guess + 3):
            if bank19 < bank_min or total19 - bank19 < other_min:
                continue
            if not _is(rate(bank19, total19), p["bank_case_share"]):
                continue
            for total18 in range(int(total19 / Decimal("1.2172")) - 3, int(total19 / Decimal("1.2172")) + 4):
                if total18 >= t18_base + a4 + MIN_DESIGNED and _is(percentage_change(total19, total18),
                                                                   p["to_enforce_growth"]):
                    return bank19, total19, total18
        return None

    bank19, total19, total18 = _search(bank_min + other_min, totals)
    counts = {
        "resolved19_bank": resolved19_b - bc["resolved"],
        "progress19_bank": with19_b - bc["with_conditions"] - (resolved19_b - bc["resolved"]),
        "without19_bank": bank19 - bc["to_enforce"] - (with19_b - bc["with_conditions"]),
        "resolved19_other": resolved19_o - oc["resolved"],
        "progress19_other": with19_o - oc["with_conditions"] - (resolved19_o - oc["resolved"]),
        "without19_other": (total19 - bank19) - oc["to_enforce"] - (with19_o - oc["with_conditions"]),
        "resolved18_bank": a4,
        "separate18_other": total18 - t18_base - a4,
    }
    assert all(value >= MIN_DESIGNED_BANK_OPEN for value in counts.values()), counts
    return Plan(counts=counts, money=_solve_money(base, counts, room))


TYPICAL_AMOUNT = {"bank": 2_500_000_000, "other": 60_000_000}


def _solve_money(base: dict[str, Figures], counts: dict[str, int], room: dict[str, int]) -> dict[str, int]:
    """Money of the designed cases, and extra collections in FY2019 on base cases still in progress.

    The designed cases resolved or in progress in FY2019 carry typical amounts; the money rates are then met
    by collections on cases already in the register (``room``: what those could still pay), the bank share
    and the growth of money to enforce by the designed cases without conditions (FY2019) and those of FY2018."""
    b19, o19, a18 = base["bank19"].money(), base["other19"].money(), base["all18"].money()
    p = PUBLISHED

    def typical(kind: str) -> int:
        return counts[kind] * TYPICAL_AMOUNT["bank" if kind.endswith("bank") else "other"]

    money = {kind: typical(kind) for kind in ("resolved19_bank", "progress19_bank", "resolved19_other",
                                              "progress19_other")}

    def rate_fit(resolved_base: int, with_total: int, target: Decimal) -> int | None:
        """The extra collection that brings resolved/with_conditions to ``target`` (None if impossible)."""
        needed = int(Decimal(with_total) * target / 100) - resolved_base
        for extra in range(max(0, needed - 2), max(0, needed - 2) + 6):
            if _is(rate(resolved_base + extra, with_total), target):
                return extra
        return None

    while True:
        bank_with = b19["with_conditions"] + money["resolved19_bank"] + money["progress19_bank"]
        bank_resolved = b19["resolved"] + money["resolved19_bank"]
        collect_bank = rate_fit(bank_resolved, bank_with, p["bank_money_rate"])
        if collect_bank is None or collect_bank > room["bank"]:
            money["progress19_bank"] += TYPICAL_AMOUNT["bank"] // 10 if collect_bank is None else 0
            if collect_bank is not None:  # not enough to collect from: more resolved money instead
                money["resolved19_bank"] += TYPICAL_AMOUNT["bank"] // 10
            continue
        other_with = o19["with_conditions"] + money["resolved19_other"] + money["progress19_other"]
        all_with = bank_with + other_with
        all_resolved = bank_resolved + collect_bank + o19["resolved"] + money["resolved19_other"]
        collect_other = rate_fit(all_resolved, all_with, p["money_rate"])
        if collect_other is None:
            money["progress19_other"] += TYPICAL_AMOUNT["other"] // 10
            continue
        if collect_other > room["other"]:
            money["resolved19_other"] += TYPICAL_AMOUNT["other"] // 2
            continue
        break

    minimum = {kind: counts[kind] * MIN_AMOUNT for kind in ("without19_bank", "without19_other",
                                                           "resolved18_bank", "separate18_other")}
    bank_floor = bank_with + (b19["to_enforce"] - b19["with_conditions"]) + minimum["without19_bank"]
    other_floor = other_with + (o19["to_enforce"] - o19["with_conditions"]) + minimum["without19_other"]
    floor18 = a18["to_enforce"] + minimum["resolved18_bank"] + minimum["separate18_other"]
    share = p["bank_money_share"] / 100
    growth = 1 + p["money_to_enforce_growth"] / 100
    total = int(max(bank_floor / share, other_floor / (1 - share), floor18 * growth)) + 1
    while True:
        for bank_total in range(int(total * share) - 2, int(total * share) + 3):
            if bank_total < bank_floor or total - bank_total < other_floor or not _is(rate(bank_total, total),
                                                                                     p["bank_money_share"]):
                continue
            guess18 = int(Decimal(total) / growth)
            for total18 in range(guess18 - 3, guess18 + 4):
                if total18 < floor18 or not _is(percentage_change(total, total18), p["money_to_enforce_growth"]):
                    continue
                extra18 = total18 - a18["to_enforce"]
                resolved18 = max(minimum["resolved18_bank"],
                                 min(counts["resolved18_bank"] * TYPICAL_AMOUNT["bank"],
                                     extra18 - minimum["separate18_other"]))
                money.update({
                    "without19_bank": bank_total - bank_with - (b19["to_enforce"] - b19["with_conditions"]),
                    "without19_other": (total - bank_total) - other_with - (o19["to_enforce"] - o19["with_conditions"]),
                    "resolved18_bank": resolved18,
                    "separate18_other": extra18 - resolved18,
                    "collect_bank": collect_bank,
                    "collect_other": collect_other,
                })
                return money
        total += max(1, total // 200_000)


def _split(rng: random.Random, total: int, parts: int) -> list[int]:
    """``total`` split into ``parts`` positive amounts of plausible, uneven sizes (whole thousands but the last)."""
    weights = [math.exp(rng.gauss(0, 0.8)) for _ in range(parts)]
    scale = sum(weights)
    amounts = [max(MIN_AMOUNT, int(total * w / scale) // 1000 * 1000) for w in weights[:-1]]
    amounts.append(total - sum(amounts))
    if amounts[-1] < 1:
        raise RuntimeError("calibration split failed")
    return amounts


def _collectable(cases: list[DemoCase]) -> dict[str, list[tuple[DemoCase, int]]]:
    """Base cases still in progress at the end of FY2019 with nothing recorded after it: what each could still
    pay in an extra FY2019 collection (leaving at least 10 % owed, so they stay in progress)."""
    found: dict[str, list] = {"bank": [], "other": []}
    for case in cases:
        if not case.events or case.events[-1].date > FY19[1] or case.events[-1].date < FY19[0] - timedelta(days=400):
            continue
        facts = CaseFacts(case.case_no, case.category, case.accepted_on, case.amount_due)
        state = initial_state(facts)
        for event in case.events:
            state = apply(facts, state, event, today=LEDGER_END)
        if state.status != "with_conditions" or state.remaining < 5_000_000:
            continue
        group = "bank" if case.category == Category.TIN_DUNG_NGAN_HANG else "other"
        found[group].append((case, state.remaining * 9 // 10))
    return found


def _apply_collections(builder: _Builder, candidates: list[tuple[DemoCase, int]], total: int) -> None:
    """Spread ``total`` over the candidates as one FY2019 collection each (largest capacity first)."""
    for case, capacity in sorted(candidates, key=lambda item: -item[1]):
        if total <= 0:
            return
        amount = min(capacity, total)
        last = case.events[-1].date
        day = max(last, FY19[0]) + timedelta(days=builder.rng.randint(0, max(0, (FY19[1] - max(last, FY19[0])).days)))
        builder.add_events(case, [((day - last).days, EventKind.THU_TIEN, amount, "")])
        total -= amount
    if total > 0:
        raise RuntimeError("calibration: not enough open cases to collect from")


def _add_designed(builder: _Builder, plan: Plan) -> None:
    rng = builder.rng
    for kind in KINDS:
        amounts = _split(rng, plan.money[kind], plan.counts[kind])
        for amount in amounts:
            if kind.endswith("bank"):
                category = Category.TIN_DUNG_NGAN_HANG
            elif amount > 400_000_000:  # large non-bank debts: business disputes, economic crime
                category = rng.choice([Category.KHAC, Category.THAM_NHUNG_KINH_TE])
            else:
                category = rng.choice([Category.NGAN_SACH, Category.KHAC])
            if kind.endswith("19_bank") or kind.endswith("19_other"):
                accepted = builder.random_day(FY19[0], date(2019, 7, 31))
                end = FY19[1]
            else:
                accepted = builder.random_day(FY18[0], date(2018, 7, 31))
                end = FY18[1]
            case = builder.shell(category, accepted, amount)
            room = (end - accepted).days
            if kind.startswith("resolved"):
                verify = rng.randint(2, max(2, min(20, room // 4)))
                collect = rng.randint(1, max(1, (room - verify) // 2))
                steps = [(verify, EventKind.CO_DIEU_KIEN, None, "")]
                if rng.random() < 0.85:
                    steps += [(collect, EventKind.THU_TIEN, amount, ""), (rng.randint(0, 3), EventKind.XONG, None, "")]
                else:
                    steps += [(collect, EventKind.DINH_CHI, None, rng.choice(["c", "e"]))]
                builder.add_events(case, steps)
            elif kind.startswith("progress"):
                steps = [(rng.randint(2, 20), EventKind.CO_DIEU_KIEN, None, "")]
                if rng.random() < 0.25:
                    steps.append((rng.randint(5, 30), EventKind.HOAN, None, PostponementGround.C))
                # collections only after the fiscal year, so FY2019 sees them in progress
                builder.add_events(case, steps)
                later = (FY19[1] - case.events[-1].date).days + rng.randint(20, 200)
                if rng.random() < 0.5 and case.events[-1].kind != EventKind.HOAN:
                    builder.add_events(case, [(later, EventKind.THU_TIEN, amount, ""), (2, EventKind.XONG, None, "")])
            elif kind.startswith("without"):
                builder.add_events(case, [(rng.randint(2, 20), EventKind.CO_DIEU_KIEN, None, ""),
                                          (rng.randint(10, 40), EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san")])
            else:  # separate18_other: without conditions, moved to the separate book within FY2018
                builder.add_events(case, [(rng.randint(2, 15), EventKind.CHUA_CO_DIEU_KIEN, None, "khong_tai_san"),
                                          (rng.randint(20, 40), EventKind.CHUYEN_SO_RIENG, None, "")])


def measure(cases: list[DemoCase]) -> dict[str, Figures]:
    """The reference figures of FY2018 and FY2019, bank cases and the others; every case's are their sum
    (the figures of a set of cases are the sum of each case's: reports.reference.period_figures)."""
    bank = [c.history() for c in cases if c.category == Category.TIN_DUNG_NGAN_HANG]
    other = [c.history() for c in cases if c.category != Category.TIN_DUNG_NGAN_HANG]
    figures = {"bank19": period_figures(bank, *FY19), "other19": period_figures(other, *FY19),
               "bank18": period_figures(bank, *FY18), "other18": period_figures(other, *FY18)}
    for year in ("18", "19"):
        figures["all" + year] = Figures.zero()
        figures["all" + year].add(figures["bank" + year])
        figures["all" + year].add(figures["other" + year])
    return figures


def published_figures(figures: dict[str, Figures]) -> dict[str, Decimal | None]:
    """The interview's nine figures, computed from measured figures."""
    all19, bank19 = figures["all19"], figures["bank19"]
    return {
        "cases_rate": all19.cases()["rate"], "money_rate": all19.money()["rate"],
        "bank_case_share": rate(bank19.cases()["to_enforce"], all19.cases()["to_enforce"]),
        "bank_money_share": rate(bank19.money()["to_enforce"], all19.money()["to_enforce"]),
        "bank_cases_rate": bank19.cases()["rate"], "bank_money_rate": bank19.money()["rate"],
        "bank_resolved_growth": percentage_change(bank19.cases()["resolved"], figures["bank18"].cases()["resolved"]),
        "to_enforce_growth": percentage_change(all19.cases()["to_enforce"], figures["all18"].cases()["to_enforce"]),
        "money_to_enforce_growth": percentage_change(all19.money()["to_enforce"],
                                                     figures["all18"].money()["to_enforce"]),
    }


def base_cases(seed: int) -> _Builder:
    builder = _Builder(seed)
    for fiscal_year, count in NEW_PER_YEAR.items():
        start, end = date(fiscal_year - 1, 10, 1), date(fiscal_year, 9, 30)
        for _ in range(count):
            category = builder.rng.choices([c for c, _w in CATEGORY_MIX], weights=[w for _c, w in CATEGORY_MIX])[0]
            case = builder.shell(category, builder.random_day(start, end), builder.amount(category))
            builder.base_history(case)
    return builder


def build_cases(seed: int = 2019) -> list[DemoCase]:
    builder = base_cases(seed)
    collectable = _collectable(builder.cases)
    room = {group: sum(capacity for _case, capacity in items) for group, items in collectable.items()}
    plan = solve(measure(builder.cases), room)
    _apply_collections(builder, collectable["bank"], plan.money["collect_bank"])
    _apply_collections(builder, collectable["other"], plan.money["collect_other"])
    _add_designed(builder, plan)
    builder.cases.sort(key=lambda c: (c.accepted_on, c.case_no))
    figures = published_figures(measure(builder.cases))
    if figures != PUBLISHED:
        raise RuntimeError(f"demo calibration missed the published figures: {figures}")
    return builder.cases


def write_ledger(directory: Path, cases: list[DemoCase]) -> None:
    directory.mkdir(parents=True, exist_ok=True)
    write_reference_files(directory)
    with (directory / "cases.csv").open("w", newline="", encoding="utf-8") as case_handle, \
            (directory / "events.csv").open("w", newline="", encoding="utf-8") as event_handle:
        cases_csv, events_csv = csv.writer(case_handle), csv.writer(event_handle)
        cases_csv.writerow(["case_no", "unit_code", "decision_no", "accepted_on", "origin", "category",
                            "judgment_type", "debtor_name", "creditor_name", "bank_code", "amount_due"])
        events_csv.writerow(["case_no", "date", "kind", "amount", "ground", "note"])
        for case in cases:
            cases_csv.writerow([case.case_no, case.unit_code, case.decision_no, case.accepted_on.isoformat(),
                                case.origin, case.category, case.judgment_type, case.debtor, case.creditor,
                                case.bank_code, case.amount_due])
            for event in case.events:
                events_csv.writerow([case.case_no, event.date.isoformat(), event.kind,
                                     "" if event.amount is None else event.amount, event.ground, ""])
