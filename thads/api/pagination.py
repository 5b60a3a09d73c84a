"""Cursor pagination: stable while new rows arrive (a cursor is a position in a fixed order, not an offset)."""
from django.utils.translation import gettext as _
from rest_framework import exceptions
from rest_framework.pagination import CursorPagination

from thads.api.exceptions import InvalidCursor


class NewestFirstCursorPagination(CursorPagination):
    ordering = "-id"  # newest recorded first; unique, so no row is skipped or repeated between pages
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200

    def decode_cursor(self, request):
        try:
            return super().decode_cursor(request)
        except exceptions.NotFound:
            # A cursor the client mangled is a bad request, not a missing resource.
            raise InvalidCursor("cursor: " + _("Invalid cursor.")) from None
