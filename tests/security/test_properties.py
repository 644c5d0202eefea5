"""Property-based tests (hypothesis): arbitrary text at the document parser, arbitrary bytes at the
Excel and Word importers and the fill-in sheet reader. Whatever comes in, the only exception is
the documented SourceError (a message for the clerk, shown on the page), and a failed import
leaves the database exactly as it was.

The inputs are built from the real 2021 text and real workbooks, then damaged, so the examples
reach deep into the parsers instead of stopping at the first line. Runs are derandomised
(tests/security/conftest.py): the same examples every time, no flaky failures.
"""

import io
import zipfile

import pytest
from django.db import transaction
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from openpyxl import Workbook

from tasks.importers import import_sources, parse_text
from tasks.importers.docx import parse_docx
from tasks.importers.report import SourceError
from tasks.importers.uploads import parse_upload
from tasks.importers.xlsx import parse_xlsx
from tasks.models import Document, Task, TaskUnit, Unit, UnitAlias
from tasks.tests.factories import FIXTURE_2021
from tasks.workbooks.fillin import read_fillin, write_fillin

SOURCE_LINES = (FIXTURE_2021.parent / "changjiang-2021.txt").read_text(encoding="utf-8").splitlines()
NOTICE_START = next(number for number, line in enumerate(SOURCE_LINES) if "昌府办字〔2021〕20号" in line)
# The responsibility split alone: big enough to be real, small enough to import many times.
NOTICE_LINES = SOURCE_LINES[max(0, NOTICE_START - 5) : NOTICE_START + 400]

# Characters a damaged or hostile document brings: table TABs, full-width punctuation, control
# characters, right-to-left marks, surrogate-free astral characters, markup.
NASTY = st.text(
    alphabet=st.one_of(
        st.sampled_from(
            list("\t\r\n 　、，。（）()一二三四五六七八九十0123456789项号〔〕<>&\"'=+-@\x00\x0b\u202e\u200b")
        ),
        st.characters(blacklist_categories=("Cs",)),
    ),
    max_size=200,
)


@st.composite
def damaged_notice(draw):
    """The 2021 notice with lines dropped, repeated, swapped, cut short or replaced by junk."""
    lines = list(NOTICE_LINES)
    for _edit in range(draw(st.integers(0, 12))):
        position = draw(st.integers(0, len(lines) - 1))
        action = draw(st.sampled_from(["drop", "repeat", "swap", "cut", "junk", "tab"]))
        if action == "drop":
            del lines[position]
        elif action == "repeat":
            lines.insert(position, lines[position])
        elif action == "swap":
            other = draw(st.integers(0, len(lines) - 1))
            lines[position], lines[other] = lines[other], lines[position]
        elif action == "cut":
            lines[position] = lines[position][: draw(st.integers(0, len(lines[position])))]
        elif action == "junk":
            lines[position] = draw(NASTY)
        else:
            lines[position] = "\t" + lines[position]
        if not lines:
            lines = [""]
    return "\n".join(lines)


def raises_only_source_error(function, *args):
    """Call `function`; a SourceError is an answer, anything else fails the test."""
    try:
        return function(*args)
    except SourceError as error:
        assert str(error)  # a message the clerk can read
        return None


@given(st.one_of(NASTY, damaged_notice()))
@settings(max_examples=300)
def test_the_parser_raises_nothing_but_source_error(text):
    raises_only_source_error(parse_text, text)


@given(damaged_notice())
@settings(max_examples=25, suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
def test_an_import_either_succeeds_or_changes_nothing(db, text):
    models = (Document, Task, TaskUnit, Unit, UnitAlias)
    with transaction.atomic():
        before = {model: list(model.objects.order_by("pk").values()) for model in models}
        try:
            import_sources([("damaged.txt", text, "0" * 64)])
        except SourceError:
            assert {model: list(model.objects.order_by("pk").values()) for model in models} == before
        # Each example starts from the same empty database.
        transaction.set_rollback(True)


def workbook_bytes():
    workbook = Workbook()
    sheet = workbook.active
    sheet.append(["序号", "工作任务和要求", "牵头单位", "责任单位", "完成时限"])
    sheet.append([1, "推进陶瓷产业园建设", "区发改委", "各乡镇（街道）", "2021年12月31日"])
    sheet.append([2, "盘活存量资金", "区财政局", "", "6月底前"])
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def docx_bytes():
    import docx  # noqa: PLC0415 — python-docx is only needed to build the sample

    document = docx.Document()
    table = document.add_table(rows=3, cols=4)
    for row, values in zip(
        table.rows,
        [
            ["序号", "工作任务和要求", "牵头单位", "责任单位"],
            ["1", "推进陶瓷产业园建设", "区发改委", ""],
            ["2", "盘活存量资金", "区财政局", ""],
        ],
        strict=True,
    ):
        for cell, value in zip(row.cells, values, strict=True):
            cell.text = value
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


XLSX = workbook_bytes()
DOCX = docx_bytes()


@st.composite
def damaged_bytes(draw, original):
    """`original` with bytes flipped, a stretch cut out, or cut short — or just any bytes."""
    if draw(st.booleans()):
        return draw(st.binary(max_size=2000))
    data = bytearray(original)
    for _edit in range(draw(st.integers(1, 8))):
        position = draw(st.integers(0, len(data) - 1))
        action = draw(st.sampled_from(["flip", "cut", "truncate"]))
        if action == "flip":
            data[position] ^= draw(st.integers(1, 255))
        elif action == "cut":
            del data[position : position + draw(st.integers(1, 64))]
        else:
            del data[position:]
        if not data:
            break
    return bytes(data)


@given(damaged_bytes(XLSX))
@settings(max_examples=200)
def test_the_xlsx_importer_raises_nothing_but_source_error(raw):
    raises_only_source_error(parse_xlsx, raw)


@given(damaged_bytes(DOCX))
@settings(max_examples=200)
def test_the_docx_importer_raises_nothing_but_source_error(raw):
    raises_only_source_error(parse_docx, raw)


@given(damaged_bytes(XLSX), st.sampled_from(["notice.xlsx", "notice.docx", "notice.txt", "通知.TXT"]))
@settings(max_examples=200)
def test_an_upload_of_any_bytes_raises_nothing_but_source_error(raw, name):
    raises_only_source_error(parse_upload, name, raw)


@pytest.fixture(scope="module")
def fillin_sheet(django_db_setup, django_db_blocker):
    """A real fill-in sheet as the app writes it (the unit and its task rolled back afterwards)."""
    from tasks.tests.factories import make_task, make_unit  # noqa: PLC0415

    with django_db_blocker.unblock(), transaction.atomic():
        unit = make_unit("区测试局")
        make_task(1, lead=[unit])
        out = io.BytesIO()
        import datetime  # noqa: PLC0415

        write_fillin(unit, datetime.date(2021, 9, 1), out)
        transaction.set_rollback(True)
    return out.getvalue()


def test_the_fill_in_sheet_reads_back(fillin_sheet):
    assert read_fillin(fillin_sheet).rows


@given(data=st.data())
@settings(max_examples=200, suppress_health_check=[HealthCheck.function_scoped_fixture])
def test_the_fill_in_reader_raises_nothing_but_source_error(fillin_sheet, data):
    raises_only_source_error(read_fillin, data.draw(damaged_bytes(fillin_sheet)))


def with_damaged_part(original, part):
    """`original` (a zip package) with the XML part `part` cut in half: well-zipped, broken XML."""
    source = zipfile.ZipFile(io.BytesIO(original))
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name in source.namelist():
            content = source.read(name)
            package.writestr(name, content[: len(content) // 2] if name == part else content)
    return out.getvalue()


# The parts the readers parse (the others, such as the theme, they skip).
XLSX_PARTS = [
    "[Content_Types].xml",
    "xl/workbook.xml",
    "xl/_rels/workbook.xml.rels",
    "xl/styles.xml",
    "xl/worksheets/sheet1.xml",
    "docProps/core.xml",
]
DOCX_PARTS = ["[Content_Types].xml", "word/document.xml", "word/_rels/document.xml.rels"]


@pytest.mark.parametrize("part", XLSX_PARTS)
def test_a_workbook_with_broken_xml_is_a_source_error(part):
    raises_only_source_error(parse_xlsx, with_damaged_part(XLSX, part))


@pytest.mark.parametrize("part", DOCX_PARTS)
def test_a_word_file_with_broken_xml_is_a_source_error(part):
    raises_only_source_error(parse_docx, with_damaged_part(DOCX, part))
