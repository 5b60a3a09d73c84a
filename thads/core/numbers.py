"""Rates and percentages as people read them, in both languages: a decimal comma, like the published figures
("74,38 %", "vượt 1,38"), as money keeps its dots (1.234.567 ₫) and dates stay day-first whatever the
language. One rule for pages, commands and exports."""
from decimal import ROUND_HALF_UP, Decimal

CENT = Decimal("0.01")


def _two_decimals(value) -> str:
    return f"{Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP):.2f}".replace(".", ",")


def format_rate(value) -> str:
    """74.38 → "74,38 %"; None (no denominator) → "—"."""
    return "—" if value is None else f"{_two_decimals(value)} %"


def format_points(value) -> str:
    """A difference in percentage points, always signed: 1.38 → "+1,38", -0.5 → "-0,50"; None → "—"."""
    if value is None:
        return "—"
    text = _two_decimals(value)
    return text if text.startswith("-") else f"+{text}"


def format_change(value) -> str:
    """A growth in percent, always signed: 21.72 → "+21,72 %"; None (no base) → "—"."""
    return "—" if value is None else f"{format_points(value)} %"
