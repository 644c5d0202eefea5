"""A table a web page ran together (no separator between cells, rows or units), read on strings.

The tables here are made up in the shape such pages take, with other columns, names and
numbers than the corpus file: the reader must hold for the layout, not for one document.
"""

import datetime

import pytest

from tasks.importers.columns import DocumentFacts, parse_table
from tasks.importers.report import SourceError
from tasks.importers.run_together import CANNOT_SPLIT, find_glued_header, run_together_grid
from tasks.importers.uploads import parse_file

GIVEN = DocumentFacts(title="2022年民生实事项目责任分解表", issued_on=datetime.date(2022, 1, 1))


def read(*lines):
    grid, anomalies = run_together_grid(list(enumerate(lines, start=1)))
    notice, table_anomalies = parse_table(grid, GIVEN)
    return notice, [*anomalies, *table_anomalies]


def units(task):
    return [unit.name for unit in task.lead], [unit.name for unit in task.responsible]


def test_a_table_without_leader_or_label_is_read_by_numbers_full_stops_and_unit_endings():
    notice, anomalies = read(
        "2022年为民办实事项目责任分工表序号工作任务牵头单位责任单位1新建农贸市场3个,改造提升12个。区商务局区市场监督管理局"
        "各乡镇（街道）2全年培训2000人次,新增就业岗位500个。区人社局区财政局3建成城市书房5家。区文广新旅局",
    )
    assert [task.number for task in notice.tasks] == [1, 2, 3]
    assert notice.tasks[0].text == "新建农贸市场3个,改造提升12个。"
    assert units(notice.tasks[0]) == (["区商务局"], ["区市场监督管理局", "各乡镇（街道）"])
    assert units(notice.tasks[1]) == (["区人社局"], ["区财政局"])
    assert units(notice.tasks[2]) == (["区文广新旅局"], [])
    assert "table-run-together" in {anomaly.code for anomaly in anomalies}


def test_only_the_next_expected_number_is_a_row_number():
    # "2000" after a full stop is content, not row 2; "12个" inside the text neither.
    notice, _anomalies = read(
        "序号工作任务牵头单位配合单位1改造老旧小区12个。2000户居民受益。区住建局区城管局2实施雨污分流。区水务局",
    )
    assert [task.text for task in notice.tasks] == ["改造老旧小区12个。2000户居民受益。", "实施雨污分流。"]
    assert units(notice.tasks[0]) == (["区住建局"], ["区城管局"])


def test_label_leader_sub_rows_and_a_repeated_header():
    notice, anomalies = read(
        "序号项目名称主要内容分管领导牵头单位配合单位1乡村振兴完成12个村庄环境整治。李明远农业农村局各镇"
        "2城市道路畅通推进环城北路改造、东大街拓宽。王芳交通局城投公司建成停车场3处。陈国栋住建局",
        "序号项目名称主要内容分管领导牵头单位配合单位3社区养老服务新建社区食堂8家。王芳民政局各街道",
    )
    assert [task.text for task in notice.tasks] == [
        "完成12个村庄环境整治。",
        "推进环城北路改造、东大街拓宽。建成停车场3处。",
        "新建社区食堂8家。",
    ]
    assert units(notice.tasks[0]) == (["农业农村局"], ["各镇"])
    # One number over two rows: each sub-row keeps its leader and units, the task has their union.
    second = notice.tasks[1]
    assert [(sub.leader, [unit.name for unit in sub.lead]) for sub in second.subitems] == [
        ("王芳", ["交通局"]),
        ("陈国栋", ["住建局"]),
    ]
    assert units(second) == (["交通局", "住建局"], ["城投公司"])
    assert units(notice.tasks[2]) == (["民政局"], ["各街道"])
    codes = [anomaly.code for anomaly in anomalies]
    assert codes.count("label-guessed") == 3 and "header-repeated" in codes and "merged-number" in codes
    guess = next(anomaly.message for anomaly in anomalies if anomaly.code == "label-guessed")
    assert "“乡村振兴”" in guess and "请核对" in guess


def test_a_row_of_text_only_inherits_the_units_of_the_row_above():
    notice, _anomalies = read(
        "序号主要内容分管领导牵头单位配合单位1建设口袋公园6个。赵静园林局各街道改造绿道10公里。2开展全民健身赛事。孙涛体育局"
    )
    first, second = notice.tasks
    assert first.text == "建设口袋公园6个。改造绿道10公里。"
    assert units(first) == (["园林局"], ["各街道"])
    assert units(second) == (["体育局"], [])


def test_a_weak_ending_at_the_start_of_the_next_text_is_not_a_unit():
    # "推进核心区" ends like 经开区 but is the next sub-row's text.
    notice, _anomalies = read(
        "序号主要内容分管领导牵头单位配合单位1完成老街立面整治。刘洋住建局经开区推进核心区改造、沿河步道建设。刘洋城管局"
    )
    (task,) = notice.tasks
    assert task.text == "完成老街立面整治。推进核心区改造、沿河步道建设。"
    assert units(task) == (["住建局", "城管局"], ["经开区"])


def test_a_last_row_cut_off_is_reported_not_imported():
    notice, anomalies = read("序号工作任务牵头单位责任单位1整治河道5条。区水利局各乡镇2新建公园,开展")
    assert [task.number for task in notice.tasks] == [1]
    assert any(anomaly.code == "row-cut-off" and "2新建公园" in anomaly.message for anomaly in anomalies)


def test_a_run_the_anchors_cannot_split_is_refused_with_the_reason():
    with pytest.raises(SourceError) as refused:
        run_together_grid([(1, "序号工作任务牵头单位责任单位第一项任务没有编号区住建局")])
    assert refused.value.message == CANNOT_SPLIT
    assert "Word或Excel原件" in CANNOT_SPLIT and "无法可靠拆分" in CANNOT_SPLIT


def test_units_it_cannot_recognise_refuse_the_file_rather_than_merge_two_rows():
    # "区红十字" ends like no office, so row 2's text would run into row 3: refused, not merged.
    with pytest.raises(SourceError) as refused:
        run_together_grid(
            [(1, "序号工作任务牵头单位责任单位1整治河道5条。区水利局2创建文明城市。区红十字3建成城市公园2个。区城管局")]
        )
    assert refused.value.message == CANNOT_SPLIT


def test_a_document_without_a_glued_header_is_left_to_the_other_readers():
    assert find_glued_header("一、加快建设。牵头单位：区发改局。责任单位：区财政局") is None
    assert run_together_grid([(1, "序号"), (2, "工作任务"), (3, "牵头单位")]) == (None, [])


def test_the_upload_path_reads_such_a_text_file():
    raw = "序号工作任务牵头单位责任单位1新建学校2所。区教育局区财政局\n2改造卫生院3家。区卫健委\n".encode()
    ((_handler, notice),), anomalies = parse_file("table.txt", raw, GIVEN)
    assert [(task.number, units(task)) for task in notice.tasks] == [
        (1, (["区教育局"], ["区财政局"])),
        (2, (["区卫健委"], [])),
    ]
    assert any(anomaly.code == "table-run-together" for anomaly in anomalies)
