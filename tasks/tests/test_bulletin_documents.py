"""The bulletin as the office sends it (2021 data): Excel pages, every lead unit counted, Word with 期号 and 落款."""

import io
import re
import shutil
import subprocess
import tempfile
from pathlib import Path
from urllib.parse import unquote

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from docx import Document as WordDocument
from openpyxl import load_workbook

from tasks.models import BulletinIssue, TaskUnit, Unit
from tasks.templatetags.task_tags import fulldate
from tasks.tests.factories import load_2021_documents, make_user

AS_OF = "2021-09-30"


@pytest.fixture
def office(db):
    load_2021_documents()
    client = Client()
    client.force_login(make_user("office", role="督查室"))
    return client


def download(client, **params):
    response = client.get(reverse("tasks:task_list"), {"as_of": AS_OF, **params})
    assert response.status_code == 200
    filename = unquote(re.search(r"filename\*?=(?:utf-8'')?\"?([^\";]+)", response["Content-Disposition"])[1])
    return b"".join(response.streaming_content), filename


def test_both_sheets_print_on_a4_landscape_one_page_wide(office):
    raw, _name = download(office, export="xlsx")
    workbook = load_workbook(io.BytesIO(raw))
    assert [sheet.title for sheet in workbook.worksheets] == ["推进情况", "统计"]
    for sheet in workbook.worksheets:
        setup = sheet.page_setup
        assert (setup.paperSize, setup.orientation, setup.fitToWidth) == (9, "landscape", 1), sheet.title
        assert sheet.sheet_properties.pageSetUpPr.fitToPage


def test_statistics_count_every_lead_unit_and_say_so(office):
    raw, _name = download(office, export="xlsx")
    sheet = load_workbook(io.BytesIO(raw))["统计"]
    rows = [row for row in sheet.iter_rows(values_only=True)]
    caption = next(row[0] for row in rows if row[0] and str(row[0]).startswith("按牵头单位统计"))
    assert "每个牵头单位" in caption
    led = {row[0]: row[1] for row in rows[rows.index(next(r for r in rows if r[0] == caption)) + 2 :] if row[0]}
    unit = Unit.objects.get(name="区发改委")
    leads = TaskUnit.objects.filter(unit=unit, role=TaskUnit.Role.LEAD).count()
    assert leads > 11 and led["区发改委"] == leads  # the unit list's figure, not only tasks it leads first


def test_tasks_without_an_accepted_report_say_so_in_official_fonts(office):
    raw, _name = download(office, export="xlsx")
    sheet = load_workbook(io.BytesIO(raw))["推进情况"]
    task_rows = [row for row in sheet.iter_rows(min_row=5) if isinstance(row[0].value, int)]
    assert task_rows and all(row[5].value == "未报送" for row in task_rows)
    assert task_rows[0][1].font.name == "仿宋_GB2312"
    assert sheet["A1"].font.name == "方正小标宋简体"


def test_a_part_exported_is_titled_and_named_as_that_part(office):
    raw, name = download(office, export="xlsx", section="2")
    title = load_workbook(io.BytesIO(raw))["推进情况"]["A1"].value
    assert "全力以赴实施工业倍增" in title and "全力以赴实施工业倍增" in name
    _raw, whole = download(office, export="xlsx")
    assert whole == f"督查通报-{AS_OF}.xlsx"


def test_the_word_bulletin_holds_the_issue_the_summary_the_table_and_the_signature(office):
    raw, name = download(office, export="docx", overdue="true")
    assert name.endswith(".docx") and "逾期" in name
    document = WordDocument(io.BytesIO(raw))
    text = [paragraph.text for paragraph in document.paragraphs]
    assert text[0] == "督查通报"
    today = timezone.localdate()
    assert f"{today.year}年第1期" in text  # 期号 of the year of issue
    assert any(line.startswith("截至2021年9月30日，") for line in text)  # the drafted summary
    assert "附件：重点工作任务推进情况表" in text
    assert text.index("区人民政府督查室") > text.index("附件：重点工作任务推进情况表")  # 落款 after the body
    assert fulldate(today) in text  # 成文日期
    table = document.tables[0]
    assert [cell.text for cell in table.rows[0].cells][:3] == ["序号", "工作任务和要求", "牵头单位"]
    assert len(table.rows) > 1 and table.rows[1].cells[5].text
    east_asian = "{http://schemas.openxmlformats.org/wordprocessingml/2006/main}eastAsia"
    fonts = {run._element.rPr.rFonts.get(east_asian) for paragraph in document.paragraphs for run in paragraph.runs}
    assert {"仿宋_GB2312", "黑体", "方正小标宋简体"} <= fonts
    assert document.sections[1].page_width > document.sections[1].page_height  # the table's pages: landscape


def test_only_the_office_issues_a_word_bulletin(office):
    leader = Client()
    leader.force_login(make_user("leader", role="领导"))
    assert leader.get(reverse("tasks:task_list"), {"export": "docx"}).status_code == 403
    assert not BulletinIssue.objects.exists()


def test_issues_are_numbered_per_year_and_the_office_may_give_one(office):
    download(office, export="docx")
    download(office, export="docx")
    raw, _name = download(office, export="docx", issue="7")
    year = timezone.localdate().year
    assert f"{year}年第7期" in [p.text for p in WordDocument(io.BytesIO(raw)).paragraphs]
    numbers = sorted(BulletinIssue.objects.values_list("number", flat=True))
    assert numbers == [1, 2, 7]


@pytest.mark.skipif(shutil.which("soffice") is None, reason="LibreOffice (soffice) is not installed on this machine")
def test_libreoffice_renders_the_excel_bulletin_to_landscape_pages(office):
    raw, _name = download(office, export="xlsx")
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / "bulletin.xlsx"
        source.write_bytes(raw)
        subprocess.run(
            ["soffice", "--headless", "--convert-to", "pdf", "--outdir", folder, str(source)], check=True, timeout=120
        )
        pdf = (Path(folder) / "bulletin.pdf").read_bytes()
    boxes = re.findall(rb"/MediaBox\s*\[\s*0 0 ([\d.]+) ([\d.]+)\s*\]", pdf)
    assert boxes and all(float(width) > float(height) for width, height in boxes)
