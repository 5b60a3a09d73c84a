"""No coercion with mobilised forces in the 15 days before and after Tết, under the law in force from
1/7/2026 (domain.md §3); the old law had no such rule. Tết 2027 (mùng 1) is Saturday 6/2/2027, so the
blackout runs from 22/1 to 21/2/2027 inclusive."""
from datetime import date

import pytest

from cases.models import Seizure
from cases.services.assets import asset_create, seizure_record
from tests.cases.test_asset_deadlines import LAND
from tests.factories import make_case
from thads.core.dates import nearest_lunar_new_year
from thads.core.errors import DomainError

LATER = date(2027, 3, 31)  # "today" for these tests, so that 2027 dates are not in the future


@pytest.fixture
def asset_and_case(org):
    case = make_case(unit=org["HG-KV1"], accepted_on=date(2025, 9, 1), amount_due=500_000_000, today=LATER)
    return asset_create(actor=None, cases=[case], data=LAND), case


@pytest.mark.parametrize("day", [date(2027, 1, 22), date(2027, 2, 6), date(2027, 2, 21)])
def test_seizure_with_mobilised_forces_refused_within_15_days_of_tet(asset_and_case, day):
    asset, case = asset_and_case
    with pytest.raises(DomainError) as refused:
        seizure_record(actor=None, asset=asset, case=case, seized_on=day, minutes_no="BB 1",
                       with_mobilised_forces=True, today=LATER)
    assert (refused.value.code, refused.value.field) == ("tet_blackout", "seized_on")
    assert "06/02/2027" in refused.value.message
    assert Seizure.objects.count() == 0


@pytest.mark.parametrize("day", [date(2027, 1, 21), date(2027, 2, 22)])
def test_seizure_with_mobilised_forces_allowed_on_the_16th_day(asset_and_case, day):
    asset, case = asset_and_case
    seizure = seizure_record(actor=None, asset=asset, case=case, seized_on=day, minutes_no="BB 1",
                             with_mobilised_forces=True, today=LATER)
    assert seizure.with_mobilised_forces is True


def test_seizure_without_mobilised_forces_allowed_at_tet(asset_and_case):
    asset, case = asset_and_case
    seizure_record(actor=None, asset=asset, case=case, seized_on=date(2027, 2, 6), minutes_no="BB 1", today=LATER)
    assert Seizure.objects.count() == 1


def test_old_law_had_no_blackout(org):
    case = make_case(unit=org["HG-KV1"], accepted_on=date(2025, 9, 1), amount_due=500_000_000)
    asset = asset_create(actor=None, cases=[case], data=LAND)
    seizure_record(actor=None, asset=asset, case=case, seized_on=date(2026, 2, 17), minutes_no="BB 1",
                   with_mobilised_forces=True, today=date(2026, 11, 28))  # Tết 2026, before 1/7/2026
    assert Seizure.objects.count() == 1


def test_nearest_lunar_new_year():
    assert nearest_lunar_new_year(date(2026, 12, 31)) == date(2027, 2, 6)
    assert nearest_lunar_new_year(date(2026, 6, 1)) == date(2026, 2, 17)
    assert nearest_lunar_new_year(date(1990, 1, 1)) is None
