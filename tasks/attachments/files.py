"""What an uploaded file is, by its content, and whether it may be kept.

The extension is only a claim: a file is kept when its bytes are what an accepted kind looks
like — PDF (`%PDF-`), PNG / JPEG / GIF / BMP / TIFF by their magic bytes, Word and Excel
packages and OFD (a zip whose root document is OFD.xml) — and its extension agrees. Office and
OFD packages pass the same guard as imported documents (importers/packages.py): a damaged zip,
an encrypted file, or XML that would unpack past its limit (a zip bomb) is refused unread.
Limits per file and per record come from settings (GOVTASKS_ATTACHMENT_MAX_FILE_BYTES,
GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES). Every refusal is a ValidationError a clerk can act on.
"""

import hashlib
import io
import zipfile
from dataclasses import dataclass
from pathlib import PurePath

from django.conf import settings
from django.core.exceptions import ValidationError
from django.template.defaultfilters import filesizeformat
from django.utils.translation import gettext as _

from ..importers.packages import check_budget, package_kind
from ..importers.report import SourceError

# kind: (the extensions a file of that kind may have, what the user is told it is)
KINDS = {
    "pdf": ((".pdf",), "PDF"),
    "png": ((".png",), "PNG"),
    "jpeg": ((".jpg", ".jpeg"), "JPEG"),
    "gif": ((".gif",), "GIF"),
    "bmp": ((".bmp",), "BMP"),
    "tiff": ((".tif", ".tiff"), "TIFF"),
    "docx": ((".docx",), "Word（.docx）"),
    "xlsx": ((".xlsx",), "Excel（.xlsx）"),
    "ofd": ((".ofd",), "OFD"),
}
ACCEPTED_EXTENSIONS = sorted({extension for extensions, _label in KINDS.values() for extension in extensions})
MAGIC = [
    (b"%PDF-", "pdf"),
    (b"\x89PNG\r\n\x1a\n", "png"),
    (b"\xff\xd8\xff", "jpeg"),
    (b"GIF87a", "gif"),
    (b"GIF89a", "gif"),
    (b"BM", "bmp"),
    (b"II*\x00", "tiff"),
    (b"MM\x00*", "tiff"),
]
# Longest original name kept (Attachment.original_name).
MAX_NAME = 200


@dataclass(frozen=True)
class CheckedFile:
    """An upload that may be kept: its bytes, its kind and a safe version of the name it came with."""

    name: str
    kind: str
    content: bytes

    @property
    def size(self) -> int:
        return len(self.content)

    @property
    def sha256(self) -> str:
        return hashlib.sha256(self.content).hexdigest()


def safe_name(name: str) -> str:
    """The file's own name without any folder part (..\\..\\x.pdf → x.pdf), control characters or excess length."""
    name = PurePath((name or "").replace("\\", "/")).name
    name = "".join(character for character in name if character.isprintable()).strip().lstrip(".")
    if len(name) > MAX_NAME:
        stem, dot, suffix = name.rpartition(".")
        name = (stem[: MAX_NAME - len(suffix) - 1] + dot + suffix) if dot and len(suffix) < 10 else name[:MAX_NAME]
    return name


def content_kind(content: bytes) -> str | None:
    """The kind the bytes are, or None; a damaged or oversized package raises ValidationError."""
    for magic, kind in MAGIC:
        if content.startswith(magic):
            return kind
    if content.startswith(b"PK"):
        return _zip_kind(content)
    if content.startswith(b"\xd0\xcf\x11\xe0"):
        try:
            package_kind(content)  # words the encrypted / legacy case
        except SourceError as error:
            raise ValidationError(_plain(error)) from error
    return None


def _zip_kind(content):
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as package:
            names = {member.filename.lstrip("/") for member in package.infolist()}
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise ValidationError(_("文件不完整或已损坏（可能上传时中断），无法打开。")) from error
    if "OFD.xml" in names:
        _require_small_when_unpacked(content)
        return "ofd"
    try:
        return package_kind(content)
    except SourceError as error:
        raise ValidationError(_plain(error)) from error


def _require_small_when_unpacked(content):
    """OFD's pages are XML as well: the same parsing budget as an Office package (GOVTASKS_UPLOAD_MAX_UNPACKED_MB,
    GOVTASKS_UPLOAD_MAX_XML_ELEMENTS, importers/packages.py)."""
    with zipfile.ZipFile(io.BytesIO(content)) as package:
        members = package.infolist()
    try:
        check_budget(content, members)
    except SourceError as error:
        raise ValidationError(_plain(error)) from error


def _plain(error):
    """A SourceError's message without its line number (there is none in an upload)."""
    return getattr(error, "message", None) or str(error)


def check_file(upload) -> CheckedFile:
    """Read and check one uploaded file (a Django UploadedFile); ValidationError with the reason otherwise."""
    name = safe_name(upload.name)
    limit = settings.GOVTASKS_ATTACHMENT_MAX_FILE_BYTES
    if not name:
        raise ValidationError(_("文件没有文件名，请重新选择文件。"))
    if upload.size is not None and upload.size > limit:
        raise ValidationError(
            _("“%(name)s”有%(size)s，超过每个文件的上限%(limit)s。")
            % {"name": name, "size": filesizeformat(upload.size), "limit": filesizeformat(limit)}
        )
    content = upload.read(limit + 1)
    if len(content) > limit:
        raise ValidationError(
            _("“%(name)s”超过每个文件的上限%(limit)s。") % {"name": name, "limit": filesizeformat(limit)}
        )
    if not content:
        raise ValidationError(_("“%(name)s”是空文件。") % {"name": name})
    suffix = PurePath(name).suffix.lower()
    if suffix not in ACCEPTED_EXTENSIONS:
        raise ValidationError(
            _("“%(name)s”不是可接受的附件类型。只能上传PDF、图片（PNG、JPEG、GIF、BMP、TIFF）、Word、Excel或OFD文件。")
            % {"name": name}
        )
    kind = content_kind(content)
    if kind is None:
        raise ValidationError(
            _("“%(name)s”的内容不是%(claimed)s文件（扩展名与内容不符），请上传原始文件。")
            % {"name": name, "claimed": _claimed(suffix)}
        )
    if suffix not in KINDS[kind][0]:
        raise ValidationError(
            _("“%(name)s”的内容是%(found)s文件，与扩展名%(suffix)s不符，请检查文件。")
            % {"name": name, "found": KINDS[kind][1], "suffix": suffix}
        )
    return CheckedFile(name=name, kind=kind, content=content)


def _claimed(suffix):
    return next(label for extensions, label in KINDS.values() if suffix in extensions)


def check_files(uploads, *, already=0) -> list[CheckedFile]:
    """Check every upload of one record and their total against the per-record limit (with `already` bytes
    the record holds); the first problem raises ValidationError."""
    checked = [check_file(upload) for upload in uploads]
    limit = settings.GOVTASKS_ATTACHMENT_MAX_RECORD_BYTES
    total = already + sum(file.size for file in checked)
    if total > limit:
        raise ValidationError(
            _("附件合计%(size)s，超过每份材料的上限%(limit)s，请压缩或删减后再上传。")
            % {"size": filesizeformat(total), "limit": filesizeformat(limit)}
        )
    return checked
