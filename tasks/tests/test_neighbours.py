"""Previous / next on a task page: the rows around the task in the list it was opened from.

ObjectListView.neighbours() finds them from the task's own sort keys; whatever the filter
and the order, they must be the rows before and after it in the list itself.
"""

import pytest
from django.http import QueryDict
from django.test import RequestFactory

from tasks.models import Task
from tasks.tests.factories import build_world, make_user
from tasks.views import TaskListView


@pytest.fixture
def office_view(db):
    build_world()
    # Ties in every sort key but the last: two tasks share a deadline, status and light.
    Task.objects.filter(pk__in=Task.objects.order_by("pk").values("pk")[:6]).update(
        deadline=Task.objects.order_by("pk").first().deadline
    )
    request = RequestFactory().get("/")
    request.user = make_user("superuser")
    request.user.is_superuser = True
    view = TaskListView()
    view.setup(request)
    return view


@pytest.mark.parametrize(
    "query",
    [
        "",
        "sort=-number",
        "sort=deadline",
        "sort=-deadline",
        "sort=status",
        "sort=-light",
        "sort=percent",
        "unit=丽阳镇&sort=-status",
        "section=2&sort=deadline",
        "status=overdue",
    ],
)
def test_previous_and_next_are_the_rows_around_the_task_in_its_list(office_view, query):
    params = QueryDict(query)
    _filterset, queryset = office_view.filtered_queryset(params)
    listed = list(office_view.get_table(queryset, params, paginate=False).data.data.values_list("pk", flat=True))
    assert len(listed) > 2
    for index, pk in enumerate(listed):
        previous = listed[index - 1] if index else None
        following = listed[index + 1] if index + 1 < len(listed) else None
        assert office_view.neighbours(params, pk) == (previous, following), (query, index)
    outside = Task.objects.exclude(pk__in=listed).values_list("pk", flat=True).first()
    if outside:
        assert office_view.neighbours(params, outside) == (None, None)
