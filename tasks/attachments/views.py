"""The download of an attachment: the same access as its task's records, never a public URL."""

from django.core.exceptions import PermissionDenied
from django.http import FileResponse, Http404
from django.shortcuts import get_object_or_404, render
from django.views.decorators.http import require_GET

from .. import permissions
from ..models import Attachment
from ..permissions import Action

# What the browser is told the file is; as an attachment it is saved, never rendered in the app's origin.
CONTENT_TYPES = {
    "pdf": "application/pdf",
    "png": "image/png",
    "jpeg": "image/jpeg",
    "gif": "image/gif",
    "bmp": "image/bmp",
    "tiff": "image/tiff",
    "docx": "application/vnd.openxmlformats-officedocument.wordprocessingml.document",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "ofd": "application/ofd",
}


@require_GET
def attachment_download(request, pk):
    """The file under its original name (Content-Disposition: attachment); 404 for a file another unit's
    liaison may not read, as for one that does not exist. A file missing from storage is reported, not a 500."""
    attachment = get_object_or_404(Attachment.objects.select_related("task"), pk=pk)
    if not request.user.is_authenticated:
        raise PermissionDenied
    if not permissions.may(request.user, Action.READ_ATTACHMENTS, attachment.task):
        raise Http404
    try:
        handle = attachment.file.open("rb")
    except (FileNotFoundError, OSError):
        context = {"attachment": attachment}
        return render(request, "tasks/attachments/missing.html", context, status=410)
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=attachment.original_name,
        content_type=CONTENT_TYPES.get(attachment.kind, "application/octet-stream"),
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response
