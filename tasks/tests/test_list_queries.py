"""The fast paths of the task list give the answers of the slow ones they replace.

Filters on status and overdue are EXISTS conditions (`status_conditions`), not the status
annotation; a page is fetched by primary keys first, then annotated (BaseTable). Both are
checked here against the plain definitions on synthetic data that holds every status.
"""

import datetime
import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import RequestFactory

from tasks.filtersets import TaskFilterSet
from tasks.models import Task
from tasks.querysets import status_conditions
from tasks.tables import TaskTable

AS_OF = datetime.date(2021, 11, 30)
# The day the data is made for, a day in the middle of the year, and one after every deadline.
DAYS = [AS_OF, datetime.date(2021, 7, 15), datetime.date(2023, 1, 1)]


@pytest.fixture
def demo(db):
    call_command(
        "generate_demo", tasks=300, units=20, reports_per_task=2, seed=7, as_of=AS_OF.isoformat(), stdout=io.StringIO()
    )


def pks(queryset):
    return set(queryset.values_list("pk", flat=True))


@pytest.mark.parametrize("as_of", DAYS)
def test_each_status_condition_selects_exactly_the_tasks_of_that_status(demo, as_of):
    tasks = Task.objects.with_progress(as_of)
    seen = set()
    for status in Task.Status.values:
        expected = pks(tasks.filter(status=status))
        assert pks(tasks.with_status(status)) == expected, status
        seen |= expected
    assert seen == pks(Task.objects.all())


@pytest.mark.parametrize("as_of", DAYS)
def test_the_overdue_filter_agrees_with_the_status_both_ways(demo, as_of):
    tasks = Task.objects.with_progress(as_of)
    overdue = status_conditions(as_of)[Task.Status.OVERDUE]
    assert pks(tasks.filter(overdue)) == pks(tasks.filter(status=Task.Status.OVERDUE))
    assert pks(tasks.filter(~overdue)) == pks(tasks.exclude(status=Task.Status.OVERDUE))
    params = {"overdue": "true", "as_of": as_of.isoformat()}
    filterset = TaskFilterSet(params, queryset=tasks)
    assert filterset.is_valid()
    assert pks(filterset.qs) == pks(tasks.filter(status=Task.Status.OVERDUE))


@pytest.mark.parametrize("sort", ["", "deadline", "-deadline", "status", "-percent", "light"])
def test_every_page_fetched_in_two_steps_holds_the_rows_of_the_one_query_page(demo, sort):
    per_page = 40
    tasks = Task.objects.with_progress(AS_OF)
    request = RequestFactory().get("/tasks/")
    pages = []
    for number in range(1, 300 // per_page + 2):
        params = {"per_page": per_page, "page": number, **({"sort": sort} if sort else {})}
        table = TaskTable(tasks).configure(request, _query(params))
        pages.append([row.record.pk for row in table.page.object_list])
        # The rows carry their derived columns, as the one-query page did.
        assert all(hasattr(row.record, "status") for row in table.page.object_list)
    whole = TaskTable(tasks).configure(request, _query({"sort": sort} if sort else {}), paginate=False)
    ordered = list(whole.data.data.values_list("pk", flat=True))
    assert [pk for page in pages for pk in page] == ordered


def _query(params):
    query = QueryDict(mutable=True)
    query.update({key: str(value) for key, value in params.items()})
    return query
