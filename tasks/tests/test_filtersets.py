"""One assertion per TaskFilterSet parameter, on a world whose answers are known (factories.make_sample_world)."""

from urllib.parse import urlencode

import pytest
from django.http import QueryDict

from tasks.filtersets import TaskFilterSet, UnitFilterSet
from tasks.state import tasks_as_of, units_as_of
from tasks.tests.factories import AS_OF, make_sample_world

pytestmark = pytest.mark.django_db


@pytest.fixture
def world():
    return make_sample_world()


def filterset(**params):
    return TaskFilterSet(QueryDict(urlencode(params)), queryset=tasks_as_of(AS_OF))


def numbers(**params):
    tasks = filterset(**params)
    assert tasks.is_valid(), tasks.errors
    return sorted(task.number for task in tasks.qs)


def test_sample_world_status_and_light(world):
    rows = tasks_as_of(AS_OF).order_by("number").values_list("number", "status", "light")
    assert list(rows) == [
        (1, "in_progress", "green"),
        (2, "overdue", "red"),
        (3, "done", "green"),
        (4, "not_started", "red"),
        (5, "in_progress", "yellow"),
    ]


def test_no_parameters_lists_everything(world):
    assert numbers() == [1, 2, 3, 4, 5]


def test_unit_by_canonical_name(world):
    assert numbers(unit="区市场监管局") == [1, 2]


def test_unit_by_alias(world):
    assert numbers(unit="区市监局") == [1, 2]


def test_unit_includes_tasks_of_its_collectives(world):
    assert numbers(unit="丽阳镇") == [2, 3, 4]


def test_unit_rows_say_which_collective(world):
    rows = filterset(unit="丽阳镇").qs.order_by("number")
    assert [row.via_collective for row in rows] == ["各乡镇（街道）", "", "各乡镇（街道）"]


def test_unknown_unit_is_an_error_with_close_matches(world):
    tasks = filterset(unit="区市监")
    assert not tasks.is_valid() and tasks.errors["unit"] == [
        "没有名为“区市监”的单位。您是不是要找：区市监局、区市场监管局、区市场监督局"
    ]


def test_role_lead(world):
    assert numbers(unit="丽阳镇", role="lead") == [3, 4]


def test_role_responsible(world):
    assert numbers(unit="区市场监管局", role="responsible") == [1]


def test_role_any(world):
    assert numbers(unit="区发改委", role="any") == [1, 5]


def test_role_without_unit_is_an_error(world):
    assert not filterset(role="lead").is_valid()


def test_section(world):
    assert numbers(section=2) == [3, 4, 5]


def test_section_must_be_a_whole_number(world):
    assert not filterset(section="1.5").is_valid()


def test_subsection(world):
    assert numbers(subsection=1) == [1]


def test_status(world):
    assert numbers(status="done") == [3]


def test_unknown_status_is_an_error(world):
    assert not filterset(status="finished").is_valid()


def test_light(world):
    assert numbers(light="yellow") == [5]


def test_livelihood_true(world):
    assert numbers(livelihood="true") == [1]


def test_livelihood_false(world):
    assert numbers(livelihood="false") == [2, 3, 4, 5]


def test_livelihood_rejects_other_values(world):
    assert not filterset(livelihood="maybe").is_valid()


def test_overdue_true(world):
    assert numbers(overdue="true") == [2]


def test_overdue_false(world):
    assert numbers(overdue="false") == [1, 3, 4, 5]


def test_deadline_after(world):
    assert numbers(deadline_after="2021-07-01") == [1, 3, 4, 5]


def test_deadline_before(world):
    assert numbers(deadline_before="2021-07-10") == [2, 3, 5]


def test_malformed_deadline_is_an_error(world):
    assert not filterset(deadline_after="2021-13-45").is_valid()


def test_keyword(world):
    assert numbers(q="陶瓷") == [1]


def test_every_keyword_must_occur(world):
    assert numbers(q="推进 工业") == [4]


def test_filters_combine(world):
    assert numbers(unit="丽阳镇", section=2, status="not_started") == [4]


def test_unit_filterset_finds_units_by_alias(world):
    units = UnitFilterSet(QueryDict("q=市监"), queryset=units_as_of(AS_OF))
    assert [unit.name for unit in units.qs] == ["区市场监管局"]


def test_unit_filterset_kind(world):
    units = UnitFilterSet(QueryDict("kind=collective"), queryset=units_as_of(AS_OF))
    assert [unit.name for unit in units.qs] == ["各乡镇（街道）"]
