"""Rates, gaps, growth and targets are written with a decimal comma in both languages."""
from decimal import Decimal

import pytest
from django.utils import translation

from thads.core.numbers import format_change, format_points, format_rate, format_target


@pytest.mark.parametrize(("value", "text"), [(Decimal("74.38"), "74,38 %"), (74.375, "74,38 %"), (0, "0,00 %"),
                                             (100.0, "100,00 %"), (None, "—")])
def test_rates(value, text):
    assert format_rate(value) == text


@pytest.mark.parametrize(("value", "text"), [(1.3799999999999955, "+1,38"), (18.25, "+18,25"), (0, "+0,00"),
                                             (-6.33, "-6,33"), (Decimal("-0.004"), "+0,00"), (None, "—")])
def test_points(value, text):
    assert format_points(value) == text


@pytest.mark.parametrize(("value", "text"), [(21.72, "+21,72 %"), (-3.5, "-3,50 %"), (None, "—")])
def test_growth(value, text):
    assert format_change(value) == text


@pytest.mark.parametrize(("value", "text"), [(Decimal("73.00"), "73 %"), (Decimal("83.25"), "83,25 %"),
                                             (Decimal("83.90"), "83,90 %"), (None, "—")])
def test_targets(value, text):
    assert format_target(value) == text


def test_the_same_in_english():
    with translation.override("en"):
        assert format_rate(Decimal("51.25")) == "51,25 %" and format_points(18.25) == "+18,25"
