"""Tell what an uploaded Office file is before any library parses it, with a clear message when it is not usable.

An .xlsx or .docx is a zip package of XML parts. What clerks actually upload includes
empty files, uploads cut short, other zips, old .xls/.doc files and files protected
with an opening password (stored as an OLE compound file, not a zip) — each gets its
own message.

The parsing budget: a small upload can hide a huge or a costly document, so before any
library parses a package, every member is counted whatever its name (a sheet can be
declared under any part name in [Content_Types].xml): the bytes it unpacks to, its
compression ratio, and — streaming, stopping at the first part over the limit — the XML
elements of every part that holds XML and how deeply they nest. The limits are settings
(GOVTASKS_UPLOAD_MAX_UNPACKED_MB, GOVTASKS_UPLOAD_MAX_XML_ELEMENTS); sandbox.py then bounds
the parse itself in CPU time and memory.
"""

import io
import zipfile
import zlib
from xml.parsers import expat

from django.conf import settings

from .report import SourceError

OLE_SIGNATURE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
# The stream an encrypted OOXML file keeps its package in; its directory entry name is UTF-16.
ENCRYPTED_STREAM = "EncryptedPackage".encode("utf-16-le")
# Real workbooks and documents compress 5–30:1; a member that unpacks to more than a
# megabyte at over MAX_COMPRESSION_RATIO:1 is made to be small on the wire and big in memory.
MAX_COMPRESSION_RATIO = 200
RATIO_FLOOR_BYTES = 1024 * 1024
# Office parts nest about 15 deep; a parser that recurses (or keeps a stack) meets no real file deeper.
MAX_XML_DEPTH = 100
# A package of thousands of members is no workbook; each member costs a parser set-up.
MAX_MEMBERS = 2000
SCAN_CHUNK = 64 * 1024
# What an XML part starts with (after white space): "<", or a byte-order mark of UTF-8/16/32.
XML_STARTS = (b"<", b"\xef\xbb\xbf", b"\xff\xfe", b"\xfe\xff", b"\x00\x00\xfe\xff", b"\x00<", b"<\x00")
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
    check_budget(raw, members)
    return kinds[0]


def too_complex(reason):
    return SourceError(
        0, f"文件内容过多或过于复杂，系统拒绝读取，数据库未作任何改动：{reason}。请只保留任务表后再上传。"
    )


def check_budget(raw: bytes, members: list[zipfile.ZipInfo]) -> None:
    """Refuse a package whose members would cost more to parse than the budget allows (SourceError).

    Every member counts, whatever its name. The sizes the zip declares bound what zipfile
    will unpack (it stops at the declared size and checks the CRC), so they are summed first;
    then every part that holds XML is streamed through expat, counting elements and depth,
    and the scan stops at the first element over the limit — it never holds a part in memory.
    """
    max_bytes = settings.GOVTASKS_UPLOAD_MAX_UNPACKED_MB * 1024 * 1024
    max_elements = settings.GOVTASKS_UPLOAD_MAX_XML_ELEMENTS
    if len(members) > MAX_MEMBERS:
        raise too_complex(f"压缩包中有{len(members)}个部件，超过上限{MAX_MEMBERS}个（too many parts）")
    unpacked = sum(member.file_size for member in members)
    if unpacked > max_bytes:
        raise too_complex(
            f"文件解压后有{unpacked // (1024 * 1024)} MB，超过上限{settings.GOVTASKS_UPLOAD_MAX_UNPACKED_MB} MB"
            "（too large when unpacked）"
        )
    for member in members:
        if member.file_size > RATIO_FLOOR_BYTES and member.file_size > MAX_COMPRESSION_RATIO * max(
            member.compress_size, 1
        ):
            raise too_complex(
                f"部件“{member.filename}”的压缩比为{member.file_size // max(member.compress_size, 1)}:1，"
                f"超过上限{MAX_COMPRESSION_RATIO}:1（compression ratio too high）"
            )
    elements = 0
    try:
        with zipfile.ZipFile(io.BytesIO(raw)) as package:
            for member in members:
                elements = scan_member(package, member, elements, max_elements)
    except (
        zipfile.BadZipFile,
        zipfile.LargeZipFile,
        zlib.error,
        EOFError,
        ValueError,
        NotImplementedError,
        OSError,
    ) as error:
        raise SourceError(0, "文件不完整或已损坏（可能上传时中断），无法打开（truncated or corrupt file）。") from error


class _OverBudget(Exception):
    pass


def scan_member(package: zipfile.ZipFile, member: zipfile.ZipInfo, elements: int, max_elements: int) -> int:
    """Stream one member through expat; the running count of elements, or SourceError over a limit.

    A member that does not start like XML (a picture, a printer setting) is only counted in
    bytes: no XML parser would read it. DOCTYPE and entity declarations are refused outright:
    Office never writes them, and they are how a few bytes expand to gigabytes.
    """
    count = elements
    depth = 0

    def start(_name, _attributes):
        nonlocal count, depth
        count += 1
        depth += 1
        if count > max_elements:
            raise _OverBudget(f"XML元素超过上限{max_elements:,}个（too many XML elements）")
        if depth > MAX_XML_DEPTH:
            raise _OverBudget(f"部件“{member.filename}”的XML嵌套超过{MAX_XML_DEPTH}层（XML nested too deeply）")

    def end(_name):
        nonlocal depth
        depth -= 1

    def declaration(*_args):
        raise _OverBudget(f"部件“{member.filename}”含有DOCTYPE或实体声明（DTD not allowed）")

    with package.open(member) as stream:
        chunk = stream.read(SCAN_CHUNK)
        if not chunk.lstrip(b" \t\r\n").startswith(XML_STARTS):
            while stream.read(SCAN_CHUNK):  # unpacked all the same, so a CRC error still shows
                pass
            return count
        parser = expat.ParserCreate()
        parser.StartElementHandler = start
        parser.EndElementHandler = end
        parser.StartDoctypeDeclHandler = declaration
        parser.EntityDeclHandler = declaration
        try:
            while chunk:
                parser.Parse(chunk, False)
                chunk = stream.read(SCAN_CHUNK)
            parser.Parse(b"", True)
        except _OverBudget as reason:
            raise too_complex(str(reason)) from None
        except expat.ExpatError:
            # Broken XML: the library stops where expat stopped, and its own error tells the clerk.
            pass
    return count


def require_kind(raw, kind):
    """Check that `raw` is a usable package of `kind`; a file of the other kind is named as such."""
    found = package_kind(raw)
    if found != kind:
        raise SourceError(0, f"文件内容是{WHAT[found]}，不是{WHAT[kind]}：请检查文件扩展名。")
