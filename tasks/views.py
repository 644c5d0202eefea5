"""Pages of the tasks app: task list and detail, source documents, units, dashboard.

Views read parameters, call selectors and render; the rules live in selectors.py and querysets.py.
"""

import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.http import FileResponse, JsonResponse, QueryDict
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _
from django.views.decorators.cache import cache_control
from django.views.decorators.http import require_GET

from core.generic import Exporter, ObjectListView

from . import permissions, selectors
from .closure import selectors as closure_selectors
from .filtersets import TaskFilterSet, UnitFilterSet
from .instructions.selectors import open_instructions, task_instructions
from .models import Document, Task, TaskUnit, Unit
from .progress import selectors as progress_selectors
from .state import units_as_of
from .state.derive import read_as_of
from .tables import TaskTable, UnitTable
from .workbooks.bulletin import write_bulletin
from .workbooks.cells import XLSX_CONTENT_TYPE


def as_of_from(request, params):
    """The ?as_of= date of `params`; a malformed one is reported on the page and today is used instead."""
    as_of, malformed = read_as_of(params.get("as_of"))
    if malformed:
        messages.warning(
            request,
            gettext("日期“%(value)s”无效（应为年-月-日，如2021-07-01），已按今天显示。") % {"value": params["as_of"]},
        )
    return as_of


def bulletin_response(request, table):
    """?export=xlsx: the progress bulletin (督查通报) of exactly the rows the list shows, as of its ?as_of=.

    Written to a temporary file and streamed from there, so a large export holds neither
    the workbook nor the response in memory.
    """
    as_of = read_as_of(request.GET.get("as_of"))[0] or timezone.localdate()
    out = tempfile.TemporaryFile()
    write_bulletin(table.data.data, out, as_of=as_of)
    out.seek(0)
    filename = gettext("督查通报-%(day)s.xlsx") % {"day": as_of.isoformat()}
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


class TaskListView(ObjectListView):
    queryset = Task.objects.all()
    filterset = TaskFilterSet
    table = TaskTable
    title = _("重点工作任务")
    template_name = "tasks/task_list.html"
    exporters = {"xlsx": Exporter(_("导出Excel"), bulletin_response)}

    def get_queryset(self, params):
        as_of, _malformed = read_as_of(params.get("as_of"))
        # Access first, filters after: a filter only ever narrows what the user may see.
        return selectors.tasks_for_display(as_of, permissions.tasks_visible_to(self.request.user))

    def get_extra_context(self, params):
        return {"as_of": as_of_from(self.request, params)}


def task_detail(request, pk):
    # The list this task was opened from: its filters give previous / next and the way back.
    back = QueryDict(request.GET.get("back", ""))
    as_of = as_of_from(request, back)
    task = get_object_or_404(
        selectors.tasks_for_display(as_of, permissions.tasks_visible_to(request.user))
        .with_light_reasons()
        .select_related("section", "subsection", "host_unit", "publication")
        .prefetch_related("task_units__unit__members"),
        pk=pk,
    )
    list_view = TaskListView()
    list_view.setup(request)
    previous_pk, next_pk = list_view.neighbours(back, task.pk)
    filterset = list_view.get_filterset(back, Task.objects.all())
    unit = filterset.selected_unit
    via_collective = ""
    if unit is not None:
        reach = selectors.with_unit_reach(Task.objects.filter(pk=task.pk), unit).values_list(
            "via_collective", flat=True
        )
        via_collective = next(iter(reach), "")

    def sibling_url(sibling_pk):
        if sibling_pk is None:
            return None
        url = reverse("tasks:task_detail", args=[sibling_pk])
        return f"{url}?{urlencode({'back': back.urlencode()})}" if back else url

    lines = task.source_text.splitlines() or [""]
    context = {
        "task": task,
        "as_of": as_of,
        "lead_links": [link for link in task.task_units.all() if link.role == TaskUnit.Role.LEAD],
        "responsible_links": [link for link in task.task_units.all() if link.role == TaskUnit.Role.RESPONSIBLE],
        "days_overdue": max(0, -task.days_left),
        "reports": task.reports.select_related("unit", "submitted_by", "reviewed_by"),
        "workflow": progress_selectors.task_workflow(task, request.user, as_of),
        "previous_url": sibling_url(previous_pk),
        "next_url": sibling_url(next_pk),
        "back_url": reverse("tasks:task_list") + (f"?{back.urlencode()}" if back else ""),
        "filter_unit": unit,
        "via_collective": via_collective,
        "source_url": f"{reverse('tasks:document_detail', args=[task.document_id])}?task={task.pk}#L{task.source_line}",
        "source_last_line": task.source_line + len(lines) - 1,
        **closure_context(task, request.user, as_of),
    }
    return render(request, "tasks/task_detail.html", context)


def closure_context(task, user, as_of):
    """Who answers for the task, each unit's own progress, its 办结 request and what `user` may do about them."""
    closure = closure_selectors.open_closure(task)
    leads = [link for link in task.task_units.all() if link.role == TaskUnit.Role.LEAD]
    return {
        "host": closure_selectors.answering_unit(task),
        "unit_progress": closure_selectors.unit_progress(task, as_of),
        "closure": closure,
        "can_read_files": permissions.can_read_attachments(user, task),
        "can_request_closure": closure is None and permissions.can_request_closure(user, task),
        "can_decide_closures": permissions.can_decide_closures(user),
        "can_reopen": closure is not None and closure.state == "closed" and permissions.can_decide_closures(user),
        "can_name_host": len(leads) > 1 and permissions.can_name_host(user),
        "instructions": list(task_instructions(task)),
        "publication": getattr(task, "publication", None),
        "can_publish": permissions.can_publish(user),
        "can_instruct": permissions.can_instruct(user),
    }


def document_detail(request, pk):
    """A source document's own text, line by line with file line numbers; ?task= highlights that task."""
    document = get_object_or_404(Document, pk=pk)
    highlighted = range(0)
    task = None
    task_pk = request.GET.get("task", "")
    if task_pk.isdigit():
        task = document.tasks.filter(pk=int(task_pk)).first()
        if task is not None:
            highlighted = range(task.source_line, task.source_line + len(task.source_text.splitlines() or [""]))
    lines = [
        (number, text, number in highlighted)
        for number, text in enumerate(document.text.splitlines(), start=document.first_line)
    ]
    return render(request, "tasks/document_detail.html", {"document": document, "lines": lines, "task": task})


@require_GET
@cache_control(private=True, max_age=300)
def unit_names(request):
    """The canonical unit names, for the suggestions of a unit box (static/js/govtasks.js).

    Fetched once when the box is first used, not written into every page: a province's
    5,000 names were 150 kB and a quarter of the task list's time.
    """
    return JsonResponse({"names": list(Unit.objects.order_by("name").values_list("name", flat=True))})


class UnitListView(ObjectListView):
    queryset = Unit.objects.all()
    filterset = UnitFilterSet
    table = UnitTable
    title = _("责任单位")

    def get_queryset(self, params):
        return units_as_of()


UNIT_PAGE_ROWS = 20
# Open leaders' instructions the office sees on its dashboard, oldest first.
DASHBOARD_INSTRUCTIONS = 10


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases", "members", "collectives"), pk=pk)
    groups = selectors.unit_tasks(unit)
    role_names = {"lead": TaskUnit.Role.LEAD, "responsible": TaskUnit.Role.RESPONSIBLE, "via_collective": "any"}
    tables = {}
    for key, queryset in groups.items():
        # Detail links step through this unit's tasks in that role.
        back = urlencode({"unit": unit.name, "role": role_names[key]})
        # Paged, each table on its own (?lead-page=2, ?lead-per_page=50): an overview of the three
        # roles, where a township of a province reaches hundreds of tasks; the task list has them all.
        table = TaskTable(queryset, prefix=f"{key}-", back=back)
        tables[key] = table.configure(request, per_page=UNIT_PAGE_ROWS)
    return render(
        request,
        "tasks/unit_detail.html",
        {
            "unit": unit,
            "tables": tables,
            "aliases": [alias for alias in unit.aliases.all() if alias.name != unit.name],
            "task_list_url": reverse("tasks:task_list") + "?" + urlencode({"unit": unit.name}),
        },
    )


def dashboard(request):
    """Figures for everyone; a liaison's to-do list for its unit and the office's waiting work on top."""
    as_of = as_of_from(request, request.GET)
    context = selectors.dashboard(as_of)
    unit = permissions.liaison_unit(request.user)
    if unit is not None:
        context["todo"] = progress_selectors.unit_todo(unit, as_of)
    if permissions.may(request.user, permissions.Action.REVIEW):
        context["waiting"] = progress_selectors.office_counts()
    if permissions.is_office(request.user):
        context["open_instructions"] = list(open_instructions()[:DASHBOARD_INSTRUCTIONS])
    return render(request, "tasks/dashboard.html", context)
