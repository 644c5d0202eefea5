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

The tables themselves (BaseTable: order, pages, rows) are in govtasks/tables.py.
"""

from collections.abc import Callable
from dataclasses import dataclass

from django.contrib import messages
from django.db.models import Q
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.views.generic import View


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
                keys.append((f"{name}__{sub_name}", descending != sub_descending))
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
