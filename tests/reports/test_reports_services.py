"""reports.services: the report contract, targets, closing periods, snapshots and breakdowns (domain.md §6).

The data is a handful of hand-built cases whose FY2019 figures are worked out by hand in ``FY2019_HG``."""
from datetime import date
from decimal import Decimal

import pytest

from cases.codes import Category, EventKind, Origin
from cases.services import statistical_date
from reports.indicators import CASE_INDICATORS, MONEY_INDICATORS
from reports.models import ClosedPeriod, Snapshot, StatsJob, Target
from reports.selectors import is_closed, statistics_closed_through, targets_for
from reports.services import (
    current_periods,
    job_create,
    period_close,
    report_breakdown,
    report_build,
    snapshots_write,
    statistics_refresh,
    target_set,
    targets_import_csv,
)
from tests.factories import make_case, record
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Role, Title
from thads.org.services import officer_create

FY2019 = (date(2018, 10, 1), date(2019, 9, 30))
OCTOBER_2019 = (date(2019, 10, 1), date(2019, 10, 31))
TO_DATE_2019_11_15 = (date(2019, 10, 1), date(2019, 11, 15))
CLOSE_TODAY = date(2019, 10, 15)
SUMMED = [key for key in CASE_INDICATORS if key != "rate"]
SUMMED_MONEY = [key for key in MONEY_INDICATORS if key != "rate"]


def build_fy2019(org, people) -> dict:
    """Seven cases of HG (four in HG-VT, two in HG-NB, one ended in FY2018) and one of ST-A.

    FY2019 of HG, by case: A carried over and completed (collected 1,500,000 + 2,500,000); B new budget case,
    reduced 450,000, in progress; C new, without conditions; D new credit case, terminated (1,500,000);
    E new, postponed on ground a; F new, transferred out; G accepted and completed in FY2018."""
    vt, nb = org["HG-VT"], org["HG-NB"]
    officer, officer2 = people["officer"], people["officer2"]
    cases = {}
    cases["G"] = make_case(unit=vt, amount_due=500_000, accepted_on=date(2018, 2, 1), officer=officer)
    record(cases["G"], EventKind.THU_TIEN, date(2018, 3, 1), amount=500_000)
    record(cases["G"], EventKind.XONG, date(2018, 3, 1))
    cases["A"] = make_case(unit=vt, amount_due=4_000_000, accepted_on=date(2018, 8, 1), officer=officer,
                           origin=Origin.CHU_DONG)
    record(cases["A"], EventKind.THU_TIEN, date(2018, 12, 1), amount=1_500_000)
    record(cases["A"], EventKind.THU_TIEN, date(2019, 3, 1), amount=2_500_000)
    record(cases["A"], EventKind.XONG, date(2019, 3, 1))
    cases["B"] = make_case(unit=vt, category=Category.NGAN_SACH, amount_due=2_500_000,
                           accepted_on=date(2018, 11, 10), officer=officer, origin=Origin.CHU_DONG)
    record(cases["B"], EventKind.GIAM, date(2019, 2, 1), amount=450_000)
    cases["C"] = make_case(unit=nb, amount_due=2_000_000, accepted_on=date(2019, 1, 15))
    record(cases["C"], EventKind.CHUA_CO_DIEU_KIEN, date(2019, 2, 1))
    cases["D"] = make_case(unit=nb, category=Category.TIN_DUNG_NGAN_HANG, amount_due=1_500_000,
                           accepted_on=date(2019, 4, 1))
    record(cases["D"], EventKind.DINH_CHI, date(2019, 5, 1), ground="c")
    cases["E"] = make_case(unit=vt, amount_due=1_234_567, accepted_on=date(2019, 5, 10), officer=officer2)
    record(cases["E"], EventKind.HOAN, date(2019, 6, 1), ground="a")
    cases["F"] = make_case(unit=vt, amount_due=7_000_000, accepted_on=date(2019, 6, 1), officer=officer2)
    record(cases["F"], EventKind.UY_THAC_DI, date(2019, 7, 1))
    cases["H"] = make_case(unit=org["ST-A"], amount_due=9_999_999, accepted_on=date(2019, 3, 1))
    return cases


FY2019_HG_CASES = {
    "carried_over": 1, "new": 5, "accepted": 6, "transferred_out": 1, "to_enforce": 5, "with_conditions": 3,
    "completed": 1, "terminated": 1, "resolved": 2, "in_progress": 1, "postponed_or_suspended": 1,
    "without_conditions": 1, "carried_forward": 3, "rate": 66.67,
}
FY2019_HG_MONEY = {
    "carried_over": 4_000_000, "new": 14_234_567, "accepted": 18_234_567, "transferred_out": 7_000_000,
    "to_enforce": 11_234_567, "with_conditions": 8_000_000, "completed": 4_450_000, "terminated": 1_500_000,
    "resolved": 5_950_000, "in_progress": 2_050_000, "postponed_or_suspended": 1_234_567,
    "without_conditions": 2_000_000, "carried_forward": 5_284_567, "collected": 4_000_000, "reduced": 450_000,
    "rate": 74.38,
}
# FY2018 of HG: G new and completed (500,000 collected), A new and in progress (4,000,000).
FY2019_HG_YEAR_ON_YEAR = {
    "cases": {"accepted": 200.0, "to_enforce": 150.0, "with_conditions": 50.0, "resolved": 100.0,
              "rate_points": 16.67},
    "money": {"accepted": 305.21, "to_enforce": 149.66, "with_conditions": 77.78, "resolved": 1090.0,
              "collected": 700.0, "rate_points": 63.27},
}


@pytest.fixture
def fy2019(org, people):
    return build_fy2019(org, people)


def _snapshot_state(**filters) -> dict:
    return {(s.unit.code, s.period_start, s.period_end, s.category): (s.figures, s.computed_at, s.job_id)
            for s in Snapshot.objects.filter(**filters).select_related("unit")}


# ---- report_build ----------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_fy2019_data_and_targets_when_the_report_is_built_then_every_figure_matches_the_hand_count(
        org, people, fy2019):
    # given
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("73"))
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="money", value=Decimal("73"))
    # when
    report = report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])
    # then
    assert report == {
        "unit": "HG",
        "period": {"start": "2018-10-01", "end": "2019-09-30"},
        "category": None,
        "cases": FY2019_HG_CASES,
        "money": FY2019_HG_MONEY,
        "targets": {"cases": 73.0, "money": 73.0},
        "gap_to_target": {"cases": -6.33, "money": 1.38},
        "year_on_year": FY2019_HG_YEAR_ON_YEAR,
    }
    assert list(report["cases"]) == list(CASE_INDICATORS)
    assert list(report["money"]) == list(MONEY_INDICATORS)


@pytest.mark.django_db
def test_given_a_unit_of_the_subtree_when_its_report_is_built_then_only_its_cases_count(org, fy2019):
    report = report_build(unit=org["HG-NB"], start=FY2019[0], end=FY2019[1])
    assert report["cases"] == {
        "carried_over": 0, "new": 2, "accepted": 2, "transferred_out": 0, "to_enforce": 2, "with_conditions": 1,
        "completed": 0, "terminated": 1, "resolved": 1, "in_progress": 0, "postponed_or_suspended": 0,
        "without_conditions": 1, "carried_forward": 1, "rate": 100.0}
    assert (report["money"]["to_enforce"], report["money"]["resolved"], report["money"]["rate"]) == (
        3_500_000, 1_500_000, 100.0)


@pytest.mark.django_db
def test_given_no_case_with_conditions_when_the_report_is_built_then_the_rates_and_gaps_are_none(
        org, people, fy2019):
    target_set(actor=None, unit=org["HG-NB"], fiscal_year=2019, metric="cases", value=Decimal("70"))
    report = report_build(unit=org["HG-NB"], start=FY2019[0], end=FY2019[1], category=Category.KHAC)
    assert (report["cases"]["with_conditions"], report["cases"]["without_conditions"]) == (0, 1)
    assert (report["cases"]["rate"], report["money"]["rate"]) == (None, None)
    assert report["targets"] == {"cases": 70.0, "money": None}
    assert report["gap_to_target"] == {"cases": None, "money": None}
    assert report["category"] == "khac"


@pytest.mark.django_db
@pytest.mark.parametrize("start,end,category,code", [
    (date(2019, 9, 30), date(2018, 10, 1), None, "invalid_period"),
    (date(2018, 10, 1), date(2019, 9, 30), "bogus", "invalid_choice"),
])
def test_given_a_bad_period_or_category_when_the_report_is_built_then_it_is_refused(org, start, end, category,
                                                                                     code):
    with pytest.raises(DomainError) as refused:
        report_build(unit=org["HG"], start=start, end=end, category=category)
    assert refused.value.code == code


# ---- targets ---------------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_an_existing_target_when_it_is_set_again_then_it_is_updated_in_place(org, people):
    # given
    first = target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases",
                       value=Decimal("73"), decision_ref="QĐ 1")
    # when
    second = target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases",
                        value=Decimal("74.50"), decision_ref="QĐ 2")
    # then
    assert second.pk == first.pk
    assert Target.objects.count() == 1
    stored = Target.objects.get()
    assert (stored.value, stored.decision_ref, stored.set_by) == (Decimal("74.50"), "QĐ 2", people["central"])
    assert targets_for(org["HG"], 2019) == {"cases": Decimal("74.50"), "money": None}


@pytest.mark.django_db
@pytest.mark.parametrize("value,year", [(Decimal("0"), 2000), (Decimal("100"), 2100)])
def test_given_boundary_values_when_a_target_is_set_then_it_is_accepted(org, value, year):
    target = target_set(actor=None, unit=org["HG"], fiscal_year=year, metric="money", value=value)
    assert (target.value, target.fiscal_year, target.metric) == (value, year, "money")


@pytest.mark.django_db
@pytest.mark.parametrize("metric,value,year,code,field", [
    ("rate", Decimal("73"), 2019, "invalid_choice", "metric"),
    ("", Decimal("73"), 2019, "invalid_choice", "metric"),
    ("cases", Decimal("100.01"), 2019, "invalid_value", "value"),
    ("cases", Decimal("-0.01"), 2019, "invalid_value", "value"),
    ("cases", Decimal("Infinity"), 2019, "invalid_value", "value"),
    ("cases", Decimal("NaN"), 2019, "invalid_value", "value"),
    ("cases", Decimal("73"), 1999, "invalid_year", "fiscal_year"),
    ("cases", Decimal("73"), 19, "invalid_year", "fiscal_year"),
    ("cases", Decimal("73"), 20190, "invalid_year", "fiscal_year"),
])
def test_given_a_bad_target_when_it_is_set_then_it_is_refused_and_nothing_changes(org, metric, value, year, code,
                                                                                   field):
    # given
    target_set(actor=None, unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("70"))
    # when
    with pytest.raises(DomainError) as refused:
        target_set(actor=None, unit=org["HG"], fiscal_year=year, metric=metric or "", value=value)
    # then
    assert (refused.value.code, refused.value.field) == (code, field)
    assert list(Target.objects.values_list("fiscal_year", "metric", "value")) == [(2019, "cases", Decimal("70"))]


def _write_csv(tmp_path, text: str, name: str = "targets.csv", encoding: str = "utf-8"):
    path = tmp_path / name
    path.write_text(text, encoding=encoding)
    return path


@pytest.mark.django_db
def test_given_a_good_csv_when_targets_are_imported_then_every_row_is_stored(org, tmp_path):
    # given: Excel's BOM, a decimal comma, an optional decision reference
    path = _write_csv(tmp_path, "unit_code,fiscal_year,metric,value,decision_ref\n"
                                "HG,2019,cases,73,QĐ 1\n"
                                'HG,2019,money,"33,25",QĐ 1\n'
                                " HG-VT ,2020,cases,80.5,\n", encoding="utf-8-sig")
    # when
    count = targets_import_csv(path)
    # then
    assert count == 3
    assert set(Target.objects.values_list("unit__code", "fiscal_year", "metric", "value", "decision_ref")) == {
        ("HG", 2019, "cases", Decimal("73.00"), "QĐ 1"),
        ("HG", 2019, "money", Decimal("33.25"), "QĐ 1"),
        ("HG-VT", 2020, "cases", Decimal("80.50"), ""),
    }


@pytest.mark.django_db
def test_given_a_csv_without_decision_ref_when_imported_then_it_is_accepted_and_upserts(org, tmp_path):
    target_set(actor=None, unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("70"))
    path = _write_csv(tmp_path, "unit_code,fiscal_year,metric,value\nHG,2019,cases,73\n")
    assert targets_import_csv(path) == 1
    assert list(Target.objects.values_list("unit__code", "fiscal_year", "metric", "value")) == [
        ("HG", 2019, "cases", Decimal("73.00"))]


BAD_ROWS = [
    ("XX,2019,cases,73", "dòng 3, cột unit_code: không có đơn vị «XX»"),
    ("HG,2019,percent,73", "dòng 3, cột metric: Không có chỉ số «percent»; dùng cases (việc) hoặc money (tiền)."),
    ("HG,2019,money,120", "dòng 3, cột value: Chỉ tiêu là tỷ lệ phần trăm từ 0 đến 100."),
    ("HG,1999,money,50", "dòng 3, cột fiscal_year: Năm thống kê 1999 nằm ngoài phạm vi cho phép."),
]


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row,message", BAD_ROWS)
def test_given_a_csv_with_one_bad_row_when_imported_then_nothing_is_written_and_the_row_is_named(
        org, tmp_path, bad_row, message):
    # given: a target that the good row 2 would overwrite
    target_set(actor=None, unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("70"))
    path = _write_csv(tmp_path, f"unit_code,fiscal_year,metric,value\nHG,2019,cases,73\n{bad_row}\n"
                                "HG-VT,2019,cases,75\n")
    # when
    with pytest.raises(DomainError) as refused:
        targets_import_csv(path)
    # then
    assert (refused.value.code, refused.value.message) == ("invalid_targets", message)
    assert list(Target.objects.values_list("unit__code", "fiscal_year", "metric", "value")) == [
        ("HG", 2019, "cases", Decimal("70.00"))]


@pytest.mark.django_db
@pytest.mark.parametrize("bad_row,column", [
    ("HG,2019,money,abc", "value"),
    ("HG,2019,money,", "value"),
    ("HG,2019,money,NaN", "value"),
    ("HG,20x9,money,50", "fiscal_year"),
])
def test_given_a_non_number_when_targets_are_imported_then_the_message_names_its_row_and_column(
        org, tmp_path, bad_row, column):
    path = _write_csv(tmp_path, f"unit_code,fiscal_year,metric,value\nHG,2019,cases,73\n{bad_row}\n")
    with pytest.raises(DomainError) as refused:
        targets_import_csv(path)
    assert refused.value.code == "invalid_targets"
    assert refused.value.message.startswith(f"dòng 3, cột {column}: ")
    assert Target.objects.count() == 0


@pytest.mark.django_db
def test_given_several_bad_rows_when_imported_then_each_is_listed(org, tmp_path):
    path = _write_csv(tmp_path, "unit_code,fiscal_year,metric,value\nXX,2019,cases,73\nHG,2019,cases,73\n"
                                "HG,2019,ratio,73\n")
    with pytest.raises(DomainError) as refused:
        targets_import_csv(path)
    assert refused.value.message.splitlines() == [
        "dòng 2, cột unit_code: không có đơn vị «XX»",
        "dòng 4, cột metric: Không có chỉ số «ratio»; dùng cases (việc) hoặc money (tiền)."]
    assert Target.objects.count() == 0


@pytest.mark.django_db
@pytest.mark.parametrize("header", [
    "unit,fiscal_year,metric,value",
    "unit_code,fiscal_year,metric",
    "unit_code,fiscal_year,metric,value,comment",
    "",
])
def test_given_wrong_columns_when_targets_are_imported_then_the_file_is_refused(org, tmp_path, header):
    path = _write_csv(tmp_path, f"{header}\nHG,2019,cases,73\n" if header else "")
    with pytest.raises(DomainError) as refused:
        targets_import_csv(path)
    assert refused.value.code == "wrong_columns"
    assert refused.value.message == ("tệp CSV chỉ tiêu dòng 1: các cột phải là unit_code, fiscal_year, metric, "
                                     "value[, decision_ref].")
    assert Target.objects.count() == 0


# ---- closing periods -------------------------------------------------------------------------------------

@pytest.mark.django_db
def test_given_fy2019_when_hg_closes_september_then_snapshots_exist_for_hg_and_its_subtree(org, people, fy2019):
    # given
    live = report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])
    # when
    closed = period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    # then
    assert (closed.unit, closed.end, closed.closed_by) == (org["HG"], FY2019[1], people["statistician"])
    categories = {"", *Category.values}
    stored = _snapshot_state(period_start=FY2019[0], period_end=FY2019[1])
    for code in ("HG", "HG-VT", "HG-NB"):
        assert {key[3] for key in stored if key[0] == code} == categories
    assert stored[("HG", *FY2019, "")][0] == live
    assert statistics_closed_through(org["HG-VT"].pk) == FY2019[1]
    assert (is_closed(org["HG-VT"].pk, FY2019[1]), is_closed(org["HG-VT"].pk, OCTOBER_2019[1])) == (True, False)
    assert (statistics_closed_through(org["ST-A"].pk), is_closed(org["ST-A"].pk, FY2019[1])) == (None, False)


@pytest.mark.django_db
def test_given_a_closure_of_hg_when_statistical_dates_are_computed_then_it_applies_to_hg_vt_only_within_hg(
        org, people):
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    assert statistical_date(org["HG-VT"].pk, date(2019, 9, 20)) == date(2019, 10, 1)
    assert statistical_date(org["HG-VT"].pk, date(2018, 10, 1)) == date(2019, 10, 1)
    assert statistical_date(org["HG-VT"].pk, date(2019, 10, 2)) == date(2019, 10, 2)
    assert statistical_date(org["HG"].pk, date(2019, 9, 30)) == date(2019, 10, 1)
    assert statistical_date(org["ST-A"].pk, date(2019, 9, 20)) == date(2019, 9, 20)


@pytest.mark.django_db
def test_given_a_closed_september_when_late_records_arrive_then_they_count_in_the_open_period(
        org, people, fy2019):
    # given
    closed_report = report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    # when: a collection dated 20/9 and a case accepted 15/9 are recorded after the closing
    late_collection = record(fy2019["B"], EventKind.THU_TIEN, date(2019, 9, 20), amount=500_000)
    late_case = make_case(unit=org["HG-NB"], amount_due=3_000_000, accepted_on=date(2019, 9, 15))
    other_province = record(fy2019["H"], EventKind.THU_TIEN, date(2019, 9, 20), amount=1_000_000)
    # then: legal dates kept, statistical dates moved to the first open day (within HG only)
    late_collection.refresh_from_db()
    late_case.refresh_from_db()
    assert (late_collection.date, late_collection.stat_date) == (date(2019, 9, 20), date(2019, 10, 1))
    assert (late_case.accepted_on, late_case.stat_accepted_on) == (date(2019, 9, 15), date(2019, 10, 1))
    assert other_province.stat_date == date(2019, 9, 20)
    # the closed period's figures do not move
    assert report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1]) == closed_report
    # the open period counts both, and carries over exactly what the closed one carried forward
    october = report_build(unit=org["HG"], start=OCTOBER_2019[0], end=OCTOBER_2019[1])
    assert october["cases"] == {
        "carried_over": 3, "new": 1, "accepted": 4, "transferred_out": 0, "to_enforce": 4, "with_conditions": 2,
        "completed": 0, "terminated": 0, "resolved": 0, "in_progress": 2, "postponed_or_suspended": 1,
        "without_conditions": 1, "carried_forward": 4, "rate": 0.0}
    assert october["money"] == {
        "carried_over": 5_284_567, "new": 3_000_000, "accepted": 8_284_567, "transferred_out": 0,
        "to_enforce": 8_284_567, "with_conditions": 5_050_000, "completed": 500_000, "terminated": 0,
        "resolved": 500_000, "in_progress": 4_550_000, "postponed_or_suspended": 1_234_567,
        "without_conditions": 2_000_000, "carried_forward": 7_784_567, "collected": 500_000, "reduced": 0,
        "rate": 9.9}
    assert october["cases"]["carried_over"] == closed_report["cases"]["carried_forward"]
    assert october["money"]["carried_over"] == closed_report["money"]["carried_forward"]


@pytest.mark.django_db
def test_given_a_closed_period_when_snapshots_are_rewritten_then_its_stored_snapshots_do_not_change(
        org, people, fy2019):
    # given: September closed, then a target, a late collection in HG and a collection in ST-A dated inside it
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    frozen = {key: value for key, value in _snapshot_state(period_start=FY2019[0], period_end=FY2019[1]).items()
              if key[0] in ("HG", "HG-VT", "HG-NB")}
    assert len(frozen) == 15
    target_set(actor=people["central"], unit=org["HG"], fiscal_year=2019, metric="cases", value=Decimal("60"))
    record(fy2019["B"], EventKind.THU_TIEN, date(2019, 9, 20), amount=500_000)
    record(fy2019["H"], EventKind.THU_TIEN, date(2019, 9, 20), amount=1_000_000)
    # when
    written = snapshots_write(start=FY2019[0], end=FY2019[1])
    job = job_create(kind="test")
    statistics_refresh(job=job, today=CLOSE_TODAY)
    # then: only ST's snapshots (not closed) moved; HG's figures and computed_at are those of the closing
    assert written == 4
    after = _snapshot_state(period_start=FY2019[0], period_end=FY2019[1])
    assert {key: after[key] for key in frozen} == frozen
    assert after[("ST-A", *FY2019, "")][0]["money"]["collected"] == 1_000_000
    assert frozen[("HG", *FY2019, "")][0]["targets"] == {"cases": None, "money": None}
    assert report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])["targets"] == {"cases": 60.0,
                                                                                        "money": None}
    job.refresh_from_db()
    assert job.status == StatsJob.Status.SUCCEEDED


@pytest.mark.django_db
@pytest.mark.parametrize("who", ["officer", "head", "outsider", "outsider_statistician"])
def test_given_somebody_other_than_a_statistician_of_hg_when_closing_then_it_is_refused(org, people, fy2019, who):
    # given
    if who == "outsider_statistician":
        actor = officer_create(username="st_statistician", password="pw-test-123", full_name="Cán bộ thống kê ST",
                               unit=org["ST-A"], title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN).user
    else:
        actor = people[who]
    # when
    with pytest.raises(PermissionDeniedError):
        period_close(actor=actor, unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    # then
    assert (ClosedPeriod.objects.count(), Snapshot.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_given_the_outsider_statistician_when_closing_their_own_unit_then_it_is_allowed(org, fy2019):
    actor = officer_create(username="st_statistician", password="pw-test-123", full_name="Cán bộ thống kê ST",
                           unit=org["ST-A"], title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN).user
    closed = period_close(actor=actor, unit=org["ST-A"], end=FY2019[1], today=CLOSE_TODAY)
    assert (closed.unit.code, closed.end) == ("ST-A", FY2019[1])
    assert (is_closed(org["ST-A"].pk, FY2019[1]), is_closed(org["HG-VT"].pk, FY2019[1])) == (True, False)


@pytest.mark.django_db
def test_given_the_central_administrator_when_closing_any_unit_then_it_is_allowed(org, people):
    closed = period_close(actor=people["central"], unit=org["ST"], end=FY2019[1], today=CLOSE_TODAY)
    assert closed.closed_by == people["central"]


@pytest.mark.django_db
@pytest.mark.parametrize("end,code", [
    (date(2019, 9, 29), "not_month_end"),
    (date(2019, 2, 27), "not_month_end"),
    (date(2019, 10, 31), "period_not_over"),
])
def test_given_a_bad_end_when_closing_then_it_is_refused_and_nothing_is_written(org, people, fy2019, end, code):
    with pytest.raises(DomainError) as refused:
        period_close(actor=people["statistician"], unit=org["HG"], end=end, today=CLOSE_TODAY)
    assert (refused.value.code, refused.value.field) == (code, "end")
    assert (ClosedPeriod.objects.count(), Snapshot.objects.count()) == (0, 0)


@pytest.mark.django_db
def test_given_a_february_of_a_leap_year_when_closing_its_last_day_then_it_is_accepted(org, people):
    closed = period_close(actor=people["statistician"], unit=org["HG"], end=date(2020, 2, 29),
                          today=date(2020, 3, 1))
    assert closed.end == date(2020, 2, 29)


@pytest.mark.django_db
@pytest.mark.parametrize("second_unit", ["HG", "HG-VT"])
def test_given_a_closed_period_when_it_or_a_descendant_is_closed_again_then_it_is_refused(
        org, people, fy2019, second_unit):
    # given
    period_close(actor=people["statistician"], unit=org["HG"], end=FY2019[1], today=CLOSE_TODAY)
    before = _snapshot_state()
    # when
    with pytest.raises(DomainError) as refused:
        period_close(actor=people["statistician"], unit=org[second_unit], end=FY2019[1], today=CLOSE_TODAY)
    # then
    assert refused.value.code == "already_closed"
    assert list(ClosedPeriod.objects.values_list("unit__code", "end")) == [("HG", FY2019[1])]
    assert _snapshot_state() == before


# ---- snapshots and the refresh ---------------------------------------------------------------------------

def test_given_dates_when_current_periods_are_asked_then_they_are_the_fiscal_year_to_last_month_and_to_date():
    assert current_periods(date(2019, 11, 15)) == [OCTOBER_2019, TO_DATE_2019_11_15]
    assert current_periods(date(2019, 10, 15)) == [FY2019, (date(2019, 10, 1), date(2019, 10, 15))]
    assert current_periods(date(2019, 10, 31)) == [FY2019, OCTOBER_2019]
    assert current_periods(date(2019, 11, 1)) == [OCTOBER_2019, (date(2019, 10, 1), date(2019, 11, 1))]


@pytest.mark.django_db
def test_given_data_when_the_refresh_runs_then_every_active_unit_and_category_has_a_snapshot(org, people, fy2019):
    # given
    target_set(actor=None, unit=org["HG"], fiscal_year=2020, metric="cases", value=Decimal("80"))
    job = job_create(kind="test")
    # when
    written = statistics_refresh(job=job, today=date(2019, 11, 15))
    # then: HG-KV1 did not exist yet
    expected = {(code, *period, category)
                for code in ("HG", "HG-VT", "HG-NB", "ST", "ST-A")
                for period in (OCTOBER_2019, TO_DATE_2019_11_15)
                for category in ("", *Category.values)}
    stored = _snapshot_state()
    assert written == 50
    assert set(stored) == expected
    assert {job_id for _figures, _at, job_id in stored.values()} == {job.pk}
    job.refresh_from_db()
    assert (job.status, job.progress, job.error) == (StatsJob.Status.SUCCEEDED, 100, "")
    assert job.message == "đã ghi 50 số liệu chốt kỳ"
    assert job.started_at is not None and job.finished_at is not None and job.started_at <= job.finished_at


@pytest.mark.django_db
def test_given_refreshed_snapshots_then_each_equals_the_live_report(org, fy2019):
    target_set(actor=None, unit=org["HG"], fiscal_year=2020, metric="money", value=Decimal("40"))
    statistics_refresh(job=job_create(kind="test"), today=date(2019, 11, 15))
    snapshots = list(Snapshot.objects.select_related("unit"))
    assert len(snapshots) == 50
    for snapshot in snapshots:
        live = report_build(unit=snapshot.unit, start=snapshot.period_start, end=snapshot.period_end,
                            category=snapshot.category or None)
        assert snapshot.figures == live, (snapshot.unit.code, snapshot.period_end, snapshot.category)
    hg = Snapshot.objects.get(unit=org["HG"], period_end=OCTOBER_2019[1], category="")
    assert (hg.figures["cases"]["carried_over"], hg.figures["targets"]) == (3, {"cases": None, "money": 40.0})


@pytest.mark.django_db
def test_given_unchanged_data_when_the_refresh_runs_again_then_nothing_is_written(org, fy2019):
    # given
    statistics_refresh(job=job_create(kind="test"), today=date(2019, 11, 15))
    before = _snapshot_state()
    # when
    second = job_create(kind="test")
    written = statistics_refresh(job=second, today=date(2019, 11, 15))
    # then
    assert written == 0
    assert _snapshot_state() == before
    second.refresh_from_db()
    assert (second.status, second.progress, second.message) == (StatsJob.Status.SUCCEEDED, 100,
                                                               "đã ghi 0 số liệu chốt kỳ")


@pytest.mark.django_db
def test_given_a_new_event_when_the_refresh_runs_again_then_exactly_the_affected_snapshots_change(org, fy2019):
    # given
    statistics_refresh(job=job_create(kind="test"), today=date(2019, 11, 15))
    before = _snapshot_state()
    # when: a collection on the budget case of HG-VT, dated within November
    record(fy2019["B"], EventKind.THU_TIEN, date(2019, 11, 10), amount=100_000)
    third = job_create(kind="test")
    written = statistics_refresh(job=third, today=date(2019, 11, 15))
    # then
    after = _snapshot_state()
    changed = {key for key in after if after[key] != before[key]}
    assert written == 4
    assert changed == {(code, *TO_DATE_2019_11_15, category)
                       for code in ("HG", "HG-VT") for category in ("", Category.NGAN_SACH)}
    for key in changed:
        figures, computed_at, job_id = after[key]
        assert figures["money"]["collected"] == 100_000
        assert computed_at > before[key][1]
        assert job_id == third.pk


# ---- breakdowns ------------------------------------------------------------------------------------------

def _assert_rows_sum_to_total(rows, total):
    for key in SUMMED:
        assert sum(row.cases[key] for row in rows) == total["cases"][key], key
    for key in SUMMED_MONEY:
        assert sum(row.money[key] for row in rows) == total["money"][key], key


@pytest.mark.django_db
@pytest.mark.parametrize("by", ["category", "origin", "officer", "unit"])
def test_given_fy2019_when_broken_down_then_the_rows_sum_to_the_unit_total(org, fy2019, by):
    total = report_build(unit=org["HG"], start=FY2019[0], end=FY2019[1])
    rows = report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by=by)
    _assert_rows_sum_to_total(rows, total)


@pytest.mark.django_db
def test_given_fy2019_when_broken_down_by_category_then_each_category_has_its_own_figures(org, fy2019):
    rows = {row.key: row for row in report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1],
                                                      by="category")}
    assert set(rows) == {Category.KHAC, Category.NGAN_SACH, Category.TIN_DUNG_NGAN_HANG}
    khac = rows[Category.KHAC].cases
    assert (khac["carried_over"], khac["new"], khac["transferred_out"], khac["completed"], khac["rate"]) == (
        1, 3, 1, 1, Decimal("100.00"))
    assert rows[Category.NGAN_SACH].money["reduced"] == 450_000
    assert rows[Category.TIN_DUNG_NGAN_HANG].money["terminated"] == 1_500_000


@pytest.mark.django_db
def test_given_fy2019_when_broken_down_by_origin_then_ex_officio_and_on_request_split(org, fy2019):
    rows = {row.key: row for row in report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1],
                                                      by="origin")}
    assert {key: row.cases["accepted"] for key, row in rows.items()} == {Origin.CHU_DONG: 2, Origin.THEO_YEU_CAU: 4}
    assert rows[Origin.CHU_DONG].money["collected"] == 4_000_000


@pytest.mark.django_db
def test_given_fy2019_when_broken_down_by_officer_then_forms_4_and_5_have_one_row_per_officer(
        org, people, fy2019):
    rows = report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by="officer")
    by_key = {row.key: row for row in rows}
    assert set(by_key) == {people["officer"].pk, people["officer2"].pk, None}
    assert by_key[people["officer"].pk].label == "Cán bộ officer"
    assert by_key[None].label == "(chưa phân công)"
    assert {key: row.cases["accepted"] for key, row in by_key.items()} == {
        people["officer"].pk: 2, people["officer2"].pk: 2, None: 2}
    assert by_key[people["officer2"].pk].money["transferred_out"] == 7_000_000


@pytest.mark.django_db
def test_given_fy2019_when_broken_down_by_unit_then_the_children_active_at_the_end_are_listed(org, fy2019):
    rows = report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by="unit")
    assert [row.key for row in rows] == ["HG-NB", "HG-VT"]
    assert [row.cases["accepted"] for row in rows] == [2, 4]
    assert [row.money["to_enforce"] for row in rows] == [3_500_000, 7_734_567]


@pytest.mark.django_db
def test_given_an_unknown_breakdown_when_asked_then_it_is_refused(org):
    with pytest.raises(DomainError) as refused:
        report_breakdown(unit=org["HG"], start=FY2019[0], end=FY2019[1], by="bank")
    assert (refused.value.code, refused.value.field) == ("invalid_choice", "by")
