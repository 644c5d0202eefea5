"""One generic list view for every list page: scope → filter → table → order → paginate (or export).

A list page is a declaration (NetBox style)::

    class TaskListView(ObjectListView):
        queryset = Task.objects.all()
        filterset = TaskFilterSet
        table = TaskTable
        title = _("重点工作任务")

Filters only ever narrow `get_queryset()`: when the filter form is invalid the page
shows the errors and an empty result, never the unfiltered list. `?export=<name>`
hands the same filtered, ordered rows to `exporters[name]` with pagination off, so
an export matches the page by construction::

    exporters = {"xlsx": Exporter(_("导出Excel"), bulletin_response)}
"""

import inspect
from collections.abc import Callable
from dataclasses import dataclass

import django_tables2 as tables
from django import forms
from django.conf import settings
from django.contrib import messages
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import EmptyPage, PageNotAnInteger, Paginator
from django.db.models import Q, QuerySet
from django.shortcuts import render
from django.utils.functional import cached_property
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.generic import View
from django_tables2.rows import BoundRows


def bounded_int(value, default, lowest, highest):
    """`value` as an int clamped to [lowest, highest]; `default` when it is missing or not a number."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        return default
    return max(lowest, min(highest, number))


@dataclass(frozen=True)
class Exporter:
    """One export of a list page: the label of its button and `export(request, table)` → HttpResponse.

    The table is filtered and ordered like the page, with pagination off.
    """

    label: str
    export: Callable


class BootstrapFilterForm(forms.Form):
    """Filter forms styled for Bootstrap without a template per form."""

    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if isinstance(field.widget, forms.Select):
                field.widget.attrs.setdefault("class", "form-select form-select-sm")
            else:
                field.widget.attrs.setdefault("class", "form-control form-control-sm")


class BaseTable(tables.Table):
    """A table whose order is deterministic and whose pages are bounded."""

    # Tables whose rows carry costly derived columns fetch a page by primary keys first
    # (fetch_page_in_two_steps); a plain table would only pay one query more.
    two_step_pages = False

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
        if start > count - end:
            pks = list(queryset.reverse().values_list("pk", flat=True)[count - end : count - start])[::-1]
        else:
            pks = list(queryset.values_list("pk", flat=True)[start:end])
        by_pk = {record.pk: record for record in queryset.order_by().filter(pk__in=pks)}
        # A row deleted between the two queries is left out rather than failing the page.
        self.page.object_list = BoundRows([by_pk[pk] for pk in pks if pk in by_pk], table=self)


def sort_keys(queryset):
    """[(field name, descending)] of the queryset's ordering, a foreign key spelled out as its
    model's ordering (as the database sorts it); None when an ordering is an expression."""
    keys = []
    for item in queryset.query.order_by:
        if not isinstance(item, str):
            return None
        descending, name = item.startswith("-"), item.lstrip("-")
        field = next((f for f in queryset.model._meta.concrete_fields if f.name == name), None)
        related = getattr(field, "related_model", None) if field is not None else None
        if related is not None and related._meta.ordering:
            for sub in related._meta.ordering:
                sub_descending, sub_name = sub.startswith("-"), sub.lstrip("-")
                keys.append((f"{name}__{'pk' if sub_name == 'pk' else sub_name}", descending != sub_descending))
        else:
            keys.append((name, descending))
    return keys


def beside(rows, keys, current, *, after):
    """The pk of the first row of `rows` after (or the last before) the row whose sort keys are `current`."""
    closer = Q()
    equal = {}
    for name, descending in keys:
        lookup = "gt" if after != descending else "lt"
        closer |= Q(**equal, **{f"{name}__{lookup}": current[name]})
        equal[name] = current[name]
    # The first key once more on its own: an index on it can start at the current row.
    first, first_descending = keys[0]
    near = Q(**{f"{first}__{'gte' if after != first_descending else 'lte'}": current[first]})
    order = [("-" if descending != (not after) else "") + name for name, descending in keys]
    return rows.filter(near, closer).order_by(*order).values_list("pk", flat=True).first()


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


class ObjectListView(View):
    """Scope, filter, tabulate and paginate one queryset; see the module docstring."""

    queryset = None
    filterset = None
    table = None
    title = ""
    template_name = "generic/object_list.html"
    # ?export=<name> → Exporter; a button per exporter beside the table.
    exporters = {}

    def get_queryset(self, params):
        """The rows this request may see at all, before any filter. Subclasses restrict it."""
        return self.queryset.all()

    def get_filterset(self, params, queryset):
        return self.filterset(params, queryset=queryset, request=self.request) if self.filterset else None

    def filtered_queryset(self, params):
        """(filterset, rows): an invalid filter form yields no rows, never the unfiltered ones."""
        queryset = self.get_queryset(params)
        filterset = self.get_filterset(params, queryset)
        if filterset is None:
            return None, queryset
        if not filterset.is_valid():
            return filterset, queryset.none()
        return filterset, filterset.qs

    def get_table(self, queryset, params, paginate=True):
        return self.table(queryset).configure(self.request, params, paginate=paginate)

    def get_extra_context(self, params):
        return {}

    def neighbours(self, params, pk):
        """(previous pk, next pk) around `pk` in the list `params` describe; None at an end or outside.

        Found from the row's own sort keys — the first row after it and the last before it —
        so a list of 100,000 rows is not read to find two (the keys of a plain ordering are
        then an index walk). An ordering by expressions or with empty values is looked up the
        long way, in the list of all keys.
        """
        _filterset, queryset = self.filtered_queryset(params)
        rows = self.get_table(queryset, params, paginate=False).data.data
        keys = sort_keys(rows)
        current = rows.filter(pk=pk).values(*(name for name, _descending in keys)).first() if keys else None
        if keys is None or (current is not None and None in current.values()):
            pks = list(rows.values_list("pk", flat=True))
            if pk not in pks:
                return None, None
            index = pks.index(pk)
            return (pks[index - 1] if index > 0 else None), (pks[index + 1] if index + 1 < len(pks) else None)
        if current is None:
            return None, None
        return beside(rows, keys, current, after=False), beside(rows, keys, current, after=True)

    def get(self, request, *args, **kwargs):
        params = request.GET
        filterset, queryset = self.filtered_queryset(params)
        export = params.get("export")
        if export:
            if export in self.exporters:
                return self.exporters[export].export(request, self.get_table(queryset, params, paginate=False))
            messages.warning(request, _("不支持的导出格式：%(name)s") % {"name": export})
        table = self.get_table(queryset, params)
        if table.page_out_of_range:
            messages.info(
                request,
                _("没有第%(asked)s页，已显示最后一页（第%(shown)s页）。")
                % {"asked": params.get(table.prefixed_page_field), "shown": table.page.number},
            )
        context = {
            "title": self.title,
            "filterset": filterset,
            "filter_form": filterset.form if filterset else None,
            # Carried through the filter form so changing a filter keeps the sort, page size and view options.
            "carried_params": self.carried_params(params, filterset),
            "table": table,
            "count": table.paginator.count,
            "exporters": [(name, exporter.label) for name, exporter in self.exporters.items()],
            **self.get_extra_context(params),
        }
        return render(request, self.template_name, context)

    @staticmethod
    def carried_params(params, filterset):
        """(name, value) pairs of the query string that are not filters, minus page and export."""
        filter_names = set(filterset.form.fields) if filterset else set()
        return [
            (name, value)
            for name, values in params.lists()
            if name not in filter_names and name not in {"page", "export"}
            for value in values
        ]
