"""Template filters of the officers' pages: money as people write it, day counts."""
from datetime import date

from django import template

from thads.core.money import format_vnd

register = template.Library()


@register.filter
def vnd(amount) -> str:
    """1234567 → "1.234.567 ₫" (whole đồng, Vietnamese grouping, in both languages)."""
    return format_vnd(amount) if amount is not None else "—"


@register.filter
def days_before(day: date, today: date) -> int:
    """How many days ``day`` lies before ``today``."""
    return (today - day).days if day and today else 0
