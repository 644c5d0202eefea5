"""Other offices' real notices (fixtures/corpus/) read against their hand-made gold, in every format.

The corpus stands for the kinds of documents an office receives; more of the same kinds
are kept aside, so nothing here is tuned to one file. See corpus.py for the scoring and
README "Reading other offices' notices" for the table it prints.
"""

import pytest

from tasks.importers.uploads import import_files, parse_file
from tasks.models import Document, Task, TaskUnit, Unit

from .corpus import CORPUS, facts_the_file_lacks, files_of, gold_of, raw_of, score, stems

CASES = [(stem, fmt, path) for stem in stems() for fmt, path in files_of(stem)]


def test_the_corpus_holds_41_assignment_tasks_in_five_notices():
    tasks = [task for stem in stems() for task in gold_of(stem).get("tasks", [])]
    assert len(tasks) == 41
    assert len([stem for stem in stems() if gold_of(stem)["kind"] == "assignment"]) == 5


@pytest.mark.parametrize(("stem", "fmt", "path"), CASES, ids=[f"{stem}.{fmt}" for stem, fmt, _path in CASES])
def test_every_file_reads_as_its_gold(stem, fmt, path):
    result = score(stem, fmt, path=path)
    assert result.kind_right, result.problems
    assert result.found == result.expected, result.problems
    assert (result.text, result.lead, result.responsible) == (result.expected,) * 3, result.problems
    assert result.deadlines == result.deadlines_expected, result.problems


@pytest.mark.parametrize(("stem", "word"), [("zhenping-2020-tongbao", "通报")])
def test_a_bulletin_is_refused_as_what_it_is(stem, word):
    result = score(stem, "txt", path=CORPUS / f"{stem}.txt")
    assert result.found == 0
    assert any(word in problem and "不是任务分工" in problem for problem in result.problems)


@pytest.mark.parametrize("fmt", ["txt", "pdf"])
def test_the_2017_record_is_meeting_1_of_2017_with_its_items(fmt):
    gold = gold_of("zhonglou-2017-meeting1")["meeting"]
    path = CORPUS / "zhonglou-2017-meeting1.txt"
    (handler, meeting), *_others = parse_file(path.name, raw_of(fmt, path))[0]
    assert handler.name == "常务会议纪要"
    assert (meeting.number, meeting.held_on.isoformat(), meeting.part_of_day) == (1, gold["date"], "上午")
    assert (meeting.chair, meeting.chair_title, meeting.title) == ("董彩凤", "区长", "区政府2017年度第1次常务会议")
    # Every numbered item, the withheld "略" ones included; 二 approves its document conditionally.
    assert [item.subject for item in meeting.items] == [
        "区政府领导工作分工",
        "《招商引资项目区内异地落户管理意见(试行)》",
        "略",
        "政务服务中心设立综合窗口事宜",
        "略",
        "《区级部门公共服务事项清单》",
    ]
    assert len(meeting.items) == len(gold["items"])
    assert meeting.items[1].kind == "approve"


@pytest.mark.django_db
def test_every_assignment_imports_and_a_second_import_changes_nothing():
    files = [
        (path.name, path.read_bytes(), facts_the_file_lacks(gold_of(stem)))
        for stem in stems()
        if gold_of(stem)["kind"] == "assignment"
        for fmt, path in files_of(stem)
        if fmt == "docx"
    ]
    for name, raw, given in files:
        import_files([(name, raw)], given=given)
    assert Task.objects.count() == 41
    assert Document.objects.count() == 5
    # The lead rule note is not a unit; glued names were split.
    assert not Unit.objects.filter(name__contains="下同").exists()
    assert {"区发改局", "区统计局", "晋陵公司", "轨道公司"} <= set(Unit.objects.values_list("name", flat=True))
    before = list(TaskUnit.objects.order_by("pk").values_list("pk", "task_id", "unit_id", "role", "position"))
    for name, raw, given in files:
        result = import_files([(name, raw)], given=given)
        assert not result.changes.changed, result.changes.lines()
    assert list(TaskUnit.objects.order_by("pk").values_list("pk", "task_id", "unit_id", "role", "position")) == before


@pytest.mark.django_db
def test_the_run_together_text_imports_as_its_gold_reads_and_a_second_import_changes_nothing():
    gold = gold_of("zhonglou-2021")
    given = facts_the_file_lacks(gold)
    text = CORPUS / "zhonglou-2021.txt"
    import_files([(text.name, text.read_bytes())], given=given)

    def written():
        return [
            (
                task.text,
                [link.unit.name for link in task.task_units.filter(role="lead").order_by("position")],
                [link.unit.name for link in task.task_units.filter(role="responsible").order_by("position")],
            )
            for task in Task.objects.order_by("number")
        ]

    from_text = written()
    assert from_text == [(task["text"], task["lead"], task["responsible"]) for task in gold["tasks"]]
    assert not import_files([(text.name, text.read_bytes())], given=given).changes.changed
    assert written() == from_text
