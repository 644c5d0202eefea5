"""The progress bulletin (督查通报): content, layout and print set-up of the produced workbook,
the drafted summary, text that looks like a formula, and the export_progress command."""

import datetime
import io
import re
import zipfile

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from tasks.models import ExtensionRequest, Task
from tasks.selectors import tasks_for_display
from tasks.state import store
from tasks.tests.factories import (
    AS_OF,
    at,
    make_document,
    make_report,
    make_sample_world,
    make_section,
    make_task,
    make_unit,
    make_user,
)
from tasks.workbooks.bulletin import SummaryFacts, draft_summary, write_bulletin

pytestmark = pytest.mark.django_db

HEADER = ["序号", "工作任务和要求", "牵头单位", "责任单位", "完成时限", "进展情况", "完成状态", "完成进度", "预警"]


def bulletin(tasks=None, *, as_of=AS_OF, **options):
    """Write the bulletin of `tasks` (default: all) and return its bytes."""
    out = io.BytesIO()
    write_bulletin(tasks if tasks is not None else tasks_for_display(as_of), out, as_of=as_of, **options)
    return out.getvalue()


def workbook_of(data):
    return load_workbook(io.BytesIO(data))


def task_rows(sheet):
    """{task number: row values} for the rows that hold a task."""
    return {
        row[0].value: [cell.value for cell in row]
        for row in sheet.iter_rows(min_row=5)
        if isinstance(row[0].value, int)
    }


def row_of(sheet, first_value):
    return next(row for row in sheet.iter_rows() if row[0].value == first_value)


@pytest.fixture
def world():
    return make_sample_world()


def test_title_date_summary_and_header(world):
    sheet = workbook_of(bulletin()).worksheets[0]
    assert sheet.title == "推进情况"
    assert sheet["A1"].value == "重点工作推进情况"
    assert sheet["A1"].font.bold
    assert sheet["A2"].value == "（截至2021年7月1日）"
    assert sheet["A3"].value.startswith(
        "截至2021年7月1日，5项任务中按期办结1项、逾期办结0项、待核查0项、推进中2项、未启动1项、逾期1项。"
    )
    assert [cell.value for cell in sheet[4]] == HEADER
    assert all(cell.font.bold for cell in sheet[4])


def test_title_comes_from_the_notice(db):
    document = make_document(title="昌江区人民政府办公室关于印发2021年市《政府工作报告》重点工作任务责任分工的通知")
    make_task(1, section=make_section(document=document), lead=[make_unit("区工信局")])
    sheet = workbook_of(bulletin()).worksheets[0]
    assert sheet["A1"].value == "2021年市《政府工作报告》重点工作推进情况"
    assert "2021年市《政府工作报告》重点工作推进情况" in sheet.oddHeader.center.text


def test_summary_names_units_with_overdue_and_lagging_tasks(world):
    summary = workbook_of(bulletin()).worksheets[0]["A3"].value
    # Task 2 is overdue (lead 区市场监管局); task 4 is 40 points behind (lead 各乡镇（街道）).
    assert "逾期任务1项，涉及区市场监管局（第2项）1个单位" in summary
    assert "进度明显滞后于序时进度的任务1项，涉及各乡镇（街道）（第4项）1个单位" in summary
    assert summary.endswith("确保按期完成。")


def test_one_row_per_task_with_units_one_per_line(world):
    town2 = make_unit("吕蒙乡")
    world.tasks[0].task_units.create(unit=town2, role="responsible", position=2, name_as_written="吕蒙乡")
    sheet = workbook_of(bulletin()).worksheets[0]
    rows = task_rows(sheet)
    assert sorted(rows) == [1, 2, 3, 4, 5]
    number, text, lead, responsible, deadline, progress, status, percent, light = rows[1]
    assert text == "建设陶瓷产业园，完善配套设施"
    assert (lead, responsible) == ("区发改委", "区市场监管局\n吕蒙乡")
    assert deadline == datetime.datetime(2021, 12, 31)
    assert progress == "（2021年6月）已按计划推进"
    assert (status, percent, light) == ("推进中", 0.5, "绿灯")
    assert rows[2][6:] == ["逾期", 0, "红灯"]
    assert rows[3][6:] == ["按期办结", 1, "绿灯"]


def test_layout_wraps_borders_widths_and_colours_status_by_light(world):
    sheet = workbook_of(bulletin()).worksheets[0]
    task1 = row_of(sheet, 1)
    task2 = row_of(sheet, 2)
    assert all(cell.alignment.wrap_text for cell in task1)
    assert all(cell.border.left.style == "thin" and cell.border.bottom.style == "thin" for cell in task1)
    assert task1[4].number_format == 'yyyy"年"m"月"d"日"'
    assert task1[7].number_format == "0%"
    assert task1[6].fill.fgColor.rgb == "00C6EFCE"  # green
    assert task2[6].fill.fgColor.rgb == "00FFC7CE"  # red
    widths = {letter: sheet.column_dimensions[letter].width for letter in "ABCDEFGHI"}
    assert (widths["B"], widths["E"], widths["F"]) == (44, 15, 42)
    assert widths["A"] < widths["C"] < widths["B"]
    assert sheet.row_dimensions[task2[0].row].height == 19  # one line


def test_rows_are_as_tall_as_their_wrapped_text():
    unit = make_unit("区工信局")
    others = [make_unit(f"区第{n}局") for n in range(1, 4)]
    make_task(1, section=make_section(document=make_document()), lead=[unit], responsible=others, text="陶" * 100)
    sheet = workbook_of(bulletin()).worksheets[0]
    # 100 Chinese characters take 200 units: 5 lines of the 43 usable in column B (44 wide).
    assert sheet.row_dimensions[row_of(sheet, 1)[0].row].height == 5 * 15 + 4


def test_merged_bold_rows_for_sections_and_subsections(world):
    sheet = workbook_of(bulletin()).worksheets[0]
    merged = {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    section1 = row_of(sheet, "1、全力以赴推进试验区建设")
    subsection = row_of(sheet, "（1）十件民生实事")
    section2 = row_of(sheet, "2、全力以赴实施工业倍增")
    for row in (section1, subsection, section2):
        assert f"A{row[0].row}:I{row[0].row}" in merged
        assert row[0].font.bold
    assert {"A1:I1", "A2:I2", "A3:I3"} <= merged
    # Order: section 1, its subsection, task 1 (in the subsection), task 2, section 2, tasks 3-5.
    firsts = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert firsts == ["1、全力以赴推进试验区建设", "（1）十件民生实事", 1, 2, "2、全力以赴实施工业倍增", 3, 4, 5]


def test_print_ready_a4_landscape_fit_to_width_with_titles_and_page_numbers(world):
    sheet = workbook_of(bulletin()).worksheets[0]
    assert sheet.page_setup.orientation == "landscape"
    assert sheet.page_setup.paperSize == 9  # A4
    assert sheet.sheet_properties.pageSetUpPr.fitToPage
    assert (sheet.page_setup.fitToWidth, sheet.page_setup.fitToHeight) == (1, 0)
    # The column header repeats on every page; the title and date head pages 2 onwards.
    assert sheet.print_title_rows == "$4:$4"
    assert sheet.HeaderFooter.differentFirst
    assert sheet.oddHeader.center.text == "重点工作推进情况（截至2021年7月1日）"
    assert "&P" in sheet.oddFooter.center.text and "&N" in sheet.oddFooter.center.text
    assert sheet.firstFooter.center.text == sheet.oddFooter.center.text
    assert sheet.freeze_panes == "A5"


def test_statistics_sheet_counts_by_section_and_lead_unit_with_charts(world):
    data = bulletin()
    sheet = workbook_of(data)["统计"]
    values = [[cell.value for cell in row] for row in sheet.iter_rows() if row[0].value]
    header = ["合计", "按期办结", "逾期办结", "待核查", "推进中", "未启动", "逾期"]
    assert values[:5] == [
        ["按部分统计", None, None, None, None, None, None, None],
        ["部分", *header],
        ["1、全力以赴推进试验区建设", 2, 0, 0, 0, 1, 0, 1],
        ["2、全力以赴实施工业倍增", 3, 1, 0, 0, 1, 1, 0],
        ["合计", 5, 1, 0, 0, 2, 1, 1],
    ]
    by_lead = values[values.index(["牵头单位", *header]) + 1 :]
    # Most overdue first, then most tasks.
    assert by_lead == [
        ["区市场监管局", 1, 0, 0, 0, 0, 0, 1],
        ["区发改委", 2, 0, 0, 0, 2, 0, 0],
        ["丽阳镇", 1, 1, 0, 0, 0, 0, 0],
        ["各乡镇（街道）", 1, 0, 0, 0, 0, 1, 0],
        ["合计", 5, 1, 0, 0, 2, 1, 1],
    ]
    assert len(sheet._charts) == 2
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        charts = [name for name in archive.namelist() if name.startswith("xl/charts/chart")]
        assert len(charts) == 2
        xml = archive.read(charts[0]).decode()
    assert '<grouping val="stacked"/>' in xml
    assert "'统计'!$C$3:$C$4" in xml  # the 按期办结 series over the two section rows


@pytest.mark.parametrize("typed", ['=HYPERLINK("http://evil","x")', "+1+1", "-2+3", "@SUM(A1:A2)", "=1+1"])
def test_text_that_looks_like_a_formula_stays_text(typed):
    unit = make_unit(typed[:20])
    task = make_task(1, section=make_section(document=make_document()), lead=[unit], text=typed)
    make_report(task=task, done=typed, submitted_at=at(datetime.date(2021, 6, 1)))
    data = bulletin()
    sheet = workbook_of(data).worksheets[0]
    row = row_of(sheet, 1)
    assert row[1].value == typed
    assert row[2].value == typed[:20]
    assert row[5].value.endswith(typed)
    assert row[1].data_type == "s"
    assert row[1].quotePrefix
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        for name in archive.namelist():
            if name.startswith("xl/worksheets/"):
                assert "<f>" not in archive.read(name).decode(), name


def test_control_characters_are_dropped_not_fatal():
    make_task(1, section=make_section(document=make_document()), lead=[make_unit()], text="任务\x07文字\x1b")
    assert row_of(workbook_of(bulletin()).worksheets[0], 1)[1].value == "任务文字"


def test_status_and_progress_as_they_stood_on_the_as_of_date(world):
    later = make_report(
        task=world.tasks[3], percent=80, done="标准厂房主体完工", submitted_at=at(AS_OF + datetime.timedelta(days=5))
    )
    before = task_rows(workbook_of(bulletin(as_of=AS_OF)).worksheets[0])[4]
    after = task_rows(workbook_of(bulletin(as_of=later.submitted_at.date())).worksheets[0])[4]
    assert (before[5], before[6], before[7]) == ("未报送", "未启动", 0)
    assert (after[5], after[6], after[7]) == ("（2021年7月）标准厂房主体完工", "推进中", 0.8)


def test_deadline_is_the_one_in_force_after_an_approved_extension(world, django_user_model):
    office = make_user("office")
    ExtensionRequest.objects.create(
        task=world.tasks[1], unit=world.market, old_deadline=datetime.date(2021, 6, 30),
        new_deadline=datetime.date(2021, 8, 31), reason="汛期停工", progress="已完成八成", percent=80,
        state=ExtensionRequest.State.APPROVED, requested_by=office, requested_at=at(datetime.date(2021, 6, 20)),
        decided_by=office, decided_at=at(datetime.date(2021, 6, 25)),
    )  # fmt: skip
    row = task_rows(workbook_of(bulletin()).worksheets[0])[2]
    assert row[4] == datetime.datetime(2021, 8, 31)
    assert row[6] != "逾期"


def test_empty_selection_still_makes_a_workbook(world):
    sheet = workbook_of(bulletin(tasks_for_display(AS_OF).none())).worksheets[0]
    assert sheet["A3"].value == "截至2021年7月1日，没有符合条件的任务。"
    assert sheet["A5"].value == "没有符合条件的任务。"


def test_meeting_orders_are_grouped_under_their_meeting_and_named_with_it(world):
    meeting = make_document(kind="meeting_record", number="", title="区政府第100次常务会议", task_prefix="会100-")
    make_task(
        1, document=meeting, source=Task.Source.MEETING, text="9月10日前完成", deadline=datetime.date(2021, 6, 10)
    )
    sheet = workbook_of(bulletin()).worksheets[0]
    firsts = [row[0].value for row in sheet.iter_rows(min_row=5)]
    assert firsts[0] == "重点工作任务责任分工的通知（昌府办字〔2021〕20号）"
    # Numbered with its meeting: never a second "1" beside the notice's task 1.
    assert firsts[-2:] == ["区政府第100次常务会议", "会100-1"]
    summary = sheet["A3"].value
    assert "昌府办字〔2021〕20号第2项" in summary
    assert "区政府第100次常务会议第1项未明确牵头单位" in summary


def test_queries_do_not_grow_with_the_number_of_tasks():
    section = make_section(document=make_document())
    unit = make_unit()

    def count_queries(n):
        Task.objects.all().delete()
        for number in range(1, n + 1):
            make_task(number, section=section, lead=[unit], responsible=[unit] if number % 2 else [])
        with CaptureQueriesContext(connection) as captured:
            bulletin()
        return len(captured)

    assert count_queries(3) == count_queries(60)


# --- The drafted summary, on plain figures ----------------------------------------------------------


def facts(**values):
    return SummaryFacts(as_of=datetime.date(2021, 9, 30), **values)


def test_summary_when_nothing_is_late():
    text = draft_summary(facts(total=84, counts={"done": 84}))
    assert (
        text == "截至2021年9月30日，84项任务中按期办结84项、逾期办结0项、待核查0项、推进中0项、未启动0项、逾期0项。"
        "各项任务均按序时进度推进，无逾期任务。"
    )


def test_summary_names_at_most_eight_units_and_six_tasks_each():
    doc = "昌府办字〔2021〕20号"
    overdue = {f"区单位{n}局": [(doc, n)] for n in range(1, 11)}
    overdue["区单位1局"] = [(doc, n) for n in range(1, 8)]  # seven: one more than is shown
    text = draft_summary(facts(total=84, counts={"overdue": 16}, overdue=overdue, overdue_total=16))
    assert "区单位1局（第1、2、3、4、5、6项等）" in text
    assert "区单位8局（第8项）等10个单位" in text
    assert "区单位9局" not in text


# --- export_progress ----------------------------------------------------------------------------------


def export_progress(tmp_path, *args):
    path = tmp_path / "bulletin.xlsx"
    out = io.StringIO()
    call_command("export_progress", "-o", str(path), "--as-of", "2021-07-01", *args, stdout=out)
    return task_rows(load_workbook(path).worksheets[0]), out.getvalue()


def test_command_selects_like_export_tasks_unit_by_alias_and_collective(world, tmp_path):
    rows, message = export_progress(tmp_path, "--unit", "区市监局")
    assert sorted(rows) == [1, 2]
    assert "已导出 2 项任务" in message
    # 丽阳镇 has tasks 2 and 4 through 各乡镇（街道）.
    rows, _message = export_progress(tmp_path, "--unit", "丽阳镇")
    assert sorted(rows) == [2, 3, 4]


def test_command_takes_the_list_pages_filters(world, tmp_path):
    rows, _message = export_progress(tmp_path, "--section", "2", "--status", "in_progress")
    assert sorted(rows) == [5]
    rows, _message = export_progress(tmp_path, "--unit", "区发改委", "--role", "lead", "--light", "yellow")
    assert sorted(rows) == [5]
    rows, _message = export_progress(tmp_path, "--overdue", "true")
    assert sorted(rows) == [2]


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["--unit", "区市x局"], "没有名为“区市x局”的单位"),
        (["--section", "two"], "--section"),
        (["--as-of", "2021-13-01"], "日期“2021-13-01”无效"),
        (["--role", "lead"], "按角色筛选时请同时填写单位"),
    ],
)
def test_command_rejects_bad_input_and_writes_nothing(world, tmp_path, args, message):
    path = tmp_path / "bulletin.xlsx"
    options = ["-o", str(path), *args] if "--as-of" in args else ["-o", str(path), "--as-of", "2021-07-01", *args]
    with pytest.raises(CommandError, match=re.escape(message)):
        call_command("export_progress", *options, stdout=io.StringIO())
    assert not path.exists()


def test_command_requires_an_xlsx_name(world, tmp_path):
    with pytest.raises(CommandError, match=r"\.xlsx"):
        call_command("export_progress", "-o", str(tmp_path / "bulletin.csv"), stdout=io.StringIO())


# --- Export from the task list: exactly the rows the page shows --------------------------------------------


@pytest.fixture
def client(client, django_user_model):
    client.force_login(make_user("duchashi"))
    return client


def exported(client, **params):
    from django.urls import reverse  # noqa: PLC0415

    response = client.get(reverse("tasks:task_list"), {**params, "export": "xlsx"})
    assert response.status_code == 200
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    assert "attachment" in response["Content-Disposition"]
    return workbook_of(b"".join(response.streaming_content)).worksheets[0]


def listed(client, **params):
    from django.urls import reverse  # noqa: PLC0415

    response = client.get(reverse("tasks:task_list"), {**params, "per_page": 200})
    return sorted(row.record.number for row in response.context["table"].page.object_list)


@pytest.mark.parametrize(
    "params",
    [
        {},
        {"unit": "丽阳镇"},
        {"unit": "区市监局", "role": "lead"},
        {"section": "2", "status": "in_progress"},
        {"light": "red"},
        {"q": "乡镇"},
        {"overdue": "true", "sort": "-number"},
    ],
)
def test_list_export_holds_exactly_the_filtered_rows(world, client, params):
    params = {"as_of": "2021-07-01", **params}
    sheet = exported(client, **params)
    assert sorted(task_rows(sheet)) == listed(client, **params)


def test_list_export_ignores_pagination_and_states_the_as_of_date(world, client):
    sheet = exported(client, as_of="2021-07-01", per_page="2", page="2")
    assert sorted(task_rows(sheet)) == [1, 2, 3, 4, 5]
    assert sheet["A2"].value == "（截至2021年7月1日）"


def test_list_export_of_an_invalid_filter_is_empty_never_everything(world, client):
    sheet = exported(client, section="abc")
    assert task_rows(sheet) == {}


def test_list_page_has_the_excel_button_carrying_the_filters(world, client):
    from django.urls import reverse  # noqa: PLC0415

    page = client.get(reverse("tasks:task_list"), {"unit": "丽阳镇", "page": "1"}).content.decode()
    button = re.search(r'<a class="[^"]*export-xlsx"[^>]*href="([^"]+)"[^>]*>([^<]+)</a>', page)
    assert button is not None
    assert button[2] == "导出Excel"
    href = button[1].replace("&amp;", "&")
    assert "export=xlsx" in href and "unit=%E4%B8%BD%E9%98%B3%E9%95%87" in href and "page=" not in href


def test_list_export_query_count_does_not_grow(client):
    from django.urls import reverse  # noqa: PLC0415

    section = make_section(document=make_document())
    unit = make_unit()

    def count_queries(n):
        Task.objects.all().delete()
        for number in range(1, n + 1):
            make_task(number, section=section, lead=[unit])
        store.ensure_fresh()  # storing the new tasks' states is counted in test_state_store.py
        with CaptureQueriesContext(connection) as captured:
            response = client.get(reverse("tasks:task_list"), {"export": "xlsx"})
            b"".join(response.streaming_content)
        return len(captured)

    assert count_queries(3) == count_queries(40)


def test_command_says_when_it_cannot_write_the_file(world, tmp_path):
    with pytest.raises(CommandError, match="无法写入"):
        call_command("export_progress", "-o", str(tmp_path / "missing" / "b.xlsx"), stdout=io.StringIO())


def test_charts_show_at_most_thirty_rows(db):
    document = make_document()
    unit = make_unit()
    for number in range(1, 33):
        make_task(number, section=make_section(document=document, number=number, title=f"部分{number}"), lead=[unit])
    data = bulletin()
    with zipfile.ZipFile(io.BytesIO(data)) as archive:
        xml = archive.read("xl/charts/chart1.xml").decode()
    assert "'统计'!$C$3:$C$32" in xml
    assert "按部分统计（前30项）" in xml
    sheet = workbook_of(data)["统计"]
    assert sheet["A34"].value == "32、部分32"  # the table itself lists every section
