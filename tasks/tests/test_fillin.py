"""The unit fill-in sheet: download one unit's tasks, fill them in, upload, preview row by row, confirm."""

import datetime
import io

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone
from openpyxl import Workbook, load_workbook

from tasks.importers.report import SourceError
from tasks.models import ProgressReport, TaskEvent
from tasks.progress.services import progress_report_submit
from tasks.state.derive import first_of_month
from tasks.tests.factories import make_report, make_task, make_workflow_world
from tasks.workbooks.fillin import check_fillin, read_fillin, record_fillin, write_fillin

pytestmark = pytest.mark.django_db

# Columns of the sheet (see tasks.workbooks.fillin.COLUMNS).
NUMBER, DOCUMENT, TEXT, ROLE, DEADLINE, LAST, DONE, PROBLEMS, NEXT, PERCENT, CLAIMS, TASK_ID = "ABCDEFGHIJKL"
FIRST_TASK_ROW = 4


@pytest.fixture
def world():
    world = make_workflow_world()
    world.second_task = make_task(
        3, document=world.document, lead=[world.dev], deadline=world.own_task.deadline, text="=cmd|' /C calc'!A0"
    )
    return world


def sheet_bytes(unit, period=None):
    out = io.BytesIO()
    write_fillin(unit, period or timezone.localdate(), out)
    return out.getvalue()


def filled(raw, rows):
    """The sheet `raw` with {row number: {column letter: value}} typed in, as a clerk would in Excel."""
    workbook = load_workbook(io.BytesIO(raw))
    sheet = workbook.worksheets[0]
    for row, values in rows.items():
        for column, value in values.items():
            sheet[f"{column}{row}"] = value
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def row_of_task(raw, task):
    sheet = load_workbook(io.BytesIO(raw)).worksheets[0]
    return next(row[0].row for row in sheet.iter_rows(min_row=FIRST_TASK_ROW) if row[11].value == task.pk)


def report_values(done="完成项目选址", percent=40, claims="否"):
    return {DONE: done, PROBLEMS: "用地指标紧张", NEXT: "10月开工", PERCENT: percent, CLAIMS: claims}


def preview_of(raw, unit):
    return check_fillin(read_fillin(raw), unit)


# --- The downloaded sheet --------------------------------------------------------------------------------


def test_sheet_lists_the_units_open_tasks_with_empty_input_columns(world):
    make_report(task=world.other_task, percent=100, claims_complete=True)  # done tasks of others do not matter
    workbook = load_workbook(io.BytesIO(sheet_bytes(world.dev)))
    sheet = workbook.worksheets[0]
    month = timezone.localdate()
    assert sheet["A1"].value == f"区发改委重点工作任务进展填报表（{month.year}年{month.month}月）"
    assert [cell.value for cell in sheet[3]] == [
        "序号", "来源", "工作任务和要求", "本单位角色", "完成时限", "上次报送",
        "本月工作进展", "存在问题", "下步计划", "完成百分比（0-100）", "申报完成（是/否）", "任务ID",
    ]  # fmt: skip
    rows = [[cell.value for cell in row] for row in sheet.iter_rows(min_row=FIRST_TASK_ROW)]
    assert [(row[0], row[2], row[3]) for row in rows] == [
        (1, "建设陶瓷产业园", "牵头"),
        (3, "=cmd|' /C calc'!A0", "牵头"),
    ]
    assert all(value is None for row in rows for value in row[6:11])
    assert sheet.column_dimensions[TASK_ID].hidden
    assert {"A1:L1", "A2:L2"} <= {str(cell_range) for cell_range in sheet.merged_cells.ranges}
    # The formula-looking task text is text, never a formula.
    assert sheet[f"{TEXT}5"].data_type == "s"


def test_task_columns_are_locked_and_input_columns_open_with_validation(world):
    workbook = load_workbook(io.BytesIO(sheet_bytes(world.dev)))
    sheet = workbook.worksheets[0]
    assert sheet.protection.sheet
    assert sheet[f"{TEXT}{FIRST_TASK_ROW}"].protection.locked
    assert not sheet[f"{DONE}{FIRST_TASK_ROW}"].protection.locked
    assert not sheet[f"{CLAIMS}{FIRST_TASK_ROW}"].protection.locked
    validations = {str(dv.sqref): dv for dv in sheet.data_validations.dataValidation}
    assert validations["J4:J5"].type == "whole"
    assert (validations["J4:J5"].formula1, validations["J4:J5"].formula2) == ("0", "100")
    assert validations["K4:K5"].formula1 == '"是,否"'
    assert workbook["_govtasks"].sheet_state == "hidden"


def test_a_township_sees_the_tasks_of_its_collective_and_its_last_report(world):
    period = first_of_month(timezone.localdate())
    progress_report_submit(
        task=world.own_task, unit=world.town, actor=world.town_liaison, period=period, done="完成摸底", percent=20
    )
    sheet = load_workbook(io.BytesIO(sheet_bytes(world.town))).worksheets[0]
    row = [cell.value for cell in sheet[FIRST_TASK_ROW]]
    assert row[2:4] == ["建设陶瓷产业园", "经各乡镇（街道）"]
    # Its last report (waiting for review), then its own accepted figure (none yet) beside the task's.
    assert row[5] == f"（{period.year}年{period.month}月，20%，待审核）完成摸底\n本单位已采纳进度：无；任务进度：0%"


# --- Round trip ---------------------------------------------------------------------------------------------


def test_filled_sheet_previews_then_records_every_report_in_one_go(world):
    raw = sheet_bytes(world.dev)
    second = row_of_task(raw, world.second_task)
    raw = filled(raw, {FIRST_TASK_ROW: report_values(), second: report_values("已完成", 100, "是")})
    preview = preview_of(raw, world.dev)
    assert preview.ok
    assert [(row.line, row.records, row.problems) for row in preview.rows] == [(4, True, []), (5, True, [])]
    assert ProgressReport.objects.count() == 0  # a preview records nothing

    reports = record_fillin(preview, world.liaison)
    assert [(r.task, r.unit, r.percent, r.claims_complete, r.state) for r in reports] == [
        (world.own_task, world.dev, 40, False, "submitted"),
        (world.second_task, world.dev, 100, True, "submitted"),
    ]
    assert reports[0].problems == "用地指标紧张"
    assert reports[0].period == first_of_month(timezone.localdate())
    # The service wrote each report's history row.
    assert TaskEvent.objects.filter(report__in=reports).count() == 2


def test_rows_left_empty_are_not_reported(world):
    raw = filled(sheet_bytes(world.dev), {FIRST_TASK_ROW: report_values()})
    preview = preview_of(raw, world.dev)
    assert [row.records for row in preview.rows] == [True, False]
    assert len(record_fillin(preview, world.liaison)) == 1


@pytest.mark.parametrize(
    ("values", "problem"),
    [
        ({PERCENT: 150}, "完成百分比应为0到100之间的整数，填的是“150”"),
        ({PERCENT: "一半"}, "填的是“一半”"),
        ({PERCENT: 40.5}, "填的是“40.5”"),
        ({PERCENT: None}, "请填写完成百分比"),
        ({DONE: None}, "请填写本月工作进展"),
        ({CLAIMS: "是"}, "申报完成时，完成百分比应为100"),
        ({CLAIMS: "完成了"}, "申报完成应填“是”或“否”"),
        ({TEXT: "建设陶瓷产业园（已调整）"}, "edited task text"),
        ({NUMBER: 7}, "edited task text"),
    ],
)
def test_row_problems_are_marked_and_nothing_is_recorded(world, values, problem):
    raw = sheet_bytes(world.dev)
    second = row_of_task(raw, world.second_task)
    raw = filled(raw, {FIRST_TASK_ROW: report_values() | values, second: report_values()})
    preview = preview_of(raw, world.dev)
    assert not preview.ok
    first = preview.rows[0]
    assert any(problem in message for message in first.problems), first.problems
    assert preview.rows[1].problems == []
    with pytest.raises(ValidationError):
        record_fillin(preview, world.liaison)
    assert ProgressReport.objects.count() == 0


def test_rows_of_other_units_and_unknown_tasks(world):
    raw = sheet_bytes(world.dev)
    raw = filled(
        raw,
        {
            FIRST_TASK_ROW: report_values() | {TASK_ID: world.other_task.pk, TEXT: "盘活存量资金", NUMBER: 2},
            6: {NUMBER: 99, TEXT: "新增的任务", **report_values()},
            7: {NUMBER: 5, TEXT: "不存在", TASK_ID: 999999, **report_values()},
        },
    )
    problems = {row.line: row.problems for row in preview_of(raw, world.dev).rows}
    assert "不是本单位的任务（a row of another unit）" in problems[4][0]
    assert problems[5] == []
    assert "任务编号“99”不存在" in problems[6][0]
    assert "任务编号“5”不存在" in problems[7][0]


def test_a_task_already_reported_this_month_is_refused(world):
    period = first_of_month(timezone.localdate())
    progress_report_submit(
        task=world.own_task, unit=world.dev, actor=world.liaison, period=period, done="已报", percent=10
    )
    raw = filled(sheet_bytes(world.dev), {FIRST_TASK_ROW: report_values()})
    assert "已报送过这项任务" in preview_of(raw, world.dev).rows[0].problems[0]


def test_a_refusal_at_recording_time_records_nothing(world):
    raw = sheet_bytes(world.dev)
    second = row_of_task(raw, world.second_task)
    preview = preview_of(filled(raw, {FIRST_TASK_ROW: report_values(), second: report_values()}), world.dev)
    assert preview.ok
    # Someone reports the second task between the preview and the confirmation.
    period = first_of_month(timezone.localdate())
    progress_report_submit(
        task=world.second_task, unit=world.dev, actor=world.liaison, period=period, done="抢先", percent=5
    )
    with pytest.raises(ValidationError, match="第5行（第3项）"):
        record_fillin(preview, world.liaison)
    assert list(ProgressReport.objects.values_list("done", flat=True)) == ["抢先"]


def test_only_the_units_liaison_can_record(world):
    raw = filled(sheet_bytes(world.dev), {FIRST_TASK_ROW: report_values()})
    with pytest.raises(PermissionDenied, match="只有区发改委的联络员"):
        record_fillin(preview_of(raw, world.dev), world.office)
    assert ProgressReport.objects.count() == 0


# --- A different file ----------------------------------------------------------------------------------------


def test_a_different_workbook_is_not_taken_for_a_fillin_sheet(world):
    workbook = Workbook()
    workbook.active.append(["序号", "工作任务和要求"])
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError, match="不是本系统下载的进展填报表"):
        read_fillin(out.getvalue())


def test_a_relabelled_sheet_is_not_taken(world):
    workbook = load_workbook(io.BytesIO(sheet_bytes(world.finance)))
    stamp = workbook["_govtasks"]["B4"]
    stamp.value = stamp.value[:-1] + ("A" if stamp.value[-1] != "A" else "B")  # one character off
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError, match="不是本系统下载的进展填报表"):
        read_fillin(out.getvalue())


def test_another_units_sheet_is_refused_as_a_whole(world):
    raw = filled(sheet_bytes(world.finance), {FIRST_TASK_ROW: report_values()})
    preview = preview_of(raw, world.dev)
    assert preview.problems == ["这是另一个单位的填报表，不能作为区发改委的进展上传。"]
    assert not preview.ok


def test_a_sheet_for_a_month_still_to_come_is_refused(world):
    next_month = first_of_month(timezone.localdate()) + datetime.timedelta(days=32)
    raw = filled(sheet_bytes(world.dev, next_month), {FIRST_TASK_ROW: report_values()})
    assert "还没有到" in preview_of(raw, world.dev).problems[0]


# --- The page ----------------------------------------------------------------------------------------------------


def upload(client, raw, name="填报表.xlsx"):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415

    return client.post(reverse("tasks:fillin"), {"file": SimpleUploadedFile(name, raw)})


def test_liaison_downloads_uploads_previews_and_confirms(client, world):
    client.force_login(world.liaison)
    page = client.get(reverse("tasks:fillin"))
    assert page.status_code == 200
    assert "上传并预览" in page.content.decode()
    response = client.get(reverse("tasks:fillin_download"))
    assert response["Content-Type"] == "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
    raw = b"".join(response.streaming_content)

    response = upload(client, filled(raw, {FIRST_TASK_ROW: report_values("<b>完成选址</b>")}))
    page = response.content.decode()
    assert "&lt;b&gt;完成选址&lt;/b&gt;" in page
    assert "确认报送 1 项" in page
    assert ProgressReport.objects.count() == 0

    response = client.post(
        reverse("tasks:fillin"), {"confirm": "1", "sha256": response.context["preview"].sha256}, follow=True
    )
    assert "已报送1项任务" in response.content.decode()
    assert ProgressReport.objects.get().done == "<b>完成选址</b>"


def test_page_shows_row_problems_and_file_errors_and_records_nothing(client, world):
    client.force_login(world.liaison)
    raw = filled(sheet_bytes(world.dev), {FIRST_TASK_ROW: report_values() | {PERCENT: 120}})
    page = upload(client, raw).content.decode()
    assert "完成百分比应为0到100之间的整数" in page
    assert "确认报送" not in page
    page = upload(client, b"PK\x03\x04broken").content.decode()
    assert "文件不完整或已损坏" in page
    page = upload(client, b"plain text", name="填报表.txt").content.decode()
    assert "只能上传.xlsx文件" in page
    assert ProgressReport.objects.count() == 0


def test_office_downloads_any_units_sheet_but_does_not_upload(client, world):
    client.force_login(world.office)
    page = client.get(reverse("tasks:fillin")).content.decode()
    assert "上传并预览" not in page
    response = client.get(reverse("tasks:fillin_download"), {"unit": "区财政局", "period": "2020-01"})
    sheet = load_workbook(io.BytesIO(b"".join(response.streaming_content))).worksheets[0]
    assert sheet["A1"].value == "区财政局重点工作任务进展填报表（2020年1月）"
    response = client.get(reverse("tasks:fillin_download"), {"unit": "区财政局", "period": "2021-13"}, follow=True)
    assert "月份“2021-13”无效" in response.content.decode()
    response = client.get(reverse("tasks:fillin_download"), {"unit": "没有这个局"}, follow=True)
    assert "没有名为“没有这个局”的单位" in response.content.decode()
    assert upload(client, sheet_bytes(world.dev)).status_code == 403


def test_users_without_a_unit_or_office_role_cannot_use_the_page(client, world):
    client.force_login(world.leader)
    assert client.get(reverse("tasks:fillin")).status_code == 403
    assert client.get(reverse("tasks:fillin_download")).status_code == 403
