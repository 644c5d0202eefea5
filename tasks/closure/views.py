"""Pages of who answers for a task and of closing it: name the 主办, 申请办结, 核查 / 销号 / 退回, reopen.

Each view checks access with permissions.py, parses a form, calls one service and renders; as in
progress/views.py a refusal re-renders the form with the service's message and a conflict answers 409.
"""

from functools import partial

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from ..attachments.uploads import limit_upload_size
from ..models import ClosureRequest, MemberAssignment, Task, TaskUnit
from ..permissions import Action
from ..progress.views import call_service, decide, page_status, submit_form, task_url
from . import services
from .forms import ClosureDecisionForm, ClosureRequestForm, HostForm, MemberAssignmentForm, ReopenForm
from .selectors import answering_unit


@limit_upload_size
def closure_request(request, pk):
    """The 主办 unit's liaison asks to close the task, with a summary and evidence files."""
    task = get_object_or_404(Task.objects.select_related("document", "host_unit"), pk=pk)
    if not permissions.may(request.user, Action.REQUEST_CLOSURE, task):
        raise PermissionDenied(
            _("第%(number)s项任务由%(host)s主办，只有主办单位的联络员可以申请办结。")
            % {"number": task.number, "host": answering_unit(task) or "—"}
        )
    unit = permissions.liaison_unit(request.user)
    form = ClosureRequestForm(request.POST or None, request.FILES or None)
    if request.method == "POST" and request.upload_too_large:
        form.add_error("files", request.upload_too_large)
    done, outcome = submit_form(
        request,
        form,
        services.closure_request_submit,
        task=task,
        unit=unit,
        actor=request.user,
        done_message=_("办结申请已提交，等待督查室核查销号。"),
        done_url=task_url(task),
    )
    if done:
        return done
    context = {"task": task, "unit": unit, "form": form}
    return render(request, "tasks/closure/request_form.html", context, status=page_status(outcome))


def closure_detail(request, pk):
    """A 办结 request with its evidence and, for the office, its check: POST closes (销号) or returns it."""
    closure = get_object_or_404(
        ClosureRequest.objects.select_related("task", "unit", "requested_by", "decided_by", "reopened_by"), pk=pk
    )
    can_decide = permissions.may(request.user, Action.DECIDE_CLOSURE)
    form = ClosureDecisionForm(request.POST or None, initial={"version": closure.version})
    outcome = None
    if request.method == "POST":
        if not can_decide:
            raise PermissionDenied(_("只有督查室可以核查办结申请。"))
        if form.is_valid():
            decisions = {
                "close": (partial(services.closure_close, closure=closure), "comment", _("已核查通过，任务办结销号。")),
                "return": (partial(services.closure_return, closure=closure), "reason", _("已退回该办结申请。")),
            }
            outcome = decide(request, form, closure, decisions)
            if outcome.done:
                return redirect(reverse("tasks:closure_detail", args=[closure.pk]))
    context = {
        "closure": closure,
        "form": form,
        "conflict": outcome and outcome.conflict,
        "can_decide": can_decide and closure.state == ClosureRequest.State.PENDING,
        "can_read_files": permissions.may(request.user, Action.READ_ATTACHMENTS, closure.task),
        "attachments": closure.attachments.all(),
    }
    return render(request, "tasks/closure/detail.html", context, status=page_status(outcome))


def task_reopen(request, pk):
    """The office reopens a closed task with a reason."""
    task = get_object_or_404(Task.objects.select_related("document"), pk=pk)
    if not permissions.may(request.user, Action.DECIDE_CLOSURE):
        raise PermissionDenied(_("只有督查室可以重新打开已办结的任务。"))
    form = ReopenForm(request.POST or None)
    done, _outcome = submit_form(
        request,
        form,
        services.task_reopen,
        task=task,
        actor=request.user,
        done_message=_("任务已重新打开。"),
        done_url=task_url(task),
    )
    if done:
        return done
    return render(request, "tasks/closure/reopen_form.html", {"task": task, "form": form})


def task_host(request, pk):
    """The office names which lead unit answers for the task (主办)."""
    task = get_object_or_404(Task.objects.select_related("document", "host_unit"), pk=pk)
    if not permissions.may(request.user, Action.NAME_HOST):
        raise PermissionDenied(_("只有督查室可以指定主办单位。"))
    leads = [link.unit for link in task.task_units.filter(role=TaskUnit.Role.LEAD).select_related("unit")]
    host = answering_unit(task)
    form = HostForm(request.POST or None, lead_units=leads, initial={"unit": host.pk if host else None})
    done, _outcome = submit_form(
        request,
        form,
        services.task_host_name,
        task=task,
        actor=request.user,
        done_message=lambda named: _("主办单位已指定为%(unit)s。") % {"unit": form.cleaned_data["unit"]},
        done_url=task_url(task),
    )
    if done:
        return done
    context = {"task": task, "form": form, "host": host}
    return render(request, "tasks/closure/host_form.html", context)


def task_members(request, pk):
    """The office names members of a collective on the task for their share (点名承办), or withdraws that."""
    task = get_object_or_404(Task.objects.select_related("document"), pk=pk)
    if not permissions.may(request.user, Action.NAME_HOST):
        raise PermissionDenied(_("只有督查室可以指定集合单位的成员单位承办。"))
    members = services.assignable_members(task)
    form = MemberAssignmentForm(request.POST or None, members=members)
    if request.method == "POST" and form.is_valid():
        assign = form.cleaned_data["action"] == "assign"
        service = services.member_assign if assign else services.member_withdraw
        outcome = call_service(form, service, task=task, actor=request.user, unit=form.cleaned_data["unit"])
        if outcome.done:
            message = _("已指定%(unit)s承办本任务。") if assign else _("已撤销对%(unit)s的承办指定。")
            messages.success(request, message % {"unit": form.cleaned_data["unit"]})
            return redirect(reverse("tasks:task_members", args=[task.pk]))
    standing = {
        assignment.unit_id: assignment
        for assignment in MemberAssignment.objects.filter(task=task, withdrawn_at__isnull=True).select_related(
            "assigned_by"
        )
    }
    rows = [(unit, collective, standing.get(unit.pk)) for unit, collective in members.items()]
    context = {"task": task, "form": form, "rows": rows}
    return render(request, "tasks/closure/members_form.html", context, status=400 if form.errors else 200)
