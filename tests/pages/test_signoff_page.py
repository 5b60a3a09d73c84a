"""The sign-off page: a statistician closes an interagency period, then sends, records a difference,
reconciles it and records the countersignature; deadlines shown and flagged; scope; query count."""
from datetime import date

import pytest
import time_machine
from django.db import connection
from django.test.utils import CaptureQueriesContext

from reports.models import PeriodReport, ReportAdjustment
from tests.reports.test_reports_services import build_fy2019
from tests.reports.test_signoff import other_statistician  # noqa: F401 (fixture)

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(org, people):
    return build_fy2019(org, people)


def post(client, url, data):
    response = client.post(url, data)
    assert response.status_code == 302, response.content.decode()[:3000]
    return response


def test_a_statistician_closes_a_period_and_signs_the_report_off_step_by_step(client, org, people, data):
    client.force_login(people["statistician"])
    # when: the 3 months of FY2019 are closed from the page on 1/1/2019
    with time_machine.travel(date(2019, 1, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3, "note": ""})
        body = client.get("/sign-off/").content.decode()
    # then: the list shows the three reports, prepared on time
    assert body.count("3 tháng năm 2019") == 3
    report = PeriodReport.objects.get(unit=org["HG"])
    url = f"/sign-off/{report.pk}/"
    assert f'href="{url}"' in body
    # when: sent on 2/1, the procuracy holds 4 new cases instead of 5, reconciled, countersigned on 4/1
    with time_machine.travel(date(2019, 1, 2), tick=False):
        post(client, url, {"action": "send", "sent_on": "02/01/2019", "note": ""})
        post(client, url, {"action": "difference", "cases.new": "4", "note": "Biên bản đối chiếu"})
    difference = report.differences.get()
    with time_machine.travel(date(2019, 1, 4), tick=False):
        post(client, url, {"action": "resolve", f"agreed_{difference.pk}": "5", "resolution": "Đúng sổ thụ lý"})
        post(client, url, {"action": "countersign", "signed_by": "KSV Lê Văn Kiểm", "signed_on": "04/01/2019"})
        body = client.get(url).content.decode()
    report.refresh_from_db()
    assert (report.status, report.countersigned_by, report.countersigned_on) == (
        "countersigned", "KSV Lê Văn Kiểm", date(2019, 1, 4))
    assert "Viện kiểm sát đã ký xác nhận" in body and "KSV Lê Văn Kiểm" in body
    assert body.count("đúng hạn") == 2  # closed on time, countersigned on time (consolidation still due)
    history = body[body.index('id="history"'):]
    assert [step in history for step in ("Đã khóa số liệu", "Đã gửi Viện kiểm sát", "Đã ghi chênh lệch",
                                         "Đã thống nhất chênh lệch", "Đã ghi xác nhận")] == [True] * 5


def test_a_bad_date_or_a_step_out_of_order_is_shown_and_changes_nothing(client, org, people, data):
    client.force_login(people["statistician"])
    with time_machine.travel(date(2019, 1, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3})
        report = PeriodReport.objects.get(unit=org["HG"])
        response = client.post(f"/sign-off/{report.pk}/", {"action": "send", "sent_on": "31/02/2019"})
        assert response.status_code == 200
        response = client.post(f"/sign-off/{report.pk}/", {"action": "countersign", "signed_by": "KSV",
                                                          "signed_on": "01/01/2019"})
        assert "Không thể thực hiện" in response.content.decode()
        response = client.post("/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 6})
        assert "Không thể khóa kỳ trước khi kỳ kết thúc." in response.content.decode()
    report.refresh_from_db()
    assert (report.status, report.history.count(), PeriodReport.objects.count()) == ("closed", 1, 3)


def test_late_steps_are_flagged_on_the_list(client, org, people, data):
    client.force_login(people["statistician"])
    with time_machine.travel(date(2019, 1, 3), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3})
    with time_machine.travel(date(2019, 1, 9), tick=False):
        body = client.get("/sign-off/").content.decode()
    # each report: closed late, countersignature overdue; the province's consolidation overdue too
    assert body.count('<span class="badge bad">trễ hạn</span>') == 3 * 2 + 1


def test_a_correction_is_recorded_from_the_page(client, org, people, data):
    client.force_login(people["statistician"])
    with time_machine.travel(date(2019, 1, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3})
    report = PeriodReport.objects.get(unit=org["HG"])
    with time_machine.travel(date(2019, 2, 1), tick=False):
        post(client, f"/sign-off/{report.pk}/", {"action": "adjustment", "description": "Bỏ sót một khoản thu",
                                                "case_numbers": "THA-1", "money.collected": "1000000"})
    adjustment = ReportAdjustment.objects.get()
    assert (adjustment.counted_in_end, adjustment.deltas) == (date(2019, 3, 31), {"money": {"collected": 1000000}})


def test_scope_another_units_statistician_sees_nothing_and_an_officer_is_refused(client, org, people, data,
                                                                                  other_statistician):  # noqa: F811
    client.force_login(people["statistician"])
    with time_machine.travel(date(2019, 1, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3})
    report = PeriodReport.objects.get(unit=org["HG"])
    client.force_login(other_statistician)
    body = client.get("/sign-off/").content.decode()
    assert "Cục THADS tỉnh Hậu Giang" not in body and "3 tháng năm 2019" not in body
    assert client.get(f"/sign-off/{report.pk}/").status_code == 404
    assert client.post(f"/sign-off/{report.pk}/", {"action": "send", "sent_on": "02/01/2019"}).status_code == 404
    # the unit chooser offers only Sóc Trăng's units
    assert f'value="{org["HG"].pk}"' not in body
    client.force_login(people["officer"])
    assert client.get("/sign-off/").status_code == 403
    report.refresh_from_db()
    assert report.status == "closed"


def test_the_list_reads_a_fixed_number_of_queries(client, org, people, data):
    client.force_login(people["statistician"])
    with time_machine.travel(date(2019, 1, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 3})
        client.get("/sign-off/")
        with CaptureQueriesContext(connection) as three:
            client.get("/sign-off/")
    with time_machine.travel(date(2019, 4, 1), tick=False):
        post(client, "/sign-off/", {"unit": org["HG"].pk, "fiscal_year": 2019, "months": 6})
        with CaptureQueriesContext(connection) as six:
            client.get("/sign-off/")
    assert len(six) == len(three)
