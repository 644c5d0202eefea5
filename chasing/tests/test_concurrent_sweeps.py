"""Two sweeps of the same day at once, on PostgreSQL: one set of steps, one order per unit, numbers without gaps.

Each sweep runs in its own thread with its own connection; they meet on the unique index of open
spells and on the row locks of the spells and of the year's order counter.
"""

import threading

import pytest
from django.db import connection, connections

from chasing.models import EscalationStep, SupervisionOrder
from chasing.sweep import daily_sweep
from chasing.tests.clock import on
from chasing.tests.test_sweep import Nov
from chasing.tests.world import build_month

pytestmark = [
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="row locks: PostgreSQL only (SQLite runs one writer)"),
]


def test_two_sweeps_at_once_write_each_order_once(settings):
    settings.GOVTASKS_ESCALATION_STEP_DAYS = 7
    world = build_month()
    for day in (Nov(8), Nov(15)):
        with on(day, hour=7):
            daily_sweep(day)
    errors = []
    start = threading.Barrier(2)

    def sweep():
        try:
            start.wait()
            daily_sweep(Nov(22))
        except Exception as error:  # noqa: BLE001 — reported to the test below
            errors.append(error)
        finally:
            connections.close_all()

    with on(Nov(22), hour=7):
        threads = [threading.Thread(target=sweep) for _ in range(2)]
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join(timeout=120)

    assert errors == []
    numbers = sorted(SupervisionOrder.objects.values_list("unit__name", "number"))
    assert sorted(n for _u, n in numbers) == [1, 2]
    assert {u for u, _n in numbers} == {world.silent.name, world.phoneless.name}
    assert EscalationStep.objects.filter(level=3).count() == 2
    assert EscalationStep.objects.filter(escalation__task=world.tasks[0]).count() == 3
