"""Asset and auction histories for the demo's bank cases (domain.md §4–5), written through the services.

What a Hậu Giang enforcement office lives with: rice land mortgaged to the bank that nobody buys, round
after round, each price cut within the 10 % cap (some by the full 10 %, some by less when the parties agree
a smaller cut); once the auction at the twice-reduced price has failed, the land is offered to the bank
against the debt and the bank declines (banks do not want rice land), so the rounds go on; one small plot
brought down to the enforcement costs and returned to the debtor; a house and a plot of residential land on
the market; a truck sold.

Every step goes through cases.services.assets with the system actor (None), so every legal rule is checked
as for an officer. Seizures, valuations, rounds, offers and costs write no case event; the two steps that do
— a sale paid (a ``thu_tien`` on the bank's case, then paid out) and a return to the debtor (a ``hoan`` on
ground h) — are dated after ``events_after`` (the end of the last period the published figures depend on)
and not before the case's last event, so the calibrated statistics do not move. Nothing is dated after
``until`` (the day of the load, in the demo). Deterministic for a seed; a few hundred service calls.
"""
import random
from dataclasses import dataclass, field
from datetime import date, timedelta
from decimal import Decimal

from django.db import transaction
from django.db.models import Count, Max, Min

from cases.codes import (
    AssetKind,
    AuctionClosure,
    Category,
    CostKind,
    LandType,
    OwnerKind,
    PartyRole,
    PriceSetBy,
    RoundOutcome,
    Status,
    ValuationMethod,
)
from cases.ledger.synthetic import person_name
from cases.models import Asset, AuctionRound, Case, CaseEvent, CreditorOffer, DistributionShare, Party
from cases.selectors import working_calendar
from cases.services import assets as services
from cases.services import payout_record

AUCTION_ORGANISATION = "Trung tâm Dịch vụ đấu giá tài sản tỉnh Hậu Giang"
VALUATION_FIRMS = [
    "Công ty Cổ phần Thẩm định giá Tây Nam Bộ",
    "Công ty TNHH Thẩm định giá Cửu Long – Chi nhánh Hậu Giang",
    "Công ty Cổ phần Thẩm định giá và Tư vấn Miền Tây",
    "Công ty TNHH Thẩm định giá Đất Phương Nam",
]
LAND_OFFICE = "Văn phòng Đăng ký đất đai tỉnh Hậu Giang – Chi nhánh thành phố Vị Thanh"
MOVABLES_OFFICE = "Trung tâm Đăng ký giao dịch, tài sản tại Thành phố Hồ Chí Minh"
CITY = "thành phố Vị Thanh, tỉnh Hậu Giang"
# The rural communes of Vị Thanh and some of their hamlets (ấp); the wards (phường) and their areas (khu vực).
HAMLETS = {
    "xã Hỏa Lựu": ["ấp Thạnh Quới", "ấp Thạnh Lợi", "ấp Thạnh Thắng"],
    "xã Hỏa Tiến": ["ấp Thạnh An", "ấp Thạnh Hưng", "ấp Thạnh Phú"],
    "xã Tân Tiến": ["ấp 1", "ấp 3", "ấp 4"],
    "xã Vị Tân": ["ấp 3", "ấp 4", "ấp 6", "ấp 7"],
}
WARDS = ["phường I", "phường III", "phường IV", "phường V", "phường VII"]
STREETS = ["đường Trần Hưng Đạo", "đường 3 Tháng 2", "đường Nguyễn Công Trứ", "đường Lê Hồng Phong",
           "đường Võ Văn Kiệt", "đường Hòa Bình"]
CERTIFICATE_SERIES = ["BK", "BS", "BX", "CĐ", "CH", "BP"]
ORCHARDS = ["vườn bưởi Năm Roi khoảng 8 năm tuổi", "vườn xoài cát Hòa Lộc đang cho trái",
            "vườn mít Thái khoảng 5 năm tuổi", "vườn chanh không hạt"]
TRUCKS = [("Hyundai HD72", "tải thùng kín"), ("Isuzu QKR", "tải thùng mui bạt"), ("Hino XZU", "tải thùng kín"),
          ("Thaco Ollin 500B", "tải thùng mui bạt")]
BID_STEP = 2_000_000


# ---- what to build ------------------------------------------------------------------------------------------

@dataclass(frozen=True)
class Scenario:
    kind: str                   # rice, orchard, pond, residential, house, vehicle
    ending: str                 # open, returned, sold
    rounds: tuple[int, int]     # how many rounds to aim for (open auctions)
    owner: str = OwnerKind.DEBTOR
    revaluation: bool = False
    commune: str = ""           # where agricultural land lies (one of HAMLETS)

    @property
    def agricultural(self) -> bool:
        return self.kind in ("rice", "orchard", "pond")


SCENARIOS = (
    Scenario("rice", "returned", (40, 40), commune="xã Hỏa Tiến"),   # down to the costs, back to the debtor
    Scenario("rice", "open", (6, 9), revaluation=True, commune="xã Vị Tân"),
    Scenario("rice", "open", (5, 8), commune="xã Hỏa Lựu"),
    Scenario("rice", "open", (4, 7), owner=OwnerKind.GUARANTOR, commune="xã Tân Tiến"),
    Scenario("orchard", "open", (4, 8), commune="xã Vị Tân"),
    Scenario("rice", "open", (4, 6), commune="xã Hỏa Tiến"),
    Scenario("pond", "open", (4, 6), commune="xã Hỏa Lựu"),
    Scenario("vehicle", "sold", (2, 2)),
    Scenario("residential", "open", (2, 2)),
    Scenario("house", "open", (1, 2), owner=OwnerKind.THIRD_PARTY),
)


@dataclass
class _Candidate:
    case: Case
    debtor: str
    earliest_seizure: date
    last_event_on: date
    preferred: bool


@dataclass
class _Plan:
    scenario: Scenario
    asset: services.AssetData
    collateral: dict
    steps: list = field(default_factory=list)   # (date, operation, data), in date order
    event_on: date | None = None                # the first step that writes a case event

    @property
    def start(self) -> date:
        return self.steps[0][0]

    @property
    def end(self) -> date:
        return self.steps[-1][0]

    def rounds(self) -> list[dict]:
        return [data for _day, op, data in self.steps if op == "round"]


# ---- entry points -------------------------------------------------------------------------------------------

@transaction.atomic
def demo_asset_histories(cases, *, until: date, events_after: date, preferred_officer=None, seed: int = 2019,
                         today: date | None = None) -> list[Asset]:
    """Give some of ``cases`` (bank cases, open and with conditions) the histories of SCENARIOS, each on
    the first case (the preferred officer's first, then the oldest) whose dates leave room for it. Returns
    the assets created; a scenario no case fits is left out."""
    today = today or until
    calendar = working_calendar()
    candidates = _candidates(cases, preferred_officer)
    created = []
    for index, scenario in enumerate(SCENARIOS):
        order = sorted(candidates, key=lambda c: (not c.preferred, scenario.agricultural and not _rice_bank(c),
                                                  c.case.accepted_on, c.case.case_no))
        for candidate in order:
            plan = _fit(scenario, candidate, f"{seed}:{index}:{candidate.case.case_no}", calendar,
                        until=until, events_after=events_after)
            if plan is not None:
                created.append(_execute(plan, candidate, today))
                candidates.remove(candidate)
                break
    return created


def demo_bank_cases(unit_code: str = "HG-VT"):
    """The demo's bank cases a seizure can be recorded in: of ``unit_code``, open and with conditions."""
    return (Case.objects.filter(unit__code=unit_code, category=Category.TIN_DUNG_NGAN_HANG,
                                status=Status.WITH_CONDITIONS, creditor_bank__isnull=False)
            .select_related("creditor_bank", "officer").order_by("accepted_on", "case_no"))


@dataclass(frozen=True)
class AssetSummary:
    assets: int
    agricultural: int
    rounds: int
    failed_rounds: int
    most_rounds: int
    offers: int
    declined: int
    sold: int
    returned: int
    open_auctions: int

    def line(self) -> str:
        return (f"Tài sản kê biên trong án tín dụng: {self.assets} tài sản ({self.agricultural} đất nông nghiệp), "
                f"{self.rounds} phiên đấu giá ({self.failed_rounds} không thành, nhiều nhất {self.most_rounds} "
                f"phiên một tài sản), {self.offers} lần đề nghị ngân hàng nhận tài sản ({self.declined} từ chối), "
                f"{self.sold} đã bán, {self.returned} trả lại người phải thi hành án, "
                f"{self.open_auctions} đang đấu giá.")


def asset_summary(assets) -> AssetSummary:
    """Counts over ``assets`` (a queryset), for the demo's summary line."""
    rounds = AuctionRound.objects.filter(auction__seizure__asset__in=assets)
    per_asset = rounds.values("auction_id").annotate(n=Count("id")).aggregate(most=Max("n"))["most"] or 0
    offers = CreditorOffer.objects.filter(auction__seizure__asset__in=assets)
    closed = assets.filter(seizures__auction__isnull=False)
    return AssetSummary(
        assets=assets.count(),
        agricultural=assets.filter(land_type__in=[LandType.RICE, LandType.OTHER_AGRICULTURAL]).count(),
        rounds=rounds.count(), failed_rounds=rounds.exclude(outcome=RoundOutcome.SOLD).count(),
        most_rounds=per_asset, offers=offers.count(), declined=offers.filter(accepted=False).count(),
        sold=closed.filter(seizures__auction__closed_as=AuctionClosure.SOLD).count(),
        returned=closed.filter(seizures__auction__closed_as=AuctionClosure.RETURNED_TO_DEBTOR).count(),
        open_auctions=closed.filter(seizures__auction__closed_as="").count())


# ---- choosing the cases -------------------------------------------------------------------------------------

def _candidates(cases, preferred_officer) -> list[_Candidate]:
    cases = [case for case in cases if case.category == Category.TIN_DUNG_NGAN_HANG
             and case.status == Status.WITH_CONDITIONS and case.creditor_bank_id is not None]
    ids = [case.pk for case in cases]
    first_event = dict(CaseEvent.objects.filter(case_id__in=ids).values("case_id").annotate(first=Min("date"))
                       .values_list("case_id", "first"))
    debtors = {}
    for case_id, name in (Party.objects.filter(case_id__in=ids, role=PartyRole.DEBTOR).order_by("-id")
                          .values_list("case_id", "name")):
        debtors[case_id] = name  # the first debtor of each case
    return [_Candidate(case=case, debtor=debtors.get(case.pk, ""),
                       earliest_seizure=first_event.get(case.pk, case.accepted_on) + timedelta(days=20),
                       last_event_on=case.last_event_on or case.accepted_on,
                       preferred=preferred_officer is not None and case.officer_id == preferred_officer.pk)
            for case in cases]


def _rice_bank(candidate: _Candidate) -> bool:
    """Rice land is mostly mortgaged to Agribank."""
    return candidate.case.creditor_bank.code.upper().startswith("AGRI")


def _fit(scenario: Scenario, candidate: _Candidate, seed: str, calendar, *, until: date,
         events_after: date) -> _Plan | None:
    """The scenario's plan on this case, placed so it ends shortly before ``until``, starts after the case
    was found with conditions, and writes its case event (if any) after ``events_after`` and not before
    the case's last event; None if the case leaves no room for it."""
    low, high = scenario.rounds
    for target in range(high, low - 1, -1):
        probe = _plan(scenario, candidate, candidate.earliest_seizure, seed, target, calendar)
        if probe is None:
            continue
        duration = (probe.end - probe.start).days
        lead = (probe.end - probe.event_on).days if probe.event_on else 0
        earliest_end = candidate.earliest_seizure + timedelta(days=duration)
        event_from = max(events_after + timedelta(days=1), candidate.last_event_on)
        if probe.event_on is not None:
            earliest_end = max(earliest_end, event_from + timedelta(days=lead))
        latest_end = until - timedelta(days=5)
        if earliest_end > latest_end:
            continue
        rng = random.Random(seed + ":end")
        if scenario.ending == "open":  # the rounds go on to the end of the ledger
            end = max(earliest_end, latest_end - timedelta(days=rng.randint(0, 75)))
        else:
            spread = 150 if scenario.ending == "returned" else 90
            end = earliest_end + timedelta(days=rng.randint(0, min(spread, (latest_end - earliest_end).days)))
        start = end - timedelta(days=duration)
        plan = _plan(scenario, candidate, start, seed, target, calendar)
        for _attempt in range(6):  # working days move the steps by a few days: shift until the plan fits
            if plan is None:
                break
            if plan.end > latest_end:
                start -= plan.end - latest_end
            elif plan.event_on is not None and plan.event_on < event_from:
                start += event_from - plan.event_on
            else:
                break
            plan = _plan(scenario, candidate, start, seed, target, calendar)
        if (plan is not None and plan.start >= candidate.earliest_seizure and plan.end <= latest_end
                and (plan.event_on is None or plan.event_on >= event_from)):
            return plan
    return None


# ---- planning one history -----------------------------------------------------------------------------------

def _thousands(amount: float) -> int:
    return int(amount) // 1000 * 1000


def _area(value: Decimal) -> str:
    whole, tenth = divmod(int(value * 10), 10)
    return f"{whole:,}".replace(",", ".") + f",{tenth}"


def _asset_data(scenario: Scenario, candidate: _Candidate, loan_on: date,
                rng: random.Random) -> tuple[services.AssetData, int]:
    """The asset (certified before the loan it secures) and its valuation (đồng)."""
    case = candidate.case
    # a company's loan is commonly secured by its director's family land (a third party's mortgage)
    company = not candidate.debtor or candidate.debtor.split()[0] in ("Công", "Doanh", "Hợp")
    owner_kind = (OwnerKind.THIRD_PARTY if company and scenario.owner == OwnerKind.DEBTOR and scenario.kind != "vehicle"
                  else scenario.owner)
    owner = candidate.debtor if owner_kind == OwnerKind.DEBTOR and candidate.debtor else person_name(rng)
    commune = scenario.commune or rng.choice(sorted(HAMLETS))
    hamlet = rng.choice(HAMLETS[commune])
    certificate = f"{rng.choice(CERTIFICATE_SERIES)} {rng.randint(100000, 999999)}"
    issued = rng.randint(loan_on.year - 10, loan_on.year - 1)
    parcel, sheet = str(rng.randint(12, 640)), str(rng.randint(1, 42))
    if scenario.kind in ("rice", "orchard", "pond"):
        if scenario.ending == "returned":   # a small, remote plot: little to sell it for
            rate, area = rng.randrange(150, 176, 5) * 1000, rng.uniform(1000, 1400)
        else:
            rate = {"rice": rng.randrange(150, 401, 5), "orchard": rng.randrange(180, 321, 5),
                    "pond": rng.randrange(150, 251, 5)}[scenario.kind] * 1000
            area = min(10_000, max(1000, case.amount_due * rng.uniform(0.3, 0.7) / rate))
        area_m2 = Decimal(f"{area:.1f}")
        code, text = {
            "rice": ("LUC", "Đất chuyên trồng lúa nước"),
            "orchard": ("CLN", f"Đất trồng cây lâu năm ({rng.choice(ORCHARDS)})"),
            "pond": ("NTS", "Đất nuôi trồng thủy sản (hai ao nuôi cá thát lát)"),
        }[scenario.kind]
        data = services.AssetData(
            kind=AssetKind.LAND_USE_RIGHT, owner_name=owner, owner_kind=owner_kind,
            description=f"{text}, {code}, {_area(area_m2)} m², {hamlet}, {commune}; GCN QSDĐ {certificate} do "
                        f"UBND {'thị xã' if issued < 2010 else 'thành phố'} Vị Thanh cấp năm {issued}",
            location=f"{hamlet}, {commune}, {CITY}", parcel_no=parcel, map_sheet_no=sheet, area_m2=area_m2,
            land_type=LandType.RICE if scenario.kind == "rice" else LandType.OTHER_AGRICULTURAL,
            certificate_no=certificate)
        return data, _thousands(float(area_m2) * rate)
    if scenario.kind in ("residential", "house"):
        ward, street = rng.choice(WARDS), rng.choice(STREETS)
        area_m2 = Decimal(f"{rng.uniform(80, 220 if scenario.kind == 'residential' else 140):.1f}")
        rate = rng.randrange(4500, 9001, 100) * 1000
        location = f"khu vực {rng.randint(1, 6)}, {ward}, {CITY}"
        if scenario.kind == "residential":
            description = (f"Đất ở tại đô thị, ODT, {_area(area_m2)} m², mặt tiền {street}, {ward}; "
                           f"GCN QSDĐ {certificate} cấp năm {issued}")
            value, kind = float(area_m2) * rate, AssetKind.LAND_USE_RIGHT
        else:
            floor_area = int(area_m2 * Decimal("1.6"))
            description = (f"Nhà ở riêng lẻ một trệt một lầu, diện tích sàn {floor_area} m², gắn liền thửa đất "
                           f"ở {_area(area_m2)} m² (thửa {parcel}, tờ bản đồ {sheet}), số {rng.randint(3, 60)} "
                           f"hẻm {rng.randint(2, 40)} {street}, {ward}; "
                           f"GCN QSDĐ, quyền sở hữu nhà ở {certificate}")
            value, kind = float(area_m2) * rate * 0.8 + floor_area * rng.randint(2500, 3500) * 1000, AssetKind.HOUSE
        data = services.AssetData(kind=kind, owner_name=owner, owner_kind=owner_kind, description=description,
                                  location=location, parcel_no=parcel, map_sheet_no=sheet, area_m2=area_m2,
                                  land_type=LandType.RESIDENTIAL, certificate_no=certificate)
        return data, _thousands(value)
    model, body = rng.choice(TRUCKS)
    made = rng.randint(loan_on.year - 6, loan_on.year)
    plate = f"95C-{rng.randint(0, 999):03d}.{rng.randint(10, 99)}"
    data = services.AssetData(
        kind=AssetKind.VEHICLE, owner_name=owner, owner_kind=owner_kind,
        description=f"Xe ô tô {body} nhãn hiệu {model}, sản xuất năm {made}, số khung "
                    f"RN{rng.randint(10**8, 10**9 - 1)}, số máy D4{rng.randint(10**5, 10**6 - 1)}",
        location=f"Kho tạm giữ tài sản của Chi cục, {rng.choice(WARDS)}, {CITY}", plate_no=plate,
        certificate_no=f"Giấy đăng ký xe số {rng.randint(10**5, 10**6 - 1)}")
    return data, rng.randrange(260, 521, 5) * 1_000_000


def _collateral(candidate: _Candidate, data: services.AssetData, loan_on: date, rng: random.Random) -> dict:
    case = candidate.case
    principal = max(1_000_000, case.amount_due * rng.randint(60, 74) // 100 // 1_000_000 * 1_000_000)
    interest = _thousands(case.amount_due * rng.uniform(0.12, 0.2))
    number = rng.randint(1, 950)
    return {
        "bank": case.creditor_bank, "loan_contract_no": f"{number:03d}/{loan_on.year}/HĐTD",
        "loan_contract_date": loan_on, "principal": principal, "contractual_interest": interest,
        "penalty_interest": max(0, case.amount_due - principal - interest), "secured_amount": principal + interest,
        "security_contract_no": f"{number:03d}/{loan_on.year}/HĐTC",
        "registered_on": loan_on + timedelta(days=rng.randint(1, 8)),
        "registration_office": MOVABLES_OFFICE if data.kind == AssetKind.VEHICLE else LAND_OFFICE,
    }


def _reduced(price: int, percent: int) -> int:
    """The next starting price: the full cap is exactly 10 % of the previous price (in whole đồng, as the
    rule computes it); a smaller cut is rounded to the thousand in the debtor's favour."""
    if percent == 10:
        return price - price // 10
    return -(-(price * (100 - percent) // 100) // 1000) * 1000


def _plan(scenario: Scenario, candidate: _Candidate, seized_on: date, seed: str, target: int,
          calendar) -> _Plan | None:
    """The dated steps of one history from ``seized_on`` (deterministic for ``seed``): seizure and its cost,
    valuation (and perhaps a re-valuation), the auction contract, the rounds with their reductions and costs,
    the offer to the bank, and the ending. None if the rules leave no such history (the price would reach
    the floor too soon for an auction meant to stay open)."""
    rng = random.Random(seed)
    loan_on = candidate.case.accepted_on - timedelta(days=rng.randint(700, 2000))
    data, value = _asset_data(scenario, candidate, loan_on, rng)
    if scenario.ending == "sold" and value * 3 // 2 > candidate.case.amount_remaining:
        return None   # the sale pays part of the debt: the case goes on
    plan = _Plan(scenario=scenario, asset=data, collateral=_collateral(candidate, data, loan_on, rng))
    real_estate = data.kind in (AssetKind.LAND_USE_RIGHT, AssetKind.HOUSE)
    steps = plan.steps
    day = calendar.next_working_day(seized_on)
    costs = 0

    def cost(on: date, kind: str, amount: int, note: str) -> None:
        nonlocal costs
        costs += amount
        steps.append((on, "cost", {"kind": kind, "amount": amount, "note": note}))

    steps.append((day, "seizure", {"minutes_no": f"{rng.randint(1, 180):02d}/BB-CCTHADS"}))
    if scenario.kind == "vehicle":
        cost(day, CostKind.SEIZURE, _thousands(rng.uniform(3, 6) * 1e6), "Kê biên, bốc xếp, vận chuyển xe về kho")
    else:
        low, high = (24, 30) if scenario.ending == "returned" else (10, 26)
        cost(day, CostKind.SEIZURE, _thousands(rng.uniform(low, high) * 1e6),
             "Kê biên: đo đạc, cắm mốc, xác định ranh giới thửa đất")
    firm = rng.choice(VALUATION_FIRMS)
    contract = calendar.add_working_days(day, rng.randint(1, 4))
    valued = calendar.next_working_day(contract + timedelta(days=rng.randint(10, 28)))
    notified = calendar.add_working_days(valued, rng.randint(1, 3))
    steps.append((valued, "valuation", {"method": ValuationMethod.FIRM, "firm_name": firm, "value": value,
                                        "contract_signed_on": contract, "notified_on": notified}))
    cost(valued, CostKind.VALUATION, _thousands(rng.uniform(2.5, 4) * 1e6 if scenario.kind == "vehicle"
                                                else rng.uniform(4, 9) * 1e6), f"Thẩm định giá: {firm}")
    if scenario.kind == "vehicle":
        cost(valued, CostKind.STORAGE, _thousands(rng.uniform(2, 4) * 1e6), "Thuê kho bảo quản xe")
    if scenario.revaluation:
        requested = calendar.add_working_days(notified, rng.randint(1, 4))
        revalued = calendar.next_working_day(requested + timedelta(days=rng.randint(15, 30)))
        notified = calendar.add_working_days(revalued, rng.randint(1, 3))
        value = _thousands(value * rng.uniform(1.04, 1.12))
        steps.append((revalued, "revaluation", {
            "requested_on": requested,
            "requested_by": f"{candidate.debtor or data.owner_name} (người phải thi hành án)",
            "method": ValuationMethod.FIRM, "firm_name": rng.choice([f for f in VALUATION_FIRMS if f != firm]),
            "value": value, "notified_on": notified}))
        cost(revalued, CostKind.VALUATION, _thousands(rng.uniform(4, 8) * 1e6),
             "Thẩm định giá lại theo yêu cầu của người phải thi hành án")
    signed = calendar.next_working_day(calendar.add_working_days(notified, 5) + timedelta(days=rng.randint(1, 10)))
    steps.append((signed, "auction", {"contract_no": f"{rng.randint(1, 90):02d}/{signed.year}/HĐDV-ĐGTS"}))

    held = calendar.next_working_day(signed + timedelta(days=rng.randint(25, 42) if real_estate
                                                        else rng.randint(14, 26)))
    price, reductions, offered, after_offer, price_set_by = value, 0, False, 0, None
    failed_outcomes = ([RoundOutcome.NO_REGISTRANT] * 3 + [RoundOutcome.NO_BID] if scenario.agricultural
                       else [RoundOutcome.NO_BID, RoundOutcome.NO_BID, RoundOutcome.WINNER_REFUSED])
    while True:
        number = len(plan.rounds()) + 1
        if scenario.ending == "sold" and number == target:
            sale = price + BID_STEP * rng.randint(1, 6)
            steps.append((held, "round", {"starting_price": price, "outcome": RoundOutcome.SOLD, "sale_price": sale,
                                          "buyer_name": person_name(rng), "price_set_by": price_set_by}))
            paid = held + timedelta(days=rng.randint(8, 25))
            steps.append((paid, "sale_paid", {}))
            steps.append((paid + timedelta(days=rng.randint(2, 7)), "payout", {}))
            plan.event_on = paid
            return plan
        steps.append((held, "round", {"starting_price": price, "outcome": rng.choice(failed_outcomes),
                                      "price_set_by": price_set_by}))
        cost(held, CostKind.AUCTION, _thousands(rng.uniform(1.2, 3) * 1e6),
             f"Chi phí thông báo, niêm yết phiên đấu giá thứ {number} không thành")
        after_offer += offered
        exhausted = price - price // 10 <= costs
        if scenario.ending == "returned" and exhausted:
            if not offered:
                return None
            back = calendar.add_working_days(held, rng.randint(5, 15))
            steps.append((back, "return", {}))
            plan.event_on = back
            return plan
        if scenario.ending == "open" and number >= target:
            # agricultural land: three failed rounds at least, the offer declined, and rounds after it
            if exhausted or (scenario.agricultural and (not offered or after_offer < 1)):
                return None
            return plan
        if number >= 40:
            return None
        base = held
        if reductions >= 2 and not offered:   # the twice-reduced auction failed: offer the asset to the bank
            offer_on = calendar.add_working_days(held, rng.randint(1, 4))
            answer_on = calendar.add_working_days(offer_on, rng.randint(2, 5))
            steps.append((offer_on, "offer", {}))
            steps.append((answer_on, "answer", {}))
            offered, base = True, answer_on
        reductions += 1
        if reductions == 1 or scenario.ending == "returned" and reductions != 2:
            percent, price_set_by = 10, PriceSetBy.OFFICER
        elif reductions == 2:   # the parties agree a smaller cut
            percent, price_set_by = rng.choice([5, 7, 8]), PriceSetBy.AGREEMENT
        else:
            percent = rng.choice([10, 10, 10, 8, 7])
            price_set_by = PriceSetBy.OFFICER if percent == 10 else rng.choice(
                [PriceSetBy.OFFICER, PriceSetBy.AGREEMENT])
        price = _reduced(price, percent)
        if price <= costs:
            return None
        held = calendar.next_working_day(base + timedelta(days=rng.randint(35, 75) if real_estate
                                                          else rng.randint(20, 35)))


# ---- writing it through the services ------------------------------------------------------------------------

def _execute(plan: _Plan, candidate: _Candidate, today: date) -> Asset:
    case = candidate.case
    asset = services.asset_create(actor=None, cases=[case], data=plan.asset)
    services.collateral_register(actor=None, asset=asset, today=today, **plan.collateral)
    seizure = auction = offer = last_round = None
    for day, operation, data in plan.steps:
        if operation == "seizure":
            seizure = services.seizure_record(actor=None, asset=asset, case=case, seized_on=day,
                                              minutes_no=data["minutes_no"], officer=case.officer, today=today)
        elif operation == "cost":
            services.enforcement_cost_record(actor=None, case=case, asset=asset, incurred_on=day, today=today, **data)
        elif operation == "valuation":
            valuation = services.valuation_record(actor=None, seizure=seizure, valued_on=day, today=today, **data)
        elif operation == "revaluation":
            services.revaluation_record(actor=None, valuation=valuation, valued_on=day, today=today, **data)
        elif operation == "auction":
            auction = services.auction_create(actor=None, seizure=seizure, organisation=AUCTION_ORGANISATION,
                                              contract_signed_on=day, today=today, **data)
        elif operation == "round":
            last_round = services.auction_round_record(actor=None, auction=auction, held_on=day, today=today, **data)
        elif operation == "offer":
            offer = services.creditor_offer_make(actor=None, auction=auction, offered_on=day, today=today)
        elif operation == "answer":   # banks do not take rice land against the debt
            services.creditor_offer_answer(actor=None, offer=offer, accepted=False, answered_on=day, today=today)
        elif operation == "return":
            services.auction_return_to_debtor(actor=None, auction=auction, returned_on=day, today=today)
        elif operation == "sale_paid":
            distribution = services.auction_sale_paid(actor=None, auction_round=last_round, paid_on=day, today=today)
        elif operation == "payout":   # like every collection in Vị Thanh, paid out to the creditor within days
            for share in DistributionShare.objects.filter(distribution=distribution).select_related("case"):
                payout_record(actor=None, case=share.case, paid_on=day, amount=share.amount,
                              recipient=share.recipient, today=today)
        else:  # pragma: no cover
            raise ValueError(operation)
    return asset

