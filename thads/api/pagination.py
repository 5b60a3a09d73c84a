"""Cursor pagination: stable while new rows arrive (a cursor is a position in a fixed order, not an offset).

Strict about its input: a ``page_size`` outside 1–200 or not a whole number, and any cursor this server did not
make (bad base64, unknown fields, a position that is not a row id) are 400 with the parameter named — never
clamped, never a 5xx."""
import re
from base64 import b64decode
from binascii import Error as Base64Error
from urllib import parse

from django.utils.translation import gettext as _
from rest_framework.pagination import Cursor, CursorPagination

from thads.api.exceptions import InvalidCursor, InvalidParameter

WHOLE = re.compile(r"[0-9]{1,19}")
MAX_ID = 2**63 - 1  # a BIGINT
DEFAULT_PAGE_SIZE, MAX_PAGE_SIZE = 50, 200
# A feed position (``after``, ``next_after``): a whole number of at most 18 digits — a row id, far below a BIGINT's
# 19 — so that the schema's pattern says exactly what the server accepts.
FEED_POSITION = re.compile(r"[0-9]{1,18}")
FEED_POSITION_PATTERN = f"^{FEED_POSITION.pattern}$"


def whole_number(text: str, *, low: int, high: int) -> int | None:
    """``text`` as an int in [low, high] if it is plain ASCII digits; else None."""
    if not WHOLE.fullmatch(text):
        return None
    number = int(text)
    return number if low <= number <= high else None


def feed_position(text: str) -> int | None:
    """``text`` as a feed position if it matches FEED_POSITION_PATTERN; else None."""
    return int(text) if FEED_POSITION.fullmatch(text) else None


class NewestFirstCursorPagination(CursorPagination):
    ordering = "-id"  # newest recorded first; unique, so no row is skipped or repeated between pages
    page_size = DEFAULT_PAGE_SIZE
    page_size_query_param = "page_size"
    max_page_size = MAX_PAGE_SIZE

    def get_page_size(self, request):
        raw = request.query_params.get(self.page_size_query_param)
        if raw is None or raw == "":
            return self.page_size
        size = whole_number(raw, low=1, high=self.max_page_size)
        if size is None:
            raise InvalidParameter(self.page_size_query_param,
                                   _("a whole number from 1 to %(max)s (default %(default)s).") % {
                                       "max": self.max_page_size, "default": self.page_size})
        return size

    def decode_cursor(self, request):
        encoded = request.query_params.get(self.cursor_query_param)
        if encoded is None:
            return None
        invalid = InvalidCursor(self.cursor_query_param, _("invalid cursor; use the next or previous link as given."))
        try:
            tokens = parse.parse_qs(b64decode(encoded.encode("ascii"), validate=True).decode("ascii"),
                                    keep_blank_values=True, strict_parsing=True, max_num_fields=3)
        except (Base64Error, ValueError):
            raise invalid from None
        if not set(tokens) <= {"o", "r", "p"} or any(len(values) != 1 for values in tokens.values()):
            raise invalid
        offset = whole_number(tokens.get("o", ["0"])[0], low=0, high=self.offset_cutoff)
        reverse = tokens.get("r", ["0"])[0]
        position = tokens.get("p", [None])[0]
        if offset is None or reverse not in ("0", "1") or (
                position is not None and whole_number(position, low=0, high=MAX_ID) is None):
            raise invalid
        return Cursor(offset=offset, reverse=reverse == "1", position=position)
