"""Responsibility splits given as an .xlsx sheet or a .docx table: the same NoticeData and
anomalies as the text importer, columns found by header, free-text deadlines, broken files."""

import datetime
import io
import zipfile
from pathlib import Path

import docx
import pytest
from openpyxl import Workbook, load_workbook

from tasks.importers import parse_text
from tasks.importers.columns import DocumentFacts, read_deadline
from tasks.importers.docx import parse_docx
from tasks.importers.report import SourceError
from tasks.importers.uploads import import_upload, parse_upload
from tasks.importers.xlsx import parse_xlsx
from tasks.models import Document, Section, Task, TaskUnit, Unit
from tasks.tests.factories import make_user

from .pdf_files import scanned_pdf

FILES = Path(__file__).parent / "files"
TITLE = "昌江区人民政府办公室关于印发2022年区《政府工作报告》重点工作任务责任分工的通知"
NUMBER_LINE = "昌府办字〔2022〕5号    2022年3月1日"
HEADER = ["序号", "工作任务和要求", "牵头单位", "责任单位"]


def workbook_bytes(rows, *, above=(TITLE, NUMBER_LINE), merges=(), sheet_title="Sheet", extra_sheets=()):
    """An .xlsx with `above` lines (one per row), then `rows`; `merges` are ranges such as "C3:C4"."""
    workbook = Workbook()
    for title in extra_sheets:
        workbook.create_sheet(title).append(["说明", "本表仅供参考"])
    sheet = workbook.worksheets[0]
    sheet.title = sheet_title
    for line in above:
        sheet.append([line])
    for row in rows:
        sheet.append(list(row))
    for cell_range in merges:
        sheet.merge_cells(cell_range)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def document_bytes(rows, *, paragraphs=(TITLE, NUMBER_LINE, "各乡（镇）人民政府、街道办事处："), merge_rows=()):
    """A .docx with `paragraphs` and then a table of `rows`; `merge_rows` spans those rows across."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    width = max(len(row) for row in rows)
    table = document.add_table(rows=len(rows), cols=width)
    for index, row in enumerate(rows):
        cells = table.rows[index].cells
        if index in merge_rows:
            cells[0].merge(cells[-1]).text = row[0]
            continue
        for cell, text in zip(cells, row, strict=False):
            cell.text = str(text)
    document.add_paragraph("附件：无")
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def summary(notice):
    return [
        (
            task.number, task.text, [u.name for u in task.lead], [u.name for u in task.responsible],
            task.deadline, task.section, task.subsection, task.is_livelihood,
        )
        for task in notice.tasks
    ]  # fmt: skip


def codes(anomalies):
    return [anomaly.code for anomaly in anomalies]


# --- The 2021 notice as a sheet and as a Word table: the same data as from its text ------------------


@pytest.fixture
def notice_2021(source_2021):
    parsed, _anomalies = parse_text(source_2021)
    return next(data for handler, data in parsed if handler.name == "责任分工通知")


def table_of(notice):
    """The 2021 notice's table as rows: headings as one cell, units one per line."""
    rows = [HEADER + ["完成时限"]]
    for section in notice.sections:
        declared = f"（{section.declared_count}项）" if section.declared_count else ""
        rows.append([f"{section.numbering}{section.title}{declared}"])
        groups = [(None, "")] + [(sub.number, f"{sub.numbering}{sub.title}") for sub in section.subsections]
        for sub_number, heading in groups:
            if heading:
                rows.append([heading])
            for task in notice.tasks:
                if task.section == section.number and task.subsection == sub_number:
                    units = ("\n".join(unit.name for unit in task.lead), "\n".join(u.name for u in task.responsible))
                    rows.append([task.number, task.text, *units, ""])
    return rows


def test_the_2021_notice_as_a_sheet_reads_as_its_text_does(notice_2021):
    rows = table_of(notice_2021)
    notice, anomalies = parse_xlsx(workbook_bytes(rows, above=[notice_2021.title, "昌府办字〔2021〕20号 2021年7月1日"]))
    assert (notice.number, notice.title, notice.issued_on, notice.year) == (
        "昌府办字〔2021〕20号",
        notice_2021.title,
        datetime.date(2021, 7, 1),
        2021,
    )
    assert notice.issuer == "昌江区人民政府办公室"
    assert len(notice.tasks) == 84
    assert summary(notice) == summary(notice_2021)
    assert [(s.numbering, s.title, s.declared_count) for s in notice.sections] == [
        (s.numbering, s.title, s.declared_count) for s in notice_2021.sections
    ]
    # The document's own quirks are reported as the text importer reports them.
    assert codes(anomalies).count("declared-count-mismatch") == 5
    assert "section-numbering" in codes(anomalies)
    # Lines are the sheet's rows: title, 文号 line, header, section, subsection, then task 1 on row 6.
    assert notice.tasks[0].line == 6
    assert notice.tasks[0].source_text.startswith("1\t做优日用陶瓷")


def test_the_2021_notice_as_a_word_table_reads_as_its_text_does(notice_2021):
    rows = table_of(notice_2021)
    headings = {index for index, row in enumerate(rows) if len(row) == 1}
    # The title broken over three lines, as printed; then the 文号 line and the salutation.
    paragraphs = [
        "昌江区人民政府办公室",
        "关于印发2021年市《政府工作报告》",
        "重点工作任务责任分工的通知",
        "昌府办字〔2021〕20号    2021年7月1日",
        "各乡（镇）人民政府、街道办事处：",
    ]
    notice, anomalies = parse_docx(document_bytes(rows, paragraphs=paragraphs, merge_rows=headings))
    assert (notice.number, notice.title, notice.issued_on) == (
        "昌府办字〔2021〕20号",
        notice_2021.title,
        datetime.date(2021, 7, 1),
    )
    assert summary(notice) == summary(notice_2021)
    # Paragraphs are lines 1-5, the header line 6, the first section line 7.
    assert notice.sections[0].line == 7
    assert codes(anomalies).count("declared-count-mismatch") == 5
    assert notice.text.splitlines()[0] == "昌江区人民政府办公室"
    assert notice.text.splitlines()[-1] == "附件：无"


# --- Other offices' tables: columns by header, units, deadlines -----------------------------------------

LIVELIHOOD_ROWS = [
    ["编号", "项目名称", "责任单位", "责任领导", "完成时限"],
    ["一", "十件民生实事"],
    [1, "新建城区公办幼儿园2所", "区教体局、区发改委，区住建局", "张三", "9月投入使用"],
    [2, "改造老旧小区12个", "区住建局\n各乡镇（街道）", "李四", "6月底前完成主体；12月底前完成验收"],
    [3, "新增停车泊位500个", "区城管局；区公安分局", "王五", "5月底前动工"],
    [4, "常态化开展义诊", "区卫健委", "赵六", "长期坚持"],
    [5, "建设农贸市场", "区商务局, 丽阳镇", "", "三季度"],
    ["备注：完成时限均指2022年。"],
]


def test_columns_by_header_first_unit_is_the_lead_and_units_split_on_every_separator():
    notice, anomalies = parse_xlsx(workbook_bytes(LIVELIHOOD_ROWS))
    tasks = {task.number: task for task in notice.tasks}
    assert [unit.name for unit in tasks[1].lead] == ["区教体局"]
    assert [unit.name for unit in tasks[1].responsible] == ["区发改委", "区住建局"]
    assert ([u.name for u in tasks[2].lead], [u.name for u in tasks[2].responsible]) == (
        ["区住建局"],
        ["各乡镇（街道）"],
    )
    assert [u.name for u in tasks[3].responsible] == ["区公安分局"]
    assert [u.name for u in tasks[5].responsible] == ["丽阳镇"]
    assert tasks[4].responsible == []
    assert all(task.is_livelihood for task in notice.tasks)
    assert [(s.numbering, s.title) for s in notice.sections] == [("一、", "十件民生实事")]
    found = codes(anomalies)
    assert "lead-is-first-unit" in found
    assert "column-not-imported" in found  # 责任领导: no field for it, kept in the source text
    assert "row-skipped" in found  # the 备注 line
    assert "no-responsible-unit" in found
    assert "张三" in tasks[1].source_text


def test_free_text_deadlines_kept_as_written_and_turned_into_dates():
    notice, anomalies = parse_xlsx(workbook_bytes(LIVELIHOOD_ROWS))
    deadlines = {task.number: task.deadline for task in notice.tasks}
    assert deadlines == {
        1: datetime.date(2022, 9, 30),
        2: datetime.date(2022, 12, 31),
        3: datetime.date(2022, 5, 31),
        4: datetime.date(2022, 12, 31),
        5: datetime.date(2022, 9, 30),
    }
    task2 = next(task for task in notice.tasks if task.number == 2)
    assert "6月底前完成主体；12月底前完成验收" in task2.source_text
    staged = next(anomaly for anomaly in anomalies if anomaly.code == "deadline-staged")
    assert staged.line == task2.line
    assert "2022年6月30日、2022年12月31日" in staged.message
    assert "deadline-open-ended" in codes(anomalies)


@pytest.mark.parametrize(
    ("written", "dates"),
    [
        ("12月底前", [datetime.date(2021, 12, 31)]),
        ("9月投入使用", [datetime.date(2021, 9, 30)]),
        ("2月", [datetime.date(2021, 2, 28)]),
        ("6月30日前", [datetime.date(2021, 6, 30)]),
        ("10月中旬", [datetime.date(2021, 10, 20)]),
        ("2022年3月底", [datetime.date(2022, 3, 31)]),
        ("年底前", [datetime.date(2021, 12, 31)]),
        ("上半年", [datetime.date(2021, 6, 30)]),
        ("下半年", [datetime.date(2021, 12, 31)]),  # the other branch (surviving mutants had the wrong year, day)
        ("第二季度", [datetime.date(2021, 6, 30)]),
        ("6月底前动工；12月底前竣工", [datetime.date(2021, 6, 30), datetime.date(2021, 12, 31)]),
        ("13月底", []),
        ("尽快", []),
    ],
)
def test_read_deadline(written, dates):
    assert read_deadline(written, 2021)[0] == dates


def test_headings_split_over_two_cells_and_ascii_brackets_and_merged_unit_cells():
    rows = [
        ["序号", "重点工作", "牵头单位", "配合单位", "协办单位", "完成时限"],
        ["一", "加快产业升级"],
        ["(一)", "做强工业"],
        [1, "培育规上企业", "区工信局", "区统计局", "区税务局", "2022年12月31日"],
        [2, "建设标准厂房", None, "区发改委", "", ""],
        ["二、", "优化营商环境"],
        [3, "推进一网通办", "区政务服务办", "区司法局", "", "年底"],
    ]
    # The lead unit of tasks 1 and 2 is one merged cell (C6:C7 with two lines above the header).
    notice, anomalies = parse_xlsx(workbook_bytes(rows, merges=["C6:C7"]))
    assert [(s.numbering, s.title) for s in notice.sections] == [("一、", "加快产业升级"), ("二、", "优化营商环境")]
    assert [(s.numbering, s.title) for s in notice.sections[0].subsections] == [("（一）", "做强工业")]
    tasks = {task.number: task for task in notice.tasks}
    assert [u.name for u in tasks[2].lead] == ["区工信局"]
    # 配合单位 and 协办单位 are both responsible units, in column order.
    assert [u.name for u in tasks[1].responsible] == ["区统计局", "区税务局"]
    assert tasks[1].deadline == datetime.date(2022, 12, 31)
    assert tasks[2].deadline == datetime.date(2022, 12, 31)  # empty: end of the year, as the notice says
    assert "lead-is-first-unit" not in codes(anomalies)


def test_title_and_number_may_come_from_the_upload_form():
    rows = [HEADER, ["一、重点工作"], [1, "任务一", "区工信局", "区发改委"]]
    with pytest.raises(SourceError, match="成文日期"):
        parse_xlsx(workbook_bytes(rows, above=["2022年重点工作任务分工表"]))
    given = DocumentFacts(number="昌府办字〔2022〕9号", issued_on=datetime.date(2022, 4, 1))
    notice, _anomalies = parse_xlsx(workbook_bytes(rows, above=["2022年重点工作任务分工表"]), given)
    assert (notice.number, notice.title, notice.issued_on, notice.year) == (
        "昌府办字〔2022〕9号",
        "2022年重点工作任务分工表",
        datetime.date(2022, 4, 1),
        2022,
    )


def test_the_task_table_may_be_on_a_later_sheet():
    rows = [HEADER, ["一、重点工作"], [1, "任务一", "区工信局", "区发改委"]]
    notice, _anomalies = parse_xlsx(workbook_bytes(rows, extra_sheets=["填表说明"], sheet_title="任务分工"))
    assert [task.text for task in notice.tasks] == ["任务一"]


def test_a_table_without_sections_gets_one_and_says_so():
    rows = [["序号", "民生实事", "责任单位"], [1, "建设幼儿园", "区教体局"], [2, "改造小区", "区住建局"]]
    notice, anomalies = parse_xlsx(workbook_bytes(rows))
    assert [(s.numbering, s.title) for s in notice.sections] == [("一、", "民生实事")]
    assert all(task.is_livelihood and task.section == 1 for task in notice.tasks)
    assert "no-sections" in codes(anomalies)


@pytest.mark.parametrize(
    ("rows", "message"),
    [
        ([HEADER, ["一、重点"], [1, "任务一", "区工信局", ""], [1, "任务二", "区工信局", ""]], "任务序号1重复"),
        ([HEADER, ["一、重点"], [1, "任务一", "", "区发改委"]], "任务1没有牵头单位"),
        ([HEADER, ["一、重点"], [1, "", "区工信局", ""]], "任务1没有任务内容"),
        ([["序号", "工作任务和要求", "备注"], [1, "任务一", ""]], "任务表没有单位列"),
        ([["单位", "联系人"], ["区工信局", "张三"]], "找不到任务表的表头"),
        ([HEADER, ["一、重点"]], "任务表中没有任务"),
    ],
)
def test_tables_that_cannot_be_imported(rows, message):
    with pytest.raises(SourceError, match=message):
        parse_xlsx(workbook_bytes(rows))


# --- Broken files: a clear message, nothing written ------------------------------------------------------


def valid_workbook():
    return workbook_bytes([HEADER, ["一、重点"], [1, "任务一", "区工信局", "区发改委"]])


def zip_of(members):
    out = io.BytesIO()
    with zipfile.ZipFile(out, "w", zipfile.ZIP_DEFLATED) as package:
        for name, data in members.items():
            package.writestr(name, data)
    return out.getvalue()


def huge_sheet():
    return workbook_bytes([HEADER, ["一、重点"], *([n, f"任务{n}", "区工信局", ""] for n in range(1, 5200))])


BROKEN = {
    "empty": (b"", "文件是空的"),
    "truncated": (valid_workbook()[:3000], "文件不完整或已损坏"),
    "zip, not xlsx": (zip_of({"readme.txt": "hello"}), "不是Excel工作簿（.xlsx）或Word文档"),
    "docx named .xlsx": (document_bytes([HEADER]), "文件内容是Word文档（.docx），不是Excel工作簿"),
    "huge sheet": (None, "超过上限5000行"),
    "xml bomb": (
        zip_of(
            {"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<w/>", "xl/worksheets/sheet1.xml": " " * 21_000_000}
        ),
        "超过上限20 MB",
    ),
    "password-protected": ((FILES / "encrypted.xlsx").read_bytes(), "文件设置了打开密码"),
    "legacy xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "旧版Excel（.xls）"),
    "not a zip at all": (b"%PDF-1.7 not a workbook", "不是Excel工作簿"),
    "zip with a broken workbook part": (
        zip_of({"[Content_Types].xml": "<Types/>", "xl/workbook.xml": "<not-a-workbook"}),
        "Excel工作簿已损坏",
    ),
}


@pytest.mark.parametrize("case", list(BROKEN))
def test_broken_workbooks_give_a_clear_error(case):
    raw, message = BROKEN[case]
    raw = huge_sheet() if raw is None else raw
    with pytest.raises(SourceError, match=message):
        parse_xlsx(raw)


def test_encrypted_and_tableless_word_documents():
    # encrypted.docx and encrypted.xlsx were made with msoffcrypto-tool (OOXMLFile.encrypt, password mima1234).
    with pytest.raises(SourceError, match="文件设置了打开密码"):
        parse_docx((FILES / "encrypted.docx").read_bytes())
    document = docx.Document()
    document.add_paragraph(TITLE)
    out = io.BytesIO()
    document.save(out)
    with pytest.raises(SourceError, match="Word文档中没有表格"):
        parse_docx(out.getvalue())
    with pytest.raises(SourceError, match="找不到任务表的表头"):
        parse_docx(document_bytes([["姓名", "电话"], ["张三", "123"]]))


# --- Loading: the same loader, a dry run first, all or nothing ---------------------------------------------


def database_state():
    return (
        Document.objects.count(),
        Section.objects.count(),
        Task.objects.count(),
        TaskUnit.objects.count(),
        Unit.objects.count(),
    )


@pytest.mark.django_db
def test_dry_run_reports_what_would_change_and_writes_nothing():
    raw = workbook_bytes(LIVELIHOOD_ROWS)
    result = import_upload("2022民生实事.xlsx", raw, dry_run=True)
    assert database_state() == (0, 0, 0, 0, 0)
    assert result.dry_run
    assert "任务：新增 5，修改 0，未变 0，删除 0" in result.changes.lines()
    assert ("2022民生实事.xlsx", "lead-is-first-unit") in [(name, a.code) for name, a in result.anomalies]

    result = import_upload("2022民生实事.xlsx", raw)
    document = Document.objects.get()
    assert (document.number, document.source_file, document.first_line) == (
        "昌府办字〔2022〕5号",
        "2022民生实事.xlsx",
        1,
    )
    task = Task.objects.get(number=2)
    assert [unit.name for unit in task.lead_units] == ["区住建局"]
    assert task.deadline == datetime.date(2022, 12, 31)
    # The task's original wording is its sheet row, which the document's text holds at that line.
    assert document.text.splitlines()[task.source_line - 1] == task.source_text

    again = import_upload("2022民生实事.xlsx", raw)
    assert not again.changes.changed


@pytest.mark.django_db
def test_a_broken_upload_changes_nothing():
    import_upload("2022.xlsx", workbook_bytes(LIVELIHOOD_ROWS))
    before = database_state()
    broken = workbook_bytes([*LIVELIHOOD_ROWS[:3], [1, "重复的序号", "区教体局", "", ""]])
    with pytest.raises(SourceError, match="任务序号1重复") as error:
        import_upload("2022.xlsx", broken)
    assert error.value.source == "2022.xlsx"
    assert database_state() == before


@pytest.mark.django_db
def test_text_uploads_go_through_the_text_importer(source_2021):
    raw = source_2021.encode("utf-8")
    notices, anomalies = parse_upload("changjiang-2021.txt", raw)
    assert [len(notice.tasks) for notice in notices] == [84]
    result = import_upload("changjiang-2021.txt", raw, dry_run=True)
    assert Task.objects.count() == 0
    assert len(result.documents) == 4
    # GBK text, as Chinese editors save it, is read; binary content is not text.
    with pytest.raises(SourceError, match="找不到任务"):
        import_upload("notice.txt", "任务分工".encode("gbk"))
    with pytest.raises(SourceError, match="不是文本文件"):
        import_upload("notice.txt", b"\x00\x01\x02binary")


def test_workbooks_written_here_open_again():
    # The builder itself is sound: what the tests feed the importer is a real workbook.
    assert load_workbook(io.BytesIO(valid_workbook())).active["A3"].value == "序号"


# --- The admin upload page: dry run, then confirm ------------------------------------------------------------


@pytest.fixture
def admin_client(client, django_user_model):
    user = make_user("guanli", is_staff=True, is_superuser=True)
    client.force_login(user)
    return client


def upload(client, name, raw, **fields):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    return client.post(reverse("tasks:notice_import"), {"file": SimpleUploadedFile(name, raw), **fields})


@pytest.mark.django_db
def test_upload_page_previews_then_imports_on_confirmation(admin_client):
    rows = [*LIVELIHOOD_ROWS[:2], [1, "<script>alert(1)</script>新建幼儿园", "区教体局", "", "9月"]]
    response = upload(admin_client, "2022.xlsx", workbook_bytes(rows))
    page = response.content.decode()
    assert response.status_code == 200
    assert "任务：新增 1，修改 0，未变 0，删除 0" in page
    assert "1项任务（昌府办字〔2022〕5号）" in page
    assert "lead-is-first-unit" in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;新建幼儿园" in page
    assert "<script>alert(1)" not in page
    assert database_state() == (0, 0, 0, 0, 0)

    sha256 = response.context["preview"]["sha256"]
    response = admin_client.post(response.request["PATH_INFO"], {"confirm": "1", "sha256": sha256})
    assert response.status_code == 200
    assert "已导入“2022.xlsx”" in response.content.decode()
    assert Task.objects.get().text == "<script>alert(1)</script>新建幼儿园"
    # The stash is used once: confirming again imports nothing more and says why.
    response = admin_client.post(response.request["PATH_INFO"], {"confirm": "1", "sha256": sha256}, follow=True)
    assert "预览已过期或已导入" in response.content.decode()
    assert Task.objects.count() == 1


@pytest.mark.django_db
def test_upload_page_fills_in_what_the_table_does_not_say(admin_client):
    rows = [HEADER, ["一、重点工作"], [1, "任务一", "区工信局", "区发改委"]]
    raw = workbook_bytes(rows, above=["2022年重点工作任务分工表"])
    assert "请在上传页填写" in upload(admin_client, "分工表.xlsx", raw).content.decode()
    response = upload(admin_client, "分工表.xlsx", raw, number="昌府办字〔2022〕9号", issued_on="2022-04-01")
    admin_client.post(response.request["PATH_INFO"], {"confirm": "1", "sha256": response.context["preview"]["sha256"]})
    document = Document.objects.get()
    assert (document.number, document.title, document.issued_on) == (
        "昌府办字〔2022〕9号",
        "2022年重点工作任务分工表",
        datetime.date(2022, 4, 1),
    )


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "raw", "message"),
    [
        ("empty.xlsx", b"", "所提交的是空文件"),
        ("encrypted.xlsx", (FILES / "encrypted.xlsx").read_bytes(), "文件设置了打开密码"),
        ("notice.doc", b"\xd0\xcf\x11\xe0", "只能上传.txt、.xlsx、.docx、.pdf文件"),
        ("scan.pdf", scanned_pdf(), "PDF中没有文字层"),
        ("notice.docx", b"PK\x03\x04 truncated", "文件不完整或已损坏"),
        ("big.xlsx", b"x" * (5 * 1024 * 1024 + 1), "文件超过上限5.0\xa0MB"),
    ],
)
def test_upload_page_explains_broken_files_and_changes_nothing(admin_client, name, raw, message):
    response = upload(admin_client, name, raw)
    assert response.status_code == 200
    assert message in response.content.decode()
    assert database_state() == (0, 0, 0, 0, 0)


@pytest.mark.django_db
def test_upload_page_is_for_administrators(client, django_user_model):
    from django.urls import reverse  # noqa: PLC0415

    url = reverse("tasks:notice_import")
    clerk = make_user("clerk")
    client.force_login(clerk)
    assert client.get(url).status_code == 302  # to the admin login
    clerk.is_staff = True
    clerk.save()
    assert client.get(url).status_code == 403


@pytest.mark.django_db
def test_upload_pages_still_check_csrf(django_user_model):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415
    from django.test import Client  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    client = Client(enforce_csrf_checks=True)
    client.force_login(make_user("guanli", is_staff=True, is_superuser=True))
    response = client.post(reverse("tasks:notice_import"), {"file": SimpleUploadedFile("a.xlsx", valid_workbook())})
    assert response.status_code == 403
    assert database_state() == (0, 0, 0, 0, 0)


def test_a_lead_unit_merged_down_a_word_table_leads_every_task_it_covers():
    document = docx.Document()
    for text in (TITLE, NUMBER_LINE):
        document.add_paragraph(text)
    rows = [HEADER, ["一、重点工作"], ["1", "任务一", "", "区发改委"], ["2", "任务二", "", "区统计局"]]
    table = document.add_table(rows=len(rows), cols=4)
    for index, row in enumerate(rows):
        for cell, text in zip(table.rows[index].cells, row, strict=False):
            cell.text = text
    table.cell(2, 2).merge(table.cell(3, 2)).text = "区工信局"
    out = io.BytesIO()
    document.save(out)
    notice, _anomalies = parse_docx(out.getvalue())
    assert [([u.name for u in t.lead], [u.name for u in t.responsible]) for t in notice.tasks] == [
        (["区工信局"], ["区发改委"]),
        (["区工信局"], ["区统计局"]),
    ]
