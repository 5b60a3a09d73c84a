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
    rounded = Decimal(str(value)).quantize(CENT, rounding=ROUND_HALF_UP)
    if rounded == 0:
        return "+0,00"  # never "-0,00"
    text = _two_decimals(rounded)
    return text if text.startswith("-") else f"+{text}"


def format_change(value) -> str:
    """A growth in percent, always signed: 21.72 → "+21,72 %"; None (no base) → "—"."""
    return "—" if value is None else f"{format_points(value)} %"


def format_target(value) -> str:
    """A target as it was decided: 73 → "73 %", 83.25 → "83,25 %", 83.9 → "83,90 %"; None → "—"."""
    if value is None:
        return "—"
    number = Decimal(str(value))
    return f"{int(number)} %" if number == number.to_integral_value() else format_rate(number)
