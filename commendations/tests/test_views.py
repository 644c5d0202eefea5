import datetime

import pytest
from django.urls import reverse

from commendations import selectors
from commendations.models import Decision, Enterprise, EnterpriseAlias, Honour, HonourList
from meetings.models import AgendaItem, EnterpriseMention, Meeting
from tasks.models import Document
from tasks.tests.factories import make_user

pytestmark = pytest.mark.django_db

INDUSTRY = ["江西富祥药业股份有限公司", "景德镇市宏亿电子科技有限公司", "景德镇永祥金属材料有限公司"]
TAX = ["江西富祥药业股份有限公司", "景德镇卡服物流科技有限公司", "景德镇永祥金属材料有限公司"]


def make_document(number, title, kind=Document.Kind.DECISION, issued_on=datetime.date(2021, 7, 8)):
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


def make_decision(lists, number="昌府字〔2021〕22号", year=2020):
    """A decision with one HonourList per (name, [enterprise names]) in `lists`, ranked in order."""
    document = make_document(number, f"昌江区人民政府关于通报表彰{year}年度企业的决定{number}")
    decision = Decision.objects.create(document=document, year=year)
    for position, (list_name, names) in enumerate(lists, start=1):
        honour_list = HonourList.objects.create(
            decision=decision,
            position=position,
            name=list_name,
            title=f"{list_name}名单",
            source_line=position,
        )
        for rank, name in enumerate(names, start=1):
            enterprise, _ = Enterprise.objects.get_or_create(name=name)
            Honour.objects.create(
                honour_list=honour_list,
                rank=rank,
                enterprise=enterprise,
                name_as_written=name,
                source_line=rank,
            )
    return decision


@pytest.fixture
def staff_client(client, django_user_model):
    client.force_login(make_user("duchayuan"))
    return client


@pytest.fixture
def decision():
    return make_decision([("工业十强", INDUSTRY), ("纳税十强", TAX)])


def test_decision_list_shows_number_title_date_year_and_list_count(staff_client, decision):
    make_decision([("工业十强", ["景德镇市宏亿电子科技有限公司"])], number="昌府字〔2020〕9号", year=2019)

    response = staff_client.get(reverse("commendations:decision_list"))

    assert response.status_code == 200
    rows = [
        (row.get_cell_value("number"), row.get_cell_value("year"), row.get_cell_value("list_count"))
        for row in response.context["table"].page.object_list
    ]
    assert rows == [("昌府字〔2021〕22号", 2020, 2), ("昌府字〔2020〕9号", 2019, 1)]
    page = response.content.decode()
    assert "2021年7月8日" in page
    assert f'href="{decision.get_absolute_url()}"' in page


def test_decision_list_query_count_does_not_grow_with_decisions(staff_client, django_assert_max_num_queries):
    make_decision([("工业十强", ["甲公司"])], number="C0")
    # +2: the navigation reads the user's permissions (which workflow pages to offer).
    with django_assert_max_num_queries(6) as few:
        staff_client.get(reverse("commendations:decision_list"))
    for number in range(1, 30):
        make_decision([("工业十强", ["甲公司"]), ("纳税十强", ["乙公司"])], number=f"C{number}", year=2000 + number)

    with django_assert_max_num_queries(len(few)):
        response = staff_client.get(reverse("commendations:decision_list"))
    assert len(response.context["table"].page.object_list) == 30


def test_decision_detail_shows_document_and_both_lists(staff_client, decision):
    response = staff_client.get(reverse("commendations:decision_detail", args=[decision.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "昌府字〔2021〕22号" in page
    assert "昌江区人民政府" in page
    assert "2021年7月8日" in page
    assert [honour_list.name for honour_list in response.context["honour_lists"]] == ["工业十强", "纳税十强"]
    kafu = Enterprise.objects.get(name="景德镇卡服物流科技有限公司")
    assert f'href="{kafu.get_absolute_url()}"' in page


def test_decision_detail_marks_enterprises_on_both_lists(staff_client, decision):
    response = staff_client.get(reverse("commendations:decision_detail", args=[decision.pk]))

    marked = {
        (honour_list.name, entry.enterprise.name)
        for honour_list in response.context["honour_lists"]
        for entry in honour_list.entries.all()
        if entry.other_lists
    }
    assert marked == {
        ("工业十强", "江西富祥药业股份有限公司"),
        ("纳税十强", "江西富祥药业股份有限公司"),
        ("工业十强", "景德镇永祥金属材料有限公司"),
        ("纳税十强", "景德镇永祥金属材料有限公司"),
    }
    # One badge per marked row, plus the legend under the lists.
    assert response.content.decode().count("两榜") == len(marked) + 1


def test_both_lists_mark_does_not_count_other_decisions():
    make_decision([("工业十强", ["景德镇市宏亿电子科技有限公司"])], number="昌府字〔2020〕9号", year=2019)
    decision = make_decision([("工业十强", INDUSTRY), ("纳税十强", TAX)])

    lists = selectors.honour_lists(decision)

    hongyi = next(entry for entry in lists[0].entries.all() if entry.enterprise.name == "景德镇市宏亿电子科技有限公司")
    assert hongyi.other_lists == []


def test_decision_detail_names_the_meeting_that_approved_it(staff_client, decision):
    meeting = make_meeting()
    AgendaItem.objects.create(
        meeting=meeting,
        position=1,
        kind=AgendaItem.Kind.APPROVE,
        subject="关于通报表彰的决定",
        text="会议原则通过……",
        source_line=1,
        approved_document=decision.document,
    )

    response = staff_client.get(reverse("commendations:decision_detail", args=[decision.pk]))

    assert f'href="{meeting.get_absolute_url()}"' in response.content.decode()


def test_decision_detail_query_count_does_not_grow_with_entries(staff_client, django_assert_max_num_queries):
    small = make_decision([("工业十强", ["甲公司"]), ("纳税十强", ["乙公司"])], number="A1")
    large = make_decision(
        [
            ("工业十强", [f"工业企业{i}" for i in range(40)]),
            ("纳税十强", [f"纳税企业{i}" for i in range(40)]),
        ],
        number="A2",
    )
    for number in (99, 100):
        AgendaItem.objects.create(
            meeting=make_meeting(number),
            position=1,
            kind=AgendaItem.Kind.APPROVE,
            subject="表彰决定",
            text="会议原则通过",
            source_line=1,
            approved_document=large.document,
        )
    for decision in (small, large):
        # session, user, decision, approving items with meetings, lists, entries with enterprises
        with django_assert_max_num_queries(8):  # 2 of them: the navigation's permissions
            assert staff_client.get(reverse("commendations:decision_detail", args=[decision.pk])).status_code == 200


def make_meeting(number=99):
    document = make_document(
        "",
        f"区政府第{number}次常务会议召开",
        kind=Document.Kind.MEETING_RECORD,
        issued_on=datetime.date(2021, 7, 7),
    )
    return Meeting.objects.create(
        document=document,
        body="区政府",
        number=number,
        held_on=datetime.date(2021, 7, 7),
        part_of_day=Meeting.PartOfDay.AFTERNOON,
        chair="倪卫春",
        chair_title="区委副书记、区长",
    )


def test_enterprise_detail_shows_aliases_honours_and_mentions(staff_client, decision):
    fuxiang = Enterprise.objects.get(name="江西富祥药业股份有限公司")
    EnterpriseAlias.objects.create(enterprise=fuxiang, name="富祥")
    meeting = make_meeting(number=100)
    item = AgendaItem.objects.create(
        meeting=meeting,
        position=3,
        kind=AgendaItem.Kind.STUDY,
        subject="易炼红省长讲话精神",
        text="富祥二期",
        source_line=1,
    )
    EnterpriseMention.objects.create(agenda_item=item, enterprise=fuxiang, name_as_written="富祥")

    response = staff_client.get(reverse("commendations:enterprise_detail", args=[fuxiang.pk]))

    assert response.status_code == 200
    page = response.content.decode()
    assert "富祥" in page
    assert [(h.honour_list.name, h.rank) for h in response.context["enterprise"].honours.all()] == [
        ("工业十强", 1),
        ("纳税十强", 1),
    ]
    assert f'href="{decision.get_absolute_url()}"' in page
    assert f'href="{meeting.get_absolute_url()}"' in page
    assert "易炼红省长讲话精神" in page


def test_enterprise_detail_query_count_does_not_grow_with_mentions(staff_client, django_assert_max_num_queries):
    enterprise = Enterprise.objects.create(name="江西富祥药业股份有限公司")
    for number in range(1, 11):
        meeting = make_meeting(number=number)
        item = AgendaItem.objects.create(
            meeting=meeting,
            position=1,
            kind=AgendaItem.Kind.STUDY,
            subject="调研",
            text="富祥",
            source_line=1,
        )
        EnterpriseMention.objects.create(agenda_item=item, enterprise=enterprise, name_as_written="富祥")
        decision = make_decision([("工业十强", [])], number=f"B{number}")
        Honour.objects.create(
            honour_list=decision.lists.get(),
            rank=1,
            enterprise=enterprise,
            name_as_written="富祥",
            source_line=1,
        )

    # session, user, enterprise, aliases, honours (with decision), mentions (with meeting)
    with django_assert_max_num_queries(8):  # 2 of them: the navigation's permissions
        response = staff_client.get(reverse("commendations:enterprise_detail", args=[enterprise.pk]))
    page = response.content.decode()
    assert all(f"区政府第{number}次常务会议" in page for number in range(1, 11))


def test_enterprise_name_is_escaped(staff_client):
    enterprise = Enterprise.objects.create(name="<script>alert(1)</script>公司")

    page = staff_client.get(reverse("commendations:enterprise_detail", args=[enterprise.pk])).content.decode()

    assert "<script>alert(1)</script>" not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;公司" in page


@pytest.mark.parametrize("name", ["commendations:decision_detail", "commendations:enterprise_detail"])
def test_unknown_pk_is_404(staff_client, name):
    assert staff_client.get(reverse(name, args=[999999])).status_code == 404


@pytest.mark.parametrize("page", ["decision_list", "decision_detail", "enterprise_detail"])
def test_anonymous_is_sent_to_login(client, decision, page):
    urls = {
        "decision_list": reverse("commendations:decision_list"),
        "decision_detail": decision.get_absolute_url(),
        "enterprise_detail": Enterprise.objects.first().get_absolute_url(),
    }

    response = client.get(urls[page])

    assert response.status_code == 302
    assert response.url.startswith(reverse("login"))
