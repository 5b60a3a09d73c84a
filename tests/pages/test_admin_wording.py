"""Django's own admin wording in Vietnamese where officers still meet it: "Lịch sử", "Theo trạng thái"."""
from datetime import date

import pytest

from tests.factories import make_case

pytestmark = pytest.mark.django_db


def test_the_admin_says_lich_su_and_theo_trang_thai(client, org, people):
    case = make_case(unit=org["HG-VT"], officer=people["officer"], accepted_on=date(2024, 3, 1))
    client.force_login(people["officer"])
    change = client.get(f"/admin/cases/case/{case.pk}/change/").content.decode()
    assert "Lịch sử" in change and "Bản ghi nhớ" not in change
    listing = client.get("/admin/cases/case/").content.decode()
    assert "Theo trạng thái" in listing and "Bởi " not in listing
    assert "Skip to main content" not in listing and "Toggle theme" not in listing
