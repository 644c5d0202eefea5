"""A leader writes an instruction; the unit reads and answers it."""

from django.core.exceptions import PermissionDenied
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from ..models import LeaderInstruction, ProgressReport, Task
from ..permissions import Action
from ..progress.views import submit_form, task_url
from . import services
from .forms import InstructionForm, ReplyForm


def instruction_write(request, pk):
    """A leader's instruction on a task; ?report=<id> puts it on one of the task's reports."""
    task = get_object_or_404(Task.objects.select_related("document", "host_unit"), pk=pk)
    if not permissions.may(request.user, Action.INSTRUCT):
        raise PermissionDenied(_("只有领导可以作出批示。"))
    report = None
    chosen = request.GET.get("report", "")
    if chosen:
        if not chosen.isdigit() or len(chosen) > 18:
            raise PermissionDenied(_("报告参数无效。"))
        report = get_object_or_404(ProgressReport, pk=int(chosen), task=task)
    form = InstructionForm(request.POST or None)
    done, _outcome = submit_form(
        request,
        form,
        services.instruction_write,
        task=task,
        actor=request.user,
        report=report,
        done_message=lambda instruction: _("批示已送%(unit)s落实。") % {"unit": instruction.unit},
        done_url=task_url(task) + "#instructions",
    )
    if done:
        return done
    return render(request, "tasks/instructions/form.html", {"task": task, "form": form, "report": report})


def instruction_detail(request, pk):
    """An instruction and its reply; POST is the unit's reply."""
    instruction = get_object_or_404(
        LeaderInstruction.objects.select_related("task", "unit", "written_by", "replied_by", "report"), pk=pk
    )
    can_answer = instruction.is_open and permissions.may(
        request.user, Action.ANSWER_INSTRUCTION, instruction=instruction
    )
    form = ReplyForm(request.POST or None)
    if request.method == "POST":
        if not can_answer:
            raise PermissionDenied(_("只有%(unit)s的联络员可以答复这条批示。") % {"unit": instruction.unit})
        done, _outcome = submit_form(
            request,
            form,
            services.instruction_answer,
            instruction=instruction,
            actor=request.user,
            done_message=_("落实情况已答复。"),
            done_url=reverse("tasks:instruction_detail", args=[instruction.pk]),
        )
        if done:
            return done
    context = {"instruction": instruction, "task": instruction.task, "form": form, "can_answer": can_answer}
    return render(request, "tasks/instructions/detail.html", context)
