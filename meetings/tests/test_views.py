import datetime
import re

import pytest
from django.urls import reverse

from commendations.models import Decision, Enterprise
from meetings.models import AgendaItem, EnterpriseMention, Meeting, MeetingOrder
from tasks.models import Document, Task, TaskUnit, Unit
from tasks.state import store
from tasks.tests.factories import make_user

pytestmark = pytest.mark.django_db


def make_document(title, kind=Document.Kind.MEETING_RECORD, number="", issued_on=datetime.date(2021, 7, 7)):
    return Document.objects.create(
        kind=kind,
        number=number,
        title=title,
        issuer="昌江区人民政府",
        issued_on=issued_on,
        source_file="changjiang-2021.txt",
        source_sha256="0" * 64,
        first_line=1,
        text=title,
    )


def make_meeting(number=99, held_on=datetime.date(2021, 7, 7), chair="倪卫春"):
    return Meeting.objects.create(
        document=make_document(f"区政府第{number}次常务会议召开", issued_on=held_on),
        body="区政府",
        number=number,
        held_on=held_on,
        part_of_day=Meeting.PartOfDay.AFTERNOON,
        chair=chair,
        chair_title="区委副书记、区长",
    )


def add_item(meeting, position, kind, *, subject="议题", text="会议指出……", approved_document=None):
    return AgendaItem.objects.create(
        meeting=meeting,
        position=position,
        kind=kind,
        subject=subject,
        text=text,
        source_line=position,
        approved_document=approved_document,
    )


def add_order(item, number, text, deadline, *, lead_unit):
    """A dated order of the meeting, worded like the records: “9月10日前”."""
    task = Task.objects.create(
        document=item.meeting.document,
        source=Task.Source.MEETING,
        number=number,
        text=text,
        deadline=deadline,
        source_line=item.source_line,
        source_text=item.text,
    )
    TaskUnit.objects.create(task=task, unit=lead_unit, role=TaskUnit.Role.LEAD, position=1)
    due_text = f"{deadline.month}月{deadline.day}日前"
    return MeetingOrder.objects.create(meeting=item.meeting, agenda_item=item, task=task, due_text=due_text)


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(make_user("duchayuan"))
    return client


@pytest.fixture
def unit():
    return Unit.objects.create(name="区工信局")


def detail(meeting):
    return reverse("meetings:meeting_detail", args=[meeting.pk])


# ---- list -------------------------------------------------------------------------------------


def listed(response):
    return [
        (row.record.number, row.record.agenda_count, row.record.order_count)
        for row in response.context["table"].page.object_list
    ]


def test_meeting_list_shows_number_and_counts(staff_client, unit):
    meeting = make_meeting(99)
    study = add_item(meeting, 1, AgendaItem.Kind.STUDY)
    add_item(meeting, 2, AgendaItem.Kind.REPORT)
    add_order(study, 1, "完成七通一平", datetime.date(2021, 9, 10), lead_unit=unit)
    add_order(study, 2, "富祥二期点火投产", datetime.date(2021, 9, 28), lead_unit=unit)
    make_meeting(100, held_on=datetime.date(2021, 8, 17), chair="伊文斌")

    response = staff_client.get(reverse("meetings:meeting_list"))

    assert response.status_code == 200
    assert listed(response) == [(100, 0, 0), (99, 2, 2)]
    page = response.content.decode()
    assert "第99次" in page
    assert "2021年7月7日" in page
    assert f'href="{detail(meeting)}"' in page


def test_meeting_list_filters_by_year_and_chair(staff_client):
    make_meeting(60, held_on=datetime.date(2020, 5, 6), chair="倪卫春")
    make_meeting(99, held_on=datetime.date(2021, 7, 7), chair="倪卫春")
    make_meeting(100, held_on=datetime.date(2021, 8, 17), chair="伊文斌")
    url = reverse("meetings:meeting_list")

    assert [n for n, *_ in listed(staff_client.get(url, {"year": "2021"}))] == [100, 99]
    assert [n for n, *_ in listed(staff_client.get(url, {"chair": "倪卫春"}))] == [99, 60]
    assert [n for n, *_ in listed(staff_client.get(url, {"year": "2021", "chair": "倪卫春"}))] == [99]


@pytest.mark.parametrize("params", [{"year": "abc"}, {"year": "1999"}, {"chair": "<script>x</script>"}])
def test_meeting_list_unknown_filter_value_shows_an_error_and_no_rows(staff_client, params):
    make_meeting(99)

    response = staff_client.get(reverse("meetings:meeting_list"), params)

    assert response.status_code == 200
    assert listed(response) == []
    page = response.content.decode()
    assert "filter-errors" in page
    assert "<script>x</script>" not in page


def test_meeting_list_query_count_does_not_grow_with_meetings(staff_client, unit, django_assert_max_num_queries):
    def build(first, count):
        for number in range(first, first + count):
            meeting = make_meeting(number, chair=f"主持人{number % 3}")
            item = add_item(meeting, 1, AgendaItem.Kind.STUDY)
            add_order(item, 1, "任务", datetime.date(2021, 9, 10), lead_unit=unit)

    build(1, 2)
    # session, user, count, page of rows, year choices, chair choices (each evaluated twice: validate, render)
    with django_assert_max_num_queries(8) as few:
        staff_client.get(reverse("meetings:meeting_list"))
    build(3, 48)
    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(reverse("meetings:meeting_list"))
    assert len(listed(response)) == 50


# ---- detail -----------------------------------------------------------------------------------


def test_meeting_detail_shows_header(staff_client):
    meeting = make_meeting(99)

    response = staff_client.get(detail(meeting))

    assert response.status_code == 200
    page = response.content.decode()
    assert "第99次" in page
    assert "2021年7月7日下午" in page
    assert "区委副书记、区长 倪卫春" in page


def test_agenda_items_are_grouped_by_kind_in_kind_order(staff_client):
    meeting = make_meeting(100)
    # Positions interleave the kinds, as real records do.
    add_item(meeting, 1, AgendaItem.Kind.STUDY, subject="疫情防控会议精神")
    add_item(meeting, 2, AgendaItem.Kind.RESEARCH, subject="其他事项")
    add_item(meeting, 3, AgendaItem.Kind.STUDY, subject="全会精神")
    add_item(meeting, 4, AgendaItem.Kind.APPROVE, subject="退役士兵安置单位的请示")
    add_item(meeting, 5, AgendaItem.Kind.REPORT, subject="大棚房回头看")

    response = staff_client.get(detail(meeting))

    groups = [(group.label, [item.subject for item in group.items]) for group in response.context["agenda_groups"]]
    assert groups == [
        ("传达学习", ["疫情防控会议精神", "全会精神"]),
        ("听取汇报", ["大棚房回头看"]),
        ("审议通过", ["退役士兵安置单位的请示"]),
        ("研究", ["其他事项"]),
    ]
    html = response.content.decode()
    headings = re.findall(r'<h3 class="h6 fw-bold" id="agenda-\d+">(.*?)</h3>', html)
    assert headings == ["传达学习", "听取汇报", "审议通过", "研究"]
    # The dated orders are the office's point of the page: above the speeches.
    assert html.index('id="orders-heading"') < html.index('id="agenda-1"')


def test_approval_links_to_the_commendation_decision(staff_client):
    decision_document = make_document(
        "昌江区人民政府关于通报表彰2020年度工业十强及纳税十强企业的决定",
        kind=Document.Kind.DECISION,
        number="昌府字〔2021〕22号",
        issued_on=datetime.date(2021, 7, 8),
    )
    decision = Decision.objects.create(document=decision_document, year=2020)
    meeting = make_meeting(99)
    add_item(meeting, 1, AgendaItem.Kind.APPROVE, subject="表彰决定", approved_document=decision_document)

    page = staff_client.get(detail(meeting)).content.decode()

    assert f'<a href="{decision.get_absolute_url()}">表彰决定</a>' in page
    assert "昌府字〔2021〕22号" in page


def test_approval_of_another_document_links_to_its_record(staff_client):
    document = make_document(
        "关于落实我区2021年度退役士兵安置单位的请示", kind=Document.Kind.NOTICE, number="昌府办字〔2021〕30号"
    )
    meeting = make_meeting(100)
    add_item(meeting, 1, AgendaItem.Kind.APPROVE, subject="退役士兵安置", approved_document=document)

    page = staff_client.get(detail(meeting)).content.decode()

    assert f'<a href="{reverse("tasks:document_detail", args=[document.pk])}">退役士兵安置</a>' in page


def test_approval_without_a_document_shows_its_title_unlinked(staff_client):
    meeting = make_meeting(100)
    add_item(meeting, 1, AgendaItem.Kind.APPROVE, subject="关于落实我区2021年度退役士兵安置单位的请示")

    page = staff_client.get(detail(meeting)).content.decode()

    heading = re.search(r'<h4 class="h6">(.*?)</h4>', page, re.S).group(1)
    assert heading.strip() == "关于落实我区2021年度退役士兵安置单位的请示"


def test_orders_are_shown_as_tasks_with_due_dates_and_status(staff_client, unit):
    meeting = make_meeting(100, held_on=datetime.date(2021, 8, 17))
    item = add_item(meeting, 1, AgendaItem.Kind.STUDY, subject="易炼红省长讲话精神")
    add_order(item, 1, "凌富项目120亩工业用地完成“七通一平”", datetime.date(2021, 9, 10), lead_unit=unit)
    add_order(item, 2, "富祥二期点火投产", datetime.date(2021, 9, 28), lead_unit=unit)

    response = staff_client.get(detail(meeting))

    tasks = response.context["order_tasks"]
    assert [(task.number, task.deadline, task.meeting_order.due_text) for task in tasks] == [
        (1, datetime.date(2021, 9, 10), "9月10日前"),
        (2, datetime.date(2021, 9, 28), "9月28日前"),
    ]
    # Deadlines in 2021 have passed with no accepted report: both are overdue.
    assert [task.status for task in tasks] == [Task.Status.OVERDUE, Task.Status.OVERDUE]
    page = response.content.decode()
    assert all(f'href="{reverse("tasks:task_detail", args=[task.pk])}"' in page for task in tasks)
    assert "2021年9月10日" in page
    assert "2021年9月28日" in page
    assert "区工信局" in page
    assert "逾期" in page


def test_mentioned_enterprises_are_linked_once_with_every_spelling(staff_client):
    fuxiang = Enterprise.objects.create(name="江西富祥药业股份有限公司")
    meeting = make_meeting(100)
    first = add_item(meeting, 1, AgendaItem.Kind.STUDY, text="富祥二期")
    second = add_item(meeting, 2, AgendaItem.Kind.STUDY, text="江西富祥药业股份有限公司")
    EnterpriseMention.objects.create(agenda_item=first, enterprise=fuxiang, name_as_written="富祥")
    EnterpriseMention.objects.create(agenda_item=second, enterprise=fuxiang, name_as_written="江西富祥药业股份有限公司")

    response = staff_client.get(detail(meeting))

    mentioned = [(m.enterprise, m.names_as_written) for m in response.context["mentioned_enterprises"]]
    assert mentioned == [(fuxiang, ["富祥", "江西富祥药业股份有限公司"])]
    assert f'href="{fuxiang.get_absolute_url()}"' in response.content.decode()


def test_agenda_text_is_escaped(staff_client, unit):
    meeting = make_meeting(99)
    item = add_item(meeting, 1, AgendaItem.Kind.STUDY, subject="<b>议题</b>", text="<script>alert(1)</script>\n第二段")
    add_order(item, 1, "<img src=x onerror=alert(1)>", datetime.date(2021, 9, 10), lead_unit=unit)

    page = staff_client.get(detail(meeting)).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;<br>第二段" in page
    assert "<b>议题</b>" not in page
    assert "<img src=x" not in page


def test_meeting_detail_query_count_does_not_grow_with_items(staff_client, unit, django_assert_max_num_queries):
    decision_document = make_document("表彰决定", kind=Document.Kind.DECISION, number="昌府字〔2021〕22号")
    Decision.objects.create(document=decision_document, year=2020)

    def build(number, count):
        meeting = make_meeting(number)
        for position in range(1, count + 1):
            kind = list(AgendaItem.Kind)[position % 4]
            item = add_item(meeting, position, kind, approved_document=decision_document)
            enterprise = Enterprise.objects.create(name=f"企业{number}-{position}")
            EnterpriseMention.objects.create(agenda_item=item, enterprise=enterprise, name_as_written=enterprise.name)
            add_order(item, position, f"任务{position}", datetime.date(2021, 9, 10), lead_unit=unit)
        return meeting

    small, large = build(1, 2), build(2, 50)
    # session, user, meeting, agenda items, mentions, order tasks, their units,
    # and the user's and groups' permissions (whether to offer "分配承办单位")
    store.ensure_fresh()  # storing the new tasks' states is counted in tasks/tests/test_state_store.py
    for meeting in (small, large):
        # + one to see the stored task states hold
        with django_assert_max_num_queries(10):
            assert staff_client.get(detail(meeting)).status_code == 200


# ---- access -----------------------------------------------------------------------------------


def test_unknown_meeting_is_404(staff_client):
    assert staff_client.get(reverse("meetings:meeting_detail", args=[999999])).status_code == 404


@pytest.mark.parametrize("page", ["list", "detail"])
def test_anonymous_is_sent_to_login(client, page):
    meeting = make_meeting(99)
    url = reverse("meetings:meeting_list") if page == "list" else detail(meeting)

    response = client.get(url)

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
