"""The demo's logins and its generated officers, all working today in units that exist today.

The usernames of the Hậu Giang demo are kept (the docs and the browser tests use them) but the people work
where their office went on 01/07/2025: the Vị Thanh head and officer in the regional office that replaced the
Chi cục (org.DEMO_OFFICE), the statistician at the city agency. A person's profile unit is where they work
today; the cases keep the unit that accepted them, and the successor links give the new units their scope.
"""
import random

from django.contrib.auth import get_user_model
from django.db import transaction

from cases.ledger.synthetic import DISTRICTS, person_name
from cases.models import Case
from cases.services import cases_assign
from reports.demo.org import CITY, DEMO_OFFICE, OFFICES, SUCCESSOR
from thads.org.models import OfficerProfile, Role, Title, Unit
from thads.org.services import officer_create, officer_profile_save

DEMO_PASSWORD = "thads-demo-2026"  # noqa: S105 — printed for the demo, never used outside it
DEMO_OFFICER = "chv.vithanh"
# username, full name, unit today, title, role, what to try
LOGINS = [
    ("admin", "Quản trị hệ thống", CITY[0], Title.KHAC, Role.CENTRAL_ADMIN, "toàn quốc, mọi quyền"),
    ("truong.cantho", "Phạm Thị Cẩm", CITY[0], Title.THU_TRUONG, Role.UNIT_HEAD,
     "thủ trưởng THADS thành phố Cần Thơ: cả thành phố, gồm hồ sơ cũ của Hậu Giang; chỉ tiêu các phòng"),
    ("thongke.haugiang", "Trần Thị Thống", CITY[0], Title.THAM_TRA_VIEN, Role.STATISTICIAN,
     "thẩm tra viên THADS thành phố Cần Thơ (trước là Cục Hậu Giang): số liệu 2016–nay, không sửa, khóa kỳ"),
    ("truong.vithanh", "Nguyễn Văn Trường", DEMO_OFFICE, Title.THU_TRUONG, Role.UNIT_HEAD,
     "trưởng phòng khu vực 6 (Vị Thanh, Vị Thủy): mọi hồ sơ của phòng, phân công, thụ lý việc mới"),
    (DEMO_OFFICER, "Lê Minh Chấp", DEMO_OFFICE, Title.CHV_TRUNG_CAP, Role.OFFICER,
     "chấp hành viên khu vực 6: việc quá hạn, đến hạn hôm nay và trong tuần; án ngân hàng có tài sản đấu giá"),
]
OFFICERS_PER_OLD_UNIT = 3


def logins_ensure() -> None:
    """Create the demo logins, or move an existing one to its unit of today."""
    user_model = get_user_model()
    units = {unit.code: unit for unit in Unit.objects.filter(code__in=[row[2] for row in LOGINS])}
    with transaction.atomic():
        for username, full_name, unit_code, title, role, _note in LOGINS:
            user = user_model.objects.filter(username=username).first()
            if user is None:
                profile = officer_create(username=username, password=DEMO_PASSWORD, full_name=full_name,
                                         unit=units[unit_code], title=title, role=role)
                user = profile.user
            else:
                officer_profile_save(user=user, unit=units[unit_code], title=title, role=role, full_name=full_name)
            if role == Role.CENTRAL_ADMIN and not user.is_superuser:
                user.is_superuser = True
                user.save(update_fields=["is_superuser"])


def officer_username(old_code: str, number: int) -> str:
    return f"chv.{old_code.lower().replace('-', '.')}.{number}"


@transaction.atomic
def officers_ensure(*, first_for_demo_officer: list[str] = ()) -> None:
    """Three officers for each old Chi cục's territory, working today in its successor office; the cases of
    the Chi cục are shared among its three, the regional office's own cases among all of the office's
    officers (assigned through the service, as a head would). The demo officer is Vị Thanh's first and gets
    ``first_for_demo_officer`` (case numbers) before the sharing."""
    rng = random.Random(7)
    user_model = get_user_model()
    demo_officer = user_model.objects.get(username=DEMO_OFFICER)
    offices = {unit.code: unit for unit in Unit.objects.filter(code__in=[code for code, _n, _o in OFFICES])}
    if first_for_demo_officer:
        ids = list(Case.objects.filter(case_no__in=first_for_demo_officer, officer__isnull=True)
                   .values_list("pk", flat=True))
        cases_assign(actor=None, case_ids=ids, officer=demo_officer)
    by_office: dict[str, list] = {code: [] for code in offices}
    for old_code, _name in DISTRICTS:
        office = offices[SUCCESSOR[old_code]]
        users = [demo_officer] if old_code == "HG-VT" else []
        number = len(users)
        while len(users) < OFFICERS_PER_OLD_UNIT:
            number += 1
            username = officer_username(old_code, number)
            user = user_model.objects.filter(username=username).first()
            if user is None:
                user = officer_create(username=username, password=DEMO_PASSWORD, full_name=person_name(rng),
                                      unit=office, title=Title.CHV_SO_CAP).user
            else:
                person_name(rng)  # keep the names of the next officers as on a first load
                profile = user.officer_profile
                if profile.unit_id != office.pk:
                    officer_profile_save(user=user, unit=office, title=profile.title, role=profile.role,
                                         full_name=profile.full_name)
            users.append(user)
        by_office[office.code] += users
        _share(Case.objects.filter(unit__code=old_code), users)
    for code, users in by_office.items():
        _share(Case.objects.filter(unit__code=code), users)


def _share(cases, users) -> None:
    unassigned = list(cases.filter(officer__isnull=True).order_by("case_no").values_list("pk", flat=True))
    for index, user in enumerate(users):
        cases_assign(actor=None, case_ids=unassigned[index::len(users)], officer=user)


def login_rows() -> list[tuple[str, str, str, str]]:
    """(username, full name, unit code today, what to try) for the printout."""
    profiles = {p.user.username: p for p in OfficerProfile.objects.filter(
        user__username__in=[row[0] for row in LOGINS]).select_related("user", "unit")}
    return [(username, full_name, profiles[username].unit.code if username in profiles else unit_code, note)
            for username, full_name, unit_code, _title, _role, note in LOGINS]
