"""Money is whole Vietnamese đồng (int). Never float."""


def format_vnd(amount: int | None, *, symbol: bool = True) -> str:
    """Format whole đồng with Vietnamese grouping: 1234567 → "1.234.567 ₫"."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{sign}{grouped} ₫" if symbol else f"{sign}{grouped}"
