"""The synthetic notice bench/synthetic_notice.py builds imports as the 2021 notice does, at any size,
and a second import of it changes nothing."""

import pytest

from bench.synthetic_notice import synthetic_notice
from tasks.importers.report import SourceError
from tasks.importers.uploads import import_files
from tasks.models import Task, TaskUnit


@pytest.mark.django_db
def test_three_times_the_notice_imports_and_imports_again_unchanged():
    raw = synthetic_notice(3).encode()
    first = import_files([("synthetic.txt", raw)])
    assert [len(notice.tasks) for notice in first.notices] == [3 * 84]
    assert Task.objects.count() == 252
    links = TaskUnit.objects.count()
    again = import_files([("synthetic.txt", raw)])
    assert not again.changes.changed, again.changes.lines()
    assert Task.objects.count() == 252 and TaskUnit.objects.count() == links


@pytest.mark.django_db
def test_a_repeated_task_number_is_still_refused():
    text = synthetic_notice(2).replace("\t4\n", "\t2\n", 1)
    with pytest.raises(SourceError, match="任务序号2重复"):
        import_files([("synthetic.txt", text.encode())])
    assert not Task.objects.exists()
