"""python manage.py demo [--no-serve] — load the Hậu Giang demo through the ledger import, create the demo
logins, give Vị Thanh's bank cases their asset and auction histories (cases.demo_assets), print the
interview's figures as the engine computes them, and serve http://127.0.0.1:8000.
Rerunning it reuses what is already loaded."""
import random
import tempfile
import time
from datetime import date, timedelta
from pathlib import Path

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cases import demo_assets
from cases.codes import Category, EventKind
from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import DISTRICTS, PROVINCE, person_name
from cases.models import Asset, Case, CaseEvent
from cases.services import cases_assign, payout_record
from reports import demo as hau_giang
from reports.indicators import rate
from reports.services import target_set
from thads.org.models import OfficerProfile, Role, Title, Unit
from thads.org.services import officer_create, roles_sync

DEMO_PASSWORD = "thads-demo-2026"  # noqa: S105 — printed for the demo, never used outside it
LOGINS = [
    # username, full name, unit, title, role, what to try
    ("admin", "Quản trị hệ thống", PROVINCE[0], Title.KHAC, Role.CENTRAL_ADMIN, "toàn quốc, mọi quyền"),
    ("truong.vithanh", "Nguyễn Văn Trường", "HG-VT", Title.THU_TRUONG, Role.UNIT_HEAD,
     "lãnh đạo Chi cục Vị Thanh: mọi hồ sơ của Chi cục"),
    ("thongke.haugiang", "Trần Thị Thống", PROVINCE[0], Title.THAM_TRA_VIEN, Role.STATISTICIAN,
     "thẩm tra viên Cục: xem toàn tỉnh, không sửa, khóa kỳ"),
    ("chv.vithanh", "Lê Minh Chấp", "HG-VT", Title.CHV_TRUNG_CAP, Role.OFFICER,
     "chấp hành viên Vị Thanh: xem hồ sơ Chi cục, ghi hồ sơ được phân công"),
]
FY2019 = ("2018-10-01", "2019-09-30")
ASSETS_UNIT = "HG-VT"  # the demo officer's Chi cục


class Command(BaseCommand):
    help = "Load the Hậu Giang demo and its logins, then serve on 127.0.0.1:8000 (--no-serve: load only)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo and stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", **options):
        call_command("migrate", interactive=False, verbosity=0)
        roles_sync()
        if Case.objects.filter(unit__code=PROVINCE[0]).exists() or Case.objects.filter(
                unit__parent__code=PROVINCE[0]).exists():
            self.stdout.write("Dữ liệu demo Hậu Giang đã có sẵn; dùng lại.")
        else:
            self._load()
        self._ensure_logins()
        self._ensure_officers()
        self._ensure_assets()
        self._print_figures()
        self.stdout.write(f"\nĐăng nhập demo (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, full_name, unit_code, _title, _role, note in LOGINS:
            self.stdout.write(f"  {username:<18} {full_name:<20} {unit_code:<6} {note}")
        if no_serve:
            return
        self.stdout.write(f"\nTrang quản trị: http://{addrport}/admin/  (Ctrl+C để dừng)\n")
        call_command("runserver", addrport, use_reloader=False)

    def _load(self) -> None:
        started = time.perf_counter()
        self.stdout.write("Dựng sổ demo Hậu Giang (năm tài chính 2016–2020, hiệu chỉnh theo số liệu đã công bố)…")
        cases = hau_giang.build_cases()
        with tempfile.TemporaryDirectory() as directory:
            hau_giang.write_ledger(Path(directory), cases)
            self.stdout.write(f"Nạp qua import_ledger: {len(cases)} hồ sơ, "
                              f"{sum(len(c.events) for c in cases)} sự kiện…")
            summary = import_ledger(directory, progress=self._progress)
        for (fiscal_year, metric), value in hau_giang.TARGETS.items():
            target_set(actor=None, unit=Unit.objects.get(code=PROVINCE[0]), fiscal_year=fiscal_year, metric=metric,
                       value=value, decision_ref="Chỉ tiêu Tổng cục THADS giao (demo)")
        self._pay_out_collections()
        self.stdout.write(f"Đã nạp: {summary.cases} hồ sơ, {summary.events} sự kiện, {summary.units_created} đơn vị, "
                          f"{summary.banks_created} ngân hàng ({time.perf_counter() - started:.0f} giây).")

    def _progress(self, file: str, done: int, total: int) -> None:
        if done % 10_000 == 0 or done == total:
            self.stdout.write(f"  {file}: {done}/{total}")

    @transaction.atomic
    def _pay_out_collections(self) -> None:
        """Collections in Vị Thanh are paid out to the creditor within days — most on time, some late, a few
        not yet — so the demo officer's deadline list has something true to show."""
        rng = random.Random(11)
        collections = (CaseEvent.objects.filter(kind=EventKind.THU_TIEN, case__unit__code="HG-VT")
                       .select_related("case").order_by("case_id", "sequence"))
        for event in collections:
            if rng.random() < 0.05:
                continue
            paid_on = event.date + timedelta(days=rng.choice([1, 2, 3, 5, 7, 9, 12, 20]))
            creditor = event.case.parties.filter(role="creditor").values_list("name", flat=True).first() or "—"
            payout_record(actor=None, case=event.case, paid_on=paid_on, amount=event.amount, recipient=creditor)

    @transaction.atomic
    def _ensure_logins(self) -> None:
        user_model = get_user_model()
        for username, full_name, unit_code, title, role, _note in LOGINS:
            if user_model.objects.filter(username=username).exists():
                continue
            profile = officer_create(username=username, password=DEMO_PASSWORD, full_name=full_name,
                                     unit=Unit.objects.get(code=unit_code), title=title, role=role)
            if role == Role.CENTRAL_ADMIN:
                profile.user.is_superuser = True
                profile.user.save(update_fields=["is_superuser"])

    @transaction.atomic
    def _ensure_officers(self) -> None:
        """Three officers per Chi cục, the Chi cục's cases shared among them (the demo officer gets a third of
        Vị Thanh's), assigned through the service like a unit head would."""
        rng = random.Random(7)
        demo_officer = get_user_model().objects.get(username="chv.vithanh")
        for code, _name in DISTRICTS:
            unit = Unit.objects.get(code=code)
            officers = list(OfficerProfile.objects.filter(unit=unit, role=Role.OFFICER).select_related("user"))
            while len(officers) < 3:
                username = f"chv.{code.lower().replace('-', '.')}.{len(officers) + 1}"
                officers.append(officer_create(username=username, password=DEMO_PASSWORD,
                                               full_name=person_name(rng), unit=unit, title=Title.CHV_SO_CAP))
            users = [p.user for p in officers]
            if code == "HG-VT":
                users = [demo_officer, *[u for u in users if u != demo_officer]]
            unassigned = list(Case.objects.filter(unit=unit, officer__isnull=True).order_by("case_no")
                              .values_list("pk", flat=True))
            for index, user in enumerate(users):
                cases_assign(actor=None, case_ids=unassigned[index::len(users)], officer=user)

    def _ensure_assets(self) -> None:
        """Seizures, valuations and auction rounds for Vị Thanh's bank cases, through the asset services.
        Their few case events (a sale paid, a return to the debtor) are dated after FY2019 — the last period
        the published figures depend on — and after the ledger's own events, so those figures do not move."""
        assets = Asset.objects.filter(unit__code=ASSETS_UNIT)
        took = ""
        if not assets.exists():
            started = time.perf_counter()
            demo_assets.demo_asset_histories(
                demo_assets.demo_bank_cases(ASSETS_UNIT), until=hau_giang.LEDGER_END, events_after=hau_giang.FY19[1],
                preferred_officer=get_user_model().objects.get(username="chv.vithanh"))
            took = f" ({time.perf_counter() - started:.1f} giây)"
        self.stdout.write(demo_assets.asset_summary(assets).line() + took)

    def _print_figures(self) -> None:
        from reports.services import report_build

        province = Unit.objects.get(code=PROVINCE[0])
        start, end = (date.fromisoformat(d) for d in FY2019)
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
        self.stdout.write(f"\nHậu Giang, năm 2019 ({FY2019[0]} – {FY2019[1]}), tính từ cơ sở dữ liệu:")
        for label, (value, published) in figures.items():
            shown = "—" if value is None else f"{value:.2f}"
            mark = "✓" if value is not None and f"{value:.2f}" == published else "≠"
            self.stdout.write(f"  {label:<52} {shown:>7}   (công bố {published}) {mark}")

