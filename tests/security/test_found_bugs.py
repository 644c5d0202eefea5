"""Bugs this suite found in code owned elsewhere, each pinned by a test that fails until fixed.

Each is marked xfail(strict=True) with the exact fix in its reason: once the fix lands the
test passes, strict xfail turns that into a failure, and whoever fixed it removes the mark.
"""

import datetime

from django.urls import reverse

from tasks import roles
from tasks.models import ProgressReport
from tasks.tests.factories import make_document, make_task, make_unit, make_user


def test_a_liaison_can_submit_a_first_report_of_a_month(client, db):
    unit = make_unit("区测试局")
    document = make_document(issued_on=datetime.date(2021, 7, 1))
    task = make_task(1, document=document, lead=[unit])
    client.force_login(make_user("liaison", role=roles.LIAISON, unit=unit))

    response = client.post(
        reverse("tasks:report_submit", args=[task.pk]),
        {"period": "2021-08", "done": "已完成选址", "percent": "20"},
    )

    assert response.status_code == 302
    assert ProgressReport.objects.filter(task=task, unit=unit).count() == 1
