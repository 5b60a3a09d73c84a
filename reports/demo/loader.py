"""Load the demo into the database: one ledger (history + live) through import_ledger, then the successor
links, targets, logins and officers, payouts and asset histories through the services. Rerunning reuses what
is loaded (and moves the logins to today's units)."""
import random
import tempfile
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, timedelta
from decimal import Decimal
from pathlib import Path

from django.contrib.auth import get_user_model
from django.db import connection, transaction
from django.db.models import Q
from django.utils import timezone

from cases.codes import ENDED_STATUSES, Category, EventKind, PartyRole
from cases.deadlines import DeadlineStatus
from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import PROVINCE
from cases.models import Asset, Case, CaseEvent, Party
from cases.selectors import deadlines_due, working_calendar
from cases.services import PayoutData, payouts_record_many
from reports.demo import assets as demo_assets
from reports.demo import dialogues as demo_dialogues
from reports.demo import history, live, logins, org
from reports.facts import facts_deferred
from reports.indicators import rate
from reports.services import report_build, target_set
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.core.errors import DomainError
from thads.org.models import Unit
from thads.org.services import roles_sync

FY2019 = history.FY19
TARGET_REF = "Chỉ tiêu Tổng cục / Cục Quản lý THADS giao (demo)"
# Targets from the reorganisation on: FY2025 is the National Assembly's figure (domain.md §6), later years
# plausible; the regional offices get the city's.
LIVE_TARGETS = {2025: (Decimal("83.90"), Decimal("51.90")), 2026: (Decimal("84.50"), Decimal("53.00")),
                2027: (Decimal("85.00"), Decimal("54.00"))}
# FY2019 targets of the Chi cục (plausible, around the province's 73 % / 33 %; HG's own never change)
CHI_CUC_FY2019 = {"HG-VT": ("74.00", "35.00"), "HG-NB": ("73.50", "34.00"), "HG-LMTX": ("72.00", "32.00"),
                  "HG-LMH": ("72.00", "31.00"), "HG-VTH": ("73.00", "32.00"), "HG-CT": ("73.00", "33.00"),
                  "HG-CTA": ("72.50", "33.00"), "HG-PH": ("73.00", "32.00")}
ASSETS_UNIT = "HG-VT"  # the demo officer's old Chi cục: its bank cases get the asset histories

Write = Callable[[str], None]


class OldDemoError(DomainError):
    pass


def load_demo(write: Write, *, today: date | None = None) -> None:
    """Load (or reuse) the demo and print its figures and logins with ``write``."""
    today = today or timezone.localdate()
    roles_sync()
    plan = None
    if Case.objects.filter(Q(unit__code=PROVINCE[0]) | Q(unit__parent__code=PROVINCE[0])).exists():
        if not Unit.objects.filter(code=org.CITY[0]).exists():
            raise OldDemoError("Cơ sở dữ liệu có bản demo cũ (chưa có đơn vị sau 1/7/2025): hãy xóa và nạp lại.",
                               code="old_demo")
        write("Dữ liệu demo Hậu Giang – Cần Thơ đã có sẵn; dùng lại.")
        logins.logins_ensure()
        logins.officers_ensure()
    else:
        # All or nothing, and the per-case facts written once: the import's refresh waits for the officers'
        # assignment (facts_deferred joins the outermost), instead of a second refresh of every case.
        with transaction.atomic(), facts_deferred():
            plan = _load(write, today=today)
            logins.logins_ensure()
            logins.officers_ensure(first_for_demo_officer=plan.officer_case_nos)
    if plan is not None:
        started = time.perf_counter()
        count = payouts_record(today=today, unpaid=plan.unpaid)
        write(f"Chi trả tiền cho người được thi hành án: {count} lần ({time.perf_counter() - started:.0f} giây).")
    _ensure_assets(write, today=today)
    write(demo_dialogues.demo_dialogues(today=today).line())
    if plan is not None and connection.vendor == "postgresql":
        # Fresh tables have no planner statistics: without them a filtered engine read takes seconds, not ms.
        with connection.cursor() as cursor:
            cursor.execute("ANALYZE")
    _print_figures(write)
    _print_today(write, today=today)
    write(f"\nĐăng nhập demo (mật khẩu chung: {logins.DEMO_PASSWORD}):")
    for username, full_name, unit_code, note in logins.login_rows():
        write(f"  {username:<17} {full_name:<18} {unit_code:<7} {note}")


def _load(write: Write, *, today: date) -> live.LivePlan:
    started = time.perf_counter()
    write("Dựng sổ demo Hậu Giang (năm tài chính 2016–2020, hiệu chỉnh theo số liệu đã công bố)…")
    cases = history.build_cases()
    plan = live.build_live(cases, today=today, calendar=working_calendar())
    write(f"Tiếp nối đến hôm nay {today:%d/%m/%Y}: {len(plan.new_cases)} việc thụ lý mới từ "
          f"{plan.start:%d/%m/%Y} (sau 1/7/2025 tại các phòng khu vực của Cần Thơ).")
    everything = cases + plan.new_cases
    with tempfile.TemporaryDirectory() as directory:
        history.write_ledger(Path(directory), everything)
        write(f"Nạp qua import_ledger: {len(everything)} hồ sơ, {sum(len(c.events) for c in everything)} sự kiện…")
        summary = import_ledger(directory, progress=_progress(write))
    org.link_successors()
    targets_set(today=today)
    write(f"Đã nạp: {summary.cases} hồ sơ, {summary.events} sự kiện, {summary.units_created} đơn vị, "
          f"{summary.banks_created} ngân hàng ({time.perf_counter() - started:.0f} giây).")
    return plan


def _progress(write: Write):
    def progress(file: str, done: int, total: int) -> None:
        if done % 20_000 == 0 or done == total:
            write(f"  {file}: {done}/{total}")
    return progress


@transaction.atomic
def targets_set(*, today: date) -> None:
    """The province's targets (FY2017–2020, FY2019 the interview's), its Chi cục's FY2019 targets, and the
    city's and its offices' from the reorganisation to the current fiscal year."""
    units = {unit.code: unit for unit in Unit.objects.all()}
    for (fiscal_year, metric), value in history.TARGETS.items():
        target_set(actor=None, unit=units[PROVINCE[0]], fiscal_year=fiscal_year, metric=metric, value=value,
                   decision_ref=TARGET_REF)
    for code, (cases, money) in CHI_CUC_FY2019.items():
        for metric, value in (("cases", cases), ("money", money)):
            target_set(actor=None, unit=units[code], fiscal_year=2019, metric=metric, value=Decimal(value),
                       decision_ref=TARGET_REF)
    for fiscal_year in range(fiscal_year_of(org.REFORM), fiscal_year_of(today) + 1):
        cases, money = LIVE_TARGETS.get(fiscal_year, LIVE_TARGETS[max(LIVE_TARGETS)])
        for code in [org.CITY[0], *(code for code, _name, _olds in org.OFFICES)]:
            if fiscal_year == fiscal_year_of(org.REFORM) and code != org.CITY[0]:
                continue  # the offices began three months before the end of FY2025
            for metric, value in (("cases", cases), ("money", money)):
                target_set(actor=None, unit=units[code], fiscal_year=fiscal_year, metric=metric, value=value,
                           decision_ref=TARGET_REF)


@transaction.atomic
def payouts_record(*, today: date, unpaid: set[tuple[str, date]], seed: int = 11) -> int:
    """Money collected is paid out to the creditor within days, through the service (payouts_record_many, one
    batch): every collection in the demo office's territory, and every collection of a case still open
    elsewhere. Left unpaid: ``unpaid`` (the designed overdue one) and some of the last ten days' (due within
    days)."""
    rng = random.Random(seed)
    territory = [org.DEMO_OFFICE, *(old for old, new in org.SUCCESSOR.items() if new == org.DEMO_OFFICE)]
    collections = (CaseEvent.objects.filter(kind=EventKind.THU_TIEN)
                   .filter(Q(case__unit__code__in=territory) | ~Q(case__status__in=ENDED_STATUSES))
                   .select_related("case").order_by("case_id", "sequence"))
    creditors = dict(Party.objects.filter(role=PartyRole.CREDITOR, case__in=collections.values("case_id"))
                     .values_list("case_id", "name"))
    return _pay(collections, creditors, unpaid, rng, today)


def _pay(collections, creditors, unpaid, rng, today) -> int:
    batch = []
    for event in collections:
        if (event.case.case_no, event.date) in unpaid:
            continue
        paid_on = event.date + timedelta(days=rng.choice([1, 2, 3, 5, 7, 9]))
        if paid_on > today or ((today - event.date).days < 10 and rng.random() < 0.4):
            continue
        batch.append(PayoutData(case_id=event.case_id, paid_on=paid_on, amount=event.amount,
                                recipient=creditors.get(event.case_id) or "—"))
    return len(payouts_record_many(actor=None, payouts=batch, today=today))


def _ensure_assets(write: Write, *, today: date) -> None:
    """Seizures, valuations and auction rounds for Vị Thanh's bank cases, through the asset services, up to
    today. Their few case events (a sale paid, a return to the debtor) are dated after FY2019 — the last period
    the published figures depend on — and after the case's own events, so those figures do not move."""
    assets = Asset.objects.filter(unit__code=ASSETS_UNIT)
    took = ""
    if not assets.exists():
        started = time.perf_counter()
        demo_assets.demo_asset_histories(
            demo_assets.demo_bank_cases(ASSETS_UNIT), until=today, events_after=FY2019[1], today=today,
            preferred_officer=get_user_model().objects.get(username=logins.DEMO_OFFICER))
        took = f" ({time.perf_counter() - started:.1f} giây)"
    write(demo_assets.asset_summary(assets).line() + took)


def _print_figures(write: Write) -> None:
    province = Unit.objects.get(code=PROVINCE[0])
    start, end = FY2019
    all19 = report_build(unit=province, start=start, end=end)
    bank19 = report_build(unit=province, start=start, end=end, category=Category.TIN_DUNG_NGAN_HANG)
    figures = {
        "Tỷ lệ về việc": (all19["cases"]["rate"], "74.38"),
        "Tỷ lệ về tiền": (all19["money"]["rate"], "51.25"),
        "Vượt chỉ tiêu việc (điểm %)": (all19["gap_to_target"]["cases"], "1.38"),
        "Vượt chỉ tiêu tiền (điểm %)": (all19["gap_to_target"]["money"], "18.25"),
        "Án TDNH / tổng số việc phải thi hành (%)": (
            rate(bank19["cases"]["to_enforce"], all19["cases"]["to_enforce"]), "3.50"),
        "Án TDNH / tổng số tiền phải thi hành (%)": (
            rate(bank19["money"]["to_enforce"], all19["money"]["to_enforce"]), "47.13"),
        "Án TDNH: tỷ lệ về việc": (bank19["cases"]["rate"], "17.53"),
        "Án TDNH: tỷ lệ về tiền": (bank19["money"]["rate"], "29.77"),
        "Án TDNH: việc giải quyết xong tăng so với 2018 (%)": (
            bank19["year_on_year"]["cases"]["resolved"], "10.94"),
        "Số việc phải thi hành tăng so với 2018 (%)": (all19["year_on_year"]["cases"]["to_enforce"], "21.72"),
        "Số tiền phải thi hành tăng so với 2018 (%)": (all19["year_on_year"]["money"]["to_enforce"], "12.57"),
    }
    write(f"\nHậu Giang, năm 2019 ({start:%d/%m/%Y} – {end:%d/%m/%Y}), tính từ cơ sở dữ liệu:")
    for label, (value, published) in figures.items():
        shown = "—" if value is None else f"{value:.2f}"
        mark = "✓" if value is not None and f"{value:.2f}" == published else "≠"
        write(f"  {label:<52} {shown:>7}   (công bố {published}) {mark}")


@dataclass(frozen=True)
class OfficerToday:
    overdue: int
    due_next_working_day: int
    due_within_week: int
    next_working_day: date


def officer_today(username: str = logins.DEMO_OFFICER, *, today: date | None = None) -> OfficerToday:
    """What ``username`` has to do, from cases.selectors.deadlines_due over the cases assigned to them:
    overdue, due on the next working day (today, when today is one), due later within seven days."""
    today = today or timezone.localdate()
    user = get_user_model().objects.get(username=username)
    target = working_calendar().next_working_day(today)
    items = deadlines_due(user, officer_id=user.pk, today=today)
    overdue = sum(1 for item in items if item.status == DeadlineStatus.OVERDUE)
    next_day = sum(1 for item in items if item.status != DeadlineStatus.OVERDUE and item.deadline.due_on == target)
    return OfficerToday(overdue, next_day, len(items) - overdue - next_day, target)


def _print_today(write: Write, *, today: date) -> None:
    city = Unit.objects.get(code=org.CITY[0])
    fiscal_year = fiscal_year_of(today)
    start, _end = fiscal_year_bounds(fiscal_year)
    report = report_build(unit=city, start=start, end=today)
    duties = officer_today(today=today)
    write(f"\nHôm nay {today:%d/%m/%Y}, {org.CITY[1]} (năm {fiscal_year}, từ {start:%d/%m/%Y}): "
          f"{report['cases']['new']} việc thụ lý mới, {report['cases']['to_enforce']} việc phải thi hành, "
          f"tỷ lệ về việc {report['cases']['rate'] or 0:.2f} %.")
    write(f"{logins.DEMO_OFFICER}: {duties.overdue} việc quá hạn, {duties.due_next_working_day} đến hạn "
          f"{duties.next_working_day:%d/%m/%Y}, {duties.due_within_week} đến hạn trong 7 ngày.")

