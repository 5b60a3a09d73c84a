"""thads.org.services.unit_predecessors_add: who replaced whom in a reorganisation."""
from datetime import date

import pytest

from thads.core.errors import DomainError
from thads.org.models import Unit, UnitLevel
from thads.org.services import unit_predecessors_add


def test_a_regional_office_replaces_the_chi_cuc_that_ended_before_it(org):
    office = Unit.objects.create(code="CT-KV6", name="Phòng THADS khu vực 6", level=UnitLevel.REGIONAL,
                                 valid_from=date(2025, 7, 1))

    unit_predecessors_add(unit=office, predecessors=[org["HG-VT"], org["HG-NB"]])
    unit_predecessors_add(unit=office, predecessors=[org["HG-VT"]])  # idempotent

    assert set(office.predecessors.values_list("code", flat=True)) == {"HG-VT", "HG-NB"}


def test_a_unit_still_active_cannot_be_a_predecessor_and_nothing_is_written(org):
    office = Unit.objects.create(code="CT-KV6", name="Phòng THADS khu vực 6", level=UnitLevel.REGIONAL,
                                 valid_from=date(2025, 7, 1))

    with pytest.raises(DomainError) as refused:
        unit_predecessors_add(unit=office, predecessors=[org["HG-VT"], org["ST-A"]])

    assert refused.value.code == "invalid_predecessor"
    assert "ST-A" in str(refused.value)
    assert office.predecessors.count() == 0


def test_a_unit_cannot_replace_itself(org):
    with pytest.raises(DomainError) as refused:
        unit_predecessors_add(unit=org["HG-VT"], predecessors=[org["HG-VT"]])
    assert refused.value.code == "invalid_predecessor"
    assert org["HG-VT"].predecessors.count() == 0
