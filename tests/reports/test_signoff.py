"""The period's sign-off with the procuracy (reports.signoff): a report prepared when an interagency period is
closed, sent, countersigned or disputed and reconciled, consolidated; corrections carried into the next period
of the same year, never into the closed one; deadlines; scope."""
from datetime import date, datetime, timedelta

import pytest
import time_machine
from django.utils import timezone

from cases.codes import EventKind
from cases.selectors import working_calendar
from reports.models import ClosedPeriod, PeriodReport, PeriodReportEvent, ReportAdjustment, ReportDifference
from reports.services import period_close, report_breakdown, report_build
from reports.signoff import workflow
from reports.signoff.selectors import adjustments_for_user, period_report_for_user, period_reports_for_user
from reports.signoff.services import (
    report_adjustment_record,
    report_consolidate,
    report_countersign,
    report_difference_record,
    report_difference_resolve,
    report_send,
)
from tests.factories import make_case, record
from tests.reports.test_reports_services import build_fy2019
from thads.core.errors import DomainError, PermissionDeniedError
from thads.org.models import Role, Title
from thads.org.services import officer_create

pytestmark = pytest.mark.django_db
Q1_END, H1_END, M10_END, FY_END = date(2018, 12, 31), date(2019, 3, 31), date(2019, 7, 31), date(2019, 9, 30)
FY2019_START = date(2018, 10, 1)


def at(day: date, hour: int = 9):
    """The clock frozen at ``hour`` o'clock of ``day`` in Vietnam."""
    return time_machine.travel(timezone.make_aware(datetime(day.year, day.month, day.day, hour)), tick=False)


@pytest.fixture
def data(org, people):
    return build_fy2019(org, people)


def close(people, org, end, *, day=None, unit="HG"):
    with at(day or end + timedelta(days=1)):  # by default the day after the period
        period_close(actor=people["statistician"], unit=org[unit], end=end)
    return {report.unit.code: report for report in PeriodReport.objects.filter(period_end=end)}


def actions(report):
    return [(row.action, row.status_from, row.status_to, row.actor.username if row.actor else None)
            for row in report.history.order_by("at", "pk")]


# ---- the workflow, pure ------------------------------------------------------------------------------------

def test_the_interagency_periods_of_a_year_and_the_allowed_steps():
    assert workflow.interagency_ends(2019) == [Q1_END, H1_END, M10_END, FY_END]
    assert [workflow.period_months(end) for end in workflow.interagency_ends(2019)] == [3, 6, 10, 12]
    assert [workflow.is_interagency_end(day) for day in (Q1_END, date(2018, 11, 30), date(2019, 3, 30))] == [
        True, False, False]
    assert workflow.allowed_actions("closed") == {"send"}
    assert workflow.allowed_actions("sent") == {"countersign", "difference"}
    assert workflow.allowed_actions("disputed") == {"difference", "resolve"}
    assert workflow.allowed_actions("resolved") == {"countersign", "difference"}
    assert workflow.allowed_actions("countersigned") == {"consolidate"}
    assert workflow.allowed_actions("consolidated") == set()


# ---- preparing the report -----------------------------------------------------------------------------------

def test_closing_an_interagency_period_prepares_the_reports_of_the_unit_and_its_subtree(org, people, data):
    # when: the statistician closes the 3 months of FY2019 for the province, the day after
    reports = close(people, org, Q1_END)
    # then: HG and its two Chi cục (ST is not below HG; HG-KV1 did not exist yet) each have a report
    assert set(reports) == {"HG", "HG-VT", "HG-NB"}
    hg = reports["HG"]
    assert (hg.fiscal_year, hg.months, hg.period_start, hg.status) == (2019, 3, FY2019_START, "closed")
    assert hg.closed_period == ClosedPeriod.objects.get(unit=org["HG"], end=Q1_END)
    # the engine's figures, frozen as JSON, with the sub-units as rows
    assert hg.figures["report"] == report_build(unit=org["HG"], start=FY2019_START, end=Q1_END)
    breakdown = report_breakdown(unit=org["HG"], start=FY2019_START, end=Q1_END, by="unit")
    assert [(row["code"], row["name"]) for row in hg.figures["sub_units"]] == [(b.key, b.label) for b in breakdown]
    assert [(row["cases"], row["money"]) for row in hg.figures["sub_units"]] == [
        ({k: float(v) if k == "rate" and v is not None else v for k, v in b.cases.items()},
         {k: float(v) if k == "rate" and v is not None else v for k, v in b.money.items()}) for b in breakdown]
    assert hg.figures["sub_units"][1]["cases"] == reports["HG-VT"].figures["report"]["cases"]
    assert reports["HG-VT"].figures["report"] == report_build(unit=org["HG-VT"], start=FY2019_START, end=Q1_END)
    assert hg.figures["report"]["cases"]["new"] > 0
    assert actions(hg) == [("prepared", "", "closed", "statistician")]


def test_closing_a_month_that_is_not_an_interagency_period_prepares_no_report(org, people, data):
    close(people, org, date(2018, 11, 30))
    assert PeriodReport.objects.count() == 0


# ---- countersignature ---------------------------------------------------------------------------------------

def test_sent_then_countersigned_on_time_with_who_and_when_and_the_history(org, people, data):
    # given the 3-month report, prepared on 1/1/2019
    report = close(people, org, Q1_END)["HG"]
    statistician = people["statistician"]
    # when: sent on Wednesday 2/1/2019, countersigned on Friday 4/1 (2 working days later)
    with at(date(2019, 1, 2)):
        report_send(actor=statistician, report=report)
    with at(date(2019, 1, 4)):
        report_countersign(actor=statistician, report=report, signed_by="Kiểm sát viên Lê Văn Kiểm",
                           signed_on=date(2019, 1, 4))
    # then
    report.refresh_from_db()
    assert (report.status, report.sent_on, report.countersigned_by, report.countersigned_on) == (
        "countersigned", date(2019, 1, 2), "Kiểm sát viên Lê Văn Kiểm", date(2019, 1, 4))
    assert actions(report) == [("prepared", "", "closed", "statistician"), ("sent", "closed", "sent", "statistician"),
                               ("countersigned", "sent", "countersigned", "statistician")]
    deadlines = workflow.report_deadlines(
        period_end=Q1_END, prepared_on=date(2019, 1, 1), sent_on=report.sent_on,
        countersigned_on=report.countersigned_on, consolidated_on=None, consolidates=True, today=date(2019, 1, 4),
        calendar=working_calendar())
    assert [(d.code, d.due, d.late) for d in deadlines] == [
        ("close", date(2019, 1, 1), False), ("countersign", date(2019, 1, 4), False),
        ("consolidate", date(2019, 1, 7), False)]  # 1/1 a holiday, Saturday 5/1 a make-up day: 2, 3, 4, 5, 7


def test_late_steps_are_flagged(org, people, data):
    # given: closed on 3/1/2019 (due 1/1), sent 3/1, not countersigned by Tuesday 8/1 (due 5/1, a Saturday
    # worked in place of 31/12/2018), not consolidated (due 7/1)
    report = close(people, org, Q1_END, day=date(2019, 1, 3))["HG"]
    with at(date(2019, 1, 3)):
        report_send(actor=people["statistician"], report=report)
    report.refresh_from_db()
    deadlines = {d.code: d for d in workflow.report_deadlines(
        period_end=Q1_END, prepared_on=timezone.localdate(report.created_at), sent_on=report.sent_on,
        countersigned_on=None, consolidated_on=None, consolidates=True, today=date(2019, 1, 8),
        calendar=working_calendar())}
    assert (deadlines["close"].done_on, deadlines["close"].late) == (date(2019, 1, 3), True)
    assert (deadlines["countersign"].due, deadlines["countersign"].late) == (date(2019, 1, 5), True)
    assert (deadlines["consolidate"].due, deadlines["consolidate"].late) == (date(2019, 1, 7), True)


def test_a_step_out_of_order_is_refused_and_changes_nothing(org, people, data):
    report = close(people, org, Q1_END)["HG"]
    with at(date(2019, 1, 2)), pytest.raises(DomainError) as refused:
        report_countersign(actor=people["statistician"], report=report, signed_by="KSV", signed_on=date(2019, 1, 2))
    assert refused.value.code == "wrong_status"
    report.refresh_from_db()
    assert (report.status, report.countersigned_by, report.history.count()) == ("closed", "", 1)
    with at(date(2019, 1, 2)), pytest.raises(DomainError) as refused:
        report_consolidate(actor=people["statistician"], report=report)
    assert refused.value.code == "wrong_status"


# ---- difference and reconciliation ---------------------------------------------------------------------------

def test_a_difference_is_recorded_with_both_figures_then_reconciled_then_countersigned(org, people, data):
    # given the 3-month report, sent
    report = close(people, org, Q1_END)["HG"]
    statistician = people["statistician"]
    with at(date(2019, 1, 2)):
        report_send(actor=statistician, report=report)
    ours = report.figures["report"]
    # when: the procuracy holds one case fewer accepted and 100,000 đồng less collected; same figure elsewhere
    with at(date(2019, 1, 3)):
        rows = report_difference_record(actor=statistician, report=report, procuracy_figures={
            "cases.new": ours["cases"]["new"] - 1, "money.collected": ours["money"]["collected"] - 100_000,
            "cases.completed": ours["cases"]["completed"]})
    # then: only the two that differ, with each side's figure
    assert sorted((r.indicator, r.agency_value, r.procuracy_value) for r in rows) == [
        ("cases.new", ours["cases"]["new"], ours["cases"]["new"] - 1),
        ("money.collected", ours["money"]["collected"], ours["money"]["collected"] - 100_000)]
    report.refresh_from_db()
    assert report.status == "disputed"
    # a countersignature before reconciling is refused
    with at(date(2019, 1, 3)), pytest.raises(DomainError):
        report_countersign(actor=statistician, report=report, signed_by="KSV", signed_on=date(2019, 1, 3))
    # when: reconciled (the agency's figures stand), then countersigned
    with at(date(2019, 1, 4)):
        report_difference_resolve(actor=statistician, report=report, resolution="Đối chiếu sổ thụ lý: đúng số liệu",
                                  agreed={row.pk: row.agency_value for row in rows})
        report_countersign(actor=statistician, report=report, signed_by="KSV Trần Thị Sát", signed_on=date(2019, 1, 4))
    report.refresh_from_db()
    assert report.status == "countersigned"
    assert {(r.agreed_value == r.agency_value, r.resolved_by.username, r.resolution)
            for r in ReportDifference.objects.filter(report=report)} == {
        (True, "statistician", "Đối chiếu sổ thụ lý: đúng số liệu")}
    assert [a[0] for a in actions(report)] == ["prepared", "sent", "difference", "resolved", "countersigned"]
    assert report.figures["report"] == ours  # the figures as closed


def test_a_difference_without_difference_or_with_bad_figures_is_refused(org, people, data):
    report = close(people, org, Q1_END)["HG"]
    with at(date(2019, 1, 2)):
        report_send(actor=people["statistician"], report=report)
        same = {"cases.new": report.figures["report"]["cases"]["new"]}
        for figures, code in ((same, "no_difference"), ({"cases.rate": 1}, "invalid_figures"),
                              ({"cases.new": -1}, "invalid_figures"), ({"cases.new": "7"}, "invalid_figures")):
            with pytest.raises(DomainError) as refused:
                report_difference_record(actor=people["statistician"], report=report, procuracy_figures=figures)
            assert refused.value.code == code
    assert ReportDifference.objects.count() == 0
    report.refresh_from_db()
    assert report.status == "sent"


def test_a_reconciliation_must_give_every_agreed_figure_and_say_how(org, people, data):
    report = close(people, org, Q1_END)["HG"]
    with at(date(2019, 1, 2)):
        report_send(actor=people["statistician"], report=report)
        rows = report_difference_record(actor=people["statistician"], report=report,
                                        procuracy_figures={"cases.new": 99})
        with pytest.raises(DomainError):
            report_difference_resolve(actor=people["statistician"], report=report, agreed={}, resolution="x")
        with pytest.raises(DomainError):
            report_difference_resolve(actor=people["statistician"], report=report, agreed={rows[0].pk: 1},
                                      resolution=" ")
    report.refresh_from_db()
    assert (report.status, ReportDifference.objects.get().resolved_at) == ("disputed", None)


# ---- corrections carried into the next period ----------------------------------------------------------------

def test_a_correction_found_later_counts_in_the_next_period_and_leaves_the_closed_report_unchanged(org, people,
                                                                                                   data):
    # given: a case of Vị Thanh accepted in October 2018, the 3 months closed, sent and countersigned
    case = make_case(unit=org["HG-VT"], amount_due=3_000_000, accepted_on=date(2018, 10, 20))
    q1 = close(people, org, Q1_END)["HG"]
    statistician = people["statistician"]
    with at(date(2019, 1, 2)):
        report_send(actor=statistician, report=q1)
        report_countersign(actor=statistician, report=q1, signed_by="KSV", signed_on=date(2019, 1, 2))
    q1.refresh_from_db()
    closed_figures = q1.figures
    # when (February): a collection of 20/12/2018 that was never entered is found; it is entered on the case
    # and recorded as a correction of the 3-month report
    with at(date(2019, 2, 15)):
        record(case, EventKind.THU_TIEN, date(2018, 12, 20), amount=1_000_000, today=date(2019, 2, 15))
        adjustment = report_adjustment_record(actor=statistician, report=q1, description="Thu 1.000.000 đ bỏ sót",
                                              case_numbers=case.case_no, deltas={"money": {"collected": 1_000_000}})
    # then: carried into the 6-month period; the closed report and its figures are as they were
    assert (adjustment.counted_in_end, adjustment.counted_in) == (H1_END, None)
    q1.refresh_from_db()
    assert (q1.figures, q1.status) == (closed_figures, "countersigned")
    assert report_build(unit=org["HG"], start=FY2019_START, end=Q1_END) == closed_figures["report"]
    assert actions(q1)[-1] == ("adjustment", "countersigned", "countersigned", "statistician")
    # when the 6 months are closed
    h1 = close(people, org, H1_END)["HG"]
    # then: its figures count the collection, and it lists the correction it carries
    assert h1.figures["report"] == report_build(unit=org["HG"], start=FY2019_START, end=H1_END)
    # A's 1.500.000 (12/2018) and 2.500.000 (3/2019), and the 1.000.000 found; the 3 months had only A's first
    assert (closed_figures["report"]["money"]["collected"], h1.figures["report"]["money"]["collected"]) == (
        1_500_000, 5_000_000)
    assert [(a["id"], a["corrected_period_end"], a["deltas"]) for a in h1.figures["adjustments"]] == [
        (adjustment.pk, "2018-12-31", {"money": {"collected": 1_000_000}})]
    adjustment.refresh_from_db()
    assert adjustment.counted_in == h1
    assert [a[0] for a in actions(h1)] == ["prepared", "adjustment_counted"]
    q1.refresh_from_db()
    assert q1.figures == closed_figures
    # the Chi cục's own 6-month report does not carry the province's correction
    assert PeriodReport.objects.get(unit=org["HG-VT"], period_end=H1_END).figures["adjustments"] == []


def test_a_correction_skips_a_period_already_closed(org, people, data):
    q1 = close(people, org, Q1_END)["HG"]
    close(people, org, H1_END)
    with at(date(2019, 5, 2)):
        adjustment = report_adjustment_record(actor=people["statistician"], report=q1, description="Sai sót")
    assert adjustment.counted_in_end == M10_END


def test_a_correction_after_the_12_month_period_is_refused_and_changes_nothing(org, people, data):
    q1 = close(people, org, Q1_END)["HG"]
    year = close(people, org, FY_END)["HG"]
    for report in (q1, year):
        with at(date(2019, 10, 20)), pytest.raises(DomainError) as refused:
            report_adjustment_record(actor=people["statistician"], report=report, description="Sai sót")
        assert refused.value.code == "no_later_period"
        assert "2020" in refused.value.message
    assert ReportAdjustment.objects.count() == 0
    assert PeriodReportEvent.objects.filter(action="adjustment").count() == 0


def test_a_correction_needs_a_description_and_valid_changes(org, people, data):
    q1 = close(people, org, Q1_END)["HG"]
    with at(date(2019, 2, 1)):
        for kwargs in ({"description": ""}, {"description": "x", "deltas": {"cases": {"rate": 1}}},
                       {"description": "x", "deltas": {"money": {"collected": 1.5}}},
                       {"description": "x", "deltas": {"other": {}}}):
            with pytest.raises(DomainError):
                report_adjustment_record(actor=people["statistician"], report=q1, **kwargs)
    assert ReportAdjustment.objects.count() == 0


# ---- scope ----------------------------------------------------------------------------------------------------

@pytest.fixture
def other_statistician(org):
    return officer_create(username="st_stat", password="pw-test-123", full_name="Thống kê Sóc Trăng", unit=org["ST"],
                          title=Title.THAM_TRA_VIEN, role=Role.STATISTICIAN).user


def test_a_statistician_of_another_unit_sees_nothing_and_may_do_nothing(org, people, data, other_statistician):
    # given the 3-month reports of HG, and a correction recorded on HG's
    reports = close(people, org, Q1_END)
    with at(date(2019, 2, 1)):
        report_adjustment_record(actor=people["statistician"], report=reports["HG"], description="Sai sót")
    # then: Sóc Trăng's statistician reads none of them
    assert list(period_reports_for_user(other_statistician)) == []
    assert list(adjustments_for_user(other_statistician)) == []
    assert period_report_for_user(other_statistician, reports["HG"].pk) is None
    # and may not act on them
    with at(date(2019, 1, 2)):
        for step in (lambda: report_send(actor=other_statistician, report=reports["HG"]),
                     lambda: report_adjustment_record(actor=other_statistician, report=reports["HG"],
                                                      description="x")):
            with pytest.raises(PermissionDeniedError):
                step()
    # HG's statistician reads the three; a Chi cục's head reads only his own; an officer may not sign off
    assert {r.unit.code for r in period_reports_for_user(people["statistician"])} == {"HG", "HG-VT", "HG-NB"}
    assert {r.unit.code for r in period_reports_for_user(people["head"])} == {"HG-VT"}
    with at(date(2019, 1, 2)), pytest.raises(PermissionDeniedError):
        report_send(actor=people["head"], report=reports["HG-VT"])
    assert PeriodReport.objects.filter(status="closed").count() == 3


def test_the_admin_lists_only_the_reports_in_scope(client, org, people, data, other_statistician):
    close(people, org, Q1_END)
    client.force_login(people["statistician"])
    body = client.get("/admin/reports/periodreport/").content.decode()
    assert body.count("/change/") >= 3 and "Cục THADS tỉnh Hậu Giang" in body
    client.force_login(other_statistician)
    response = client.get("/admin/reports/periodreport/")
    assert response.status_code == 200 and "Cục THADS tỉnh Hậu Giang" not in response.content.decode()
    report = PeriodReport.objects.get(unit=org["HG"])
    assert client.get(f"/admin/reports/periodreport/{report.pk}/change/").status_code == 302  # not found → index


def test_a_province_consolidates_its_countersigned_report_and_a_district_may_not(org, people, data):
    reports = close(people, org, Q1_END)
    statistician = people["statistician"]
    with at(date(2019, 1, 2)):
        for code in ("HG", "HG-VT"):
            report_send(actor=statistician, report=reports[code])
            report_countersign(actor=statistician, report=reports[code], signed_by="KSV", signed_on=date(2019, 1, 2))
    with at(date(2019, 1, 7)):
        # before the countersignature's day: refused; then on time
        with pytest.raises(DomainError) as refused:
            report_consolidate(actor=statistician, report=reports["HG"], consolidated_on=date(2019, 1, 1))
        assert refused.value.code == "date_too_early"
        report_consolidate(actor=statistician, report=reports["HG"])
        with pytest.raises(DomainError) as refused:
            report_consolidate(actor=statistician, report=reports["HG-VT"])
        assert refused.value.code == "not_a_province"
    hg, vt = (PeriodReport.objects.get(pk=reports[code].pk) for code in ("HG", "HG-VT"))
    assert (hg.status, hg.consolidated_on, vt.status) == ("consolidated", date(2019, 1, 7), "countersigned")
    assert actions(hg)[-1] == ("consolidated", "countersigned", "consolidated", "statistician")


def test_the_admin_action_marks_reports_sent(client, org, people, data):
    reports = close(people, org, Q1_END)
    client.force_login(people["statistician"])
    with at(date(2019, 1, 2)):
        response = client.post("/admin/reports/periodreport/", {
            "action": "mark_sent", "_selected_action": [reports["HG"].pk, reports["HG-VT"].pk]})
    assert response.status_code == 302
    assert dict(PeriodReport.objects.values_list("unit__code", "status")) == {
        "HG": "sent", "HG-VT": "sent", "HG-NB": "closed"}
