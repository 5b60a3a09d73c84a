"""`demo --no-serve` loads Hậu Giang through the ledger import, and `stats` then reproduces every figure of
the 2019 interview (shared/reference/hau-giang-2019-interview.txt). Slow (a realistic province: ~33,000
cases, ~106,000 events), and the proof that import, engine and targets fit together."""
import io
import json
from decimal import Decimal

import pytest
from django.core.management import call_command

from reports.indicators import percentage_change, rate

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

    # rerunning the demo reuses what is loaded
    again = io.StringIO()
    call_command("demo", "--no-serve", stdout=again)
    assert "dùng lại" in again.getvalue()
    assert stats("--from", "2018-10-01", "--to", "2019-09-30") == fy2019
