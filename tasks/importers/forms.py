"""Forms for the two upload pages: a notice to import (admin) and a unit's filled-in sheet.

Both refuse a file over MAX_UPLOAD_BYTES or with an extension the page does not read
before any parser sees it; what the file holds is checked by the importers.
"""

from pathlib import Path

from django import forms
from django.core.files.uploadhandler import FileUploadHandler, StopUpload
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

# A year's notice is a few hundred kB in any format; 5 MB leaves room for pictures in a .docx.
MAX_UPLOAD_BYTES = 5 * 1024 * 1024


class SizeLimitHandler(FileUploadHandler):
    """Stops keeping an upload once it passes MAX_UPLOAD_BYTES, before it reaches memory or disk.

    The rest of the request is read and dropped (not a connection reset), so the browser
    gets the page that says the file is too large. Install it before the request body is
    read: `request.upload_handlers.insert(0, SizeLimitHandler(request))`.
    """

    def __init__(self, request=None):
        super().__init__(request)
        self.exceeded = False

    def receive_data_chunk(self, raw_data, start):
        if start + len(raw_data) > MAX_UPLOAD_BYTES:
            self.exceeded = True
            raise StopUpload(connection_reset=False)
        return raw_data

    def file_complete(self, file_size):
        return None

    def too_large_message(self):
        return gettext("文件超过上限%(limit)s，未上传。") % {"limit": filesizeformat(MAX_UPLOAD_BYTES)}


def check_upload(upload, extensions):
    """The upload's bytes, or a ValidationError naming the problem."""
    suffix = Path(upload.name).suffix.lower()
    if suffix not in extensions:
        raise forms.ValidationError(
            gettext("只能上传%(kinds)s文件，而“%(name)s”是%(suffix)s文件。")
            % {"kinds": "、".join(extensions), "name": upload.name, "suffix": suffix or gettext("无扩展名的")}
        )
    if upload.size > MAX_UPLOAD_BYTES:
        raise forms.ValidationError(
            gettext("文件有%(size)s，超过上限%(limit)s。")
            % {"size": filesizeformat(upload.size), "limit": filesizeformat(MAX_UPLOAD_BYTES)}
        )
    return upload.read()


class NoticeUploadForm(forms.Form):
    """A notice (责任分工通知) as text, .xlsx, .docx or PDF, with what the file itself may not say."""

    EXTENSIONS = (".txt", ".xlsx", ".docx", ".pdf")

    file = forms.FileField(
        label=_("文件"),
        help_text=_("文本（.txt）、Excel工作簿（.xlsx）、Word文档（.docx）或带文字层的PDF，不超过5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".txt,.xlsx,.docx,.pdf"}),
    )
    number = forms.CharField(label=_("文号"), max_length=100, required=False, help_text=_("表格中没有文号时填写"))
    title = forms.CharField(label=_("标题"), max_length=300, required=False, help_text=_("表格中没有标题时填写"))
    issued_on = forms.DateField(
        label=_("成文日期"),
        required=False,
        widget=forms.DateInput(attrs={"type": "date"}),
        help_text=_("表格中没有成文日期时填写"),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.raw = check_upload(upload, self.EXTENSIONS)
        return upload


class FillinUploadForm(forms.Form):
    """A unit's filled-in progress sheet (.xlsx) coming back."""

    file = forms.FileField(
        label=_("填报表"),
        help_text=_("从本系统下载、填写后的Excel工作簿（.xlsx），不超过5 MB。"),
        widget=forms.ClearableFileInput(attrs={"accept": ".xlsx"}),
    )

    def clean_file(self):
        upload = self.cleaned_data["file"]
        self.raw = check_upload(upload, (".xlsx",))
        return upload
