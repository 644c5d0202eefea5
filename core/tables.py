"""The base of every table: a deterministic order, bounded pages fetched cheaply, rows rendered fast.

Tables are django-tables2 tables (tasks/tables.py, meetings/tables.py, …) built on BaseTable;
ObjectListView (govtasks/generic.py) configures them from the request.
"""

import inspect

import django_tables2 as tables
from django.conf import settings
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Count, QuerySet, Window
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django_tables2.rows import BoundRows

from .generic import bounded_int


class BaseTable(tables.Table):
    """A table whose order is deterministic and whose pages are bounded."""

    # Tables whose rows carry costly derived columns fetch a page by primary keys first
    # (fetch_page_in_two_steps); a plain table would only pay one query more.
    two_step_pages = False
    # With two-step pages: read a page's keys and the count in one query (read_keys_with_count);
    # the list view switches it on for keyword searches.
    keys_with_count = False

    class Meta:
        attrs = {"class": "table table-sm table-hover align-middle"}
        # django-tables2's Bootstrap 5 template with the rows from rows_html().
        template_name = "generic/table.html"

    def rows_html(self):
        """The <tr> rows of the page (or of all rows without pagination), as django-tables2 renders them.

        Its template asks, for each of a page's cells, which arguments the render method
        takes (inspect.signature), where the value comes from and what the cell's attributes
        are: 800 cells of a 100-row task page cost about 100 ms. Here that is found out once a
        column and each cell only resolves, renders and escapes its value. Columns whose cell
        attributes depend on the value (callables) are not supported: tests/test_tables.py
        compares this with django-tables2's own rendering for every table.
        """
        cells = [CellRenderer(self, column) for column in self.columns]
        rows = self.page.object_list if getattr(self, "page", None) else self.rows
        for index, row in enumerate(rows):
            tds = "".join(cell.html(row) for cell in cells)
            yield mark_safe(f'<tr class="{"odd" if index % 2 else "even"}">{tds}</tr>')  # noqa: S308 — cells escaped

    def apply_tie_breaker(self):
        """Add pk as the last sort key so equal values never shuffle between pages."""
        queryset = self.data.data
        ordering = list(queryset.query.order_by or queryset.model._meta.ordering or [])
        if not any(str(key).lstrip("-") in {"pk", "id"} for key in ordering):
            self.data.data = queryset.order_by(*ordering, "pk")

    def configure(self, request, params=None, paginate=True, per_page=None):
        """Order from ?sort=, break ties, then paginate from ?page= / ?per_page= (capped; default
        `per_page`, else GOVTASKS_DEFAULT_PER_PAGE).

        A page past the end shows the last page and `page_out_of_range` says so; a
        page that is not a number shows the first.
        """
        params = request.GET if params is None else params
        self.request = request
        # Counted before ordering: an order never changes how many rows there are, and an
        # ordering may join what the count does not need (TaskTable.order_deadline).
        unordered = self.data.data
        sort = params.getlist(self.prefixed_order_by_field)
        if sort:
            self.order_by = sort
        self.apply_tie_breaker()
        self.page_out_of_range = False
        if not paginate:
            return self
        self.per_page = bounded_int(
            params.get(self.prefixed_per_page_field),
            per_page or settings.GOVTASKS_DEFAULT_PER_PAGE,
            1,
            settings.GOVTASKS_MAX_PER_PAGE,
        )
        self.paginator = CountedPaginator(self.rows, self.per_page, counted=unordered)
        self.page_keys = None
        if self.two_step_pages and self.keys_with_count:
            if self.read_keys_with_count(params.get(self.prefixed_page_field)):
                self.fetch_page_in_two_steps()
                return self
        try:
            self.page = self.paginator.page(params.get(self.prefixed_page_field) or 1)
        except PageNotAnInteger:
            self.page = self.paginator.page(1)
        except EmptyPage:
            self.page_out_of_range = True
            self.page = self.paginator.page(self.paginator.num_pages)
        if self.two_step_pages:
            self.fetch_page_in_two_steps()
        return self

    def read_keys_with_count(self, asked):
        """Read the asked page's keys and the count of all rows in one query (a window count);
        False when that page is empty (past the end, or no rows), which the usual path handles.

        For lists whose matches are few and costly to find (a keyword search: the count and the keys
        would look for the same matches twice). A plain list counts through an index instead and
        walks only a page of keys: the window would make it produce every row.
        """
        queryset = self.data.data
        if not isinstance(queryset, QuerySet):
            return False
        number = bounded_int(asked, 1, 1, 10**6)
        start = (number - 1) * self.per_page
        keys = list(
            queryset.annotate(listed_count=Window(Count("pk"))).values_list("pk", "listed_count")[
                start : start + self.per_page
            ]
        )
        if not keys:
            return False
        self.paginator.__dict__["count"] = keys[0][1]  # the cached_property, already known
        self.page = self.paginator.page(number)
        self.page_keys = [pk for pk, _count in keys]
        return True

    def fetch_page_in_two_steps(self):
        """Find the page's primary keys first, then load only those rows with everything they show.

        A row's columns may be joins and subqueries; with OFFSET the database produces them for
        every row it skips as well. The keys of a page in the second half are read in the
        reverse order from the end: the last of 1,000 pages is then as cheap as the first
        (an index walk that stops after a page, instead of sorting every row; bench/run.py).
        """
        queryset = self.data.data
        if not isinstance(queryset, QuerySet):
            return
        count = self.paginator.count
        start = self.page.start_index() - 1 if count else 0
        end = min(start + self.per_page, count)
        if getattr(self, "page_keys", None) is not None:
            pks = self.page_keys
        elif start > count - end:
            pks = list(queryset.reverse().values_list("pk", flat=True)[count - end : count - start])[::-1]
        else:
            pks = list(queryset.values_list("pk", flat=True)[start:end])
        by_pk = {record.pk: record for record in queryset.order_by().filter(pk__in=pks)}
        # A row deleted between the two queries is left out rather than failing the page.
        self.page.object_list = BoundRows([by_pk[pk] for pk in pks if pk in by_pk], table=self)


class CountedPaginator(Paginator):
    """A Paginator whose count comes from `counted`, the same rows in another order."""

    def __init__(self, object_list, per_page, *, counted, **kwargs):
        super().__init__(object_list, per_page, **kwargs)
        self.counted = counted

    @cached_property
    def count(self):
        return self.counted.count() if isinstance(self.counted, QuerySet) else len(self.counted)


class CellRenderer:
    """One column's cells, rendered as django-tables2's BoundRow.get_cell() and template render them."""

    KWARGS = ("value", "record", "column", "bound_column", "bound_row", "table")

    def __init__(self, table, bound_column):
        column = bound_column.column
        if any(callable(value) for value in column.attrs.get("td", column.attrs.get("cell", {})).values()):
            raise NotImplementedError(f"{bound_column.name}: computed cell attributes are not supported")
        self.table = table
        self.bound_column = bound_column
        self.column = column
        self.td = format_html("<td {}>", bound_column.attrs["td"].as_html())
        self.accessor = bound_column.accessor
        self.render = bound_column.render
        parameters = inspect.signature(self.render).parameters.values()
        self.wants_all = any(parameter.kind == parameter.VAR_KEYWORD for parameter in parameters)
        self.wanted = [parameter.name for parameter in parameters if parameter.name in self.KWARGS]
        # A model field with choices shows its label (get_FOO_display), as django-tables2 does.
        self.display = None
        model = getattr(table._meta, "model", None)
        if model is not None and "." not in self.accessor and "__" not in self.accessor:
            try:
                field = model._meta.get_field(self.accessor)
            except FieldDoesNotExist:
                field = None
            if field is not None and getattr(field, "choices", None):
                self.display = f"get_{self.accessor}_display"

    def html(self, bound_row):
        record = bound_row.record
        if self.display:
            value = getattr(record, self.display)()
        else:
            value = self.accessor.resolve(record, quiet=True)
        if value in self.column.empty_values:
            content = self.bound_column.default
        else:
            arguments = {
                "value": value,
                "record": record,
                "column": self.column,
                "bound_column": self.bound_column,
                "bound_row": bound_row,
                "table": self.table,
            }
            wanted = arguments if self.wants_all else {name: arguments[name] for name in self.wanted}
            content = self.render(**wanted)
            if self.bound_column.link:
                content = self.bound_column.link(content, **arguments)
        return f"{self.td}{conditional_escape(content)}</td>"
