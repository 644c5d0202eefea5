"""The month rule (tasks/report_months.py) and the pages that name a month: all ask the one function."""

import datetime

import pytest
from django.test import Client, override_settings
from django.urls import reverse

from tasks import report_months
from tasks.models import ProgressReport, Task
from tasks.progress import services
from tasks.report_months import ReportMonth, month_to_report, owed_month
from tasks.tests.factories import make_workflow_world

D = datetime.date


@override_settings(GOVTASKS_REPORT_DUE_DAY=25)
@pytest.mark.parametrize(
    ("as_of", "period", "due_on"),
    [
        (D(2021, 12, 2), D(2021, 11, 1), D(2021, 11, 25)),
        (D(2021, 12, 25), D(2021, 11, 1), D(2021, 11, 25)),
        (D(2021, 12, 26), D(2021, 12, 1), D(2021, 12, 25)),
        (D(2022, 1, 10), D(2021, 12, 1), D(2021, 12, 25)),
    ],
)
def test_the_month_owed_is_the_latest_month_already_due(as_of, period, due_on):
    assert owed_month(as_of) == ReportMonth(period, due_on)
    assert owed_month(as_of).is_late(as_of)


@override_settings(GOVTASKS_REPORT_DUE_DAY=25)
def test_the_next_month_comes_once_the_owed_one_is_reported():
    day = D(2021, 12, 2)
    assert month_to_report(day).period == D(2021, 11, 1)
    assert month_to_report(day, {D(2021, 10, 1)}).period == D(2021, 11, 1)
    # November reported: December's report (due on the 25th) is next.
    assert month_to_report(day, {D(2021, 11, 1)}) == ReportMonth(D(2021, 12, 1), D(2021, 12, 25))
    # After the due day December is owed; January has not begun, so December stays.
    assert month_to_report(D(2021, 12, 28), {D(2021, 12, 1)}).period == D(2021, 12, 1)
    assert owed_month(day).days_late(day) == 7


@pytest.fixture
def w(db):
    return make_workflow_world()


def chosen_month(w):
    """A month the real rule would not give today: every page must show it once the rule says so."""
    first = (w.today - datetime.timedelta(days=45)).replace(day=1)
    return ReportMonth(first, first.replace(day=3))


def page(user, url):
    client = Client()
    client.force_login(user)
    response = client.get(url)
    assert response.status_code == 200
    return response.content.decode()


def test_the_form_the_todo_the_fillin_and_the_reminders_ask_one_function(w, monkeypatch):
    month = chosen_month(w)
    monkeypatch.setattr(report_months, "owed_month", lambda as_of: month)
    words = f"{month.period.year}年{month.period.month}月"
    form = page(w.liaison, reverse("tasks:report_submit", args=[w.own_task.pk]))
    assert f'value="{month.period:%Y-%m}"' in form and words in form and "已逾期" in form
    todo = page(w.liaison, reverse("tasks:todo"))
    assert f"尚未报送{words}进展" in todo and "已逾期" in todo
    fillin = page(w.liaison, reverse("tasks:fillin"))
    assert f'name="period" value="{month.period:%Y-%m}"' in fillin and words in fillin
    reminders = page(w.office, reverse("tasks:reminders"))
    assert f"本期应报送 {words} 的进展" in reminders


def test_a_report_of_a_later_month_leaves_the_owed_month_unreported(w):
    owed = owed_month(w.today)
    later = report_months.following(owed)
    if later.period > w.today:
        pytest.skip("after the due day no later month has begun yet")
    services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=later.period, done="进展", percent=50
    )
    words = f"{owed.period.year}年{owed.period.month}月"
    todo = page(w.liaison, reverse("tasks:todo"))
    assert f"尚未报送{words}进展" in todo and w.own_task.text in todo.split("下一期")[0]
    reminders = page(w.office, reverse("tasks:reminders"))
    assert w.own_task.text in reminders
    # The form now proposes the owed month, which is still missing.
    form = page(w.liaison, reverse("tasks:report_submit", args=[w.own_task.pk]))
    assert f'value="{owed.period:%Y-%m}"' in form


def test_once_the_owed_month_is_reported_the_form_proposes_the_next(w):
    owed = owed_month(w.today)
    nxt = report_months.following(owed)
    if nxt.period > w.today:
        pytest.skip("after the due day no later month has begun yet")
    services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=owed.period, done="进展", percent=50
    )
    assert ProgressReport.objects.filter(period=owed.period).exists()
    form = page(w.liaison, reverse("tasks:report_submit", args=[w.own_task.pk]))
    assert f'value="{nxt.period:%Y-%m}"' in form and "已逾期" not in form


def test_the_review_page_gives_context_and_the_next_report(w):
    first = services.progress_report_submit(
        task=w.own_task, unit=w.dev, actor=w.liaison, period=owed_month(w.today).period, done="进展一", percent=40
    )
    second = services.progress_report_submit(
        task=w.other_task,
        unit=w.finance,
        actor=w.finance_liaison,
        period=owed_month(w.today).period,
        done="进展二",
        percent=20,
    )
    html = page(w.office, reverse("tasks:report_detail", args=[first.pk]))
    assert "审核参考" in html and "本单位此前没有被采纳的报告" in html
    assert reverse("tasks:report_detail", args=[second.pk]) in html and "下一份待审核报告" in html


def test_an_overdue_task_refuses_an_extension_before_the_form(w):
    Task.objects.filter(pk=w.own_task.pk).update(deadline=w.today - datetime.timedelta(days=1))
    client = Client()
    client.force_login(w.liaison)
    response = client.get(reverse("tasks:extension_request", args=[w.own_task.pk]), follow=True)
    html = response.content.decode()
    assert "不再受理延期申请" in html and 'name="new_deadline"' not in html
