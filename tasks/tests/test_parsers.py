"""The parsers are pure: small strings in, plain data and anomalies out — one test per quirk."""

import datetime

import pytest

from commendations.importers import parse_decision, short_name
from meetings.importers import parse_meeting
from tasks.importers import parse_text
from tasks.importers.notice import deadline_in_text, parse_notice
from tasks.importers.report import SourceError
from tasks.importers.segments import chinese_number, read_rows, split_documents
from tasks.importers.unit_names import (
    is_abbreviation,
    join_broken_names,
    kind_of,
    resolve_spellings,
    split_run_together,
)

NOTICE_HEAD = """昌江区人民政府办公室
关于印发2021年市《政府工作报告》
重点工作任务责任分工的通知
昌府办字〔2021〕20号    2021年7月1日

正文。

\t序号
\t工作任务和要求
\t牵头单位
\t责任单位
"""


def notice(table):
    """Parse a notice whose task table body is `table` (rows after the header)."""
    blocks, _ = split_documents(NOTICE_HEAD + "\n" + table)
    return parse_notice(blocks[0])


def codes(anomalies):
    return [anomaly.code for anomaly in anomalies]


def lines(*parts):
    return [(number, text) for number, text in enumerate(parts, start=1)]


# --- segments -----------------------------------------------------------------------------


def test_split_documents_finds_official_documents_and_meetings():
    text = (
        NOTICE_HEAD
        + "\n\t一、部分\n\n\t1\n\t任务\n\t区工信局\n\t各乡镇（街道）\n 区政府第99次常务会议召开\n倪卫春主持\n"
    )
    blocks, anomalies = split_documents(text)
    assert [block.kind for block in blocks] == ["official", "meeting_record"]
    assert blocks[0].header["number"] == "昌府办字〔2021〕20号"
    assert blocks[0].header["date"] == (2021, 7, 1)
    assert blocks[0].header["title_lines"][0] == "昌江区人民政府办公室"
    assert blocks[1].header == {"body": "区政府", "number": 99, "headline": "区政府第99次常务会议召开"}
    assert anomalies == []


def test_text_before_the_first_document_is_reported_as_noise():
    _, anomalies = split_documents("网页导航 首页\n\n" + NOTICE_HEAD)
    assert codes(anomalies) == ["noise-line"]
    assert anomalies[0].line == 1


def test_a_file_with_no_known_document_is_an_error():
    with pytest.raises(SourceError, match="没有可识别的文件"):
        split_documents("这是一份购物清单\n苹果\n香蕉\n")


def test_read_rows_tab_starts_a_cell_and_untabbed_line_continues_it():
    rows, anomalies = read_rows(lines("\t1", "\t区农业农村", "水利局", "", "\t2"))
    assert [[cell.text for cell in row.cells] for row in rows] == [["1", "区农业农村水利局"], ["2"]]
    assert anomalies == []


def test_read_rows_reports_and_drops_stray_empty_cells():
    rows, anomalies = read_rows(lines("\t4", "\t\t区工信局"))
    assert [cell.text for cell in rows[0].cells] == ["4", "区工信局"]
    assert codes(anomalies) == ["stray-empty-cell"]
    assert anomalies[0].line == 2


@pytest.mark.parametrize(("text", "number"), [("一", 1), ("七", 7), ("十", 10), ("十二", 12), ("二十九", 29), ("3", 3)])
def test_chinese_number(text, number):
    assert chinese_number(text) == number


# --- unit names ---------------------------------------------------------------------------


def test_a_name_broken_over_lines_is_joined_and_reported():
    names, anomalies = join_broken_names(lines("区常态长效创建", "全国文明城市工作", "指挥部", "区财政局"))
    assert [name.name for name in names] == ["区常态长效创建全国文明城市工作指挥部", "区财政局"]
    assert codes(anomalies) == ["unit-broken-over-lines"]
    assert "3行" in anomalies[0].message


def test_a_bracketed_office_joins_the_name_above():
    names, anomalies = join_broken_names(lines("区文广新旅局", "区政府办", "（外事办）"))
    assert [name.name for name in names] == ["区文广新旅局", "区政府办（外事办）"]
    assert codes(anomalies) == ["unit-broken-over-lines"]


def test_a_name_that_never_completes_is_reported():
    names, anomalies = join_broken_names(lines("区农业农村"))
    assert [name.name for name in names] == ["区农业农村"]
    assert codes(anomalies) == ["unit-name-incomplete"]


def test_stray_whitespace_around_a_name_is_reported():
    names, anomalies = join_broken_names(lines("区委组织部 "))
    assert names[0].name == "区委组织部"
    assert codes(anomalies) == ["stray-whitespace"]


def test_two_names_run_together_are_split_when_one_stands_alone_elsewhere():
    assert split_run_together("区市场监督管理局各乡镇（街道）", {"各乡镇（街道）"}) == [
        "区市场监督管理局",
        "各乡镇（街道）",
    ]


def test_a_long_name_is_not_split_when_no_part_stands_alone():
    assert split_run_together("市自然资源规划局昌江分局", {"各乡镇（街道）", "区发改委"}) == [
        "市自然资源规划局昌江分局"
    ]


def test_a_bracketed_office_is_never_split_off():
    assert split_run_together("区委宣传部（文明办）", {"区委宣传部", "（文明办）"}) == ["区委宣传部（文明办）"]


@pytest.mark.parametrize(
    ("name", "kind"),
    [
        ("各乡镇（街道）", "collective"),
        ("涉改相关单位", "collective"),
        ("区直有关单位", "collective"),
        ("丽阳镇", "township"),
        ("吕蒙乡", "township"),
        ("区发改委", "department"),
        ("市自然资源规划局昌江分局", "external"),
        ("昌江公安分局", "external"),
    ],
)
def test_kind_of(name, kind):
    assert kind_of(name) == kind


def test_abbreviation_rule():
    assert is_abbreviation("区市监局", "区市场监督管理局")
    assert is_abbreviation("区市场监管局", "区市场监督管理局")
    assert not is_abbreviation("区财政局", "区市场监督管理局")
    assert not is_abbreviation("区委", "区委组织部")  # a different last character


def test_a_name_of_another_kind_is_not_guessed_as_a_spelling_of_a_unit():
    # Same first and last character, every character in order, but a street office (township)
    # and an external body's division: merging them would hand the street's tasks to another body.
    mapping, anomalies = resolve_spellings([("新城处", 3), ("新城街道办事处", 4)], {})
    assert mapping == {"新城处": "新城处", "新城街道办事处": "新城街道办事处"}
    assert anomalies == []


def test_spellings_of_one_unit_resolve_to_the_full_name_and_are_reported_as_guesses():
    spellings = [
        ("区市监局", 10),
        ("区市场监督局", 20),
        ("区市场监管局", 30),
        ("区市场监督管理局", 40),
        ("区发改委", 50),
    ]
    mapping, anomalies = resolve_spellings(spellings, {})
    assert set(mapping.values()) == {"区市场监督管理局", "区发改委"}
    assert mapping["区市监局"] == "区市场监督管理局"
    assert sorted(anomaly.line for anomaly in anomalies) == [10, 20, 30]
    assert set(codes(anomalies)) == {"unit-spelling-guessed"}


def test_spellings_the_database_knows_are_not_guesses():
    mapping, anomalies = resolve_spellings([("区市监局", 10)], {"区市监局": "区市场监督管理局"})
    assert mapping == {"区市监局": "区市场监督管理局"}
    assert anomalies == []


def test_a_bracketed_office_is_a_spelling_of_its_department():
    mapping, anomalies = resolve_spellings([("区委宣传部（文明办）", 5), ("区委宣传部", 9)], {})
    assert mapping == {"区委宣传部（文明办）": "区委宣传部", "区委宣传部": "区委宣传部"}
    assert codes(anomalies) == ["unit-annotation"]


def test_a_bracketed_office_becomes_the_department_the_database_knows_and_the_clerk_is_told_where():
    # Another name first: every bracketed name is looked at, not only those before the first plain one.
    spellings = [("区发改委", 2), ("区委宣传部（文明办）", 5)]
    mapping, anomalies = resolve_spellings(spellings, {"区委宣传部": "中共昌江区委宣传部"})
    assert mapping == {"区发改委": "区发改委", "区委宣传部（文明办）": "中共昌江区委宣传部"}
    assert [(anomaly.line, anomaly.code, anomaly.message) for anomaly in anomalies] == [
        (
            5,
            "unit-annotation",
            "“区委宣传部（文明办）”登记为单位“中共昌江区委宣传部”，括号内“文明办”是承办科室，保留原文写法。",
        )
    ]


def test_a_collective_in_brackets_is_not_an_annotation():
    mapping, _ = resolve_spellings([("各乡镇（街道）", 5)], {})
    assert mapping == {"各乡镇（街道）": "各乡镇（街道）"}


# --- the notice ---------------------------------------------------------------------------

TWO_TASKS = """\t一、第一部分。

\t（一）第一小节。

\t1
\t任务一。
\t区工信局
区发改委
\t各乡镇（街道）

\t2
\t任务二。
\t区市监局
\t区财政局
"""


def test_notice_header_and_tasks():
    data, anomalies = notice(TWO_TASKS)
    assert data.number == "昌府办字〔2021〕20号"
    assert data.issuer == "昌江区人民政府办公室"
    assert data.title == "昌江区人民政府办公室关于印发2021年市《政府工作报告》重点工作任务责任分工的通知"
    assert data.issued_on == datetime.date(2021, 7, 1)
    assert [(task.number, task.section, task.subsection) for task in data.tasks] == [(1, 1, 1), (2, 1, 1)]
    first = data.tasks[0]
    assert [unit.name for unit in first.lead] == ["区工信局", "区发改委"]
    assert [unit.name for unit in first.responsible] == ["各乡镇（街道）"]
    assert first.deadline == datetime.date(2021, 12, 31)
    assert "区发改委" in first.source_text
    assert anomalies == []


def test_section_numbered_with_a_digit_is_reported():
    _, anomalies = notice(TWO_TASKS.replace("一、第一部分", "1、 第一部分"))
    assert codes(anomalies) == ["section-numbering"]


def test_declared_count_that_differs_from_the_tasks_listed_is_reported():
    data, anomalies = notice(TWO_TASKS.replace("第一部分。", "第一部分。（15项）"))
    assert data.sections[0].declared_count == 15
    assert data.sections[0].title == "第一部分。"
    assert codes(anomalies) == ["declared-count-mismatch"]
    assert "（15项）" in anomalies[0].message and "2项" in anomalies[0].message


def test_declared_count_that_matches_is_not_reported():
    _, anomalies = notice(TWO_TASKS.replace("第一部分。", "第一部分。（2项）"))
    assert anomalies == []


def test_livelihood_subsection_flags_its_tasks_and_checks_its_count():
    data, anomalies = notice(TWO_TASKS.replace("第一小节。", "倾力办好十件民生实事。"))
    assert all(task.is_livelihood for task in data.tasks)
    assert codes(anomalies) == ["declared-count-mismatch"]


def test_a_row_broken_by_a_blank_line_is_joined_to_its_task():
    table = "\t一、部分。\n\n\t27\n\t任务。\n\t区发改委\n\n\t区工信局\n各乡镇（街道）\n"
    data, anomalies = notice(table)
    task = data.tasks[0]
    assert [unit.name for unit in task.lead] == ["区发改委"]
    assert [unit.name for unit in task.responsible] == ["区工信局", "各乡镇（街道）"]
    assert codes(anomalies) == ["task-out-of-order", "row-broken-by-blank-line"]


def test_a_repeated_task_number_is_an_error_with_its_line():
    with pytest.raises(SourceError, match="重复") as error:
        notice(TWO_TASKS.replace("\t2\n", "\t1\n"))
    assert error.value.line > 0


def test_a_task_number_out_of_order_is_reported():
    _, anomalies = notice(TWO_TASKS.replace("\t2\n", "\t5\n"))
    assert codes(anomalies) == ["task-out-of-order"]


def test_a_task_without_units_is_an_error():
    with pytest.raises(SourceError, match="没有牵头单位"):
        notice("\t一、部分。\n\n\t1\n\t任务。\n")


def test_a_truncated_table_is_an_error_not_a_partial_result():
    with pytest.raises(SourceError):
        notice("\t一、部分。\n\n\t1\n")


def test_an_unrecognised_row_is_an_error_with_its_line():
    with pytest.raises(SourceError, match="无法识别"):
        notice(TWO_TASKS + "\n\t一些说明文字\n\t另一格\n\t第三格\n")


def test_a_notice_without_the_task_table_is_an_error():
    blocks, _ = split_documents(NOTICE_HEAD.split("\t序号", 1)[0])
    with pytest.raises(SourceError, match="找不到任务表"):
        parse_notice(blocks[0])


@pytest.mark.parametrize(
    ("text", "deadline"),
    [
        ("完成1万户老旧小区改造。", None),
        ("9月底前建成。", datetime.date(2021, 9, 30)),
        ("6月底前开工；12月底前完工。", datetime.date(2021, 12, 31)),
        ("确保6月30日前完成。", datetime.date(2021, 6, 30)),
        ("年底前完成。", datetime.date(2021, 12, 31)),
    ],
)
def test_deadline_in_text(text, deadline):
    assert deadline_in_text(text, 2021) == deadline


# --- the decision -------------------------------------------------------------------------

DECISION = """ 昌江区人民政府关于通报表彰2020年度
工业十强及纳税十强企业的决定
昌府字〔2021〕22号     2021年 7月8日

附件1：

昌江区2020年度工业十强企业备选名单

\t序号
\t企业名称

\t1
\t江西富祥药业股份有限公司

\t2
\t武汉市中南物流配送有限公司
景德镇分公司

附件2：

昌江区2020年度纳税十强企业备选名单
\t序号
\t企业名称

\t1
\t江西富祥药业股份有限公司
"""


def test_decision_lists_with_names_broken_over_lines():
    blocks, _ = split_documents(DECISION)
    data, anomalies = parse_decision(blocks[0])
    assert data.number == "昌府字〔2021〕22号"
    assert data.issued_on == datetime.date(2021, 7, 8)
    assert data.year == 2020
    assert data.title == "昌江区人民政府关于通报表彰2020年度工业十强及纳税十强企业的决定"
    assert [(lst.position, lst.name) for lst in data.lists] == [(1, "工业十强"), (2, "纳税十强")]
    assert [(entry.rank, entry.name) for entry in data.lists[0].entries] == [
        (1, "江西富祥药业股份有限公司"),
        (2, "武汉市中南物流配送有限公司景德镇分公司"),
    ]
    assert codes(anomalies) == ["name-broken-over-lines"]


def test_decision_repeated_rank_is_an_error():
    blocks, _ = split_documents(DECISION.replace("\t2\n", "\t1\n"))
    with pytest.raises(SourceError, match="名次1重复"):
        parse_decision(blocks[0])


@pytest.mark.parametrize(
    ("name", "short"),
    [
        ("江西富祥药业股份有限公司", "富祥"),
        ("景德镇市宏亿电子科技有限公司", "宏亿"),
        ("景德镇市卡地克陶瓷有限公司", "卡地克"),
        ("武汉市中南物流配送有限公司景德镇分公司", "中南"),
    ],
)
def test_enterprise_short_names(name, short):
    assert short_name(name) == short


# --- meeting records ----------------------------------------------------------------------

MEETING = """ 区政府第100次常务会议召开
伊文斌主持
 )政务动态
 2021年8月17日上午，昌江区政府召开第100次常务会议，听取了近期重点工作汇报，研究审议了有关事项。区委副书记、代区长伊文斌主持会议。
会议传达学习了省长讲话精神。会议指出，8月10日，省长调研富祥二期。会议要求，确保9月10日凌富项目完成“七通一平”，9月28日富祥二期点火投产。
会议还听取了“大棚房”工作情况汇报，会议原则通过了《关于某事的请示》，并研究了其他事项。
"""


def test_meeting_header_chair_and_noise():
    blocks, _ = split_documents(MEETING)
    data, anomalies = parse_meeting(blocks[0])
    assert (data.body, data.number, data.title) == ("区政府", 100, "区政府第100次常务会议")
    assert data.held_on == datetime.date(2021, 8, 17)
    assert data.part_of_day == "上午"
    assert (data.chair, data.chair_title) == ("伊文斌", "区委副书记、代区长")
    assert "noise-line" in codes(anomalies)


def test_meeting_agenda_items_have_kinds():
    blocks, _ = split_documents(MEETING)
    data, _ = parse_meeting(blocks[0])
    assert [(item.kind, item.subject) for item in data.items] == [
        ("report", "近期重点工作汇报"),
        ("study", "省长讲话精神"),
        ("report", "“大棚房”工作情况汇报"),
        ("approve", "《关于某事的请示》"),
        ("research", "其他事项"),
    ]


def test_meeting_dates_after_the_meeting_are_orders_and_earlier_ones_narrative():
    blocks, _ = split_documents(MEETING)
    data, anomalies = parse_meeting(blocks[0])
    orders = data.items[1].orders
    assert [(order.due, order.text) for order in orders] == [
        (datetime.date(2021, 9, 10), "凌富项目完成“七通一平”"),
        (datetime.date(2021, 9, 28), "富祥二期点火投产"),
    ]
    assert "date-not-an-order" in codes(anomalies)


def test_meeting_without_an_opening_paragraph_is_an_error():
    blocks, _ = split_documents(" 区政府第7次常务会议召开\n某某主持\n")
    with pytest.raises(SourceError, match="导语"):
        parse_meeting(blocks[0])


# --- the whole 2021 file ------------------------------------------------------------------


def test_the_2021_file_reports_every_known_quirk(source_2021):
    parsed, anomalies = parse_text(source_2021)
    assert [handler.name for handler, _ in parsed] == ["表彰决定", "责任分工通知", "常务会议纪要", "常务会议纪要"]
    found = {(anomaly.line, anomaly.code) for anomaly in anomalies}
    assert {
        (75, "name-broken-over-lines"),  # 武汉市中南物流配送有限公司 / 景德镇分公司
        (110, "section-numbering"),  # "1、" where the others use 一、
        (127, "unit-broken-over-lines"),  # 区政府办 / （外事办）
        (145, "stray-empty-cell"),
        (202, "stray-whitespace"),
        (220, "declared-count-mismatch"),  # （15项）, 13 listed
        (303, "row-broken-by-blank-line"),
        (318, "row-broken-by-blank-line"),
        (378, "declared-count-mismatch"),
        (467, "declared-count-mismatch"),
        (540, "unit-broken-over-lines"),  # three lines
        (568, "declared-count-mismatch"),
        (570, "declared-count-mismatch"),  # 十件民生实事, 7 listed
        (626, "units-run-together"),  # 区市场监督管理局各乡镇（街道）
        (638, "unit-broken-over-lines"),  # 区农业农村 / 水利局
        (680, "row-broken-by-blank-line"),
        (697, "units-run-together"),
        (730, "noise-line"),  # ")政务动态"
        (741, "date-not-an-order"),  # 8月10日, before the meeting
    } <= found
