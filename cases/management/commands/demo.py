"""python manage.py demo [--no-serve] — load the demo (through the ledger import), create the demo logins,
print them, and serve the app on http://127.0.0.1:8000. Rerunning it reuses what is already loaded."""
import tempfile

from django.contrib.auth import get_user_model
from django.core.management import call_command
from django.core.management.base import BaseCommand
from django.db import transaction

from cases.ledger.importer import import_ledger
from cases.ledger.synthetic import DISTRICTS, PROVINCE, generate_ledger, person_name
from cases.models import Case
from cases.services import case_update
from thads.org.models import OfficerProfile, Role, Title, Unit
from thads.org.services import officer_create, roles_sync

DEMO_PREFIX = "DEMO"
DEMO_PASSWORD = "thads-demo-2026"  # noqa: S105 — printed for the demo, never used outside it
LOGINS = [
    # username, full name, unit, title, role, what to try
    ("admin", "Quản trị hệ thống", PROVINCE[0], Title.KHAC, Role.CENTRAL_ADMIN, "toàn quốc, mọi quyền"),
    ("truong.vithanh", "Nguyễn Văn Trường", "HG-VT", Title.THU_TRUONG, Role.UNIT_HEAD,
     "lãnh đạo Chi cục Vị Thanh: mọi hồ sơ của Chi cục"),
    ("thongke.haugiang", "Trần Thị Thống", PROVINCE[0], Title.THAM_TRA_VIEN, Role.STATISTICIAN,
     "thẩm tra viên Cục: xem toàn tỉnh, không sửa"),
    ("chv.vithanh", "Lê Minh Chấp", "HG-VT", Title.CHV_TRUNG_CAP, Role.OFFICER,
     "chấp hành viên Vị Thanh: xem hồ sơ Chi cục, ghi hồ sơ được phân công"),
]


class Command(BaseCommand):
    help = "Load the demo data and logins, then serve on 127.0.0.1:8000 (--no-serve: load only)."

    def add_arguments(self, parser):
        parser.add_argument("--no-serve", action="store_true", help="load the demo and stop")
        parser.add_argument("--addrport", default="127.0.0.1:8000")
        parser.add_argument("--cases", type=int, default=400)
        parser.add_argument("--events", type=int, default=1100)

    def handle(self, *args, no_serve=False, addrport="127.0.0.1:8000", cases=400, events=1100, **options):
        call_command("migrate", interactive=False, verbosity=0)
        roles_sync()
        if Case.objects.filter(case_no__startswith=f"{DEMO_PREFIX}-").exists():
            self.stdout.write("Dữ liệu demo đã có sẵn; dùng lại.")
        else:
            with tempfile.TemporaryDirectory() as directory:
                generate_ledger(directory, cases=cases, events=events, seed=2019, prefix=DEMO_PREFIX)
                summary = import_ledger(directory)
            self._pay_out_collections()
            self.stdout.write(f"Đã nạp sổ demo qua import_ledger: {summary.cases} hồ sơ, {summary.events} sự kiện, "
                              f"{summary.units_created} đơn vị, {summary.banks_created} ngân hàng "
                              f"({summary.seconds:.1f} giây).")
        self._ensure_logins()
        self._ensure_officers()
        self.stdout.write(f"\nĐăng nhập demo (mật khẩu chung: {DEMO_PASSWORD}):")
        for username, full_name, unit_code, _title, _role, note in LOGINS:
            self.stdout.write(f"  {username:<18} {full_name:<20} {unit_code:<6} {note}")
        if no_serve:
            return
        self.stdout.write(f"\nTrang quản trị: http://{addrport}/admin/  (Ctrl+C để dừng)\n")
        call_command("runserver", addrport, use_reloader=False)

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
    def _pay_out_collections(self) -> None:
        """Most collections are paid out to the creditor within a few days, some late, a few not yet —
        so the deadline lists have something true to show. Recorded through payout_record."""
        import random
        from datetime import timedelta

        from django.utils import timezone

        from cases.codes import EventKind
        from cases.models import CaseEvent
        from cases.services import payout_record

        rng = random.Random(11)
        today = timezone.localdate()
        collections = (CaseEvent.objects.filter(kind=EventKind.THU_TIEN, case__case_no__startswith=f"{DEMO_PREFIX}-")
                       .select_related("case").order_by("case_id", "sequence"))
        for event in collections:
            if rng.random() < 0.08:
                continue  # not paid out yet
            paid_on = min(today, event.date + timedelta(days=rng.choice([1, 2, 3, 5, 7, 9, 12, 20])))
            creditor = event.case.parties.filter(role="creditor").values_list("name", flat=True).first() or "—"
            payout_record(actor=None, case=event.case, paid_on=paid_on, amount=event.amount, recipient=creditor)

    @transaction.atomic
    def _ensure_officers(self) -> None:
        """Two officers per district, and the district's cases shared among them (the demo officer gets
        half of Vị Thanh's), assigned through the service like a unit head would."""
        import random

        rng = random.Random(7)
        demo_officer = get_user_model().objects.get(username="chv.vithanh")
        for code, _name in DISTRICTS:
            unit = Unit.objects.get(code=code)
            officers = list(OfficerProfile.objects.filter(unit=unit, role=Role.OFFICER).select_related("user"))
            while len(officers) < 2:
                username = f"chv.{code.lower().replace('-', '.')}.{len(officers) + 1}"
                officers.append(officer_create(username=username, password=DEMO_PASSWORD,
                                               full_name=person_name(rng), unit=unit, title=Title.CHV_SO_CAP))
            unassigned = Case.objects.filter(unit=unit, officer__isnull=True, case_no__startswith=f"{DEMO_PREFIX}-")
            users = [p.user for p in officers]
            if code == "HG-VT":
                users = [demo_officer, *[u for u in users if u != demo_officer]]
            for index, case in enumerate(unassigned.order_by("case_no")):
                case_update(actor=None, case=case, officer=users[index % len(users)])
