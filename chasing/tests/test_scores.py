"""考核 scores of the crafted month (world.py), computed here by hand, equal the ranking page's.

At 4 December 2026 with the default rule (base 100; report rate 30; 逾期办结 2; overdue 5;
returned 1; unanswered 督办单 5), the year 2026 so far:

- 区甲局: owes October's and November's report on task 1, sent neither: 0 % → −30; its 督办单
  第1号 (reply due 27 November) was answered on the 30th, late → −5. 65.
- 区乙局: 4 reports owed (tasks 2 and 3, October and November), all on time → 0; one report returned
  on 2 November → −1; task 3 (due 30 November) closed on 3 December, 逾期办结 → −2. 97.
- 区丙局 (no liaison): 0 of 2 reports → −30; 督办单 第2号 never answered → −5. 65.
- 丽阳镇: task 5 reaches it only through 各乡镇（街道）, which the office never replaced by naming
  it: nothing counts. 100. The collective itself is not ranked.
"""

import datetime
import io
from decimal import Decimal

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from openpyxl import load_workbook

from chasing import services
from chasing.models import ScoreRule, SupervisionOrder
from chasing.scores import score_units
from chasing.tests.clock import on
from chasing.tests.test_sweep import Nov, sweep_month
from chasing.tests.world import build_month
from tasks.tests.factories import make_task, make_unit

pytestmark = pytest.mark.django_db

DEC_4 = datetime.date(2026, 12, 4)
BY_HAND = {
    "区甲局": Decimal("65.00"),
    "区乙局": Decimal("97.00"),
    "区丙局": Decimal("65.00"),
    "丽阳镇": Decimal("100.00"),
}


@pytest.fixture
def month(settings):
    settings.GOVTASKS_REMINDER_DAYS_BEFORE = 3
    settings.GOVTASKS_ESCALATION_STEP_DAYS = 7
    settings.GOVTASKS_SUPERVISION_REPLY_DAYS = 5
    settings.GOVTASKS_REPORT_DUE_DAY = 25
    world = build_month()

    def act(day):
        order = SupervisionOrder.objects.filter(unit=world.silent).first()
        if day == Nov(30):
            with on(day, hour=16):
                services.order_answer(order=order, actor=world.silent_liaison, reply="已制定整改方案")

    sweep_month(world, act=act)
    return world


def logged_in(user):
    """A client whose session was opened on DEC_4 (a session opened today would have expired by then)."""
    client = Client()
    with on(DEC_4):
        client.force_login(user)
    return client


def page_scores(client, year=2026):
    with on(DEC_4):
        response = client.get("/chasing/scores/", {"year": year})
    assert response.status_code == 200
    return response, {score.unit.name: score.score for score in response.context["scoring"].units}


def test_the_page_shows_the_scores_computed_by_hand(month):
    client = logged_in(month.office)

    response, shown = page_scores(client)

    assert shown == BY_HAND
    ranked = [score.unit.name for score in response.context["scoring"].units]
    assert ranked[:2] == ["丽阳镇", "区乙局"] and set(ranked[2:]) == {"区甲局", "区丙局"}
    assert "各乡镇（街道）" not in ranked
    page = response.content.decode()
    assert "只有督查室在任务上直接列出或点名该成员单位承办时才计入其考核" in page


def test_every_lost_point_links_to_what_caused_it(month):
    with on(DEC_4):
        scores = {s.unit.name: s for s in score_units(2026).units}
    silent, diligent = scores["区甲局"], scores["区乙局"]
    t1, t2, t3 = month.tasks[:3]

    assert [c.url for c in silent.missed_reports] == [f"/tasks/{t1.pk}/"] * 2
    assert [c.text for c in silent.unanswered] == ["督办〔2026〕第1号"]
    assert silent.unanswered[0].url == SupervisionOrder.objects.get(unit=month.silent).get_absolute_url()
    assert [c.url for c in diligent.closed_late] == [f"/tasks/{t3.pk}/"]
    returned = diligent.returned[0].url
    assert returned.startswith("/reports/") and f"{t2.label}. 2026-09" in diligent.returned[0].text
    assert (silent.lost["reports"], silent.lost["unanswered"]) == (Decimal("30.00"), Decimal("5.00"))
    client = logged_in(month.leader)
    with on(DEC_4):
        page = client.get(f"/chasing/scores/units/{month.diligent.pk}/", {"year": 2026}).content.decode()
    assert f'href="/tasks/{t3.pk}/"' in page and f'href="{returned}"' in page


def test_last_years_scores_keep_last_years_rule(month):
    ScoreRule.objects.create(valid_from=datetime.date(2026, 1, 1), unanswered=Decimal(10))
    ScoreRule.objects.create(valid_from=datetime.date(2027, 1, 1), unanswered=Decimal(20), report_points=Decimal(50))

    with on(datetime.date(2027, 1, 5)):
        scoring = score_units(2026)

    assert scoring.rule.valid_from == datetime.date(2026, 1, 1)
    assert {s.unit.name: s.score for s in scoring.units}["区甲局"] == Decimal("60.00")  # 100 − 30 − 10


def test_the_export_holds_the_pages_scores_and_keeps_text_as_text(month):
    month.silent.name = '=HYPERLINK("http://x")区甲局'
    month.silent.save()
    client = logged_in(month.office)

    with on(DEC_4):
        response = client.get("/chasing/scores/", {"year": 2026, "export": "xlsx"})

    sheet = load_workbook(io.BytesIO(response.content)).active
    rows = {row[1]: row for row in sheet.iter_rows(min_row=3, values_only=True)}
    assert rows['=HYPERLINK("http://x")区甲局'][2] == 65
    assert (
        sheet.cell(
            row=[r[1] for r in sheet.iter_rows(values_only=True)].index(month.silent.name) + 1, column=2
        ).data_type
        == "s"
    )
    assert rows["区乙局"][2] == 97 and rows["区乙局"][7] == 1  # one 逾期办结
    assert "逾期办结：3." in rows["区乙局"][11]


def test_the_ranking_costs_the_same_queries_for_few_and_many_units(month):
    client = logged_in(month.office)
    page_scores(client)  # today's stored states are filled once

    with on(DEC_4), CaptureQueriesContext(connection) as few:
        client.get("/chasing/scores/", {"year": 2026})
    for n in range(30):
        unit = make_unit(f"区新增单位{n}")
        make_task(100 + n, document=month.document, lead=[unit], deadline=datetime.date(2026, 11, 1))
    page_scores(client)
    with on(DEC_4), CaptureQueriesContext(connection) as many:
        response = client.get("/chasing/scores/", {"year": 2026})

    assert len(response.context["scoring"].units) == 34
    assert len(many) == len(few) <= 16


def test_only_the_office_and_leaders_see_scores(month):
    client = logged_in(month.silent_liaison)

    assert client.get("/chasing/scores/").status_code == 403
    assert client.get(f"/chasing/scores/units/{month.silent.pk}/").status_code == 403


def test_a_malformed_year_shows_this_year_with_a_message(month):
    client = logged_in(month.office)

    with on(DEC_4):
        response = client.get("/chasing/scores/", {"year": "<script>"})

    assert response.status_code == 200 and response.context["year"] == 2026
    assert "<script>" not in response.content.decode()


def test_a_member_the_office_names_for_its_collectives_task_answers_for_it(month):
    from tasks.closure.services import member_assign  # noqa: PLC0415

    t5 = month.tasks[4]
    t5.deadline = datetime.date(2026, 11, 28)
    t5.save()
    with on(DEC_4):
        before = {s.unit.name: s for s in score_units(2026).units}["丽阳镇"]
    with on(Nov(1)):
        member_assign(task=t5, actor=month.office, unit=month.town)
    with on(DEC_4):
        after = {s.unit.name: s for s in score_units(2026).units}["丽阳镇"]

    assert (before.reports_owed, before.overdue, before.score) == (0, [], Decimal("100.00"))
    # Named for 各乡镇（街道）'s share of the task it leads: it owes October's and November's reports (sent
    # on time, on the 22nd) and the task, past its deadline of 28 November, is overdue against it.
    assert (after.reports_owed, after.reports_on_time) == (2, 2)
    assert [c.url for c in after.overdue] == [f"/tasks/{t5.pk}/"]
    assert after.score == Decimal("95.00")
