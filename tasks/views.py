"""Pages of the tasks app: task list and detail, source documents, units, dashboard.

Views read parameters, call selectors and render; the rules live in selectors.py and querysets.py.
"""

import re
import tempfile
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied
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
from .permissions import Action
from .progress import selectors as progress_selectors
from .state import reads_store, units_as_of
from .state.derive import read_as_of
from .tables import TaskSummaryTable, TaskTable, UnitProgressColumn, UnitTable
from .workbooks.bulletin import scope_words, write_bulletin
from .workbooks.bulletin_docx import DOCX_CONTENT_TYPE, issue_number, write_bulletin_docx
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


def as_of_links(as_of):
    """Query strings that carry a past ?as_of= into the links of a page seen as of that date.

    `list`: for the task list ("as_of=…&", to put before the other parameters); `task`: for a
    task's page ("?back=as_of%3D…", the list it came from); `unit`: for a unit's page ("?as_of=…").
    All empty for today, so today's links stay short.
    """
    if reads_store(as_of):  # today: no date to carry
        return {"list": "", "task": "", "unit": ""}
    value = urlencode({"as_of": as_of.isoformat()})
    return {"list": f"{value}&", "task": "?" + urlencode({"back": value}), "unit": f"?{value}"}


def bulletin_response(request, table):
    """?export=xlsx: the progress bulletin (督查通报) of exactly the rows the list shows, as of its ?as_of=.

    Written to a temporary file and streamed from there, so a large export holds neither
    the workbook nor the response in memory.
    """
    as_of = read_as_of(request.GET.get("as_of"))[0] or timezone.localdate()
    scope = bulletin_scope(request)
    out = tempfile.TemporaryFile()
    write_bulletin(table.data.data, out, as_of=as_of, scope=scope)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=bulletin_filename(scope, as_of, "xlsx"), content_type=XLSX_CONTENT_TYPE
    )


def bulletin_scope(request):
    """What the list's filters select, in words ("" for every task): the bulletin says it in its title."""
    filterset = TaskFilterSet(request.GET, queryset=Task.objects.none())
    return scope_words(filterset.form.cleaned_data) if filterset.is_valid() else ""


def bulletin_filename(scope, as_of, extension):
    """督查通报-二、全力以赴实施工业倍增-2021-09-30.xlsx: a part exported is named as that part."""
    name = gettext("督查通报")
    if scope:
        name += "-" + re.sub(r'[\\/:*?"<>|\s]+', "", scope)[:40]
    return f"{name}-{as_of.isoformat()}.{extension}"


def bulletin_docx_response(request, table):
    """?export=docx: the bulletin as a Word document to send (督查通报 with 期号, summary, table, 落款).

    The office issues bulletins: each export takes the year's next 期号, so only the office may.
    """
    if not permissions.may(request.user, Action.ISSUE_BULLETIN):
        raise PermissionDenied(gettext("只有督查室可以印发督查通报。"))
    as_of = read_as_of(request.GET.get("as_of"))[0] or timezone.localdate()
    scope = bulletin_scope(request)
    issue = bulletin_issue(request)
    out = tempfile.TemporaryFile()
    write_bulletin_docx(table.data.data, out, as_of=as_of, scope=scope, issue=issue)
    out.seek(0)
    return FileResponse(
        out, as_attachment=True, filename=bulletin_filename(scope, as_of, "docx"), content_type=DOCX_CONTENT_TYPE
    )


def bulletin_issue(request):
    """The 期号 of this year's bulletin: ?issue=N when the office gives it, else the next one (recorded)."""
    given = request.GET.get("issue", "")
    return issue_number(request.user, given=int(given) if given.isdigit() and 0 < int(given) < 1000 else None)


class TaskListView(ObjectListView):
    queryset = Task.objects.all()
    filterset = TaskFilterSet
    table = TaskTable
    title = _("重点工作任务")
    template_name = "tasks/task_list.html"
    exporters = {
        "xlsx": Exporter(_("导出Excel"), bulletin_response),
        "docx": Exporter(_("导出Word通报"), bulletin_docx_response),
    }

    def get_queryset(self, params):
        as_of, _malformed = read_as_of(params.get("as_of"))
        # Access first, filters after: a filter only ever narrows what the user may see.
        return selectors.tasks_for_display(as_of, permissions.tasks_visible_to(self.request.user))

    def filtered_queryset(self, params):
        filterset, queryset = super().filtered_queryset(params)
        # Filtered by a unit (TaskFilterSet.filter_unit annotates the unit's own figure): the table
        # shows that figure beside the task's.
        self.progress_unit = filterset.selected_unit if filterset is not None else None
        return filterset, queryset

    def get_table(self, queryset, params, paginate=True):
        unit = getattr(self, "progress_unit", None)
        options = UnitProgressColumn.options() if unit is not None else {}
        return self.table(queryset, **options).configure(self.request, params, paginate=paginate)

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
    """Who answers for the task, each unit's own progress, its 办结 request and what `user` may do about them.

    Only answers that depend on the task's state as well are flags here; a template asks a bare
    permission itself with `{% may %}` (the closure, instruction and publication panels)."""
    closure = closure_selectors.open_closure(task)
    leads = [link for link in task.task_units.all() if link.role == TaskUnit.Role.LEAD]
    return {
        "host": closure_selectors.answering_unit(task),
        "unit_progress": closure_selectors.unit_progress(task, as_of),
        "closure": closure,
        "can_read_files": permissions.may(user, Action.READ_ATTACHMENTS, task),
        "can_request_closure": closure is None and permissions.may(user, Action.REQUEST_CLOSURE, task),
        "can_reopen": closure is not None
        and closure.state == "closed"
        and permissions.may(user, Action.DECIDE_CLOSURE),
        "can_name_host": len(leads) > 1 and permissions.may(user, Action.NAME_HOST),
        "can_assign_members": permissions.may(user, Action.NAME_HOST)
        and any(link.unit.kind == Unit.Kind.COLLECTIVE for link in task.task_units.all()),
        "instructions": list(task_instructions(task)),
        "publication": getattr(task, "publication", None),
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
    return JsonResponse({"names": list(Unit.objects.in_office_order().values_list("name", flat=True))})


# A district has some 50 units: the office wants them on one page, not 50 + 3 over two.
UNIT_LIST_ROWS = 100


class UnitListView(ObjectListView):
    queryset = Unit.objects.all()
    filterset = UnitFilterSet
    table = UnitTable
    # Every unit holding tasks, lead and responsible alike: not only the 责任单位.
    title = _("单位")

    def get_queryset(self, params):
        return units_as_of().in_office_order().prefetch_related(selectors.active_liaisons())

    def get_table(self, queryset, params, paginate=True):
        return self.table(queryset).configure(self.request, params, paginate=paginate, per_page=UNIT_LIST_ROWS)


UNIT_PAGE_ROWS = 20
# Open leaders' instructions the office sees on its dashboard, oldest first.
DASHBOARD_INSTRUCTIONS = 10


def unit_detail(request, pk):
    unit = get_object_or_404(Unit.objects.prefetch_related("aliases", "members", "collectives"), pk=pk)
    as_of = as_of_from(request, request.GET)
    groups = selectors.unit_tasks(unit, as_of)
    role_names = {"lead": TaskUnit.Role.LEAD, "responsible": TaskUnit.Role.RESPONSIBLE, "via_collective": "any"}
    tables = {}
    for key, queryset in groups.items():
        # Detail links step through this unit's tasks in that role.
        back = urlencode({"unit": unit.name, "role": role_names[key], **({"as_of": as_of} if as_of else {})})
        # Paged, each table on its own (?lead-page=2, ?lead-per_page=50): an overview of the three
        # roles, where a township of a province reaches hundreds of tasks; the task list has them all.
        # The unit's own figure beside the task's (its 主办 unit's).
        table = TaskTable(queryset, prefix=f"{key}-", back=back, **UnitProgressColumn.options())
        tables[key] = table.configure(request, per_page=UNIT_PAGE_ROWS)
    return render(
        request,
        "tasks/unit_detail.html",
        {
            "unit": unit,
            "tables": tables,
            "aliases": [alias for alias in unit.aliases.all() if alias.name != unit.name],
            "unit_tasks_url": reverse("tasks:task_list")
            + "?"
            + urlencode({"unit": unit.name, **({"as_of": as_of} if as_of else {})}),
            "as_of": as_of,
        },
    )


def dashboard(request):
    """Figures for everyone; a liaison's to-do list for its unit and the office's waiting work on top."""
    as_of = as_of_from(request, request.GET)
    context = selectors.dashboard(as_of)
    links = as_of_links(as_of)
    context["as_of_links"] = links
    # Task links carry the day shown (?back=as_of=…), unit links ?as_of=…; today's stay short.
    summary = {
        "back": "" if reads_store(as_of) else urlencode({"as_of": as_of.isoformat()}),
        "unit_query": links["unit"],
    }
    context["due_soon_table"] = TaskSummaryTable(
        list(context["due_soon"]), empty_text=gettext("未来30天内没有到期的任务。"), **summary
    )
    context["overdue_table"] = TaskSummaryTable(
        list(context["overdue"]), empty_text=gettext("没有逾期任务。"), **summary
    )
    unit = permissions.liaison_unit(request.user)
    if unit is not None:
        context["todo"] = progress_selectors.unit_todo(unit, as_of)
    if permissions.may(request.user, permissions.Action.REVIEW):
        context["waiting"] = progress_selectors.office_counts()
    if permissions.is_office(request.user):
        context["open_instructions"] = list(open_instructions()[:DASHBOARD_INSTRUCTIONS])
    return render(request, "tasks/dashboard.html", context)
