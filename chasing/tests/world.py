"""A crafted month (November 2026) in which one unit never reports.

Notice issued 15 October 2026, tasks due 31 December (77 days): the expected progress (序时进度)
runs pro rata, so a task without a report is more than 30 points behind — red — from 8 November
((24 × 100) // 77 = 31). 区甲局 (a liaison, never reports) leads task 1. 区乙局 (a liaison) leads
task 2 and reports every month on time (accepted); task 3 (区乙局 too, due 30 November) it reports
and closes late, on 3 December. 区丙局 has no liaison and leads task 4, also never reported.
丽阳镇 reaches task 5 only through 各乡镇（街道）, which leads it; the office never assigned 丽阳镇.
"""

import datetime
from types import SimpleNamespace

from tasks import roles
from tasks.models import ProgressReport
from tasks.tests.factories import at, make_closure, make_document, make_report, make_task, make_unit, make_user

ISSUED = datetime.date(2026, 10, 15)
DUE = datetime.date(2026, 12, 31)
NOVEMBER = (datetime.date(2026, 11, 1), datetime.date(2026, 11, 30))


def build_month():
    document = make_document(number="昌府办字〔2026〕9号", title="2026年重点工作任务责任分工", issued_on=ISSUED)
    silent = make_unit("区甲局")
    diligent = make_unit("区乙局")
    phoneless = make_unit("区丙局")
    town = make_unit("丽阳镇", kind="township")
    towns = make_unit("各乡镇（街道）", kind="collective", members=[town])
    t1 = make_task(1, document=document, lead=[silent], responsible=[diligent], deadline=DUE, text="建设陶瓷产业园")
    t2 = make_task(2, document=document, lead=[diligent], deadline=DUE, text="盘活存量资金")
    t3 = make_task(3, document=document, lead=[diligent], deadline=datetime.date(2026, 11, 30), text="完成国企改革")
    t4 = make_task(4, document=document, lead=[phoneless], deadline=DUE, text="整治城区交通秩序")
    t5 = make_task(5, document=document, lead=[towns], deadline=DUE, text="推进乡镇标准厂房建设")
    # 区乙局 reports on time every month: October on the 20th, November on the 20th, each accepted the next day.
    for task, percents in ((t2, (25, 55)), (t3, (60, 95))):
        for month, percent in zip((10, 11), percents, strict=True):
            make_report(
                task=task,
                unit=diligent,
                percent=percent,
                period=datetime.date(2026, month, 1),
                submitted_at=at(datetime.date(2026, month, 20)),
                reviewed_at=at(datetime.date(2026, month, 21)),
            )
    # One of 区乙局's reports was returned once (a correction followed, on time).
    make_report(
        task=t2,
        unit=diligent,
        percent=12,
        period=datetime.date(2026, 9, 1),
        state=ProgressReport.State.RETURNED,
        submitted_at=at(datetime.date(2026, 10, 16)),
        reviewed_at=at(datetime.date(2026, 11, 2)),
    )
    # The members of 各乡镇（街道） report task 5 (丽阳镇 for them), keeping it off red.
    for month, percent in ((10, 25), (11, 55)):
        make_report(
            task=t5,
            unit=town,
            percent=percent,
            period=datetime.date(2026, month, 1),
            submitted_at=at(datetime.date(2026, month, 22)),
            reviewed_at=at(datetime.date(2026, month, 23)),
        )
    make_closure(
        task=t3,
        unit=diligent,
        requested_at=at(datetime.date(2026, 12, 2)),
        closed_at=at(datetime.date(2026, 12, 3)),
    )
    return SimpleNamespace(
        document=document,
        silent=silent,
        diligent=diligent,
        phoneless=phoneless,
        town=town,
        towns=towns,
        tasks=[t1, t2, t3, t4, t5],
        silent_liaison=make_user("jia", role=roles.LIAISON, unit=silent, email="jia@example.org"),
        diligent_liaison=make_user("yi", role=roles.LIAISON, unit=diligent),
        office=make_user("office", role=roles.OFFICE),
        leader=make_user("leader", role=roles.LEADER),
    )
