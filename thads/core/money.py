"""Money is whole Vietnamese đồng (int). Never float."""


def format_vnd(amount: int | None, *, symbol: bool = True) -> str:
    """Format whole đồng with Vietnamese grouping: 1234567 → "1.234.567 ₫"."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{sign}{grouped} ₫" if symbol else f"{sign}{grouped}"


def parse_vnd(text: str) -> int:
    """Parse a whole-đồng amount written as digits, optionally grouped with '.' or ',' or spaces.

    Raises ValueError for anything else (decimals, letters, empty text)."""
    cleaned = text.strip().replace(" ", "")
    if not cleaned:
        raise ValueError("empty amount")
    negative = cleaned.startswith("-")
    digits = cleaned[1:] if negative else cleaned
    # Grouping separators are only accepted in groups of three digits.
    for separator in (".", ","):
        if separator in digits:
            head, *groups = digits.split(separator)
            if not head or len(head) > 3 or any(len(g) != 3 for g in groups):
                raise ValueError(f"not a whole amount: {text!r}")
            digits = head + "".join(groups)
            break
    if not digits.isdigit() or not digits.isascii():
        raise ValueError(f"not a whole amount: {text!r}")
    value = int(digits)
    return -value if negative else value
