"""The 签收 page: a liaison acknowledges what was handed to its unit; the office sees who has not."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from . import selectors, services


def handovers(request):
    """GET: a liaison's open handovers (or, for the office, the units that have not acknowledged).
    POST (a liaison): acknowledge the ticked tasks, or all of them."""
    unit = permissions.liaison_unit(request.user)
    if unit is None:
        if not permissions.may(request.user, permissions.Action.REMIND):
            raise PermissionDenied(_("签收页面只对单位联络员和督查室显示。"))
        return render(
            request,
            "tasks/handover/office.html",
            {"units": selectors.unacknowledged_units(), "today": timezone.localdate()},
        )
    if request.method == "POST":
        chosen = None if "all" in request.POST else [int(v) for v in request.POST.getlist("task") if v.isdigit()]
        try:
            if chosen == []:
                raise ValidationError(_("请勾选要签收的任务。"))
            count = services.handovers_acknowledge(unit=unit, actor=request.user, task_ids=chosen)
        except ValidationError as error:
            messages.warning(request, " ".join(error.messages))
        else:
            messages.success(request, _("已签收%(n)d项任务。") % {"n": count})
        return redirect("tasks:handovers")
    context = {
        "unit": unit,
        "open": list(selectors.open_handovers(unit)),
        "acknowledged": selectors.recently_acknowledged(unit),
        "today": timezone.localdate(),
        "may_acknowledge": permissions.may(request.user, permissions.Action.ACKNOWLEDGE, unit=unit),
    }
    return render(request, "tasks/handover/unit.html", context)
