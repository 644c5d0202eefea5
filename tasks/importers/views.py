"""The upload pages: an administrator imports a notice; a liaison sends back a filled-in sheet.

Both run in two steps. Upload → a preview computed without writing anything (the
importer's dry run; the fill-in sheet's row check) → confirm → the real write, in one
transaction. Between the two steps the uploaded bytes wait in the user's session (the
database), so any app server can take the confirmation, and the confirmation names
the file's SHA-256 so it records exactly what the preview showed.

The size limit is enforced while the request body is read (SizeLimitHandler), which
is why these views install their upload handler before CSRF reads the form.
"""

import base64
import datetime
import functools
import hashlib
import tempfile

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.http import FileResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .. import permissions
from ..models import Unit
from ..querysets import first_of_month
from ..workbooks.cells import XLSX_CONTENT_TYPE
from ..workbooks.fillin import check_fillin, month_words, read_fillin, record_fillin, write_fillin
from .columns import DocumentFacts
from .forms import FillinUploadForm, NoticeUploadForm, SizeLimitHandler
from .report import SourceError
from .uploads import import_upload, parse_upload

NOTICE_SESSION_KEY = "govtasks_notice_upload"


def with_size_limit(view):
    """Install SizeLimitHandler before the body is read, then check CSRF as usual."""
    protected = csrf_protect(view)

    @csrf_exempt
    @functools.wraps(view)
    def wrapped(request, *args, **kwargs):
        handler = SizeLimitHandler(request)
        request.upload_handlers.insert(0, handler)
        request.size_limit = handler
        return protected(request, *args, **kwargs)

    return wrapped


def stash(request, key, name, raw, **extra):
    """Keep an upload in the session until it is confirmed; returns its SHA-256."""
    sha256 = hashlib.sha256(raw).hexdigest()
    request.session[key] = {"name": name, "sha256": sha256, "data": base64.b64encode(raw).decode(), **extra}
    return sha256


def unstash(request, key):
    """The stashed upload the confirmation names, or None when it is gone or another one."""
    stashed = request.session.get(key)
    if not stashed or stashed["sha256"] != request.POST.get("sha256"):
        return None
    return stashed | {"raw": base64.b64decode(stashed["data"])}


def given_facts(values):
    return DocumentFacts(
        number=values.get("number") or "",
        title=values.get("title") or "",
        issued_on=values.get("issued_on"),
    )


@staff_member_required
@with_size_limit
def notice_import(request):
    """Admin page: upload a notice (.txt/.xlsx/.docx), see the dry run, confirm."""
    if not request.user.has_perm("tasks.add_document"):
        raise PermissionDenied
    context = {**admin.site.each_context(request), "title": _("导入责任分工通知")}
    if request.method == "POST" and "confirm" in request.POST:
        return _confirm_notice(request, context)
    form = NoticeUploadForm(request.POST or None, request.FILES or None)
    if request.method == "POST":
        if request.size_limit.exceeded:
            form = NoticeUploadForm(initial=request.POST.dict())
            context["upload_error"] = request.size_limit.too_large_message()
        elif form.is_valid():
            context["preview"] = _preview_notice(request, form)
    context["form"] = form
    return render(request, "tasks/notice_import.html", context)


def _preview_notice(request, form):
    upload = form.cleaned_data["file"]
    facts = {key: form.cleaned_data[key] for key in ("number", "title", "issued_on")}
    given = given_facts(facts)
    try:
        result = import_upload(upload.name, form.raw, given=given, dry_run=True)
        notices, _anomalies = parse_upload(upload.name, form.raw, given)
    except SourceError as error:
        form.add_error("file", _("无法导入，数据库未作任何改动：%(error)s") % {"error": error})
        return None
    facts["issued_on"] = facts["issued_on"].isoformat() if facts["issued_on"] else ""
    sha256 = stash(request, NOTICE_SESSION_KEY, upload.name, form.raw, facts=facts)
    return {"result": result, "notices": notices, "sha256": sha256, "name": upload.name}


def _confirm_notice(request, context):
    stashed = unstash(request, NOTICE_SESSION_KEY)
    if stashed is None:
        messages.error(request, _("预览已过期或已导入，请重新上传文件。"))
        return redirect("tasks:notice_import")
    facts = stashed["facts"]
    issued_on = datetime.date.fromisoformat(facts["issued_on"]) if facts["issued_on"] else None
    given = given_facts(facts | {"issued_on": issued_on})
    try:
        result = import_upload(stashed["name"], stashed["raw"], given=given)
    except SourceError as error:
        # The database changed since the preview in a way the file no longer fits.
        messages.error(request, _("导入失败，数据库未作任何改动：%(error)s") % {"error": error})
        return redirect("tasks:notice_import")
    del request.session[NOTICE_SESSION_KEY]
    context.update(result=result, name=stashed["name"], form=NoticeUploadForm(), imported=True)
    context["document_urls"] = [
        (document, reverse("tasks:document_detail", args=[document.pk])) for document in result.documents
    ]
    return render(request, "tasks/notice_import.html", context)


# --- The unit fill-in sheet -------------------------------------------------------------------------------

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
        unit = Unit.objects.named(request.GET["unit"]).first()
    this_month = first_of_month(timezone.localdate())
    period = read_month(request.GET.get("period")) if request.GET.get("period") else this_month
    problem = None
    if unit is None:
        problem = _("没有名为“%(name)s”的单位。") % {"name": request.GET.get("unit", "")}
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


@with_size_limit
def fillin(request):
    """Download a unit's sheet; a liaison uploads the filled-in sheet, sees the preview, confirms."""
    unit = permissions.liaison_unit(request.user)
    office = permissions.is_office(request.user)
    if unit is None and not office:
        raise PermissionDenied
    can_upload = unit is not None and request.user.has_perm("tasks.add_progressreport")
    context = {
        "unit": unit,
        "office": office,
        "can_upload": can_upload,
        "this_month": first_of_month(timezone.localdate()),
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
        preview = check_fillin(read_fillin(form.raw), unit)
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
        reports = record_fillin(check_fillin(read_fillin(stashed["raw"]), unit), request.user)
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
