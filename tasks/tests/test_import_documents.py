"""import_documents on a real database: the 2021 data exactly, idempotent, atomic, honest."""

import datetime
import io
import json

import pytest
from django.core import serializers
from django.core.management import call_command
from django.core.management.base import CommandError

from commendations.models import Decision, Enterprise, Honour, HonourList
from meetings.models import AgendaItem, EnterpriseMention, Meeting, MeetingOrder
from tasks.models import Document, Section, Subsection, Task, TaskUnit, Unit, UnitAlias

from .conftest import SOURCE_2021

FIXTURE = SOURCE_2021.with_suffix(".json")
IMPORTED_MODELS = [
    Unit, UnitAlias, Document, Section, Subsection, Task, TaskUnit,
    Decision, Enterprise, HonourList, Honour, Meeting, AgendaItem, MeetingOrder, EnterpriseMention,
]  # fmt: skip


def run_import(*paths, dry_run=False):
    out = io.StringIO()
    call_command("import_documents", *(str(path) for path in paths), dry_run=dry_run, stdout=out)
    return out.getvalue()


def snapshot():
    """Every imported row, as (model, pk, fields): equal snapshots mean an unchanged database."""
    return {
        model.__name__: json.loads(serializers.serialize("json", model.objects.order_by("pk")))
        for model in IMPORTED_MODELS
    }


def names(task, role):
    return [tu.unit.name for tu in task.task_units.filter(role=role).order_by("position")]


@pytest.fixture
def imported(db):
    return run_import(SOURCE_2021)


def notice_task(number):
    return Task.objects.get(source=Task.Source.NOTICE, number=number)


# --- the data, exactly --------------------------------------------------------------------


def test_84_tasks_in_7_sections_with_their_subsections(imported):
    assert Task.objects.filter(source=Task.Source.NOTICE).count() == 84
    assert list(Task.objects.filter(source=Task.Source.NOTICE).values_list("number", flat=True)) == list(range(1, 85))
    assert list(Section.objects.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6, 7]
    assert [section.subsections.count() for section in Section.objects.all()] == [2, 3, 3, 3, 3, 4, 4]
    assert Section.objects.get(number=1).numbering == "1、"
    assert Section.objects.get(number=3).declared_count == 15
    task = notice_task(13)
    assert (task.section.number, task.subsection.number) == (2, 3)
    assert task.subsection.title == "增强科技创新驱动力。"


def test_task_text_is_exactly_as_written(imported):
    assert notice_task(1).text == "做优日用陶瓷，加快景德镇陶瓷生产基地建设，引进一批国内外知名陶瓷企业。"
    assert notice_task(64).text == "建成市社会福利中心,改造提升20所敬老院。"  # the ASCII comma is the document's
    assert notice_task(1).source_line == 114
    assert "⇥" not in notice_task(1).source_text and "区商务局" in notice_task(1).source_text


@pytest.mark.parametrize(
    ("number", "lead", "responsible"),
    [
        (1, ["区工信局", "区发改委", "区商务局"], ["市自然资源规划局昌江分局", "各乡镇（街道）"]),
        (2, ["区文广新旅局", "区政府办"], ["区委组织部", "各乡镇（街道）"]),
        (4, ["区工信局", "区发改委", "区重点项目中心"], ["区市场监督管理局", "区国资公司", "鲇鱼山镇"]),
        (25, ["区文广新旅局", "区财政局", "区政府金融办"], ["各乡镇（街道）"]),
        (27, ["区发改委"], ["区工信局", "区农业农村水利局", "区商务局", "各乡镇（街道）"]),
        (57, ["区委宣传部", "区常态长效创建全国文明城市工作指挥部"], ["各乡镇（街道）"]),
        (58, ["区委宣传部", "区常态长效创建全国文明城市工作指挥部", "区财政局"], ["各乡镇（街道）"]),
        (70, ["区人社局", "区工信局"], ["区总工会", "区工商联", "区市场监督管理局", "各乡镇（街道）"]),
        (72, ["吕蒙乡"], ["区农业农村水利局"]),
        (
            77,
            ["昌江生态环境局", "区农业农村水利局"],
            ["区发改委", "市自然资源规划局昌江分局", "区城管局", "各乡镇（街道）"],
        ),
        (79, ["区发改委"], ["区林业局", "区农业农村水利局", "各乡镇（街道）"]),
        (82, ["区信访局"], ["各乡镇（街道）", "区直有关单位"]),
    ],
)
def test_lead_and_responsible_units_in_document_order(imported, number, lead, responsible):
    task = notice_task(number)
    assert names(task, TaskUnit.Role.LEAD) == lead
    assert names(task, TaskUnit.Role.RESPONSIBLE) == responsible


def test_the_name_as_written_is_kept_beside_the_unit(imported):
    link = notice_task(2).task_units.get(unit__name="区政府办")
    assert link.name_as_written == "区政府办（外事办）"
    assert notice_task(13).task_units.get(role=TaskUnit.Role.LEAD).name_as_written == "区市监局"


def test_one_unit_per_organisation_however_spelled(imported):
    market = Unit.objects.get(name="区市场监督管理局")
    assert set(market.aliases.values_list("name", flat=True)) == {
        "区市场监管局",
        "区市监局",
        "区市场监督局",
        "区市场监督管理局",
    }
    assert Unit.objects.named("区市监局").get() == market
    assert not Unit.objects.filter(name__contains="各乡镇（街道）").exclude(name="各乡镇（街道）").exists()
    assert not Unit.objects.filter(name__in=["区农业农村", "水利局", "（外事办）", "区常态长效创建"]).exists()
    assert Unit.objects.count() == 53


def test_collectives_and_their_members(imported):
    collectives = set(Unit.objects.filter(kind=Unit.Kind.COLLECTIVE).values_list("name", flat=True))
    assert {"各乡镇（街道）", "涉改相关单位", "区直有关单位", "具有政务服务职能的区直单位"} <= collectives
    townships = Unit.objects.get(name="各乡镇（街道）").members.values_list("name", flat=True)
    assert set(townships) == {"鲇鱼山镇", "丽阳镇", "吕蒙乡", "荷塘乡"}
    assert Unit.objects.get(name="市自然资源规划局昌江分局").kind == Unit.Kind.EXTERNAL


def test_livelihood_flags_and_deadlines(imported):
    livelihood = Task.objects.filter(is_livelihood=True).values_list("number", flat=True)
    assert sorted(livelihood) == list(range(62, 69))
    notice_deadlines = set(Task.objects.filter(source=Task.Source.NOTICE).values_list("deadline", flat=True))
    assert notice_deadlines == {datetime.date(2021, 12, 31)}


def test_documents_with_provenance(imported):
    notice = Document.objects.get(number="昌府办字〔2021〕20号")
    assert notice.kind == Document.Kind.NOTICE
    assert notice.issued_on == datetime.date(2021, 7, 1)
    assert notice.issuer == "昌江区人民政府办公室"
    assert notice.source_file == "changjiang-2021.txt"
    assert len(notice.source_sha256) == 64
    assert notice.text.startswith(" 昌江区人民政府办公室")


def test_commendation_decision_and_its_two_ranked_lists(imported):
    decision = Decision.objects.get()
    assert decision.document.number == "昌府字〔2021〕22号"
    assert decision.document.issued_on == datetime.date(2021, 7, 8)
    assert decision.year == 2020
    industry, tax = decision.lists.all()
    assert (industry.name, tax.name) == ("工业十强", "纳税十强")
    assert list(industry.entries.values_list("rank", flat=True)) == list(range(1, 11))
    assert tax.entries.get(rank=6).enterprise.name == "武汉市中南物流配送有限公司景德镇分公司"
    assert Enterprise.objects.count() == 17
    on_both = Enterprise.objects.filter(honours__honour_list=industry).filter(honours__honour_list=tax)
    assert set(on_both.values_list("name", flat=True)) == {
        "江西富祥药业股份有限公司", "景德镇永祥金属材料有限公司", "景德镇市景常混凝土有限公司",
    }  # fmt: skip


def test_meetings_with_agenda_items_approvals_and_mentions(imported):
    first, second = Meeting.objects.all()
    assert (first.number, first.held_on, first.part_of_day) == (99, datetime.date(2021, 7, 7), "下午")
    assert (first.chair, first.chair_title) == ("倪卫春", "区委副书记、区长")
    assert (second.number, second.held_on, second.part_of_day, second.chair) == (
        100, datetime.date(2021, 8, 17), "上午", "伊文斌",
    )  # fmt: skip
    kinds = set(first.agenda_items.values_list("kind", flat=True))
    assert kinds == {"study", "report", "approve", "research"}
    approval = first.agenda_items.get(kind=AgendaItem.Kind.APPROVE)
    assert approval.approved_document == Decision.objects.get().document
    mentioned = EnterpriseMention.objects.filter(agenda_item__meeting=second).values_list("enterprise__name", flat=True)
    assert set(mentioned) == {"江西富祥药业股份有限公司", "景德镇市宏亿电子科技有限公司"}


def test_dated_orders_of_the_100th_meeting_are_tracked_tasks(imported):
    orders = MeetingOrder.objects.filter(meeting__number=100).order_by("task__deadline")
    assert [order.task.deadline for order in orders] == [datetime.date(2021, 9, 10), datetime.date(2021, 9, 28)]
    for order in orders:
        assert order.task.source == Task.Source.MEETING
        assert order.task.document == order.meeting.document
        assert not order.task.task_units.exists()  # the record names no unit
    assert "七通一平" in orders[0].task.text
    assert not MeetingOrder.objects.filter(meeting__number=99).exists()


def test_the_report_lists_anomalies_with_line_numbers(imported):
    assert "第145行 [stray-empty-cell]" in imported
    assert "第216行 [unit-spelling-guessed]" in imported
    assert "第626行 [units-run-together]" in imported
    assert "任务：新增 86" in imported


# --- idempotent, atomic, dry run ----------------------------------------------------------


def test_a_second_run_changes_nothing(imported):
    before = snapshot()
    output = run_import(SOURCE_2021)
    assert snapshot() == before
    assert "数据库已是最新，没有改动" in output


def test_a_changed_file_updates_in_place(imported, tmp_path):
    task_pk = notice_task(5).pk
    changed = tmp_path / "changjiang-2021.txt"
    changed.write_text(
        SOURCE_2021.read_text(encoding="utf-8").replace("力争规上工业企业净增50家", "力争规上工业企业净增60家"),
        encoding="utf-8",
    )
    output = run_import(changed)
    task = notice_task(5)
    assert task.pk == task_pk
    assert "净增60家" in task.text
    assert "任务：新增 0，修改 1" in output
    assert Task.objects.count() == 86


def test_dry_run_writes_nothing_and_says_what_would_change(db):
    output = run_import(SOURCE_2021, dry_run=True)
    assert "试运行" in output
    assert "任务：新增 86" in output
    assert not Task.objects.exists() and not Unit.objects.exists() and not Document.objects.exists()


def broken_copy(tmp_path, old, new, name="broken.txt"):
    path = tmp_path / name
    text = SOURCE_2021.read_text(encoding="utf-8")
    assert old in text
    path.write_text(text.replace(old, new, 1), encoding="utf-8")
    return path


@pytest.mark.parametrize(
    ("old", "new", "message"),
    [
        ("\t84\n", "\t83\n", "broken.txt 第724行：任务序号83重复"),
        ("\t序号\n\t工作任务和要求", "\t编号\n\t工作任务和要求", "找不到任务表"),
        ("\t84\n", "\t第八十四\n", "无法识别的表格行"),
    ],
)
def test_a_broken_file_leaves_the_database_exactly_as_it_was(imported, tmp_path, old, new, message):
    before = snapshot()
    with pytest.raises(CommandError) as error:
        run_import(broken_copy(tmp_path, old, new))
    assert message in str(error.value)
    assert "数据库未作任何改动" in str(error.value)
    assert snapshot() == before


def test_a_bad_second_file_stops_the_first_too(db, tmp_path):
    bad = broken_copy(tmp_path, "\t84\n", "\t83\n")
    with pytest.raises(CommandError):
        run_import(SOURCE_2021, bad)
    assert not Task.objects.exists()


def test_a_truncated_table_is_refused(db, tmp_path):
    text = SOURCE_2021.read_text(encoding="utf-8")
    truncated = tmp_path / "truncated.txt"
    truncated.write_text(text[: text.index("⇥84".replace("⇥", "\t")) + 4], encoding="utf-8")
    with pytest.raises(CommandError, match="任务84没有任务内容"):
        run_import(truncated)
    assert not Task.objects.exists()


def test_a_file_that_is_not_one_of_these_documents(db, tmp_path):
    other = tmp_path / "minutes.txt"
    other.write_text("会议纪要\n今天天气很好。\n", encoding="utf-8")
    with pytest.raises(CommandError, match="没有可识别的文件"):
        run_import(other)


def test_a_binary_file_is_refused_clearly(db, tmp_path):
    other = tmp_path / "report.xlsx"
    other.write_bytes(b"PK\x03\x04\xff\xfe\x00binary")
    # The command reads .xlsx now: a broken one is named as such.
    with pytest.raises(CommandError, match="文件不完整或已损坏"):
        run_import(other)


def test_a_missing_file(db):
    with pytest.raises(CommandError, match="找不到文件"):
        run_import("no-such-file.txt")


def test_an_unseen_spelling_in_next_years_file_is_matched_and_reported(imported, tmp_path):
    path = broken_copy(tmp_path, "\t区市监局\n", "\t区市场监管理局\n", "next.txt")
    output = run_import(path)
    assert "“区市场监管理局”未登记，按简称推断为“区市场监督管理局”" in output
    assert Unit.objects.count() == 53
    assert Unit.objects.named("区市场监管理局").get().name == "区市场监督管理局"
    assert notice_task(13).task_units.get(role=TaskUnit.Role.LEAD).name_as_written == "区市场监管理局"


# --- fixtures never drift from the importer -----------------------------------------------


@pytest.mark.django_db(transaction=True, reset_sequences=True)
def test_importing_the_source_gives_exactly_the_committed_fixture():
    run_import(SOURCE_2021)
    out = io.StringIO()
    call_command(
        "dumpdata",
        "tasks",
        "commendations",
        "meetings",
        # 交办 rows and their timeline lines are dated when the import ran, not by the document.
        exclude=["tasks.progressreport", "tasks.taskstamp", "tasks.taskstate", "tasks.handover", "tasks.taskevent"],
        indent=1,
        stdout=out,
    )
    assert json.loads(out.getvalue()) == json.loads(FIXTURE.read_text(encoding="utf-8")), (
        "fixtures/changjiang-2021.json is stale: regenerate it as the README says (make fixtures)."
    )


def test_the_fixture_loads_into_an_empty_database(db):
    call_command("loaddata", str(FIXTURE), verbosity=0)
    assert Task.objects.count() == 86
    assert Unit.objects.named("区市监局").get().name == "区市场监督管理局"
