"""The official forms page: the dashboard links to it; a statistician exports form 01 (a job on the exports
queue, in-process in tests), sees it done and downloads the workbook; scope: another province's head, an
officer and another user's file get nothing; a period that has not ended is refused and queues nothing."""
import io
from datetime import date

import pytest
import time_machine
from openpyxl import load_workbook

from reports.forms.definitions import FORMS
from reports.forms.services import form_column_override_set
from reports.models import FormColumnOverride, StatsJob
from reports.selectors import form_exports_for
from tests.reports.test_reports_services import build_fy2019
from thads.core.errors import DomainError, PermissionDeniedError

pytestmark = pytest.mark.django_db
TODAY = date(2019, 11, 20)


@pytest.fixture(autouse=True)
def frozen(settings, tmp_path):
    settings.EXPORTS_DIR = tmp_path
    with time_machine.travel(TODAY, tick=False):
        yield


def test_a_statistician_exports_form_01_from_the_dashboard_and_downloads_it(client, org, people):
    # given
    build_fy2019(org, people)
    client.force_login(people["statistician"])
    dashboard = client.get("/dashboard/HG/?year=2019").content.decode()
    assert 'href="/dashboard/HG/forms/?year=2019&amp;months=12" id="forms-link">Biểu mẫu thống kê' in dashboard
    # when
    response = client.post("/dashboard/HG/forms/", {"form": "01", "year": "2019", "months": "12"}, follow=True)
    # then
    body = response.content.decode()
    job = StatsJob.objects.get(kind="form_export")
    assert job.status == StatsJob.Status.SUCCEEDED and job.params["form"] == "01" and job.unit == org["HG"]
    assert "bieu-01-HG-2019-12thang.xlsx" in body and "Thành công" in body
    download = client.get(f"/dashboard/HG/forms/{job.pk}/download/")
    assert download.status_code == 200
    book = load_workbook(io.BytesIO(b"".join(download.streaming_content)))
    assert book["Biểu"]["A3"].value == FORMS["01"].title
    assert "Hậu Giang" in book["Biểu"]["A4"].value


def test_others_get_nothing(client, org, people):
    build_fy2019(org, people)
    client.force_login(people["statistician"])
    client.post("/dashboard/HG/forms/", {"form": "02", "year": "2019", "months": "6"})
    job = StatsJob.objects.get(kind="form_export")
    client.force_login(people["outsider_head"])  # another province
    assert client.get("/dashboard/HG/forms/").status_code == 404
    assert client.get(f"/dashboard/HG/forms/{job.pk}/download/").status_code == 404
    client.force_login(people["officer"])
    assert client.get("/dashboard/HG/forms/").status_code == 403
    client.force_login(people["province_head"])  # same unit, but not their file
    assert client.get(f"/dashboard/HG/forms/{job.pk}/download/").status_code == 404
    assert list(form_exports_for(people["province_head"], org["HG"])) == []
    assert list(form_exports_for(people["central"], org["HG"])) == [job]


@pytest.mark.parametrize(("data", "message"), [
    ({"form": "01", "year": "2020", "months": "3"}, "Kỳ này chưa kết thúc."),
    ({"form": "99", "year": "2019", "months": "12"}, "Hãy chọn một lựa chọn hợp lệ"),
    ({"form": "01", "year": "2019", "months": "13"}, "Hãy chọn một lựa chọn hợp lệ"),
])
def test_bad_input_is_refused_with_a_message_and_queues_nothing(client, org, people, data, message):
    client.force_login(people["statistician"])
    body = client.post("/dashboard/HG/forms/", data).content.decode()
    assert message in body
    assert not StatsJob.objects.exists()


def test_only_a_central_administrator_corrects_a_form_and_only_existing_columns(people):
    with pytest.raises(PermissionDeniedError):
        form_column_override_set(actor=people["statistician"], form_code="01", column_key="new", heading="Mới")
    with pytest.raises(DomainError, match="«nope»"):
        form_column_override_set(actor=people["central"], form_code="01", column_key="nope", heading="x")
    with pytest.raises(DomainError):
        form_column_override_set(actor=people["central"], form_code="01", column_key="new", position=99)
    assert not FormColumnOverride.objects.exists()
    form_column_override_set(actor=people["central"], form_code="01", column_key="new", heading="Thụ lý mới",
                             position=2)
    assert FormColumnOverride.objects.get().heading == "Thụ lý mới"


def test_the_admin_lets_staff_read_and_central_administrators_correct(client, people):
    from django.contrib.auth.models import Permission

    statistician = people["statistician"]
    statistician.is_staff = True
    statistician.save()
    statistician.user_permissions.add(*Permission.objects.filter(codename__endswith="formcolumnoverride"))
    client.force_login(statistician)
    assert client.get("/admin/reports/formcolumnoverride/").status_code == 200
    assert client.get("/admin/reports/formcolumnoverride/add/").status_code == 403
    admin_user = people["central"]
    admin_user.is_staff = admin_user.is_superuser = True
    admin_user.save()
    client.force_login(admin_user)
    response = client.post("/admin/reports/formcolumnoverride/add/",
                           {"form_code": "01", "column_key": "nope", "heading": "x", "position": "", "note": ""})
    assert response.status_code == 200 and "«nope»" in response.content.decode()
    assert not FormColumnOverride.objects.exists()
    client.post("/admin/reports/formcolumnoverride/add/",
                {"form_code": "02", "column_key": "reduced", "heading": "Giảm", "position": "3", "note": "TT 05"})
    assert FormColumnOverride.objects.get().updated_by == admin_user


def test_the_page_offers_the_latest_period_that_has_ended(client, org, people):
    # 20/11/2019: October 2019 has ended, so FY2020's first month; never a period still running
    client.force_login(people["statistician"])
    body = client.get("/dashboard/HG/forms/").content.decode()
    assert '<option value="2020" selected>' in body and '<option value="1" selected>' in body
    body = client.get("/dashboard/HG/forms/?year=2019").content.decode()
    assert '<option value="2019" selected>' in body and '<option value="12" selected>' in body
