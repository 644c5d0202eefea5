"""Bound what an attachment upload may cost before the form sees it."""

from functools import wraps

from django.conf import settings
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _
from django.views.decorators.csrf import csrf_exempt, csrf_protect

# Room for the form's text fields and the multipart framing beside the files themselves.
SLACK = 1024 * 1024


class RecordSizeLimitHandler(FileUploadHandler):
    """Stops reading files once the request's files pass the per-record limit (plus slack): a
    1 GB upload is not written to a temporary file first. The rest of the body is read and
    dropped, so the browser gets the form back with the message."""

    def __init__(self, request=None):
        super().__init__(request)
        self.received = 0
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        self.received += len(raw_data)
        if self.received > settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES + SLACK:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None


def limit_upload_size(view):
    """Install RecordSizeLimitHandler before the body is read; `request.upload_too_large` is the
    message to show when it stopped the upload (else ""). CSRF is checked as usual, after the
    handler is in place (the middleware would read the body first)."""

    @wraps(view)
    def checked(request, *args, **kwargs):
        handler = request.attachment_limit
        if request.method == "POST":
            # Read the body now, through the handler: whether it stopped is known only once it has
            # read. (The CSRF check usually reads it first; not when it is skipped, as in tests.)
            request.POST  # noqa: B018 — for its side effect
        request.upload_too_large = (
            _("上传的文件合计超过上限%(limit)s，未保存。")
            % {"limit": filesizeformat(settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES)}
            if handler.exceeded
            else ""
        )
        return view(request, *args, **kwargs)

    protected = csrf_protect(checked)

    @csrf_exempt
    @wraps(view)
    def wrapped(request, *args, **kwargs):
        request.attachment_limit = RecordSizeLimitHandler(request)
        request.upload_handlers.insert(0, request.attachment_limit)
        return protected(request, *args, **kwargs)

    return wrapped
