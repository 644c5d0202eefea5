"""Who answers for (is blamed for) a task: state.answerable_units and every count that follows it.

A task given to 各乡镇（街道） reaches every township: each sees it and may report its part, but none
is counted for its overdue or red tasks — in the unit tallies (stored and derived, today and as of
an earlier day), the dashboard's lagging units and the unit list — unless the office names it
(点名承办, logged on the timeline, undoable).
"""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse
from django.utils import timezone

from tasks import permissions, roles, selectors
from tasks.closure import services
from tasks.closure.selectors import unit_progress
from tasks.models import MemberAssignment, TaskEvent, Unit
from tasks.permissions import Action
from tasks.progress.selectors import unit_duties
from tasks.state import answerable_units, store, tasks_as_of, units_as_of
from tasks.tests.factories import make_report, make_task, make_unit, make_user

pytestmark = pytest.mark.django_db

BLAME = ("answerable", "done", "done_late", "overdue", "red")


@pytest.fixture
def w():
    """An overdue task (its 2021 deadline long past) led by 区发改委 and given to 各乡镇（街道）, whose
    members are 丽阳镇 and 鲇鱼山镇; 鲇鱼山镇 is also named on a second overdue task of its own."""

    class World:
        pass

    world = World()
    world.lead = make_unit("区发改委")
    world.liyang = make_unit("丽阳镇", kind=Unit.Kind.TOWNSHIP)
    world.nianyu = make_unit("鲇鱼山镇", kind=Unit.Kind.TOWNSHIP)
    world.towns = make_unit("各乡镇（街道）", kind=Unit.Kind.COLLECTIVE, members=[world.liyang, world.nianyu])
    world.outsider = make_unit("区财政局")
    world.task = make_task(1, lead=[world.lead], responsible=[world.towns])
    world.own = make_task(2, document=world.task.document, lead=[world.nianyu])
    world.office = make_user("office", role=roles.OFFICE)
    world.liyang_liaison = make_user("liyang", role=roles.LIAISON, unit=world.liyang)
    return world


def tally(unit, **kwargs):
    return units_as_of(**kwargs).values(*BLAME, "total", "answerable", "via_collective").get(pk=unit.pk)


def test_only_units_named_on_a_task_answer_for_it_until_the_office_names_a_member(w):
    assert set(answerable_units(w.task)) == {w.lead, w.towns}
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    assert set(answerable_units(w.task)) == {w.lead, w.towns, w.liyang}
    assert set(answerable_units(w.task.pk)) == {w.lead, w.towns, w.liyang}
    services.member_withdraw(task=w.task, actor=w.office, unit=w.liyang)
    assert set(answerable_units(w.task)) == {w.lead, w.towns}


def test_a_township_reached_through_the_collective_is_not_counted_overdue_stored_or_derived(w):
    assert tasks_as_of().get(pk=w.task.pk).status == "overdue"
    for stored in (True, False):
        liyang = tally(w.liyang, stored=stored)
        # It has the task (total, via the collective) but is not blamed for it.
        assert (liyang["total"], liyang["via_collective"], liyang["overdue"], liyang["red"]) == (1, 1, 0, 0)
        assert liyang["answerable"] == 0 and tally(w.nianyu, stored=stored)["answerable"] == 1
        assert tally(w.lead, stored=stored)["overdue"] == 1
        assert tally(w.nianyu, stored=stored)["overdue"] == 1  # its own task only


def test_naming_a_member_counts_the_task_against_it_and_withdrawing_undoes_it(w):
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    assert tally(w.liyang)["overdue"] == 1 == tally(w.liyang, stored=False)["overdue"]
    assert tally(w.liyang)["red"] == 1 == tally(w.liyang, stored=False)["red"]
    assert tally(w.nianyu)["overdue"] == 1  # the other member is still not blamed for task 1
    assert tally(w.liyang)["answerable"] == 1 == tally(w.liyang, stored=False)["answerable"]
    services.member_withdraw(task=w.task, actor=w.office, unit=w.liyang)
    assert tally(w.liyang)["overdue"] == 0 == tally(w.liyang, stored=False)["overdue"]


def test_the_stored_tallies_equal_the_derived_ones_for_every_unit_after_namings(w):
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    services.member_assign(task=w.task, actor=w.office, unit=w.nianyu)
    services.member_withdraw(task=w.task, actor=w.office, unit=w.nianyu)
    stored = list(units_as_of().order_by("pk").values_list("pk", *BLAME))
    derived = list(units_as_of(stored=False).order_by("pk").values_list("pk", *BLAME))
    assert stored == derived
    # And a full rebuild (a new day) stores the same as the step-by-step updates did.
    store.refresh()
    assert list(units_as_of().order_by("pk").values_list("pk", *BLAME)) == derived


def test_a_view_as_of_a_day_before_the_naming_does_not_blame_the_member(w):
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    yesterday = timezone.localdate() - datetime.timedelta(days=1)
    assert tally(w.liyang, as_of=yesterday)["overdue"] == 0
    assert w.liyang not in answerable_units(w.task, yesterday)
    # Withdrawn today: a view as of today no longer blames it, but the naming stood yesterday…
    MemberAssignment.objects.filter(unit=w.liyang).update(
        assigned_at=timezone.now() - datetime.timedelta(days=3), withdrawn_at=timezone.now()
    )
    assert w.liyang in answerable_units(w.task, yesterday)
    assert tally(w.liyang, as_of=yesterday)["overdue"] == 1
    assert tally(w.liyang)["overdue"] == 0


def test_the_dashboards_lagging_units_leave_out_a_member_not_named_stored_and_derived(w):
    yesterday = timezone.localdate() - datetime.timedelta(days=1)

    def lagging(as_of):
        return {unit.name: (unit.overdue, unit.red) for unit in selectors.lagging(as_of, 10)}

    for as_of in (None, yesterday):
        assert "丽阳镇" not in lagging(as_of)
        assert lagging(as_of)["鲇鱼山镇"] == (1, 1)
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    assert lagging(None)["丽阳镇"] == (1, 1)
    assert "丽阳镇" not in lagging(yesterday)  # named only today
    derived = selectors.lagging_derived(tasks_as_of(stored=False), 10, timezone.localdate())
    assert {unit.name: (unit.overdue, unit.red) for unit in derived} == lagging(None)


def test_naming_is_logged_on_the_timeline_and_so_is_its_withdrawal(w):
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    services.member_withdraw(task=w.task, actor=w.office, unit=w.liyang)
    events = list(TaskEvent.objects.filter(task=w.task).order_by("at", "pk").values_list("kind", "unit", "actor"))
    assert events == [
        (TaskEvent.Kind.MEMBER_ASSIGNED, w.liyang.pk, w.office.pk),
        (TaskEvent.Kind.MEMBER_WITHDRAWN, w.liyang.pk, w.office.pk),
    ]
    assert MemberAssignment.objects.get(unit=w.liyang).withdrawn_by == w.office


def test_only_the_office_names_members_and_only_members_of_a_collective_on_the_task(w):
    with pytest.raises(PermissionDenied):
        services.member_assign(task=w.task, actor=w.liyang_liaison, unit=w.liyang)
    with pytest.raises(ValidationError):
        services.member_assign(task=w.task, actor=w.office, unit=w.outsider)
    with pytest.raises(ValidationError):
        services.member_assign(task=w.task, actor=w.office, unit=w.lead)  # named already
    with pytest.raises(ValidationError):
        services.member_assign(task=w.own, actor=w.office, unit=w.liyang)  # no collective on it
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    with pytest.raises(ValidationError):
        services.member_assign(task=w.task, actor=w.office, unit=w.liyang)  # named twice
    with pytest.raises(ValidationError):
        services.member_withdraw(task=w.task, actor=w.office, unit=w.nianyu)  # never named
    assert MemberAssignment.objects.count() == 1


def test_a_member_not_named_still_sees_the_task_and_reports_its_part(w, client):
    assert permissions.may(w.liyang_liaison, Action.REPORT, w.task)
    make_report(task=w.task, unit=w.liyang, percent=40)
    rows = {row.unit.name: row for row in unit_progress(w.task)}
    assert rows["丽阳镇"].accepted.percent == 40 and not rows["丽阳镇"].named_by_office
    services.member_assign(task=w.task, actor=w.office, unit=w.nianyu)
    rows = {row.unit.name: row for row in unit_progress(w.task)}
    assert rows["鲇鱼山镇"].named_by_office and rows["鲇鱼山镇"].accepted is None


def test_the_office_names_and_withdraws_on_the_task_page(w, client):
    url = reverse("tasks:task_members", args=[w.task.pk])
    client.force_login(w.office)
    page = client.get(reverse("tasks:task_detail", args=[w.task.pk])).content.decode()
    assert url in page
    listing = client.get(url).content.decode()
    assert "丽阳镇" in listing and "鲇鱼山镇" in listing and "区财政局" not in listing
    response = client.post(url, {"unit": w.liyang.pk, "action": "assign"})
    assert response.status_code == 302
    assert set(answerable_units(w.task)) == {w.lead, w.towns, w.liyang}
    page = client.get(reverse("tasks:task_detail", args=[w.task.pk])).content.decode()
    assert "督查室指定承办" in page and "指定成员单位承办" in page
    response = client.post(url, {"unit": w.liyang.pk, "action": "withdraw"})
    assert response.status_code == 302
    assert w.liyang not in answerable_units(w.task)
    # A unit that is no member of the task's collective is refused on the form, nothing stored.
    response = client.post(url, {"unit": w.outsider.pk, "action": "assign"})
    assert response.status_code == 400
    assert MemberAssignment.objects.filter(withdrawn_at__isnull=True).count() == 0


def test_a_liaison_cannot_name_members_nor_sees_the_button(w, client):
    client.force_login(w.liyang_liaison)
    url = reverse("tasks:task_members", args=[w.task.pk])
    assert url not in client.get(reverse("tasks:task_detail", args=[w.task.pk])).content.decode()
    assert client.get(url).status_code == 403
    assert client.post(url, {"unit": w.liyang.pk, "action": "assign"}).status_code == 403
    assert not MemberAssignment.objects.exists()


def test_the_unit_lists_overdue_count_links_to_the_tasks_it_answers_for(w, client):
    client.force_login(w.office)
    services.member_assign(task=w.task, actor=w.office, unit=w.nianyu)
    response = client.get(reverse("tasks:unit_list"))
    page = response.content.decode()
    assert "role=answerable" in page
    # The 按期办结 share is of the tasks the unit answers for: 丽阳镇's task through the collective is not one.
    shares = {row.record.name: row.get_cell_value("done") for row in response.context["table"].rows}
    assert (shares["丽阳镇"], shares["鲇鱼山镇"], shares["区发改委"]) == ("0/0", "0/2", "0/1")
    listed = client.get(reverse("tasks:task_list"), {"unit": "丽阳镇", "role": "answerable", "overdue": "true"})
    assert list(listed.context["table"].data.data.values_list("number", flat=True)) == []
    listed = client.get(reverse("tasks:task_list"), {"unit": "鲇鱼山镇", "role": "answerable", "overdue": "true"})
    assert sorted(listed.context["table"].data.data.values_list("number", flat=True)) == [1, 2]
    assert tally(w.nianyu)["overdue"] == 2


def test_a_member_is_chased_for_a_collectives_overdue_task_only_once_named(w):
    def overdue_of(unit):
        return sorted(task.number for task in unit_duties(units=[unit])[unit.pk].overdue)

    # 催办 and the to-do list's 逾期任务: its own overdue task only, not the collective's.
    assert overdue_of(w.liyang) == [] and overdue_of(w.nianyu) == [2]
    services.member_assign(task=w.task, actor=w.office, unit=w.liyang)
    assert overdue_of(w.liyang) == [1]
    assert overdue_of(w.lead) == [1]
