"""Money is whole Vietnamese đồng (int). Never float."""
import re

from django.utils.translation import gettext_lazy as _


def format_vnd(amount: int | None, *, symbol: bool = True) -> str:
    """Format whole đồng with Vietnamese grouping: 1234567 → "1.234.567 ₫"."""
    if amount is None:
        return ""
    sign = "-" if amount < 0 else ""
    grouped = f"{abs(int(amount)):,}".replace(",", ".")
    return f"{sign}{grouped} ₫" if symbol else f"{sign}{grouped}"


# ---- reading money typed by people ------------------------------------------------------------------------------

MAX_MONEY = 10**15  # a thousand trillion đồng: anything larger is a typing slip

_SPACES = re.compile(r"[\u00a0\u202f\u2007\u2009]")  # no-break, narrow no-break, figure and thin spaces
_CURRENCY = re.compile(r"\s*(?:₫|đ|vnđ|vnd|đồng)\s*$", re.IGNORECASE)
_PLAIN = re.compile(r"[0-9]+", re.ASCII)
_DOTTED = re.compile(r"[0-9]{1,3}(?:\.[0-9]{3})+", re.ASCII)
_SPACED = re.compile(r"[0-9]{1,3}(?: [0-9]{3})+", re.ASCII)
_LOOKS_GROUPED = re.compile(r"[0-9][0-9. ]*[0-9]", re.ASCII)

MONEY_MESSAGES = {
    "empty": _("Enter an amount in đồng."),
    "negative": _("An amount cannot be negative."),
    "comma": _("Commas are not accepted (they could be a decimal point): write 1.000.000 or 1000000."),
    "grouping": _("Put a dot (or a space) between every three digits, for example 1.000.000, and use no decimals."),
    "too_large": _("This amount is too large: check the number of digits."),
    "invalid": _("Enter a whole number of đồng in digits, for example 1.000.000."),
}


class MoneyFormatError(ValueError):
    """The text is not a whole number of đồng written unambiguously. ``code`` is one of MONEY_MESSAGES;
    ``message`` is the translated explanation."""

    def __init__(self, code: str):
        self.code = code
        self.message = MONEY_MESSAGES[code]
        super().__init__(code)


def parse_money(text: str) -> int:
    """Read whole đồng as people type them: ``1000000``, ``1.000.000``, ``1 000 000`` (also no-break and narrow
    spaces), with or without ``₫``, ``đ``, ``VND``, ``vnđ`` after it.

    Separators, when used, are of one kind and come every three digits. Anything that could be read two ways
    or is not a whole number of đồng is refused with MoneyFormatError rather than guessed: a comma (a decimal
    point in Vietnamese, a thousands separator in English), decimals, a misplaced separator (``1.00.000``),
    words (``5tr``), a minus sign, or more than MAX_MONEY."""
    text = _CURRENCY.sub("", _SPACES.sub(" ", str(text)).strip()).strip()
    if not text:
        raise MoneyFormatError("empty")
    if text[0] in "-−–":
        raise MoneyFormatError("negative")
    if "," in text:
        raise MoneyFormatError("comma")
    if _PLAIN.fullmatch(text):
        digits = text
    elif _DOTTED.fullmatch(text) or _SPACED.fullmatch(text):
        digits = text.replace(".", "").replace(" ", "")
    elif _LOOKS_GROUPED.fullmatch(text):
        raise MoneyFormatError("grouping")
    else:
        raise MoneyFormatError("invalid")
    amount = int(digits)
    if amount > MAX_MONEY:
        raise MoneyFormatError("too_large")
    return amount
