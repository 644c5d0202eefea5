"""Tell what an uploaded Office file is before any library parses it, with a clear message when it is not usable.

An .xlsx or .docx is a zip package of XML parts. What clerks actually upload includes
empty files, uploads cut short, other zips, old .xls/.doc files and files protected
with an opening password (stored as an OLE compound file, not a zip) — each gets its
own message. A package whose XML would unpack to more than MAX_UNPACKED_XML bytes is
refused before it is unpacked (a small upload can hide a huge sheet).
"""

import io
import zipfile

from .report import SourceError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted OOXML file keeps its package in; its directory entry name is UTF-16.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# XML is what the libraries hold in memory as objects; pictures inside a document are
# already compressed, so the upload limit bounds them.
MAX_UNPACKED_XML = 20 * 1024 * 1024
MAIN_PARTS = {"xl/workbook.xml": "xlsx", "word/document.xml": "docx"}
WHAT = {"xlsx": "Excel工作簿（.xlsx）", "docx": "Word文档（.docx）"}


def package_kind(raw):
    """The kind of a usable package, "xlsx" or "docx"; SourceError with the reason otherwise."""
    if not raw:
        raise SourceError(0, "文件是空的（empty file）。")
    if raw.startswith(OLE_SIGNATURE):
        if ENCRYPTED_STREAM in raw:
            raise SourceError(
                0,
                "文件设置了打开密码（已加密），系统无法读取：请在Excel或Word中取消密码后另存，再上传"
                "（the file is password-protected）。",
            )
        raise SourceError(
            0,
            "这是旧版Excel（.xls）、Word（.doc）或WPS（.wps/.et）文件：请另存为.xlsx或.docx后再上传（legacy binary format）。",
        )
    if not raw.startswith(b"PK"):
        raise SourceError(0, "不是Excel工作簿（.xlsx）或Word文档（.docx）：文件内容不是Office文档格式。")
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            members = package.infolist()
    except (zipfile.BadZipFile, zipfile.LargeZipFile, EOFError, ValueError) as error:
        raise SourceError(0, "文件不完整或已损坏（可能上传时中断），无法打开（truncated or corrupt file）。") from error
    names = {member.filename for member in members}
    kinds = [kind for part, kind in MAIN_PARTS.items() if part in names]
    if not kinds:
        raise SourceError(
            0, "这是一个压缩包，但不是Excel工作簿（.xlsx）或Word文档（.docx）（a zip, but not an Office file）。"
        )
    unpacked = sum(member.file_size for member in members if member.filename.endswith((".xml", ".rels")))
    if unpacked > MAX_UNPACKED_XML:
        raise SourceError(
            0,
            f"文件解压后有{unpacked // (1024 * 1024)} MB文字内容，超过上限{MAX_UNPACKED_XML // (1024 * 1024)} MB："
            "表格过大，请只保留任务表（too large when unpacked）。",
        )
    return kinds[0]


def require_kind(raw, kind):
    """Check that `raw` is a usable package of `kind`; a file of the other kind is named as such."""
    found = package_kind(raw)
    if found != kind:
        raise SourceError(0, f"文件内容是{WHAT[found]}，不是{WHAT[kind]}：请检查文件扩展名。")
