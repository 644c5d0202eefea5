"""Bugs this suite found in code owned elsewhere, each pinned by a test that fails until fixed.

Each is marked xfail(strict=True) with the exact fix in its reason: once the fix lands the
test passes, strict xfail turns that into a failure, and whoever fixed it removes the mark.
"""

import datetime

import pytest
from django.db import connection
from django.urls import reverse

from tasks import roles
from tasks.models import ProgressReport
from tasks.tests.factories import make_document, make_task, make_unit
from tasks.tests.people import make_user


@pytest.mark.xfail(
    connection.vendor == "postgresql",
    strict=True,
    reason=(
        "tasks/services.py progress_report_submit: `same_month = ProgressReport.objects.select_for_update()"
        ".filter(...)` then `.filter(state=RETURNED, resubmission__isnull=True)` joins the reverse one-to-one "
        "with a LEFT OUTER JOIN, and PostgreSQL refuses FOR UPDATE on the nullable side of an outer join "
        "(NotSupportedError → HTTP 500 on every first report of a month). Fix: "
        '`select_for_update(of=("self",))` on that queryset. SQLite ignores FOR UPDATE, so only PostgreSQL fails.'
    ),
)
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
