"""One rule for "the latest report" on every page that shows one (querysets.NEWEST_REPORT_FIRST).

The case that tells the rules apart: a unit's May report is returned, corrected and accepted
in July — after its June report was accepted. The latest report is still June's (the latest
month), not the May correction reviewed last. Each surface is checked once for the value a
user reads: the task list's percent, the bulletin's progress cell beside its percent, the
public page, and the fill-in sheet's 上次报送.
"""

import datetime
import io

import pytest
from django.test import Client
from django.urls import reverse
from openpyxl import load_workbook

from tasks.models import ProgressReport
from tasks.public.services import publication_save
from tasks.selectors import tasks_for_display
from tasks.state import tasks_as_of
from tasks.tests.factories import at, make_report, make_workflow_world
from tasks.workbooks.bulletin import write_bulletin
from tasks.workbooks.fillin import write_fillin

pytestmark = pytest.mark.django_db


def months_back(day, months):
    first = day.replace(day=1)
    for _ in range(months):
        first = (first - datetime.timedelta(days=1)).replace(day=1)
    return first


@pytest.fixture
def w():
    """区发改委's reports on own_task: May returned, June accepted, May corrected and accepted last."""
    w = make_workflow_world()
    may, june, july = months_back(w.today, 2), months_back(w.today, 1), months_back(w.today, 0)
    returned = make_report(
        task=w.own_task, unit=w.dev, period=may, percent=10, done="五月：初稿", state=ProgressReport.State.RETURNED,
        submitted_at=at(may.replace(day=3)), reviewed_at=at(may.replace(day=5)),
    )  # fmt: skip
    make_report(
        task=w.own_task, unit=w.dev, period=june, percent=60, done="六月：完成主体施工",
        submitted_at=at(june.replace(day=3)), reviewed_at=at(june.replace(day=6)),
    )  # fmt: skip
    correction = make_report(
        task=w.own_task, unit=w.dev, period=may, percent=40, done="五月（更正）：完成用地报批",
        submitted_at=at(july.replace(day=1)), reviewed_at=at(july.replace(day=1), hour=11),
    )  # fmt: skip
    ProgressReport.objects.filter(pk=correction.pk).update(resubmission_of=returned)
    w.june = june
    return w


def test_the_task_list_shows_junes_percent_not_the_may_correction_reviewed_last(w):
    client = Client()
    client.force_login(w.office)
    response = client.get(reverse("tasks:task_list"))
    row = next(row for row in response.context["table"].page.object_list if row.record.pk == w.own_task.pk)
    assert row.record.percent == 60
    assert '<span class="percent-figure">60%</span>' in str(row.get_cell("percent"))
    assert tasks_as_of(stored=False).get(pk=w.own_task.pk).percent == 60


def test_the_bulletin_prints_junes_text_beside_junes_percent(w):
    out = io.BytesIO()
    write_bulletin(tasks_for_display(w.today), out, as_of=w.today)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    row = next([cell.value for cell in row] for row in sheet.iter_rows(min_row=5) if row[1].value == "建设陶瓷产业园")
    assert (row[5], row[7]) == (f"（{w.june.year}年{w.june.month}月）六月：完成主体施工", 0.6)


def test_the_public_page_shows_junes_percent_beside_the_offices_own_wording(w, settings):
    # The public page shows the office's approved wording (公开稿, issue 14), never a unit's
    # report text; its percent is the task's figure, from the same latest report as every page.
    settings.GOVTASKS_PUBLIC_DISCLOSURE = True
    publication_save(task=w.own_task, actor=w.office, text="陶瓷产业园主体施工已完成", publish=True)
    html = Client().get(reverse("tasks:public_task_list")).content.decode()
    row = html[html.index("建设陶瓷产业园") :]
    row = row[: row.index("</tr>")]
    assert '<td class="text-nowrap">60%</td>' in row
    assert "陶瓷产业园主体施工已完成" in row and "六月：完成主体施工" not in row
    detail = Client().get(reverse("tasks:public_task_detail", args=[w.own_task.pk])).content.decode()
    assert "陶瓷产业园主体施工已完成" in detail and "60%" in detail
    assert "六月：完成主体施工" not in detail and "五月（更正）：完成用地报批" not in detail


def test_the_fillin_sheets_last_report_is_junes(w):
    out = io.BytesIO()
    write_fillin(w.dev, w.today, out)
    sheet = load_workbook(io.BytesIO(out.getvalue())).worksheets[0]
    row = next([cell.value for cell in row] for row in sheet.iter_rows(min_row=4) if row[2].value == "建设陶瓷产业园")
    june = f"{w.june.year}年{w.june.month}月"
    assert row[5] == f"（{june}，60%，已采纳）六月：完成主体施工\n本单位已采纳进度：60%（{june}）；任务进度：60%"
