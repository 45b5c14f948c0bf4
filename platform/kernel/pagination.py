"""Cursor pagination for every list: stable under inserts, and no COUNT over large tables."""

from django.utils.translation import gettext_lazy as _
from rest_framework import pagination
from rest_framework.exceptions import NotFound

from kernel.errors import InvalidInput


class CursorPagination(pagination.CursorPagination):
    page_size = 50
    page_size_query_param = "page_size"
    max_page_size = 200
    ordering = "-id"

    def decode_cursor(self, request):
        """A cursor that is not one of ours is bad input (400 naming `cursor`), not a missing page."""
        try:
            return super().decode_cursor(request)
        except NotFound:
            raise InvalidInput(fields={self.cursor_query_param: [_("Invalid cursor.")]}) from None
