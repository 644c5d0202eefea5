"""The 督办单 pages: who reads and answers them, the A4 page, the Word file opened back."""

import io
import zipfile

import docx
import pytest
from django.test import Client

from chasing.models import SupervisionOrder
from chasing.sweep import daily_sweep
from chasing.tests.clock import on
from chasing.tests.test_sweep import Nov
from chasing.tests.world import build_month
from tasks.models import TaskEvent

pytestmark = pytest.mark.django_db


@pytest.fixture
def orders(settings):
    """The crafted world swept on the 8th, 15th and 22nd of November: two orders, 第1号 to 区甲局."""
    settings.GOVTASKS_ESCALATION_STEP_DAYS = 7
    settings.GOVTASKS_SUPERVISION_REPLY_DAYS = 5
    world = build_month()
    for day in (Nov(8), Nov(15), Nov(22)):
        with on(day, hour=7):
            daily_sweep(day)
    world.order = SupervisionOrder.objects.get(unit=world.silent)
    world.other_order = SupervisionOrder.objects.get(unit=world.phoneless)
    return world


def client_for(user):
    client = Client()
    client.force_login(user)
    return client


def test_the_unit_acknowledges_and_answers_through_the_page(orders):
    client = client_for(orders.silent_liaison)
    url = f"/chasing/orders/{orders.order.pk}/"

    page = client.get(url).content.decode()
    assert "督办〔2026〕第1号" in page and "签收人" in page and "2026年11月27日" in page
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    assert client.post(url, {"action": "reply", "reply": "  "}).status_code == 200  # empty: the form says so
    assert client.post(url, {"action": "reply", "reply": "已召开专题会议"}).status_code == 302

    orders.order.refresh_from_db()
    assert orders.order.acknowledged_by == orders.silent_liaison and orders.order.reply == "已召开专题会议"
    office_page = client_for(orders.office).get(url).content.decode()
    assert "已召开专题会议" in office_page
    assert TaskEvent.objects.filter(task=orders.tasks[0], kind=TaskEvent.Kind.ORDER_ANSWERED).count() == 1


def test_a_second_acknowledgement_changes_nothing_and_says_so(orders):
    client = client_for(orders.silent_liaison)
    url = f"/chasing/orders/{orders.order.pk}/"
    client.post(url, {"action": "acknowledge"})
    first = SupervisionOrder.objects.get(pk=orders.order.pk).acknowledged_at

    response = client.post(url, {"action": "acknowledge"}, follow=True)

    assert "这份督办单已经签收过了" in response.content.decode()
    assert SupervisionOrder.objects.get(pk=orders.order.pk).acknowledged_at == first
    assert TaskEvent.objects.filter(kind=TaskEvent.Kind.ORDER_ACKNOWLEDGED).count() == 1


def test_another_units_liaison_neither_sees_nor_answers_it(orders):
    client = client_for(orders.diligent_liaison)
    url = f"/chasing/orders/{orders.order.pk}/"

    assert client.get(url).status_code == 404
    assert client.post(url, {"action": "acknowledge"}).status_code == 404
    assert client.get(f"{url}docx/").status_code == 404
    assert "督办〔2026〕" not in client.get("/chasing/orders/").content.decode()
    assert SupervisionOrder.objects.get(pk=orders.order.pk).acknowledged_at is None


def test_leaders_read_but_do_not_answer(orders):
    client = client_for(orders.leader)
    url = f"/chasing/orders/{orders.order.pk}/"

    assert client.get(url).status_code == 200
    assert client.post(url, {"action": "reply", "reply": "代答"}).status_code == 403


def test_the_office_list_shows_the_order_needing_a_phone_call_and_the_overdue_ones(orders):
    client = client_for(orders.office)

    page = client.get("/chasing/orders/").content.decode()
    assert "需电话通知" in page and "区丙局" in page
    overdue = client.get("/chasing/orders/", {"overdue": "1"}).content.decode()  # today is after 27 November
    assert "督办〔2026〕第1号" in overdue and "督办〔2026〕第2号" in overdue


def test_the_word_file_opens_with_its_number_items_date_and_fonts(orders):
    response = client_for(orders.silent_liaison).get(f"/chasing/orders/{orders.order.pk}/docx/")

    assert response["Content-Type"].endswith("wordprocessingml.document")
    document = docx.Document(io.BytesIO(response.content))
    text = "\n".join(p.text for p in document.paragraphs)
    assert "督办〔2026〕第1号" in text and "致：区甲局" in text and "2026年11月27日前" in text
    assert "签收单位（盖章）" in text
    rows = [[cell.text for cell in row.cells] for row in document.tables[0].rows]
    assert rows[1][:3] == ["1", "建设陶瓷产业园", "2026年12月31日"]
    fonts = {run.element.rPr.rFonts.get(docx.oxml.ns.qn("w:eastAsia")) for p in document.paragraphs for run in p.runs}
    assert {"仿宋_GB2312", "黑体"} <= fonts
    font_table = zipfile.ZipFile(io.BytesIO(response.content)).read("word/fontTable.xml").decode()
    assert 'w:name="仿宋_GB2312"><w:altName w:val="仿宋,FangSong' in font_table
    section = document.sections[0]
    assert (round(section.page_width.mm), round(section.page_height.mm)) == (210, 297)


def test_anonymous_users_are_sent_to_the_login(orders):
    response = Client().get(f"/chasing/orders/{orders.order.pk}/")

    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")


def test_an_order_to_a_collective_is_taken_up_by_a_members_liaison(orders):
    from chasing.sweep import issue_order  # noqa: PLC0415
    from tasks import roles  # noqa: PLC0415
    from tasks.tests.factories import make_user  # noqa: PLC0415

    town_liaison = make_user("liyang", role=roles.LIAISON, unit=orders.town)
    with on(Nov(22)):
        order = issue_order(Nov(22), orders.towns, [orders.tasks[4]])
    assert not order.needs_phone  # its one member has a liaison
    client = client_for(town_liaison)

    assert order.label in client.get("/chasing/orders/").content.decode()
    assert (
        client.post(f"/chasing/orders/{order.pk}/", {"action": "reply", "reply": "丽阳镇牵头落实"}).status_code == 302
    )
    order.refresh_from_db()
    assert order.replied_by == town_liaison
    assert client_for(orders.silent_liaison).get(f"/chasing/orders/{order.pk}/").status_code == 404


@pytest.mark.parametrize(
    "path",
    [
        "/chasing/orders/99999999999999999999/",
        "/chasing/orders/99999999999999999999/docx/",
        "/chasing/orders/?overdue=%00",
        "/chasing/scores/?year=99999999999999999999",
        "/chasing/scores/?year=1999&export=pdf",
        "/chasing/scores/units/99999999999999999999/",
    ],
)
def test_hostile_addresses_are_refused_or_ignored_never_an_error(orders, path):
    response = client_for(orders.office).get(path)

    assert response.status_code in (200, 400, 404)


def test_the_order_list_costs_the_same_queries_for_few_and_many_orders(orders):
    from django.db import connection  # noqa: PLC0415
    from django.test.utils import CaptureQueriesContext  # noqa: PLC0415

    from chasing.sweep import issue_order  # noqa: PLC0415

    client = client_for(orders.office)
    client.get("/chasing/orders/")
    with CaptureQueriesContext(connection) as few:
        client.get("/chasing/orders/")
    for _n in range(20):
        issue_order(Nov(29), orders.silent, orders.tasks[:2])
    with CaptureQueriesContext(connection) as many:
        response = client.get("/chasing/orders/")

    assert len(response.context["rows"]) == 22
    assert len(many) == len(few) <= 12


def test_the_office_records_by_phone_for_a_unit_without_a_liaison(orders):
    client = client_for(orders.office)
    url = f"/chasing/orders/{orders.other_order.pk}/"

    assert "由督查室代为签收并录入落实情况" in client.get(url).content.decode()
    assert client.post(url, {"action": "acknowledge"}).status_code == 302
    assert client.post(url, {"action": "reply", "reply": "电话答复：已整改"}).status_code == 302

    orders.other_order.refresh_from_db()
    assert orders.other_order.replied_by == orders.office
    note = TaskEvent.objects.get(task=orders.tasks[3], kind=TaskEvent.Kind.ORDER_ANSWERED).note
    assert note.startswith("督办〔2026〕第2号：电话答复：已整改") and note.endswith("（督查室电话代录）")
    # An order to a unit that has a liaison stays the liaison's to answer.
    assert client.post(f"/chasing/orders/{orders.order.pk}/", {"action": "acknowledge"}).status_code == 403


def test_the_tasks_timeline_shows_each_step(orders):
    page = client_for(orders.office).get(f"/tasks/{orders.tasks[0].pk}/").content.decode()

    assert page.count('data-kind="escalated"') == 3
    assert "提醒：任务亮红灯" in page and "催办单：任务持续红灯已超过7天" in page and "督办〔2026〕第1号：请于" in page
