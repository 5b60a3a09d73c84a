"""Template filters of the officers' pages: money as people write it, day counts."""
from datetime import date

from django import template

from thads.core.money import format_vnd
from thads.core.numbers import format_change, format_points, format_rate, format_target

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """1234567 → "1.234.567 ₫" (whole đồng, Vietnamese grouping, in both languages)."""
    return format_vnd(amount) if amount is not None else "—"


@register.filter
def days_before(day: date, today: date) -> int:
    """How many days ``day`` lies before ``today``."""
    return (today - day).days if day and today else 0


@register.filter
def rate(value) -> str:
    """74.38 → "74,38 %" (decimal comma in both languages); None → "—"."""
    return format_rate(value)


@register.filter
def points(value) -> str:
    """A gap in percentage points: 1.38 → "+1,38"."""
    return format_points(value)


@register.filter
def change(value) -> str:
    """A growth in percent: 21.72 → "+21,72 %"."""
    return format_change(value)


@register.filter
def num(value) -> str:
    """A count with Vietnamese grouping: 11900 → "11.900"; None → "—"."""
    return "—" if value is None else format_vnd(value, symbol=False)


@register.filter
def target(value) -> str:
    """A target as decided: 73 → "73 %", 83.25 → "83,25 %"."""
    return format_target(value)
