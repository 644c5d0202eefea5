"""Leaders' instructions (领导批示): a leader writes, the 主办 unit answers, everyone sees where it stands."""

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.urls import reverse

from tasks.instructions import services
from tasks.models import LeaderInstruction, TaskEvent
from tasks.tests.factories import make_workflow_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def w():
    world = make_workflow_world()
    world.dev_liaison = world.liaison
    return world


def test_a_leader_instructs_the_host_unit_answers_and_it_is_closed(w, client):
    client.force_login(w.leader)
    response = client.post(
        reverse("tasks:instruction_write", args=[w.own_task.pk]), {"text": "请加快陶瓷产业园配套建设"}
    )
    assert response.status_code == 302
    instruction = LeaderInstruction.objects.get()
    assert instruction.unit == w.dev and instruction.is_open  # the task's 主办 unit answers

    # On the task's timeline, on the unit's to-do list and on the office's dashboard.
    assert TaskEvent.objects.filter(task=w.own_task, kind="instructed", instruction=instruction).exists()
    client.force_login(w.dev_liaison)
    assert "请加快陶瓷产业园配套建设" in client.get(reverse("tasks:todo")).content.decode()
    client.force_login(w.office)
    assert "请加快陶瓷产业园配套建设" in client.get(reverse("dashboard")).content.decode()

    # Another unit holding the task (through 各乡镇（街道）) may not answer it.
    client.force_login(w.town_liaison)
    url = reverse("tasks:instruction_detail", args=[instruction.pk])
    assert client.post(url, {"reply": "已落实"}).status_code == 403
    client.force_login(w.dev_liaison)
    response = client.post(url, {"reply": "  "})
    assert response.status_code == 200 and LeaderInstruction.objects.get().is_open
    assert client.post(url, {"reply": "已召开专题会，配套道路9月底完工"}).status_code == 302
    instruction.refresh_from_db()
    assert not instruction.is_open and instruction.replied_by == w.dev_liaison
    assert TaskEvent.objects.filter(kind="instruction_answered", instruction=instruction).exists()
    assert "请加快陶瓷产业园配套建设" not in client.get(reverse("tasks:todo")).content.decode()
    with pytest.raises(ValidationError):
        services.instruction_answer(instruction=instruction, actor=w.dev_liaison, reply="再答一次")


def test_only_leaders_instruct_and_leaders_still_change_nothing_else(w, client):
    for user in (w.office, w.dev_liaison):
        with pytest.raises(PermissionDenied):
            services.instruction_write(task=w.own_task, actor=user, text="批示")
        client.force_login(user)
        assert client.get(reverse("tasks:instruction_write", args=[w.own_task.pk])).status_code == 403
    client.force_login(w.leader)
    assert client.get(reverse("tasks:report_submit", args=[w.own_task.pk])).status_code == 403
    assert client.get(reverse("tasks:closure_request", args=[w.own_task.pk])).status_code == 403
    assert client.get(reverse("tasks:task_host", args=[w.own_task.pk])).status_code == 403


def test_an_instruction_on_a_report_names_it(w, client):
    from tasks.tests.factories import make_report  # noqa: PLC0415

    report = make_report(task=w.own_task, unit=w.dev)
    client.force_login(w.leader)
    url = reverse("tasks:instruction_write", args=[w.own_task.pk]) + f"?report={report.pk}"
    assert client.post(url, {"text": "数据要核实"}).status_code == 302
    assert LeaderInstruction.objects.get().report == report
    other = make_report(task=w.other_task, unit=w.finance)
    wrong = reverse("tasks:instruction_write", args=[w.own_task.pk]) + f"?report={other.pk}"
    assert client.get(wrong).status_code == 404
