"""The daily sweep over a crafted month (chasing/tests/world.py), the clock moved by passing days.

One unit never reports: its task turns red on 8 November and climbs 提醒 (8th) → 催办单 (15th) →
督办单 督办〔2026〕第1号 (22nd, reply due 27th); the report reminder comes on the 22nd (3 days before
the 25th); the unit acknowledges on the 23rd; from the 28th its reply is overdue, and the office
sees it; it answers late on the 30th.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.utils import timezone

from chasing import selectors, services
from chasing.models import DueReminder, Escalation, EscalationStep, Level, SupervisionOrder
from chasing.sweep import daily_sweep
from chasing.tests.clock import days, on
from chasing.tests.world import NOVEMBER, build_month
from tasks.models import TaskEvent

pytestmark = pytest.mark.django_db

Nov = lambda n: datetime.date(2026, 11, n)  # noqa: E731 — a day of the crafted month


@pytest.fixture
def month(settings):
    settings.GOVTASKS_REMINDER_DAYS_BEFORE = 3
    settings.GOVTASKS_ESCALATION_STEP_DAYS = 7
    settings.GOVTASKS_SUPERVISION_REPLY_DAYS = 5
    settings.GOVTASKS_REPORT_DUE_DAY = 25
    return build_month()


def sweep_month(world, until=NOVEMBER[1], act=None):
    """Sweep every day of November up to `until`; act(day) runs after each day's sweep."""
    results = {}
    for day in days(NOVEMBER[0], until):
        with on(day, hour=7):
            results[day] = daily_sweep(day)
        if act:
            act(day)
    return results


def steps_of(task):
    return [
        (step.taken_on, step.get_level_display())
        for step in EscalationStep.objects.filter(escalation__task=task).order_by("taken_on", "level")
    ]


def test_the_silent_unit_climbs_the_ladder_on_its_days(month):
    sweep_month(month)
    t1 = month.tasks[0]

    assert steps_of(t1) == [(Nov(8), "提醒"), (Nov(15), "催办单"), (Nov(22), "督办单")]
    order = SupervisionOrder.objects.get(unit=month.silent)
    assert (order.label, order.issued_on, order.reply_due_on) == ("督办〔2026〕第1号", Nov(22), Nov(27))
    assert list(order.tasks.all()) == [t1]
    assert not order.needs_phone
    events = TaskEvent.objects.filter(task=t1, kind=TaskEvent.Kind.ESCALATED).order_by("at")
    assert [(timezone.localdate(e.at), e.note.split("：")[0]) for e in events] == [
        (Nov(8), "提醒"),
        (Nov(15), "催办单"),
        (Nov(22), "督办〔2026〕第1号"),
    ]
    assert "请于2026年11月27日前签收并反馈落实情况" in events.last().note


def test_the_unit_without_a_liaison_gets_its_order_recorded_as_needing_a_phone_call(month):
    sweep_month(month)

    order = SupervisionOrder.objects.get(unit=month.phoneless)
    assert order.number == 2 and order.needs_phone
    assert list(order.tasks.all()) == [month.tasks[3]]


def test_units_that_report_are_never_escalated(month):
    sweep_month(month)

    assert not Escalation.objects.filter(task__in=month.tasks[1:3]).exists()
    assert not Escalation.objects.filter(task=month.tasks[4]).exists()  # the township reports for its collective


def test_reminders_come_three_days_before_the_report_and_the_deadline(month):
    sweep_month(month)

    sent = sorted(
        (r.sent_on, r.unit.name, r.get_kind_display(), r.due_on, [t.number for t in r.tasks.all()])
        for r in DueReminder.objects.all()
    )
    assert sent == [
        (Nov(22), "区丙局", "月度进展报送", Nov(25), [4]),
        (Nov(22), "区甲局", "月度进展报送", Nov(25), [1]),
        (Nov(27), "区乙局", "任务完成时限", Nov(30), [3]),
    ]
    note = TaskEvent.objects.get(task=month.tasks[0], kind=TaskEvent.Kind.DUE_REMINDED).note
    assert note == "请于2026年11月25日前报送2026年11月的进展"


def test_acknowledgement_and_an_overdue_reply_appear_on_their_days(month):
    seen = {}

    def act(day):
        order = SupervisionOrder.objects.filter(unit=month.silent).first()
        if day == Nov(23):
            with on(day, hour=9):
                services.order_acknowledge(order=order, actor=month.silent_liaison)
        if day in (Nov(27), Nov(28)):
            seen[day] = [o.label for o in selectors.overdue_replies(day)]
        if day == Nov(30):
            with on(day, hour=16):
                services.order_answer(order=order, actor=month.silent_liaison, reply="已召开专题会议，制定整改方案")

    sweep_month(month, act=act)

    order = SupervisionOrder.objects.get(unit=month.silent)
    assert timezone.localdate(order.acknowledged_at) == Nov(23) and order.acknowledged_by == month.silent_liaison
    assert seen[Nov(27)] == []  # due that day: not late yet
    assert seen[Nov(28)] == ["督办〔2026〕第1号", "督办〔2026〕第2号"]
    assert timezone.localdate(order.replied_at) == Nov(30) and order.reply_overdue(Nov(30))
    kinds = list(
        TaskEvent.objects.filter(task=month.tasks[0], kind__startswith="order_")
        .order_by("at")
        .values_list("kind", "note")
    )
    assert kinds == [
        ("order_acknowledged", "督办〔2026〕第1号"),
        ("order_answered", "督办〔2026〕第1号：已召开专题会议，制定整改方案（逾期答复）"),
    ]
    # After the reply only the unanswered order of the unit without a liaison is still overdue.
    assert [o.label for o in selectors.overdue_replies(Nov(30))] == ["督办〔2026〕第2号"]


def test_a_second_sweep_of_the_same_day_changes_nothing(month):
    sweep_month(month, until=Nov(21))
    with on(Nov(22), hour=7):
        first = daily_sweep(Nov(22))
    counts = [model.objects.count() for model in (Escalation, EscalationStep, SupervisionOrder, DueReminder, TaskEvent)]

    with on(Nov(22), hour=18):
        second = daily_sweep(Nov(22))

    assert (first.climbed, len(first.orders), first.reminders) == (2, 2, 2)
    assert (second.opened, second.climbed, second.closed, second.orders, second.reminders) == (0, 0, 0, [], 0)
    assert counts == [
        model.objects.count() for model in (Escalation, EscalationStep, SupervisionOrder, DueReminder, TaskEvent)
    ]


def test_a_task_back_on_track_ends_its_spell_and_starts_again_at_the_bottom(month):
    from tasks.tests.factories import at, make_report  # noqa: PLC0415

    sweep_month(month, until=Nov(16))
    make_report(task=month.tasks[0], percent=60, period=Nov(1), submitted_at=at(Nov(17)))
    for day in (Nov(17), Nov(18)):
        with on(day, hour=7):
            daily_sweep(day)
    spell = Escalation.objects.get(task=month.tasks[0])
    assert (spell.level, spell.closed_on) == (Level.URGE, Nov(17))


def test_the_command_sweeps_the_day_it_is_given(month):
    out = io.StringIO()
    sweep_month(month, until=Nov(21))
    with on(Nov(22), hour=7):
        call_command("daily_sweep", "--date", "2026-11-22", stdout=out)

    assert "督办单2份" in out.getvalue()
    assert "督办〔2026〕第2号 → 区丙局（需电话通知）" in out.getvalue()


def test_the_command_refuses_a_malformed_date(month):
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        call_command("daily_sweep", "--date", "22/11/2026")
    assert not Escalation.objects.exists()


def test_the_numbers_run_per_year(month):
    from chasing.models import OrderCounter  # noqa: PLC0415

    with on(Nov(22)):
        from django.db import transaction  # noqa: PLC0415

        with transaction.atomic():
            numbers = [services.next_order_number(2026), services.next_order_number(2026)]
            numbers.append(services.next_order_number(2027))
    assert numbers == [1, 2, 1]
    assert dict(OrderCounter.objects.values_list("year", "last")) == {2026: 2, 2027: 1}


def test_each_step_is_noticed_to_the_unit_and_the_liaisonless_unit_is_kept_for_a_phone_call(month):
    from notices.models import Notice  # noqa: PLC0415

    sweep_month(month)

    inbox = Notice.objects.filter(recipient=month.silent_liaison).order_by("created_at", "pk")
    assert [(timezone.localdate(n.created_at), n.kind, n.title.split("：")[0]) for n in inbox] == [
        (Nov(8), "reminder", "提醒"),
        (Nov(15), "reminder", "催办单"),
        (Nov(22), "due_soon", "请于2026年11月25日前报送2026年11月的进展"),
        (Nov(22), "supervision", "督办〔2026〕第1号"),
    ]
    order = SupervisionOrder.objects.get(unit=month.silent)
    assert inbox.last().link == order.get_absolute_url()
    phone = Notice.objects.get(unit=month.phoneless, kind="supervision")
    assert phone.recipient is None and phone.mail == Notice.Mail.PHONE


def test_the_background_task_runs_the_same_sweep(month):
    from chasing.tasks import run_daily_sweep  # noqa: PLC0415

    sweep_month(month, until=Nov(21))
    with on(Nov(22), hour=7):
        result = run_daily_sweep.call("2026-11-22")

    assert "督办单2份" in result
    assert SupervisionOrder.objects.count() == 2
