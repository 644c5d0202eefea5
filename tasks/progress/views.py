"""Pages of the progress workflow: reports and their review, plans, extensions, reminders, assignment.

Each view checks access with permissions.py, parses a form, calls one service and renders;
a refused action re-renders the form with the service's message, a conflict (HTTP 409)
shows what the other person changed.
"""

from functools import partial
from typing import NamedTuple
from urllib.parse import urlencode

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.paging import parse_cursor
from notices.services import NoticeResult, source_of

from .. import permissions, report_months
from ..attachments.uploads import limit_upload_size
from ..handover import selectors as handover_selectors
from ..models import ExtensionRequest, ProgressReport, Task, TaskUnit, Unit, UnitPlan
from ..permissions import Action
from ..state import tasks_as_of
from ..state.derive import first_of_month
from . import selectors, services
from .forms import (
    AssignUnitsForm,
    ExtensionDecisionForm,
    ExtensionEndorseForm,
    ExtensionRequestForm,
    MilestoneFormSet,
    PlanForm,
    ProgressReportForm,
    ReminderForm,
    ResubmitForm,
    ReviewForm,
    ReviewQueueFilterForm,
)
from .review_context import review_context
from .services import Conflict, MilestoneInput

CONFLICT = 409
REMINDER_UNITS = 30  # units on a page of the reminders page
REMINDER_TASKS = 10  # tasks of each list a unit's card shows


def add_service_error(form, error):
    """Put a service's ValidationError on the form: on its field when the form has one, else on top."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


class Outcome(NamedTuple):
    done: bool
    result: object = None
    conflict: Conflict | None = None


def refuse_oversized_upload(request, form):
    """When limit_upload_size stopped reading the files (past the record's limit), say so on the form:
    it is then invalid and nothing is stored."""
    if request.method == "POST" and request.upload_too_large:
        form.add_error("files", request.upload_too_large)


def call_service(form, service, /, **arguments):
    """Call a service for a valid form.

    A refusal (ValidationError) goes on the form; a Conflict (someone changed the record since
    the form was shown) comes back in the outcome, for the page to answer 409 and show it.
    """
    try:
        return Outcome(True, service(**arguments))
    except ValidationError as error:
        add_service_error(form, error)
    except Conflict as conflict:
        return Outcome(False, conflict=conflict)
    return Outcome(False)


def submit_form(request, form, service, /, *, done_message, done_url, **arguments):
    """The POST half of a page whose form runs one service.

    For a valid form, call `service` with `arguments` and the form's cleaned data. Done: say
    `done_message` and redirect to `done_url` (either may be a callable of the service's result).
    A conflict goes on top of the form. Returns (the redirect or None, the outcome or None for a
    GET or an invalid form), the outcome for page_status().
    """
    if request.method != "POST" or not form.is_valid():
        return None, None
    outcome = call_service(form, service, **arguments, **form.cleaned_data)
    if outcome.done:
        result = outcome.result
        messages.success(request, done_message(result) if callable(done_message) else done_message)
        return redirect(done_url(result) if callable(done_url) else done_url), outcome
    if outcome.conflict:
        form.add_error(None, outcome.conflict.message)
    return None, outcome


def decide(request, form, record, decisions):
    """Carry out the office's decision on a report or an extension request from its valid review form.

    `decisions` maps each choice of the form to (the service, with the record bound; the keyword
    under which it takes the form's text; the message shown when done). Returns the outcome; on a
    conflict the record is read again, so the page shows it as the other person left it.
    """
    data = form.cleaned_data
    service, text_keyword, message = decisions[data["decision"]]
    text = data["comment"] if "comment" in data else data["reason"]
    outcome = call_service(form, service, actor=request.user, version=data["version"], **{text_keyword: text})
    if outcome.done:
        messages.success(request, message)
    elif outcome.conflict:
        record.refresh_from_db()
    return outcome


def page_status(outcome):
    return CONFLICT if outcome and outcome.conflict else 200


def task_url(task):
    return reverse("tasks:task_detail", args=[task.pk])


# --- reports ------------------------------------------------------------------------------------------------------


@limit_upload_size
def report_submit(request, pk):
    """A liaison reports its unit's progress on a task, with attachments if it likes."""
    task = get_object_or_404(Task.objects.select_related("document"), pk=pk)
    if not permissions.may(request.user, permissions.Action.REPORT, task):
        raise PermissionDenied(_("只有承担本任务的单位联络员可以报送进展。"))
    unit = permissions.liaison_unit(request.user)
    today = timezone.localdate()
    reported = set(
        ProgressReport.objects.filter(task=task, unit=unit)
        .exclude(state=ProgressReport.State.RETURNED)
        .values_list("period", flat=True)
    )
    month = report_months.month_to_report(today, reported)
    form = ProgressReportForm(
        request.POST or None,
        request.FILES or None,
        initial={"period": max(month.period, first_of_month(task.document.issued_on))},
    )
    refuse_oversized_upload(request, form)
    done, outcome = submit_form(
        request,
        form,
        services.progress_report_submit,
        task=task,
        unit=unit,
        actor=request.user,
        done_message=_("进展报告已提交，等待督查室审核。"),
        done_url=task_url(task),
    )
    if done:
        return done
    context = {
        "task": task,
        "unit": unit,
        "form": form,
        "title": _("报送进展"),
        "month": month,
        "days_late": month.days_late(today) if month.period not in reported else 0,
    }
    return render(request, "tasks/progress/report_form.html", context, status=page_status(outcome))


def report_detail(request, pk):
    """A report and, for the office, its review: POST accepts or returns it."""
    report = get_object_or_404(
        ProgressReport.objects.select_related(
            "task", "unit", "submitted_by", "reviewed_by", "resubmission_of", "resubmission"
        ),
        pk=pk,
    )
    can_review = permissions.may(request.user, permissions.Action.REVIEW)
    form = ReviewForm(request.POST or None, initial={"version": report.version})
    outcome = None
    if request.method == "POST":
        if not can_review:
            raise PermissionDenied(_("只有督查室可以审核进展报告。"))
        if form.is_valid():
            decisions = {
                "accept": (partial(services.progress_report_accept, report=report), "comment", _("已采纳该报告。")),
                "return": (
                    partial(services.progress_report_return, report=report),
                    "reason",
                    _("已退回该报告，单位修改后可重新提交。"),
                ),
            }
            outcome = decide(request, form, report, decisions)
            if outcome.done:
                return redirect(reverse("tasks:report_detail", args=[report.pk]))
    context = {
        "report": report,
        "form": form,
        "conflict": outcome and outcome.conflict,
        "can_review": can_review and report.state == ProgressReport.State.SUBMITTED,
        "can_resubmit": report.state == ProgressReport.State.RETURNED
        and not hasattr(report, "resubmission")
        and permissions.may(request.user, permissions.Action.RESUBMIT, report=report),
        "review": review_context(report) if can_review else None,
        # Files go with the record's access: the download view asks the same question.
        "attachments": report.attachments.all(),
        "can_read_files": permissions.may(request.user, Action.READ_ATTACHMENTS, report.task),
    }
    return render(request, "tasks/progress/report_detail.html", context, status=page_status(outcome))


@limit_upload_size
def report_resubmit(request, pk):
    """The unit corrects a returned report and submits it again."""
    report = get_object_or_404(ProgressReport.objects.select_related("task", "unit", "reviewed_by"), pk=pk)
    if not permissions.may(request.user, permissions.Action.RESUBMIT, report=report):
        raise PermissionDenied(_("只有%(unit)s的联络员可以修改本单位的报告。") % {"unit": report.unit})
    if report.state != ProgressReport.State.RETURNED or ProgressReport.objects.filter(resubmission_of=report).exists():
        messages.info(request, _("这份报告不是待修改的退回报告。"))
        return redirect(reverse("tasks:report_detail", args=[report.pk]))
    initial = {name: getattr(report, name) for name in ("done", "problems", "next_steps", "percent", "claims_complete")}
    form = ResubmitForm(request.POST or None, request.FILES or None, initial=initial)
    refuse_oversized_upload(request, form)
    done, outcome = submit_form(
        request,
        form,
        services.progress_report_resubmit,
        report=report,
        actor=request.user,
        done_message=_("修改后的报告已重新提交，等待督查室审核。"),
        done_url=lambda resubmitted: reverse("tasks:report_detail", args=[resubmitted.pk]),
    )
    if done:
        return done
    context = {"task": report.task, "unit": report.unit, "form": form, "returned": report, "title": _("修改后重新提交")}
    return render(request, "tasks/progress/report_form.html", context, status=page_status(outcome))


def review_queue(request):
    """The office's queue: reports waiting for review and extension requests waiting for a decision."""
    if not (
        permissions.may(request.user, permissions.Action.REVIEW)
        or permissions.may(request.user, permissions.Action.DECIDE)
    ):
        raise PermissionDenied(_("只有督查室可以查看待审核事项。"))
    form = ReviewQueueFilterForm(request.GET or None)
    # A bad filter (an unknown unit, a month that is not one) shows its message and no rows, never
    # the whole queue as if it had been applied.
    valid = form.is_valid() if form.is_bound else True
    data = form.cleaned_data if form.is_bound and valid else {}
    chosen = selectors.ReviewQueueFilter(
        unit=data.get("unit"),
        month=data.get("month"),
        kinds=(data["kind"],) if data.get("kind") else selectors.REVIEW_KINDS,
    )
    cursors = {
        kind: (parse_cursor(request.GET.get(f"{kind}-after")), parse_cursor(request.GET.get(f"{kind}-before")))
        for kind in selectors.REVIEW_KINDS
    }
    pages = selectors.review_queue(chosen, cursors) if valid else dict.fromkeys(selectors.REVIEW_KINDS)
    # The filters a paging link carries (its own cursor is added by the template).
    filters = urlencode({name: request.GET[name] for name in ("unit", "month", "kind") if request.GET.get(name)})
    context = {"form": form, "valid": valid, "filters": filters, **pages}
    # With the 分管领导 step on, requests still at the leaders are shown without a decision button: the
    # first REVIEW_QUEUE_PAGE and their count (none, and no query, while the step is off).
    at_leaders = (
        selectors.extensions_at_leaders().select_related("task__document", "unit").order_by("requested_at", "pk")
    )
    context["extensions_at_leaders"] = list(at_leaders[: selectors.REVIEW_QUEUE_PAGE])
    context["extensions_at_leaders_count"] = at_leaders.count() if context["extensions_at_leaders"] else 0
    return render(request, "tasks/progress/review_queue.html", context)


# --- plans -----------------------------------------------------------------------------------------------------------


def plan_unit(request, task):
    """The unit whose plan is edited: a liaison's own; for the office the ?unit= it chose."""
    own = permissions.liaison_unit(request.user)
    chosen = request.GET.get("unit", "")
    if chosen:
        if not chosen.isdigit():
            raise PermissionDenied(_("单位参数无效。"))
        unit = get_object_or_404(Unit, pk=int(chosen))
    elif own is not None:
        unit = own
    else:
        raise PermissionDenied(_("请从任务页面选择要编辑哪个单位的实施方案。"))
    if not permissions.may(request.user, permissions.Action.EDIT_PLAN, task, unit=unit):
        raise PermissionDenied(_("您不能修改%(unit)s在本任务上的实施方案。") % {"unit": unit})
    return unit


def plan_form_data(plan):
    """Initial data of the plan form and its milestone rows from the stored plan (or a blank one)."""
    if plan is None:
        return {"version": 0}, []
    initial = {"version": plan.version, **{name: getattr(plan, name) for name in services.PLAN_FIELDS}}
    rows = [
        {"id": m.pk, "title": m.title, "due_on": m.due_on, "percent": m.percent, "done_on": m.done_on}
        for m in plan.milestones.filter(removed_at__isnull=True).order_by("due_on", "pk")
    ]
    return initial, rows


def plan_edit(request, pk):
    """Edit a unit's responsible person, plan and milestones for a task."""
    task = get_object_or_404(Task, pk=pk)
    unit = plan_unit(request, task)
    plan = UnitPlan.objects.filter(task=task, unit=unit).select_related("updated_by").first()
    initial, rows = plan_form_data(plan)
    form = PlanForm(request.POST or None, initial=initial)
    milestones = MilestoneFormSet(request.POST or None, initial=rows, prefix="milestones")
    outcome, yours = None, []
    if request.method == "POST" and form.is_valid() and milestones.is_valid():
        rows_in = [
            MilestoneInput(**{key: row[key] for key in ("id", "title", "due_on", "percent", "done_on", "remove")})
            for row in milestones.cleaned_data
            if row
        ]
        fields = {name: form.cleaned_data[name] for name in services.PLAN_FIELDS}
        outcome = call_service(
            form,
            services.plan_update,
            task=task,
            unit=unit,
            actor=request.user,
            version=form.cleaned_data["version"],
            milestones=rows_in,
            **fields,
        )
        if outcome.done:
            messages.success(request, _("实施方案已保存。"))
            return redirect(task_url(task) + "#plans")
        if outcome.conflict:
            # Show the plan as it is now, to edit again; what this user typed is listed beside it.
            yours = [
                (form.fields[name].label, value) for name, value in fields.items() if value != initial.get(name, "")
            ]
            plan = outcome.conflict.current
            initial, rows = plan_form_data(plan)
            form = PlanForm(initial=initial)
            milestones = MilestoneFormSet(initial=rows, prefix="milestones")
    context = {
        "task": task,
        "unit": unit,
        "plan": plan,
        "form": form,
        "milestones": milestones,
        "conflict": outcome and outcome.conflict,
        "yours": yours,
    }
    return render(request, "tasks/progress/plan_form.html", context, status=page_status(outcome))


# --- extensions --------------------------------------------------------------------------------------------------------


@limit_upload_size
def extension_request(request, pk):
    """A liaison asks for a later deadline for its unit's task."""
    task = get_object_or_404(Task, pk=pk)
    if not permissions.may(request.user, permissions.Action.REQUEST_EXTENSION, task):
        raise PermissionDenied(_("只有承担本任务的单位联络员可以申请延期。"))
    unit = permissions.liaison_unit(request.user)
    refusal = services.extension_refusal(task)
    if refusal:
        # Said before the form is filled in, not after: the task page no longer offers the button either.
        messages.warning(request, refusal)
        return redirect(task_url(task))
    state = tasks_as_of().values("current_deadline", "percent").get(pk=task.pk)
    form = ExtensionRequestForm(request.POST or None, request.FILES or None, initial={"percent": state["percent"]})
    refuse_oversized_upload(request, form)
    done, outcome = submit_form(
        request,
        form,
        services.extension_request_submit,
        task=task,
        unit=unit,
        actor=request.user,
        done_message=_("延期申请已提交，等待分管领导审核后由督查室审批。")
        if services.leader_step_on()
        else _("延期申请已提交，等待督查室审批。"),
        done_url=task_url(task),
    )
    if done:
        return done
    context = {"task": task, "unit": unit, "form": form, "current_deadline": state["current_deadline"]}
    return render(request, "tasks/progress/extension_form.html", context, status=page_status(outcome))


def extension_detail(request, pk):
    """An extension request; POST carries the 分管领导's opinion (where that step is on) or the office's decision."""
    extension = get_object_or_404(
        ExtensionRequest.objects.select_related("task", "unit", "requested_by", "decided_by", "leader_by"), pk=pk
    )
    awaits_leader = services.extension_awaits_leader(extension)
    can_decide = permissions.may(request.user, permissions.Action.DECIDE)
    can_endorse = awaits_leader and permissions.may(
        request.user, permissions.Action.ENDORSE_EXTENSION, unit=extension.unit
    )
    data = request.POST if request.method == "POST" else None
    form = ExtensionDecisionForm(
        data, initial={"version": extension.version, "granted_deadline": extension.new_deadline}
    )
    endorse_form = ExtensionEndorseForm(data, initial={"version": extension.version})
    outcome = None
    if request.method == "POST":
        if request.POST.get("decision") in ("agree", "oppose"):
            if not can_endorse:
                raise PermissionDenied(_("只有%(unit)s的分管领导可以审核这份延期申请。") % {"unit": extension.unit})
            if endorse_form.is_valid():
                endorse = partial(services.extension_request_endorse, request=extension)
                decisions = {
                    "agree": (partial(endorse, agree=True), "comment", _("已签署同意意见，转督查室审批。")),
                    "oppose": (partial(endorse, agree=False), "comment", _("已签署不同意意见，转督查室审批。")),
                }
                outcome = decide(request, endorse_form, extension, decisions)
        else:
            if not can_decide:
                raise PermissionDenied(_("只有督查室可以审批延期申请。"))
            if form.is_valid():
                approve = partial(
                    services.extension_request_approve,
                    request=extension,
                    granted_deadline=form.cleaned_data["granted_deadline"],
                )
                decisions = {
                    "approve": (approve, "reason", _("已同意延期，任务的完成时限已调整。")),
                    "refuse": (
                        partial(services.extension_request_refuse, request=extension),
                        "reason",
                        _("已不同意延期。"),
                    ),
                }
                outcome = decide(request, form, extension, decisions)
        if outcome and outcome.done:
            return redirect(reverse("tasks:extension_detail", args=[extension.pk]))
    pending = extension.state == ExtensionRequest.State.PENDING
    context = {
        "extension": extension,
        "form": form,
        "attachments": extension.attachments.all(),
        "can_read_files": permissions.may(request.user, Action.READ_ATTACHMENTS, extension.task),
        "endorse_form": endorse_form,
        "conflict": outcome and outcome.conflict,
        "awaits_leader": services.extension_awaits_leader(extension),
        "can_endorse": can_endorse and services.extension_awaits_leader(extension),
        "can_decide": can_decide and pending and not services.extension_awaits_leader(extension),
    }
    return render(request, "tasks/progress/extension_detail.html", context, status=page_status(outcome))


def leader_queue(request):
    """What waits for a 分管领导: extension requests of the units the leader supervises."""
    if not permissions.is_endorsing_leader(request.user):
        raise PermissionDenied(_("只有分管领导可以查看待审核的延期申请。"))
    context = {
        "extensions": selectors.extensions_awaiting_leader(request.user),
        "step_on": services.leader_step_on(),
    }
    return render(request, "tasks/progress/leader_queue.html", context)


# --- reminders and the to-do list ----------------------------------------------------------------------------------------


def reminders(request):
    """The office's reminder page: per unit, what is unreported this period and what is overdue; POST reminds one."""
    if not permissions.may(request.user, permissions.Action.REMIND):
        raise PermissionDenied(_("只有督查室可以催办。"))
    if request.method == "POST":
        form = ReminderForm(request.POST)
        if not form.is_valid():
            messages.error(request, _("请选择要催办的单位。"))
        else:
            unit = form.cleaned_data["unit"]
            try:
                reminder = services.reminder_send(unit=unit, actor=request.user)
            except ValidationError as error:
                messages.warning(request, " ".join(error.messages))
            else:
                # What really happened: notices written, mails sent, queued or failed, units to phone.
                result = NoticeResult.for_source(source_of(reminder))
                level = messages.warning if result.needs_phone else messages.success
                level(request, _("已催办%(unit)s：%(what)s") % {"unit": unit, "what": result.summary()})
        return redirect(reverse("tasks:reminders") + f"#unit-{request.POST.get('unit', '')}")
    today = timezone.localdate()
    owed = report_months.owed_month(today)
    # Units that owe the most first, REMINDER_UNITS a page, counted for every unit but listed only
    # for the page's; each unit's lists cut at REMINDER_TASKS with a link to all of them in the task
    # list. Rendered whole, a city's 500 units and their 40,000 task lines took 17 s at 10,000 tasks.
    page = Paginator(selectors.owed_counts(today), REMINDER_UNITS).get_page(request.GET.get("page"))
    listed = selectors.unit_duties(today, units=[count.unit for count in page.object_list])
    context = {
        "period": owed.period,
        "due_on": owed.due_on,
        "duties": [listed[count.unit.pk] for count in page.object_list],
        "page": page,
        "shown": REMINDER_TASKS,
        # Units that have not acknowledged (签收) tasks handed to them (交办).
        "handovers": handover_selectors.unacknowledged_units(),
    }
    return render(request, "tasks/progress/reminders.html", context)


def todo(request):
    """A liaison's to-do list for its unit."""
    unit = permissions.liaison_unit(request.user)
    if unit is None:
        raise PermissionDenied(_("待办事项只对单位联络员显示。"))
    return render(request, "tasks/progress/todo.html", {"todo": selectors.unit_todo(unit)})


# --- assigning meeting orders ----------------------------------------------------------------------------------------------


def assignment_initial(task):
    """The assignment form's initial data: the units on the order now, and the token that says so."""
    links = list(task.task_units.select_related("unit").order_by("role", "position"))
    leads = [link.unit for link in links if link.role == TaskUnit.Role.LEAD]
    return {
        "seen": services.unit_roles_token(task),
        "lead_unit": leads[0] if leads else None,
        "responsible_units": [link.unit for link in links if link.role == TaskUnit.Role.RESPONSIBLE],
    }


def assign_units(request, pk):
    """The office assigns a meeting order to its lead unit and responsible units."""
    task = get_object_or_404(Task.objects.select_related("document"), pk=pk)
    if not permissions.may(request.user, permissions.Action.ASSIGN, task):
        raise PermissionDenied(_("只有督查室可以为常务会议交办事项分配承办单位。"))
    form = AssignUnitsForm(request.POST or None, initial=assignment_initial(task))
    outcome = None
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        outcome = call_service(
            form,
            services.task_units_assign,
            task=task,
            actor=request.user,
            lead_units=[data["lead_unit"]],
            responsible_units=list(data["responsible_units"]),
            seen=data["seen"],
        )
        if outcome.done:
            messages.success(request, _("承办单位已分配。"))
            return redirect(task_url(task))
        if outcome.conflict:
            # Start again from the units as they are now.
            form = AssignUnitsForm(initial=assignment_initial(task))
            form.add_error(None, outcome.conflict.message)
    context = {"task": task, "form": form}
    return render(request, "tasks/progress/assign_units.html", context, status=page_status(outcome))
