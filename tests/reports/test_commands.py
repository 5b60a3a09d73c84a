"""The statistics commands: stats (the JSON contract and the table), stats_refresh and import_targets."""
import io
import json
from datetime import date
from decimal import Decimal

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from reports.indicators import CASE_INDICATORS, MONEY_INDICATORS
from reports.models import ClosedPeriod, Snapshot, StatsJob, Target
from reports.services import target_set
from tests.reports.test_reports_services import (
    FY2019_HG_CASES,
    FY2019_HG_MONEY,
    FY2019_HG_YEAR_ON_YEAR,
    build_fy2019,
)

TOP_LEVEL_KEYS = {"unit", "period", "category", "cases", "money", "targets", "gap_to_target", "year_on_year"}
CASE_KEYS = ["carried_over", "new", "accepted", "transferred_out", "to_enforce", "with_conditions", "completed",
             "terminated", "resolved", "in_progress", "postponed_or_suspended", "without_conditions",
             "carried_forward", "rate"]


@pytest.fixture
def fy2019(org, people):
    return build_fy2019(org, people)


@pytest.fixture
def targets(org, people):
    """HG: FY2019 73 % / 73 %; FY2020 80 % of cases (no money target)."""
    for year, metric, value in ((2019, "cases", "73"), (2019, "money", "73"), (2020, "cases", "80")):
        target_set(actor=people["central"], unit=org["HG"], fiscal_year=year, metric=metric, value=Decimal(value))


def stats(*args) -> str:
    out = io.StringIO()
    call_command("stats", *args, stdout=out)
    return out.getvalue()


def stats_json(*args) -> dict:
    return json.loads(stats(*args, "--format", "json"))


def _nothing_written() -> tuple:
    return (Snapshot.objects.count(), StatsJob.objects.count(), ClosedPeriod.objects.count())


# ---- stats: the JSON contract ----------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_fy2019_when_stats_prints_json_then_the_contract_holds_exactly(org, fy2019, targets):
    # when
    report = stats_json("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30")
    # then
    assert set(report) == TOP_LEVEL_KEYS
    assert list(report["cases"]) == CASE_KEYS
    assert list(CASE_INDICATORS) == CASE_KEYS
    assert sorted(report["money"]) == sorted([*CASE_KEYS, "collected", "reduced"])
    assert list(report["money"]) == list(MONEY_INDICATORS)
    assert report == {
        "unit": "HG",
        "period": {"start": "2018-10-01", "end": "2019-09-30"},
        "category": None,
        "cases": FY2019_HG_CASES,
        "money": FY2019_HG_MONEY,
        "targets": {"cases": 73, "money": 73},
        "gap_to_target": {"cases": -6.33, "money": 1.38},
        "year_on_year": FY2019_HG_YEAR_ON_YEAR,
    }


@pytest.mark.django_db
def test_given_fy2019_when_stats_prints_json_then_counts_and_money_are_integers_and_rates_numbers(org, fy2019):
    report = stats_json("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30")
    for section in ("cases", "money"):
        for key, value in report[section].items():
            if key == "rate":
                assert isinstance(value, float)
                assert value == round(value, 2)
            else:
                assert type(value) is int, (section, key, value)
    assert (report["cases"]["rate"], report["money"]["rate"]) == (66.67, 74.38)


@pytest.mark.django_db
def test_given_no_case_with_conditions_when_stats_prints_json_then_rate_and_gap_are_null(org, fy2019, targets):
    # HG FY2019, category corruption: no case at all
    report = stats_json("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30",
                        "--category", "tham_nhung_kinh_te")
    assert report["category"] == "tham_nhung_kinh_te"
    assert report["cases"] == {key: (None if key == "rate" else 0) for key in CASE_KEYS}
    assert (report["money"]["with_conditions"], report["money"]["rate"]) == (0, None)
    assert report["targets"] == {"cases": 73, "money": 73}
    assert report["gap_to_target"] == {"cases": None, "money": None}
    assert report["year_on_year"]["cases"] == {"accepted": None, "to_enforce": None, "with_conditions": None,
                                               "resolved": None, "rate_points": None}


@pytest.mark.django_db
def test_given_a_period_ending_in_october_when_stats_prints_json_then_the_next_fiscal_years_targets_apply(
        org, fy2019, targets):
    september = stats_json("--unit", "HG", "--from", "2019-09-01", "--to", "2019-09-30")
    october = stats_json("--unit", "HG", "--from", "2019-10-01", "--to", "2019-10-31")
    # FY2019 ends 30/9/2019; 31/10/2019 is in FY2020
    assert september["targets"] == {"cases": 73, "money": 73}
    assert october["targets"] == {"cases": 80, "money": None}
    # October FY2020: three cases carried over (B in progress, C without conditions, E postponed), none resolved
    assert (october["cases"]["carried_over"], october["cases"]["with_conditions"], october["cases"]["rate"]) == (
        3, 1, 0.0)
    assert october["gap_to_target"] == {"cases": -80.0, "money": None}


@pytest.mark.django_db
def test_given_the_same_period_a_year_earlier_when_stats_prints_json_then_year_on_year_compares_them(org, fy2019):
    # October 2019: 3 carried over, 1 with conditions; October 2018: only A (carried over, in progress)
    report = stats_json("--unit", "HG", "--from", "2019-10-01", "--to", "2019-10-31")
    assert report["year_on_year"]["cases"] == {"accepted": 200.0, "to_enforce": 200.0, "with_conditions": 0.0,
                                               "resolved": None, "rate_points": 0.0}
    # money: 5,284,567 against A's 4,000,000 remaining on 1/10/2018
    assert report["year_on_year"]["money"]["accepted"] == 32.11


# ---- stats: the table ------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_fy2019_when_stats_prints_a_table_then_labels_are_vietnamese_and_amounts_grouped(org, fy2019,
                                                                                              targets):
    table = stats("--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30", "--format", "table")
    lines = table.splitlines()
    assert lines[0] == "HG — Cục THADS tỉnh Hậu Giang"
    assert lines[1] == "Kỳ 01/10/2018 – 30/09/2019, nhóm việc: tất cả"
    rows = {line[:28].strip(): line[28:].split() for line in lines[3:] if line[:28].strip()}
    assert rows["Số cũ chuyển sang"] == ["1", "4.000.000"]
    assert rows["Tổng số phải thi hành"] == ["5", "11.234.567"]
    assert rows["Tỷ lệ (%)"] == ["66,67", "%", "74,38", "%"]
    assert "1.234.567" in table
    assert "Việc: chỉ tiêu 73,00 %, chênh lệch -6,33 điểm" in lines
    assert "Tiền: chỉ tiêu 73,00 %, chênh lệch +1,38 điểm" in lines
    assert "carried_over" not in table


# ---- stats: bad input ------------------------------------------------------------------------------------

@pytest.mark.django_db
@pytest.mark.parametrize("args,message", [
    (["--unit", "XX", "--from", "2018-10-01", "--to", "2019-09-30"], "Không có đơn vị «XX»."),
    (["--unit", "HG", "--from", "2019-02-30", "--to", "2019-09-30"],
     "«2019-02-30» không phải ngày hợp lệ (YYYY-MM-DD)."),
    (["--unit", "HG", "--from", "2018-10-01", "--to", "30/09/2019"],
     "«30/09/2019» không phải ngày hợp lệ (YYYY-MM-DD)."),
    (["--unit", "HG", "--from", "2019-09-30", "--to", "2018-10-01"], "Ngày cuối kỳ trước ngày đầu kỳ."),
    (["--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30", "--category", "bogus"],
     "Không có nhóm việc «bogus»; dùng một trong: tin_dung_ngan_hang, ngan_sach, tham_nhung_kinh_te, khac."),
])
def test_given_bad_input_when_stats_runs_then_a_clear_command_error_and_nothing_written(org, fy2019, args,
                                                                                         message):
    out = io.StringIO()
    with pytest.raises(CommandError) as refused:
        call_command("stats", *args, stdout=out)
    assert str(refused.value) == message
    assert out.getvalue() == ""
    assert _nothing_written() == (0, 0, 0)


@pytest.mark.django_db
def test_given_an_unknown_format_when_stats_runs_then_it_is_refused(org):
    with pytest.raises(CommandError) as refused:
        call_command("stats", "--unit", "HG", "--from", "2018-10-01", "--to", "2019-09-30", "--format", "xml",
                     stdout=io.StringIO())
    assert "xml" in str(refused.value)


# ---- stats_refresh ---------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_data_when_stats_refresh_waits_then_it_prints_the_job_and_it_succeeds(org, fy2019):
    # when
    out = io.StringIO()
    call_command("stats_refresh", "--wait", "--today", "2019-11-15", stdout=out)
    # then
    job = StatsJob.objects.get()
    assert (job.kind, job.params, job.status, job.progress) == (
        "manual_refresh", {"today": "2019-11-15"}, StatsJob.Status.SUCCEEDED, 100)
    assert out.getvalue().splitlines() == [f"job {job.pk} queued",
                                           f"job {job.pk} succeeded 100% đã ghi 50 số liệu chốt kỳ"]
    assert Snapshot.objects.count() == 50
    assert set(Snapshot.objects.values_list("period_end", flat=True)) == {date(2019, 10, 31),
                                                                              date(2019, 11, 15)}


@pytest.mark.django_db
def test_given_a_malformed_today_when_stats_refresh_runs_then_a_command_error_and_no_job(org):
    with pytest.raises(CommandError) as refused:
        call_command("stats_refresh", "--today", "2019-13-45", stdout=io.StringIO())
    assert "2019-13-45" in str(refused.value)
    assert _nothing_written() == (0, 0, 0)


# ---- import_targets --------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_a_good_file_when_import_targets_runs_then_it_reports_the_count(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("unit_code,fiscal_year,metric,value,decision_ref\nHG,2019,cases,73,NQ 96/2019/QH14\n"
                    "HG,2019,money,33,NQ 96/2019/QH14\n", encoding="utf-8")
    out = io.StringIO()
    call_command("import_targets", str(path), stdout=out)
    assert out.getvalue() == "2 targets imported\n"
    assert set(Target.objects.values_list("unit__code", "fiscal_year", "metric", "value")) == {
        ("HG", 2019, "cases", Decimal("73.00")), ("HG", 2019, "money", Decimal("33.00"))}


@pytest.mark.django_db
def test_given_a_file_with_a_bad_row_when_import_targets_runs_then_nothing_is_written(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("unit_code,fiscal_year,metric,value\nHG,2019,cases,73\nHG,2019,money,101\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_targets", str(path), stdout=io.StringIO())
    assert str(refused.value) == "dòng 3, cột value: Chỉ tiêu là tỷ lệ phần trăm từ 0 đến 100."
    assert Target.objects.count() == 0


@pytest.mark.django_db
def test_given_wrong_columns_when_import_targets_runs_then_it_is_refused(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("unit,year,metric,value\nHG,2019,cases,73\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_targets", str(path), stdout=io.StringIO())
    assert str(refused.value).startswith("tệp CSV chỉ tiêu dòng 1: ")
    assert Target.objects.count() == 0


@pytest.mark.django_db
def test_given_a_missing_file_when_import_targets_runs_then_it_is_refused(org, tmp_path):
    missing = tmp_path / "nope.csv"
    with pytest.raises(CommandError) as refused:
        call_command("import_targets", str(missing), stdout=io.StringIO())
    assert str(refused.value) == f"{missing}: no such file"
    assert Target.objects.count() == 0


@pytest.mark.django_db
def test_given_a_nan_value_when_import_targets_runs_then_a_command_error_names_the_row(org, tmp_path):
    path = tmp_path / "targets.csv"
    path.write_text("unit_code,fiscal_year,metric,value\nHG,2019,cases,73\nHG,2019,money,NaN\n", encoding="utf-8")
    with pytest.raises(CommandError) as refused:
        call_command("import_targets", str(path), stdout=io.StringIO())
    assert str(refused.value).startswith("dòng 3, cột value: ")
    assert Target.objects.count() == 0
