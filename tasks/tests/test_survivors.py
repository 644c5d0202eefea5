"""Bugs that once passed the whole suite, each pinned by the value a user would see.

Planted one at a time in the core (issue 19), these survived every test; each test here fails
when its bug is put back (README, "Mutation testing", says how that was checked). The order of
reports is in test_latest_report.py, the filters' meaning in test_filter_meaning.py.
"""

import datetime
import io

import pytest
from django.core import mail
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tasks.importers.unit_names import resolve_spellings
from tasks.importers.uploads import import_upload
from tasks.importers.xlsx import parse_xlsx
from tasks.models import ProgressReport, Task, TaskEvent, TaskUnit, Unit
from tasks.progress import services
from tasks.selectors import tasks_for_display
from tasks.state import tasks_as_of
from tasks.tests.factories import make_report, make_task, make_unit, make_user, make_workflow_world
from tasks.workbooks.bulletin import write_bulletin
from tasks.workbooks.fillin import check_fillin, read_fillin, record_fillin, write_fillin

pytestmark = pytest.mark.django_db

Event = TaskEvent.Kind


@pytest.fixture
def w():
    return make_workflow_world()


def days(n):
    return datetime.timedelta(days=n)


def submit(w, **fields):
    values = {"period": w.today, "done": "完成用地报批", "percent": 40, **fields}
    return services.progress_report_submit(task=w.own_task, unit=w.dev, actor=w.liaison, **values)


# --- a reviewed report cannot be reviewed again -------------------------------------------------------------------


def test_a_crafted_post_with_the_current_version_cannot_review_an_accepted_report_again(w):
    report = submit(w)
    services.progress_report_accept(report=report, actor=w.office, version=report.version, comment="很好")
    report.refresh_from_db()
    accepted_at, version = report.reviewed_at, report.version
    client = Client()
    client.force_login(make_user("office2", role="督查室"))
    # The version is the current one: only the guard on the report's state stands in the way.
    response = client.post(
        reverse("tasks:report_detail", args=[report.pk]), {"version": version, "decision": "return", "comment": "重审"}
    )
    assert response.status_code == 409
    assert "这份报告已由" in response.content.decode() and "采纳" in response.content.decode()
    report.refresh_from_db()
    assert (report.state, report.reviewed_by, report.reviewed_at, report.review_comment, report.version) == (
        ProgressReport.State.ACCEPTED,
        w.office,
        accepted_at,
        "很好",
        version,
    )
    assert list(TaskEvent.objects.filter(report=report).values_list("kind", flat=True).order_by("pk")) == [
        Event.REPORT_SUBMITTED,
        Event.REPORT_ACCEPTED,
    ]
    assert tasks_as_of().get(pk=w.own_task.pk).percent == 40


# --- reminders reach active liaisons only ---------------------------------------------------------------------------


def test_a_reminder_is_not_mailed_to_a_deactivated_liaison(w):
    gone = make_user("dev_gone", role="单位联络员", unit=w.dev, email="gone@example.org")
    gone.is_active = False
    gone.save()
    reminder = services.reminder_send(unit=w.dev, actor=w.office)
    (message,) = mail.outbox
    assert message.to == ["dev@example.org"]
    assert reminder.emailed_to == "dev@example.org"


# --- a second extension moves the deadline again --------------------------------------------------------------------


def ask(w, new_deadline):
    return services.extension_request_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, new_deadline=new_deadline, reason="征地未完成",
        progress="已完成设计", percent=60,
    )  # fmt: skip


def test_a_second_approved_extension_moves_the_deadline_again_on_the_list_and_the_bulletin(w):
    first = ask(w, w.own_task.deadline + days(30))
    services.extension_request_approve(request=first, actor=w.office, version=first.version)
    second = ask(w, w.own_task.deadline + days(60))
    services.extension_request_approve(request=second, actor=w.office, version=second.version)
    later = w.own_task.deadline + days(60)

    client = Client()
    client.force_login(w.office)
    response = client.get(reverse("tasks:task_list"))
    row = next(row for row in response.context["table"].page.object_list if row.record.pk == w.own_task.pk)
    assert row.record.current_deadline == later
    assert f"{later.year}年{later.month}月{later.day}日" in str(row.get_cell("deadline"))

    out = io.BytesIO()
    write_bulletin(tasks_for_display(w.today), out, as_of=w.today)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    cells = next([cell.value for cell in row] for row in sheet.iter_rows(min_row=5) if row[1].value == "建设陶瓷产业园")
    assert cells[4] == datetime.datetime.combine(later, datetime.time())


# --- a returned report is corrected through the fill-in sheet ----------------------------------------------------


def test_the_fillin_sheet_corrects_a_report_returned_this_month(w):
    returned = submit(w, done="初稿", percent=10)
    services.progress_report_return(report=returned, actor=w.office, version=returned.version, reason="请补充数据")
    out = io.BytesIO()
    write_fillin(w.dev, w.today, out)
    workbook = load_workbook(io.BytesIO(out.getvalue()))
    sheet = workbook.worksheets[0]
    row = next(row[0].row for row in sheet.iter_rows(min_row=4) if row[11].value == w.own_task.pk)
    for column, value in {"G": "补充了用地数据", "J": 45, "K": "否"}.items():
        sheet[f"{column}{row}"] = value
    filled = io.BytesIO()
    workbook.save(filled)

    preview = check_fillin(read_fillin(filled.getvalue()), w.dev)
    assert preview.ok, [item.problems for item in preview.rows]
    (correction,) = record_fillin(preview, w.liaison)
    assert (correction.resubmission_of, correction.state, correction.percent, correction.done) == (
        returned,
        ProgressReport.State.SUBMITTED,
        45,
        "补充了用地数据",
    )


# --- the importer's guesses and dates -------------------------------------------------------------------------------


def test_a_spelling_whose_characters_are_out_of_order_is_not_guessed_as_an_abbreviation():
    known = {"区市场监督管理局": "区市场监督管理局"}
    mapping, anomalies = resolve_spellings([("区市监局", 3), ("区监市局", 4)], known)
    assert mapping["区市监局"] == "区市场监督管理局"
    assert mapping["区监市局"] == "区监市局"  # a unit of its own, not a guess
    assert [anomaly.line for anomaly in anomalies if anomaly.code == "unit-spelling-guessed"] == [3]


TITLE = "昌江区人民政府办公室关于印发2022年区《政府工作报告》重点工作任务责任分工的通知"


def notice_rows(rows, number, issued="2022年3月1日"):
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    sheet = workbook.worksheets[0]
    for line in (TITLE, f"昌府办字〔2022〕{number}号    {issued}"):
        sheet.append([line])
    sheet.append(["序号", "工作任务和要求", "牵头单位", "责任单位", "完成时限"])
    sheet.append(["一", "民生实事"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def test_a_staged_deadline_written_latest_first_is_the_latest_date():
    raw = notice_rows([[1, "改造老旧小区", "区住建局", "", "12月底前完成验收；6月底前完成主体"]], 5)
    notice, anomalies = parse_xlsx(raw)
    assert notice.tasks[0].deadline == datetime.date(2022, 12, 31)
    assert "deadline-staged" in [anomaly.code for anomaly in anomalies]


@pytest.mark.parametrize("names_collective", [True, False], ids=["naming the collective", "not naming it"])
def test_townships_named_only_in_a_later_notice_join_the_collective(names_collective):
    import_upload("2022-5.xlsx", notice_rows([[1, "建设农贸市场", "区商务局", "各乡镇（街道）、丽阳镇", "三季度"]], 5))
    later = "各乡镇（街道）、新城街道" if names_collective else "新城街道"
    import_upload("2022-6.xlsx", notice_rows([[1, "改造老旧小区", "区住建局", later, "年底"]], 6, "2022年6月1日"))
    members = Unit.objects.get(name="各乡镇（街道）").members.values_list("name", flat=True)
    assert sorted(members) == ["丽阳镇", "新城街道"]
    # …and so 新城街道's liaison sees the first notice's task given to the collective.
    assert Task.objects.for_unit(Unit.objects.get(name="新城街道")).filter(text="建设农贸市场").exists()


# --- the first lead answers, whatever order the task's units were written in (a surviving mutant) -----------------


def test_the_first_lead_answers_even_when_the_responsible_units_rows_were_written_first():
    # Positions restart per role: the responsible unit is also at position 1. Only the role tells
    # the 主办 apart, not which row the database happens to return first.
    lead, responsible = make_unit("区发改委"), make_unit("区财政局")
    task = make_task(lead=[], responsible=[responsible])
    TaskUnit.objects.create(task=task, unit=lead, role=TaskUnit.Role.LEAD, position=1, name_as_written=lead.name)
    make_report(task=task, unit=responsible, percent=80)
    make_report(task=task, unit=lead, percent=20)
    assert tasks_as_of(stored=False).get(pk=task.pk).percent == 20
    assert tasks_for_display().get(pk=task.pk).percent == 20  # what the task list shows
