"""The upload pages: an administrator imports a notice (here); a liaison sends back a filled-in
sheet (workbooks/views.py, with the helpers below).

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

from django.contrib import admin, messages
from django.contrib.admin.views.decorators import staff_member_required
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

from .. import permissions
from .columns import DocumentFacts
from .forms import NoticeUploadForm, SizeLimitHandler
from .preview import unit_spellings_preview
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
    if not permissions.may(request.user, permissions.Action.IMPORT_NOTICE):
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
    names = [unit.name for notice in notices for task in notice.tasks for unit in (*task.lead, *task.responsible)]
    new_units = [(name, status) for name, is_new, status in unit_spellings_preview(names) if is_new]
    return {"result": result, "notices": notices, "sha256": sha256, "name": upload.name, "new_units": new_units}


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
