"""The API's pagination: ``limit`` and ``offset``, and a count that need not scan the rows."""

from __future__ import annotations

from rest_framework.pagination import LimitOffsetPagination

from surveys.api.schema import MAX_OFFSET, integer_param


class Pagination(LimitOffsetPagination):
    """``limit`` (1 or more, capped at 500) and ``offset`` (0 or more); anything else is a 400."""

    default_limit = 100
    max_limit = 500

    def get_limit(self, request):
        limit = integer_param(request, self.limit_query_param, minimum=1)
        return self.default_limit if limit is None else min(limit, self.max_limit)

    def get_offset(self, request):
        offset = integer_param(request, self.offset_query_param, minimum=0, maximum=MAX_OFFSET)
        return offset or 0

    def paginate_queryset(self, queryset, request, view=None):
        """As DRF's, but the count is the view's ``records_count(request)`` where it gives one
        (a count the summaries hold, for a request filtering by nothing else), the page is
        the rows of the view's ``page_ids(request, offset, limit)`` where it gives them (ids
        read from an index in the list's order), and the page is read even when the count
        says it is empty: a list makes the same queries whatever the data. ``page_query`` is
        the page, unevaluated, for what is read beside it."""
        self.request = request
        self.limit = self.get_limit(request)
        self.offset = self.get_offset(request)
        records_count = getattr(view, "records_count", None)
        count = records_count(request) if records_count else None
        self.count = self.get_count(queryset) if count is None else count
        page_ids = getattr(view, "page_ids", None)
        ids = page_ids(request, self.offset, self.limit) if page_ids else None
        self.page_query = (
            queryset[self.offset : self.offset + self.limit]
            if ids is None
            else queryset.filter(pk__in=ids)
        )
        return list(self.page_query)

    def get_schema_operation_parameters(self, view):
        limit, offset = super().get_schema_operation_parameters(view)
        limit["description"] = f"Results per page (default {self.default_limit}, at most "
        limit["description"] += f"{self.max_limit}: a larger limit gives {self.max_limit})."
        limit["schema"] = {"type": "integer", "minimum": 1}
        offset["description"] = "How many results to skip."
        offset["schema"] = {"type": "integer", "minimum": 0, "maximum": MAX_OFFSET}
        return [limit, offset]
