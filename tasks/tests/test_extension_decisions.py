"""Extension requests (延期申请) past the plain yes/no: the office grants another date than the one
asked for, and — where GOVTASKS_EXTENSION_LEADER_APPROVAL is on — the unit's 分管领导 gives an
opinion first and sees what waits for them. An overdue task offers no 申请延期 and its URL says why."""

import datetime

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse

from tasks import roles
from tasks.models import ExtensionRequest, LeaderPortfolio, TaskEvent
from tasks.progress import services
from tasks.state import tasks_as_of
from tasks.tests.factories import make_user, make_workflow_world

pytestmark = pytest.mark.django_db

DAY = datetime.timedelta(days=1)


@pytest.fixture
def w():
    return make_workflow_world()


@pytest.fixture
def leader_step(settings):
    settings.GOVTASKS_EXTENSION_LEADER_APPROVAL = True


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def asked(w, days=60):
    return services.extension_request_submit(
        task=w.own_task,
        unit=w.dev,
        actor=w.liaison,
        new_deadline=w.own_task.deadline + days * DAY,
        reason="征地手续未完成",
        progress="设计完成",
        percent=50,
    )


def current_deadline(task):
    return tasks_as_of().values_list("current_deadline", flat=True).get(pk=task.pk)


def decide_url(extension):
    return reverse("tasks:extension_detail", args=[extension.pk])


# --- another date than the one asked for ------------------------------------------------------------------------


def test_the_office_grants_an_earlier_date_than_asked_and_the_task_takes_it(w):
    extension = asked(w, days=60)
    granted = w.own_task.deadline + 30 * DAY

    response = client_for(w.office).post(
        decide_url(extension),
        {
            "version": extension.version,
            "decision": "approve",
            "granted_deadline": granted.isoformat(),
            "reason": "30天足以完成征地",
        },
    )

    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED
    assert extension.new_deadline == w.own_task.deadline + 60 * DAY  # what was asked stays on record
    assert extension.granted_deadline == granted
    assert current_deadline(w.own_task) == granted
    event = TaskEvent.objects.get(kind=TaskEvent.Kind.EXTENSION_APPROVED)
    assert event.note == "30天足以完成征地"
    labels = {change["label"]: change["new"] for change in event.changes}
    assert labels["完成时限"] == f"{granted.year}年{granted.month}月{granted.day}日"
    asked_on = extension.new_deadline
    assert labels["申请完成时限"] == f"{asked_on.year}年{asked_on.month}月{asked_on.day}日"
    page = client_for(w.liaison).get(decide_url(extension)).content.decode()
    assert "批准完成时限" in page and f"{granted.year}年{granted.month}月{granted.day}日" in page


def test_another_date_without_a_reason_is_refused_and_changes_nothing(w):
    extension = asked(w)

    response = client_for(w.office).post(
        decide_url(extension),
        {
            "version": extension.version,
            "decision": "approve",
            "granted_deadline": (w.own_task.deadline + 20 * DAY).isoformat(),
        },
    )

    assert response.status_code == 200
    assert "批准的完成时限与申请的不同时，请写明理由。" in response.content.decode()
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.PENDING and extension.granted_deadline is None
    assert current_deadline(w.own_task) == w.own_task.deadline
    assert not TaskEvent.objects.filter(kind=TaskEvent.Kind.EXTENSION_APPROVED).exists()


@pytest.mark.parametrize(
    ("days_after_deadline", "message"),
    [(0, "批准的完成时限应晚于原完成时限"), (-10, "批准的完成时限应晚于原完成时限")],
)
def test_a_granted_date_not_after_the_old_deadline_is_refused(w, days_after_deadline, message):
    extension = asked(w)

    with pytest.raises(ValidationError) as refused:
        services.extension_request_approve(
            request=extension,
            actor=w.office,
            version=extension.version,
            reason="理由",
            granted_deadline=w.own_task.deadline + days_after_deadline * DAY,
        )

    assert message in str(refused.value)
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.PENDING


def test_approving_without_a_date_grants_the_date_asked(w):
    extension = asked(w, days=45)

    services.extension_request_approve(request=extension, actor=w.office, version=extension.version)

    extension.refresh_from_db()
    assert extension.granted_deadline == extension.new_deadline
    assert current_deadline(w.own_task) == w.own_task.deadline + 45 * DAY
    # The timeline names no second date when the office granted what was asked.
    event = TaskEvent.objects.get(kind=TaskEvent.Kind.EXTENSION_APPROVED)
    assert [change["label"] for change in event.changes] == ["完成时限"]


def test_the_decision_form_offers_the_asked_date_to_change(w):
    extension = asked(w, days=45)

    page = client_for(w.office).get(decide_url(extension)).content.decode()

    assert 'name="granted_deadline"' in page
    assert f'value="{extension.new_deadline.isoformat()}"' in page


# --- the 分管领导 step ---------------------------------------------------------------------------------------------


def test_with_the_step_off_the_office_decides_at_once_and_leaders_are_not_asked(w, settings):
    settings.GOVTASKS_EXTENSION_LEADER_APPROVAL = False
    extension = asked(w)

    assert not services.extension_awaits_leader(extension)
    with pytest.raises(ValidationError, match="不需要分管领导审核"):
        services.extension_request_endorse(request=extension, actor=w.leader, version=extension.version, agree=True)
    services.extension_request_approve(request=extension, actor=w.office, version=extension.version)
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED


def test_with_the_step_on_the_office_waits_for_the_leader(w, leader_step):
    extension = asked(w)

    queue = client_for(w.office).get(reverse("tasks:review_queue")).content.decode()
    response = client_for(w.office).post(decide_url(extension), {"version": extension.version, "decision": "approve"})

    # Listed as waiting for the leader, not under the office's own decisions.
    assert "等待分管领导审核" in queue
    assert "这份延期申请还在等待分管领导审核，督查室暂不能审批。" in response.content.decode()
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.PENDING
    assert current_deadline(w.own_task) == w.own_task.deadline


def test_the_leader_sees_what_waits_and_agrees_then_the_office_decides(w, leader_step):
    extension = asked(w)
    leader = client_for(w.leader)

    dashboard = leader.get(reverse("dashboard")).content.decode()
    queue = leader.get(reverse("tasks:leader_queue")).content.decode()
    assert "有1份延期申请等待您作为分管领导审核" in dashboard
    assert reverse("tasks:leader_queue") in dashboard  # the navigation and the notice link to the queue
    assert "建设陶瓷产业园" in queue and decide_url(extension) in queue

    response = leader.post(
        decide_url(extension), {"version": extension.version, "decision": "agree", "comment": "同意，抓紧推进"}
    )
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.leader_opinion == ExtensionRequest.Opinion.AGREE and extension.leader_by == w.leader
    assert extension.state == ExtensionRequest.State.PENDING  # the office still decides
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.EXTENSION_ENDORSED, note="同意，抓紧推进").exists()
    assert "没有等待您审核的延期申请" in leader.get(reverse("tasks:leader_queue")).content.decode()

    office = client_for(w.office)
    assert "同意（leader）" in office.get(reverse("tasks:review_queue")).content.decode()
    response = office.post(decide_url(extension), {"version": extension.version, "decision": "approve"})
    assert response.status_code == 302
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.APPROVED
    assert current_deadline(w.own_task) == extension.new_deadline


def test_a_leader_who_disagrees_must_say_why_and_the_office_sees_it(w, leader_step):
    extension = asked(w)
    leader = client_for(w.leader)

    empty = leader.post(decide_url(extension), {"version": extension.version, "decision": "oppose", "comment": " "})
    assert "不同意延期时请写明理由。" in empty.content.decode()
    extension.refresh_from_db()
    assert extension.leader_opinion == ""

    leader.post(decide_url(extension), {"version": extension.version, "decision": "oppose", "comment": "不宜再拖"})
    extension.refresh_from_db()
    assert extension.leader_opinion == ExtensionRequest.Opinion.OPPOSE
    page = client_for(w.office).get(decide_url(extension)).content.decode()
    assert "不宜再拖" in page and 'class="col-lg-8 decision-form' in page
    services.extension_request_refuse(
        request=extension, actor=w.office, version=extension.version, reason="同意领导意见"
    )
    extension.refresh_from_db()
    assert extension.state == ExtensionRequest.State.REFUSED


def test_only_the_units_supervising_leader_gives_the_opinion(w, leader_step):
    other_leader = make_user("other_leader", role=roles.LEADER)
    LeaderPortfolio.objects.create(user=w.leader).units.add(w.dev)
    LeaderPortfolio.objects.create(user=other_leader).units.add(w.finance)
    extension = asked(w)

    assert "建设陶瓷产业园" not in client_for(other_leader).get(reverse("tasks:leader_queue")).content.decode()
    response = client_for(other_leader).post(
        decide_url(extension), {"version": extension.version, "decision": "agree", "comment": ""}
    )
    assert response.status_code == 403
    with pytest.raises(PermissionDenied):
        services.extension_request_endorse(request=extension, actor=w.liaison, version=extension.version, agree=True)
    with pytest.raises(PermissionDenied):
        services.extension_request_endorse(request=extension, actor=w.office, version=extension.version, agree=True)
    extension.refresh_from_db()
    assert extension.leader_opinion == ""

    assert "建设陶瓷产业园" in client_for(w.leader).get(reverse("tasks:leader_queue")).content.decode()


def test_a_second_opinion_is_a_conflict_naming_the_first(w, leader_step):
    extension = asked(w)
    version = extension.version
    second = make_user("second_leader", role=roles.LEADER)
    services.extension_request_endorse(request=extension, actor=w.leader, version=version, agree=True)

    with pytest.raises(services.Conflict, match="leader已于.*审核这份延期申请（同意）"):
        services.extension_request_endorse(
            request=ExtensionRequest.objects.get(pk=extension.pk),
            actor=second,
            version=version,
            agree=False,
            comment="不",
        )


# --- overdue tasks: no 申请延期, and the URL says why -------------------------------------------------------------


def test_an_overdue_task_shows_the_reason_instead_of_the_link_and_the_url_says_the_same(w):
    w.own_task.deadline = w.today - DAY
    w.own_task.save()
    liaison = client_for(w.liaison)
    reason = services.extension_refusal(w.own_task)
    assert reason and "不再受理延期申请" in reason

    page = liaison.get(w.own_task.get_absolute_url()).content.decode()
    form = liaison.get(reverse("tasks:extension_request", args=[w.own_task.pk]), follow=True)

    assert reverse("tasks:extension_request", args=[w.own_task.pk]) not in page
    assert reason in page
    assert form.redirect_chain and reason in form.content.decode()
    assert 'name="new_deadline"' not in form.content.decode()


def test_a_task_in_time_offers_the_link(w):
    page = client_for(w.liaison).get(w.own_task.get_absolute_url()).content.decode()

    assert reverse("tasks:extension_request", args=[w.own_task.pk]) in page
