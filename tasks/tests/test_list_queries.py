"""A page fetched in two steps (keys first, then the rows' derived columns; BaseTable) holds
the rows of the one-query page, in its order, for every sort, on data with every status."""

import datetime
import io

import pytest
from django.core.management import call_command
from django.http import QueryDict
from django.test import RequestFactory

from tasks.state import tasks_as_of
from tasks.tables import TaskTable

AS_OF = datetime.date(2021, 11, 30)


@pytest.fixture
def demo(db):
    call_command(
        "generate_demo", tasks=300, units=20, reports_per_task=2, seed=7, as_of=AS_OF.isoformat(), stdout=io.StringIO()
    )


@pytest.mark.parametrize("as_of", [AS_OF, None], ids=["derived", "stored today"])
@pytest.mark.parametrize("sort", ["", "deadline", "-deadline", "status", "-percent", "light"])
def test_every_page_fetched_in_two_steps_holds_the_rows_of_the_one_query_page(demo, sort, as_of):
    # Pages of the second half are read backwards from the end (fetch_page_in_two_steps).
    per_page = 40
    tasks = tasks_as_of(as_of)
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
