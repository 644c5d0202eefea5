"""Hostile uploads are refused within the parsing budget: a clear message, bounded CPU time and
memory (measured here, in the child process that parsed), and nothing stored.

Each hostile workbook is built in memory from a real one (openpyxl) by replacing or adding
parts: a flood of shared strings that stays within the unpacked-bytes limit, the same flood
in a part with a non-XML name declared in [Content_Types].xml, a part compressed 1000:1, and
XML nested a hundred thousand deep. The sandbox itself is checked with code that spins, that
allocates without end, and that tries the database.
"""

import datetime
import io
import time
import zipfile

import pytest
from django.db import connection
from openpyxl import Workbook

from tasks.fillin import read_fillin
from tasks.importers.columns import DocumentFacts
from tasks.importers.packages import package_kind
from tasks.importers.report import SourceError
from tasks.importers.sandbox import run_measured, run_parser
from tasks.importers.uploads import parse_table_file
from tasks.models import Document, ProgressReport
from tests.world import build_world

CPU_BOUND_SECONDS = 5
MEMORY_BOUND_BYTES = 300 * 1024 * 1024
SHEET_TYPE = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"
SHARED_STRINGS_RELATION = "http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings"


def base_workbook():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务", "牵头单位"])
    sheet.append([1, "任务", "区发改委"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def rebuilt(raw, replace=None, add=None, compression=zipfile.ZIP_DEFLATED):
    """`raw` with some members' bytes replaced (name → bytes or function of the old bytes) and members added."""
    replace, add = replace or {}, add or {}
    out = io.BytesIO()
    with zipfile.ZipFile(io.BytesIO(raw)) as source, zipfile.ZipFile(out, "w", compression) as target:
        for member in source.infolist():
            data = source.read(member.filename)
            if member.filename in replace:
                change = replace[member.filename]
                data = change(data) if callable(change) else change
            target.writestr(member.filename, data)
        for name, data in add.items():
            target.writestr(name, data)
    return out.getvalue()


def strings_flood(count):
    # Each string different, so it compresses like real text (about 4:1), not like a repeated letter.
    body = b"".join(b"<si><t>%x</t></si>" % (n * 2654435761 % 2**32) for n in range(count))
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">' % count
    return head + body + b"</sst>"


def shared_strings_flood():
    """600,000 shared strings (1.2 M elements): 13 MB unpacked, under the 20 MB limit."""
    return rebuilt(base_workbook(), add={"xl/sharedStrings.xml": strings_flood(600_000)})


def one_letter_strings():
    """The probe's file: 1.15 M one-letter shared strings, 19.6 MB unpacked from about 60 kB."""
    count = 1_150_000
    head = b'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="%d">' % count
    return rebuilt(base_workbook(), add={"xl/sharedStrings.xml": head + b"<si><t>a</t></si>" * count + b"</sst>"})


def flood_under_a_binary_name():
    """The same flood in xl/strings.bin, declared as the shared strings in the package's own index."""

    def declare(types):
        return types.replace(
            b"</Types>", b'<Override PartName="/xl/strings.bin" ContentType="' + SHEET_TYPE.encode() + b'"/></Types>'
        )

    def relate(rels):
        return rels.replace(
            b"</Relationships>",
            b'<Relationship Id="rId99" Type="' + SHARED_STRINGS_RELATION.encode() + b'" Target="strings.bin"/>'
            b"</Relationships>",
        )

    return rebuilt(
        base_workbook(),
        replace={"[Content_Types].xml": declare, "xl/_rels/workbook.xml.rels": relate},
        add={"xl/strings.bin": strings_flood(600_000)},
    )


def thousandfold_compression():
    """A sheet padded with 15 MB of white space: 15 kB on the wire, 1000:1."""

    def pad(sheet):
        return sheet.replace(b"<sheetData>", b"<sheetData>" + b" " * 15_000_000)

    return rebuilt(base_workbook(), replace={"xl/worksheets/sheet1.xml": pad})


def deeply_nested():
    """A sheet whose cell holds 100,000 nested elements (a parser that recurses dies; one that stacks grows)."""
    depth = 100_000

    def nest(sheet):
        return sheet.replace(b"<sheetData>", b"<sheetData>" + b"<x>" * depth + b"</x>" * depth)

    return rebuilt(base_workbook(), replace={"xl/worksheets/sheet1.xml": nest})


HOSTILE = {
    "shared strings flood": (shared_strings_flood, "XML元素超过上限"),
    "flood in a part named .bin": (flood_under_a_binary_name, "XML元素超过上限"),
    "one-letter strings": (one_letter_strings, "压缩比"),
    "1000:1 compression": (thousandfold_compression, "压缩比"),
    "deeply nested XML": (deeply_nested, "嵌套超过"),
}


@pytest.fixture(scope="module", params=list(HOSTILE), ids=list(HOSTILE))
def hostile(request):
    build, expected = HOSTILE[request.param]
    return build(), expected


def test_each_hostile_workbook_is_small_on_the_wire(hostile):
    raw, _expected = hostile

    assert len(raw) < 5 * 1024 * 1024  # the upload limit: every one of them gets past it


@pytest.mark.parametrize("parse", [parse_table_file, read_fillin], ids=["notice", "fill-in"])
def test_each_hostile_workbook_is_refused_within_the_budget(hostile, parse):
    raw, expected = hostile

    run = run_measured(parse, raw)

    assert isinstance(run.error, SourceError), run
    assert expected in run.error.message
    assert "文件内容过多或过于复杂" in run.error.message
    assert run.cpu_seconds < CPU_BOUND_SECONDS, run
    assert run.grown_bytes < MEMORY_BOUND_BYTES, run
    assert run.peak_rss_bytes < run.start_rss_bytes + MEMORY_BOUND_BYTES, run


def test_the_checks_stop_early_and_need_no_child(hostile):
    raw, expected = hostile
    started = time.process_time()

    with pytest.raises(SourceError, match=expected):
        package_kind(raw)

    assert time.process_time() - started < CPU_BOUND_SECONDS


@pytest.fixture
def world(db):
    return build_world()


def test_a_hostile_notice_upload_shows_the_reason_and_stores_nothing(world, client):
    client.force_login(world.admin)
    documents = Document.objects.count()
    upload = io.BytesIO(shared_strings_flood())
    upload.name = "2022.xlsx"

    response = client.post("/manage/notices/import/", {"file": upload})

    assert response.status_code == 200
    assert "XML元素超过上限" in response.content.decode()
    assert Document.objects.count() == documents


def test_a_hostile_fill_in_upload_shows_the_reason_and_stores_nothing(world, client):
    client.force_login(world.liaison)
    reports = ProgressReport.objects.count()
    upload = io.BytesIO(flood_under_a_binary_name())
    upload.name = "填报表.xlsx"

    response = client.post("/fillin/", {"file": upload})

    assert response.status_code == 200
    assert "XML元素超过上限" in response.content.decode()
    assert ProgressReport.objects.count() == reports


def test_the_element_limit_is_a_setting(settings):
    settings.GOVTASKS_UPLOAD_MAX_XML_ELEMENTS = 5_000
    raw = rebuilt(base_workbook(), add={"xl/sharedStrings.xml": strings_flood(3_000)})

    with pytest.raises(SourceError, match="XML元素超过上限5,000个"):
        package_kind(raw)


def test_a_package_over_the_unpacked_limit_is_refused_whatever_its_part_names(settings):
    settings.GOVTASKS_UPLOAD_MAX_UNPACKED_MB = 1
    raw = rebuilt(base_workbook(), add={"xl/media/picture.png": bytes(range(256)) * 8000})

    with pytest.raises(SourceError, match="超过上限1 MB"):
        package_kind(raw)


def test_a_fill_in_sheet_without_our_stamp_is_refused_before_its_rows_are_read():
    # The first sheet is broken XML: reading it would say "corrupt"; the stamp check comes first.
    raw = rebuilt(base_workbook(), replace={"xl/worksheets/sheet1.xml": lambda sheet: sheet[:-40]})

    with pytest.raises(SourceError, match="这不是本系统下载的进展填报表"):
        read_fillin(raw)


# --- The sandbox itself ------------------------------------------------------------------------------------


def spin():
    while True:
        pass


def hoard():
    kept = []
    while True:
        kept.append(bytearray(16 * 1024 * 1024))


def query_the_database():
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return "answered"


def test_a_parse_that_spins_is_ended_at_the_cpu_limit():
    run = run_measured(spin, cpu_seconds=1)

    assert "处理时间上限" in run.error.message
    # The kernel's tick accounting signals a little before rusage's precise figure reaches the limit.
    assert 0.5 < run.cpu_seconds < 3


def test_a_parse_that_hoards_memory_is_ended_at_the_memory_limit():
    run = run_measured(hoard, memory_mb=100)

    assert "内存超过上限100 MB" in run.error.message
    assert run.grown_bytes < 110 * 1024 * 1024


@pytest.mark.django_db
def test_the_child_cannot_use_the_database_and_the_parent_still_can():
    assert Document.objects.count() == 0  # the parent's connection is open before the fork

    with pytest.raises(SourceError, match="RuntimeError"):
        run_parser(query_the_database)

    assert Document.objects.count() == 0


def test_a_plain_parse_returns_its_value():
    given = DocumentFacts(number="昌府办字〔2022〕1号", title="2022年分工", issued_on=datetime.date(2022, 3, 1))

    notice, _anomalies = run_parser(parse_table_file, base_workbook(), given)

    assert notice.number == "昌府办字〔2022〕1号"
    assert [task.number for task in notice.tasks] == [1]
