"""Shared fixtures: a small province with two districts (one of them replaced by a 2025 regional office),
and one user per role."""
from datetime import date

import pytest
from django.conf import settings
from django.utils import translation

from tests.factories import UnitFactory
from thads.org.models import Role, Title, UnitLevel
from thads.org.services import officer_create


@pytest.fixture(autouse=True)
def _default_language():
    """Each test starts in the default language (Vietnamese). The language middlewares activate the request's
    language for the thread, as Django's own does, and a test client's English request would otherwise carry
    English into whatever test runs next in the same process."""
    translation.activate(settings.LANGUAGE_CODE)
    yield


@pytest.fixture
def org(db):
    """HG (province) → HG-VT, HG-NB (districts until 30/6/2025); from 1/7/2025 KV1 replaces both.
    Another province, ST, with district ST-A, for "other unit" checks."""
    province = UnitFactory(code="HG", name="Cục THADS tỉnh Hậu Giang", level=UnitLevel.PROVINCE)
    vi_thanh = UnitFactory(code="HG-VT", name="Chi cục THADS TP Vị Thanh", parent=province,
                           valid_to=date(2025, 6, 30))
    nga_bay = UnitFactory(code="HG-NB", name="Chi cục THADS TP Ngã Bảy", parent=province,
                          valid_to=date(2025, 6, 30))
    regional = UnitFactory(code="HG-KV1", name="Phòng THADS khu vực 1", parent=province, level=UnitLevel.REGIONAL,
                           valid_from=date(2025, 7, 1))
    regional.predecessors.set([vi_thanh, nga_bay])
    other_province = UnitFactory(code="ST", name="Cục THADS tỉnh Sóc Trăng", level=UnitLevel.PROVINCE)
    other_district = UnitFactory(code="ST-A", name="Chi cục THADS huyện A", parent=other_province)
    return {"HG": province, "HG-VT": vi_thanh, "HG-NB": nga_bay, "HG-KV1": regional, "ST": other_province,
            "ST-A": other_district}


@pytest.fixture
def people(org):
    """One login per role. ``officer`` and ``officer2`` work in HG-VT; ``head`` heads HG-VT;
    ``province_head`` heads HG; ``statistician`` is at HG; ``outsider`` is an officer of ST-A."""
    def make(username, unit, role, title=Title.CHV_TRUNG_CAP):
        return officer_create(username=username, password="pw-test-123", full_name=f"Cán bộ {username}",
                              unit=org[unit], title=title, role=role).user

    return {
        "officer": make("officer", "HG-VT", Role.OFFICER),
        "officer2": make("officer2", "HG-VT", Role.OFFICER),
        "head": make("head", "HG-VT", Role.UNIT_HEAD, Title.THU_TRUONG),
        "province_head": make("province_head", "HG", Role.UNIT_HEAD, Title.THU_TRUONG),
        "statistician": make("statistician", "HG", Role.STATISTICIAN, Title.THAM_TRA_VIEN),
        "central": make("central", "HG", Role.CENTRAL_ADMIN, Title.KHAC),
        "outsider": make("outsider", "ST-A", Role.OFFICER),
        "outsider_head": make("outsider_head", "ST", Role.UNIT_HEAD, Title.THU_TRUONG),
    }
