"""Pagination of the document lists that stays fast at 100,000 documents.

`DocumentPaginator` reads a page in one query of two steps: the page's ids from a narrow scan of
the documents table alone (an index-only scan of the list index for the default order), then only
those rows with their joined supplier, project, assignee, publish attempts. So OFFSET skips index
entries instead of joined rows, and the joins are planned and run for 50 rows, not for the whole
filtered set. The count is an exact COUNT(*) without joins (served by the (company, status) and
(company, type, status) indexes).
"""

from __future__ import annotations

from django.core.paginator import Page, Paginator
from rest_framework.pagination import PageNumberPagination


class DocumentPaginator(Paginator):
    def page(self, number) -> Page:
        number = self.validate_number(number)
        bottom = (number - 1) * self.per_page
        top = bottom + self.per_page
        if top + self.orphans >= self.count:
            top = self.count
        # `values("pk")` drops the joins and deferred columns but keeps the filters and the order.
        page_ids = self.object_list.values("pk")[bottom:top]
        return self._get_page(self.object_list.filter(pk__in=page_ids), number, self)


class DocumentPagination(PageNumberPagination):
    """The API's page-number pagination (same response shape) over `DocumentPaginator`."""

    django_paginator_class = DocumentPaginator
