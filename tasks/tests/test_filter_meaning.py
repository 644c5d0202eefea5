"""What each TaskFilterSet parameter means, on make_sample_world's five tasks as of AS_OF.

test_filtersets.py has one assertion per parameter; the two the office's chase list rests on —
本期未报送 (`unreported`) and 落后序时进度不少于 N (`behind`) — had none, so either could be
inverted or turned from ≥ into > unnoticed. The last test fails when a parameter is added
without a test of its meaning.
"""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from tasks.filtersets import TaskFilterSet
from tasks.models import Task
from tasks.state import tasks_as_of
from tasks.tests.factories import AS_OF, make_sample_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_sample_world()


def numbers(**params):
    tasks = TaskFilterSet(QueryDict(urlencode(params)), queryset=tasks_as_of(AS_OF))
    assert tasks.is_valid(), tasks.errors
    return sorted(task.number for task in tasks.qs)


def test_the_sample_worlds_gaps_and_reports_as_of_the_first_of_july(world):
    # Expected progress runs pro rata from 1 March: 40 by 1 July for a year-end deadline, 93 for
    # 10 July, 100 for 30 June. June's reports were due on the 25th: tasks 2 and 4 sent none.
    rows = tasks_as_of(AS_OF).with_light_reasons().order_by("number")
    assert list(rows.values_list("number", "gap", "not_reported")) == [
        (1, -10, False),
        (2, 100, True),
        (3, -7, False),
        (4, 40, True),
        (5, 3, False),
    ]


def test_unreported_true_lists_the_tasks_no_lead_unit_reported_this_period(world):
    assert numbers(unreported="true") == [2, 4]


def test_unreported_false_lists_the_tasks_reported_this_period(world):
    assert numbers(unreported="false") == [1, 3, 5]


@pytest.mark.parametrize(("behind", "expected"), [(3, [2, 4, 5]), (4, [2, 4]), (40, [2, 4]), (41, [2]), (100, [2])])
def test_behind_n_lists_the_tasks_at_least_n_points_behind(world, behind, expected):
    assert numbers(behind=behind) == expected


@pytest.mark.parametrize("behind", ["0", "101", "2.5", "多"])
def test_behind_outside_1_to_100_is_an_error(world, behind):
    assert not TaskFilterSet(QueryDict(urlencode({"behind": behind})), queryset=Task.objects.all()).is_valid()


def test_chase_list_unreported_and_behind_combine(world):
    assert numbers(unreported="true", behind=41) == [2]


# Each parameter and the tests of its meaning (here and in test_filtersets.py).
MEANINGS = {
    "q": "test_keyword, test_every_keyword_must_occur",
    "unit": "test_unit_by_canonical_name, test_unit_by_alias, test_unit_includes_tasks_of_its_collectives",
    "role": "test_role_lead, test_role_responsible, test_role_any, test_answerable: test_the_unit_lists_overdue_…",
    "section": "test_section",
    "subsection": "test_subsection",
    "status": "test_status",
    "light": "test_light",
    "livelihood": "test_livelihood_true, test_livelihood_false",
    "overdue": "test_overdue_true, test_overdue_false",
    "behind": "test_behind_n_lists_the_tasks_at_least_n_points_behind",
    "unreported": "test_unreported_true_lists_…, test_unreported_false_lists_…",
    "deadline_after": "test_deadline_after",
    "deadline_before": "test_deadline_before",
    # The day the states are derived for, read by the view (test_views: test_task_list_as_of_gives_status_on_that_day).
    "as_of": "test_the_as_of_field_narrows_nothing_by_itself",
}


def test_the_as_of_field_narrows_nothing_by_itself(world):
    assert numbers(as_of="2021-07-01") == numbers()


def test_every_parameter_has_a_test_of_its_meaning():
    assert sorted(TaskFilterSet.base_filters) == sorted(MEANINGS)
