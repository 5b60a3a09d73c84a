"""`demo --no-serve` loads Hậu Giang through the ledger import, and `stats` then reproduces every figure of
the 2019 interview (shared/reference/hau-giang-2019-interview.txt); the demo also lives today: the Cần Thơ
units of the 2025 reorganisation exist with their predecessors, every login works in a unit of today, the demo
officer has work overdue, due on the next working day and due within the week, and the current fiscal year has
new cases. Slow (a realistic province: ~38,000 cases, ~150,000 events, loaded once), and the proof that import,
engine, targets and deadlines fit together."""
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.utils import timezone

from cases.models import Asset
from reports.demo import logins, org
from reports.demo.loader import officer_today
from reports.indicators import percentage_change, rate
from reports.selectors import targets_for
from reports.services import report_build
from thads.core.dates import fiscal_year_bounds, fiscal_year_of
from thads.org.models import OfficerProfile, Unit

pytestmark = [pytest.mark.slow, pytest.mark.django_db]


def stats(*args) -> dict:
    out = io.StringIO()
    call_command("stats", "--unit", "HG", *args, "--format", "json", stdout=out)
    return json.loads(out.getvalue())


def test_demo_then_stats_reproduce_the_interview():
    out = io.StringIO()
    call_command("demo", "--no-serve", stdout=out)
    assert "truong.vithanh" in out.getvalue() and "≠" not in out.getvalue()

    fy2019 = stats("--from", "2018-10-01", "--to", "2019-09-30")
    bank2019 = stats("--from", "2018-10-01", "--to", "2019-09-30", "--category", "tin_dung_ngan_hang")
    fy2018 = stats("--from", "2017-10-01", "--to", "2018-09-30")
    bank2018 = stats("--from", "2017-10-01", "--to", "2018-09-30", "--category", "tin_dung_ngan_hang")

    # "Về việc đạt tỷ lệ 74,38% (… vượt 1,38%), về tiền, đạt tỷ lệ 51,25% (… vượt 18,25%)"
    assert fy2019["cases"]["rate"] == 74.38 and fy2019["money"]["rate"] == 51.25
    assert fy2019["targets"] == {"cases": 73.0, "money": 33.0}
    assert fy2019["gap_to_target"] == {"cases": 1.38, "money": 18.25}
    # "số việc phải giải quyết loại này chỉ chiếm 3,50% về việc nhưng đã chiếm đến 47,13% về tiền"
    assert rate(bank2019["cases"]["to_enforce"], fy2019["cases"]["to_enforce"]) == Decimal("3.50")
    assert rate(bank2019["money"]["to_enforce"], fy2019["money"]["to_enforce"]) == Decimal("47.13")
    # "đạt tỷ lệ 17,53% về việc và 29,77% về tiền trong số có điều kiện giải quyết"
    assert bank2019["cases"]["rate"] == 17.53 and bank2019["money"]["rate"] == 29.77
    # "đã giải quyết tăng 10,94% về việc so với cùng kỳ năm 2018"
    assert percentage_change(bank2019["cases"]["resolved"], bank2018["cases"]["resolved"]) == Decimal("10.94")
    assert bank2019["year_on_year"]["cases"]["resolved"] == 10.94
    # "số việc thụ lý, giải quyết tăng 21,72%, số tiền tăng 12,57% so với năm 2018"
    assert percentage_change(fy2019["cases"]["to_enforce"], fy2018["cases"]["to_enforce"]) == Decimal("21.72")
    assert percentage_change(fy2019["money"]["to_enforce"], fy2018["money"]["to_enforce"]) == Decimal("12.57")
    # the identities of domain.md §6 hold on the demo too
    for report in (fy2019, bank2019, fy2018):
        for metric in ("cases", "money"):
            figures = report[metric]
            assert figures["to_enforce"] == (figures["with_conditions"] + figures["without_conditions"]
                                             + figures["postponed_or_suspended"])
    # several thousand cases a year
    assert fy2019["cases"]["new"] > 5000 and fy2018["cases"]["new"] > 5000

    # the demo lives today: the organisation after 1/7/2025, with who replaced whom
    today = timezone.localdate()
    city = Unit.objects.get(code="CT")
    assert city.name == "Thi hành án dân sự thành phố Cần Thơ" and city.is_active_on(today)
    assert list(city.predecessors.values_list("code", flat=True)) == ["HG"]
    for code, _name, olds in org.OFFICES:
        office = Unit.objects.get(code=code)
        assert office.parent == city and office.is_active_on(today) and office.level == "regional"
        assert sorted(office.predecessors.values_list("code", flat=True)) == sorted(olds)
    old = Unit.objects.filter(code__startswith="HG")
    assert old.count() == 9 and set(old.values_list("valid_to", flat=True)) == {org.OLD_END}
    # every login works in a unit of today; the officer keeps Vị Thanh's bank cases with their assets
    for username, *_rest in logins.LOGINS:
        assert OfficerProfile.objects.get(user__username=username).unit.is_active_on(today), username
    assert OfficerProfile.objects.get(user__username="chv.vithanh").unit.code == "CT-KV6"
    assert OfficerProfile.objects.get(user__username="thongke.haugiang").unit.code == "CT"
    assert not OfficerProfile.objects.filter(unit__valid_to__lt=today).exists()
    assert Asset.objects.filter(unit__code="HG-VT", seizures__case__officer__username="chv.vithanh").exists()
    # the demo officer's work on the day of the load (deadlines_due over the cases assigned to them)
    duties = officer_today("chv.vithanh", today=today)
    assert duties.overdue >= 1 and duties.due_next_working_day >= 1 and duties.due_within_week >= 1
    assert duties.overdue < 40  # a handful, not years of backlog
    assert f"chv.vithanh: {duties.overdue} việc quá hạn" in out.getvalue()
    # the current fiscal year has new cases, the last one a full year, both with the city's targets
    fiscal_year = fiscal_year_of(today)
    current = report_build(unit=city, start=fiscal_year_bounds(fiscal_year)[0], end=today)
    last = report_build(unit=city, start=fiscal_year_bounds(fiscal_year - 1)[0],
                        end=fiscal_year_bounds(fiscal_year - 1)[1])
    assert current["cases"]["new"] > 0 and last["cases"]["new"] > 1500
    assert targets_for(city, fiscal_year)["cases"] is not None
    assert targets_for(Unit.objects.get(code="CT-KV6"), fiscal_year - 1)["money"] is not None
    assert targets_for(Unit.objects.get(code="HG-VT"), 2019)["cases"] == Decimal("74.00")

    # rerunning the demo reuses what is loaded
    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "dùng lại" in again.getvalue()
    assert stats("--from", "2018-10-01", "--to", "2019-09-30") == fy2019
