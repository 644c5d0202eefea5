"""The fill-in pages: a unit's progress sheet to download, and the filled-in sheet sent back.

Uploaded like a notice (importers/views.py): checked while the body is read, previewed
without writing, stashed in the session and recorded on confirmation, in one transaction.
"""

import datetime
import tempfile

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions, report_months
from ..importers.forms import FillinUploadForm
from ..importers.report import SourceError
from ..importers.sandbox import run_parser
from ..importers.views import stash, unstash, with_size_limit
from ..models import BulletinExport, Unit
from ..progress import selectors as progress_selectors
from ..querysets import UnknownUnit
from ..state.derive import first_of_month
from .cells import XLSX_CONTENT_TYPE
from .fillin import check_fillin, month_words, read_fillin, record_fillin, write_fillin

FILLIN_SESSION_KEY = "govtasks_fillin_upload"


def read_month(value):
    """The first day of the month "YYYY-MM" names, or None when it is malformed."""
    try:
        return datetime.datetime.strptime((value or "").strip(), "%Y-%m").date()
    except ValueError:
        return None


def fillin_download(request):
    """The fill-in sheet of ?unit= (office) or of the liaison's own unit, for ?period=YYYY-MM."""
    own = permissions.liaison_unit(request.user)
    office = permissions.is_office(request.user)
    if not office and own is None:
        raise PermissionDenied
    unit = own
    if office and request.GET.get("unit"):
        try:
            unit = Unit.objects.lookup(request.GET["unit"])
        except UnknownUnit:
            unit = None
    today = timezone.localdate()
    this_month = first_of_month(today)
    problem = period = None
    if unit is None:
        problem = _("没有名为“%(name)s”的单位。") % {"name": request.GET.get("unit", "")}
    elif request.GET.get("period"):
        period = read_month(request.GET["period"])
    else:
        period = fillin_month(unit, today).period
    if problem:
        pass
    elif period is None:
        problem = _("月份“%(value)s”无效，应为年-月，如2021-09。") % {"value": request.GET["period"]}
    elif period > this_month:
        problem = _("%(month)s还没有到，不能下载该月的填报表。") % {"month": month_words(period)}
    if problem:
        messages.warning(request, problem)
        return redirect("tasks:fillin")
    out = tempfile.TemporaryFile()
    write_fillin(unit, period, out)
    out.seek(0)
    filename = _("%(unit)s-进展填报-%(month)s.xlsx") % {"unit": unit.name, "month": f"{period:%Y-%m}"}
    return FileResponse(out, as_attachment=True, filename=filename, content_type=XLSX_CONTENT_TYPE)


def fillin_month(unit, today):
    """The sheet's default month: the month owed until the unit has reported all its tasks for it, then the next."""
    owed = report_months.owed_month(today)
    if unit is None:
        return owed
    all_reported = not progress_selectors.unit_duties(today, units=[unit])[unit.pk].to_report
    return report_months.month_to_report(today, {owed.period} if all_reported else ())


@with_size_limit
def fillin(request):
    """Download a unit's sheet; a liaison uploads the filled-in sheet, sees the preview, confirms."""
    unit = permissions.liaison_unit(request.user)
    office = permissions.is_office(request.user)
    if unit is None and not office:
        raise PermissionDenied
    can_upload = permissions.may(request.user, permissions.Action.UPLOAD_FILLIN)
    today = timezone.localdate()
    month = fillin_month(unit, today)
    context = {
        "unit": unit,
        "office": office,
        "can_upload": can_upload,
        "this_month": first_of_month(today),
        "month": month,
        "days_late": month.days_late(today) if month == report_months.owed_month(today) else 0,
    }
    if request.method == "POST":
        if not can_upload:
            raise PermissionDenied
        if "confirm" in request.POST:
            return _confirm_fillin(request, unit)
        form = FillinUploadForm(request.POST, request.FILES)
        if request.size_limit.exceeded:
            form = FillinUploadForm()
            context["upload_error"] = request.size_limit.too_large_message()
        elif form.is_valid():
            context["preview"] = _preview_fillin(request, form, unit)
    else:
        form = FillinUploadForm()
    context["form"] = form
    return render(request, "tasks/fillin.html", context)


def _preview_fillin(request, form, unit):
    try:
        preview = check_fillin(run_parser(read_fillin, form.raw), unit)
    except SourceError as error:
        form.add_error("file", error.message)
        return None
    if preview.ok:
        preview.sha256 = stash(request, FILLIN_SESSION_KEY, form.cleaned_data["file"].name, form.raw)
    return preview


def _confirm_fillin(request, unit):
    stashed = unstash(request, FILLIN_SESSION_KEY)
    if stashed is None:
        messages.error(request, _("预览已过期或已报送，请重新上传填报表。"))
        return redirect("tasks:fillin")
    try:
        # Checked again: the database may have changed since the preview.
        reports = record_fillin(check_fillin(run_parser(read_fillin, stashed["raw"]), unit), request.user)
    except (SourceError, ValidationError) as error:
        messages.error(request, _("未报送任何进展：%(error)s") % {"error": "；".join(_messages_of(error))})
        return redirect("tasks:fillin")
    del request.session[FILLIN_SESSION_KEY]
    messages.success(
        request,
        _("已报送%(count)s项任务的%(month)s进展，待督查室审核。")
        % {"count": len(reports), "month": month_words(reports[0].period)},
    )
    return redirect("tasks:fillin")


def _messages_of(error):
    return [error.message] if isinstance(error, SourceError) else error.messages


# --- bulletin exports written in the background (background.py) -----------------------------------------------


def export_detail(request, pk):
    """The page that follows a background export: its progress, then the file. Only the user who asked."""
    export = get_object_or_404(BulletinExport, pk=pk, requested_by=request.user)
    return render(request, "tasks/export_detail.html", {"export": export})


def export_download(request, pk):
    """The finished file, to the user who asked only (it holds the tasks that user may see)."""
    export = get_object_or_404(BulletinExport, pk=pk, requested_by=request.user, state=BulletinExport.State.DONE)
    return FileResponse(
        export.file.open("rb"), as_attachment=True, filename=export.filename, content_type=XLSX_CONTENT_TYPE
    )
