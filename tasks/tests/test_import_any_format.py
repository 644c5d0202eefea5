"""import_documents reads every format through the upload page's path; bad input is refused clearly, nothing written."""

import datetime
import io
from pathlib import Path

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from tasks.importers.columns import DocumentFacts
from tasks.importers.kinds import document_kind
from tasks.importers.report import SourceError
from tasks.importers.unit_lists import parse_unit_list
from tasks.importers.uploads import parse_upload
from tasks.models import Document, Task, Unit

from .corpus import CORPUS
from .pdf_files import scanned_pdf, text_pdf

FILES = Path(__file__).parent / "files"


def run(*args):
    out = io.StringIO()
    call_command("import_documents", *map(str, args), stdout=out)
    return out.getvalue()


def nothing_written():
    return not (Document.objects.exists() or Task.objects.exists() or Unit.objects.exists())


@pytest.mark.django_db
@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.txt", b"", "文件是空的"),
        ("blank.docx", b"   \n", "文件是空的"),
        ("photo.txt", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "不是文本文件"),
        ("encrypted.xlsx", (FILES / "encrypted.xlsx").read_bytes(), "文件设置了打开密码"),
        ("scan.pdf", scanned_pdf(), "PDF中没有文字层"),
        ("broken.pdf", b"%PDF-1.7\nnot really a pdf", "PDF文件已损坏"),
        ("old.doc", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "请另存为.xlsx或.docx"),
        ("old.wps", b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(600), "WPS"),
    ],
)
def test_bad_input_is_refused_clearly_and_writes_nothing(tmp_path, name, content, message):
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(CommandError) as error:
        run(path)
    assert message in str(error.value)
    assert "数据库未作任何改动" in str(error.value)
    assert nothing_written()


@pytest.mark.django_db
def test_a_50_mb_file_is_refused_before_it_is_read(tmp_path):
    path = tmp_path / "huge.txt"
    with path.open("wb") as out:
        out.truncate(50 * 1024 * 1024)
    with pytest.raises(CommandError, match="文件有50 MB，超过上限20 MB"):
        run(path)
    assert nothing_written()


@pytest.mark.django_db
def test_every_problem_of_every_file_is_reported_in_one_run(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    with pytest.raises(CommandError) as error:
        run(CORPUS / "lishan-2023.txt", scan, CORPUS / "zhenping-2020-tongbao.txt", tmp_path / "missing.docx")
    message = str(error.value)
    assert "找不到文件" in message
    assert "scan.pdf：PDF中没有文字层" in message
    assert "zhenping-2020-tongbao.txt：这是一份通报" in message
    assert nothing_written()


@pytest.mark.django_db
def test_all_problems_of_the_readable_files_come_together(tmp_path):
    scan = tmp_path / "scan.pdf"
    scan.write_bytes(scanned_pdf())
    with pytest.raises(CommandError) as error:
        run(CORPUS / "lishan-2023.txt", scan, CORPUS / "zhenping-2020-tongbao.txt")
    assert "scan.pdf：PDF中没有文字层" in str(error.value)
    assert "zhenping-2020-tongbao.txt：这是一份通报" in str(error.value)
    assert nothing_written()


@pytest.mark.django_db
def test_word_excel_and_pdf_files_import_from_the_command_with_the_facts_they_lack(tmp_path):
    pdf = tmp_path / "shengsi.pdf"
    pdf.write_bytes(text_pdf([(CORPUS / "shengsi-2023.txt").read_text(encoding="utf-8").split("\n")]))
    output = run(
        CORPUS / "zhonglou-2021.xlsx", "--title", "2021年重大民生实事项目目标任务责任分解表", "--date", "2021-03-01"
    )
    assert "任务：新增 4" in output
    run(pdf, "--date", "2023-02-22")
    run(CORPUS / "lishan-2023.docx")
    assert Task.objects.count() == 4 + 6 + 6
    shengsi = Document.objects.get(title="2023年政府工作报告重点工作责任分解")
    assert shengsi.issued_on.isoformat() == "2023-02-22"
    lishan = Document.objects.get(number="鞍立政发〔2023〕2号")
    assert lishan.issued_on.isoformat() == "2023-03-28"
    # Restarted numbering: the tasks are numbered through the document, the printed number kept.
    assert list(shengsi.tasks.values_list("number", flat=True)) == [1, 2, 3, 4, 5, 6]
    assert shengsi.tasks.get(number=6).source_text.startswith("4.打造嵊山国际海钓基地")
    assert shengsi.tasks.get(number=6).deadline.isoformat() == "2023-09-30"


@pytest.mark.django_db
def test_the_dry_run_prints_the_tasks_it_read_and_the_units_it_would_create():
    Unit.objects.create(name="区市场监督管理局", kind="department")
    output = run(CORPUS / "lishan-2023.txt", "--dry-run")
    assert "【试运行，未写入】" in output
    assert (
        "3\t3.\t区发改局\t立山经济开发区、各街道、区直各部门\t2023-12-31（年底）\t固定资产投资增长15%左右。" in output
    )
    assert "单位“区发改局”：将新建" in output
    assert "单位“区市场局”：将新建，接近已有单位“区市场监督管理局”" in output
    assert "[item-without-units]" in output  # task 7, cut off before its units
    assert Unit.objects.count() == 1 and not Task.objects.exists()


def test_a_bad_date_option_is_explained():
    with pytest.raises(CommandError, match="YYYY-MM-DD"):
        run(CORPUS / "shengsi-2023.txt", "--date", "2023年2月22日")


# --- Pure parts ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("printed", "names", "rule", "repaired"),
    [
        (
            "市经信局、市财政局、市税务局(列第一位者为工作牵头单位或汇总单位,下同)",
            ["市经信局", "市财政局", "市税务局"],
            "列第一位者为工作牵头单位或汇总单位,下同",
            True,
        ),
        (
            "各区县政府(南太湖新区、长合区管委会)、市发改委",
            ["各区县政府(南太湖新区、长合区管委会)", "市发改委"],
            "",
            False,
        ),
        ("县财政局。", ["县财政局"], "", True),
        ("立山经济开发区,各街道、区直各部门", ["立山经济开发区", "各街道", "区直各部门"], "", False),
        ("区发改局区统计局", ["区发改局", "区统计局"], "", True),
        ("县海洋与渔业局、嵊山镇人民政府", ["县海洋与渔业局", "嵊山镇人民政府"], "", False),
        ("区政府办公室、市自然资源规划局昌江分局", ["区政府办公室", "市自然资源规划局昌江分局"], "", False),
    ],
)
def test_unit_lists_are_parsed_not_split(printed, names, rule, repaired):
    parsed = parse_unit_list(printed)
    assert parsed.names == names
    assert parsed.lead_rule == rule
    # Every repair is reported, so the preview shows it; a list read as printed reports nothing.
    assert bool(parsed.repairs) == repaired


@pytest.mark.parametrize(
    ("lines", "kind"),
    [
        (["关于2020年县政府常务会议确定事项完成情况的通报", "现将有关情况通报如下:"], "bulletin"),
        (["2021年重点工作任务推进情况表"], "progress-table"),
        (["2017年1月10日上午,区长董彩凤主持召开区政府2017年度第1次常务会议"], "meeting-record"),
        (["区政府第63次常务会议召开"], "meeting-record"),
        (["2023年重点工作任务分解", "1.建设学校", "责任单位:区教育局"], "assignment"),
        (["今天天气很好。"], "unknown"),
    ],
)
def test_the_kind_of_document_is_told_apart(lines, kind):
    assert document_kind(lines).kind == kind


def test_traditional_characters_are_matched_while_the_text_is_kept_as_printed():
    pdf = text_pdf([["2023年重點工作任務分解", "一、經濟發展", "1.推進項目建設。", "責任單位:縣發改局、縣財政局"]])
    (notice,), _anomalies = parse_upload("traditional.pdf", pdf, DocumentFacts(issued_on=datetime.date(2023, 1, 1)))
    (task,) = notice.tasks
    assert task.text == "推進項目建設。"
    assert [unit.name for unit in task.lead] == ["縣發改局"]
    assert [unit.name for unit in task.responsible] == ["縣財政局"]


@pytest.mark.django_db
def test_the_upload_page_takes_the_same_path_for_a_pdf_and_a_bulletin(admin_client):
    from django.core.files.uploadedfile import SimpleUploadedFile  # noqa: PLC0415
    from django.urls import reverse  # noqa: PLC0415

    def upload(name, raw, **fields):
        return admin_client.post(reverse("tasks:notice_import"), {"file": SimpleUploadedFile(name, raw), **fields})

    lines = (CORPUS / "shengsi-2023.txt").read_text(encoding="utf-8").split("\n")
    response = upload("shengsi.pdf", text_pdf([lines]), issued_on="2023-02-22")
    assert response.status_code == 200
    preview = response.context["preview"]
    assert [len(notice.tasks) for notice in preview["notices"]] == [6]
    assert ("县财政局", "将新建") in preview["new_units"]
    assert "县财政局：将新建" in response.content.decode()
    admin_client.post(response.request["PATH_INFO"], {"confirm": "1", "sha256": preview["sha256"]})
    assert Task.objects.count() == 6
    response = upload("tongbao.txt", (CORPUS / "zhenping-2020-tongbao.txt").read_bytes())
    assert "这是一份通报" in response.content.decode()
    assert Task.objects.count() == 6


def test_a_merged_title_cell_is_read_once():
    (notice,), _anomalies = parse_upload(
        "zhonglou.xlsx",
        (CORPUS / "zhonglou-2021.xlsx").read_bytes(),
        DocumentFacts(issued_on=datetime.date(2021, 3, 1)),
    )
    assert notice.title == "2021年重大民生实事项目目标任务责任分解表"
    assert [len(task.subitems) for task in notice.tasks] == [0, 0, 2, 2]
    assert [unit.name for unit in notice.tasks[2].subitems[1].lead] == ["住建局"]
    assert notice.tasks[2].subitems[1].leader == "芮春祥"


def test_every_problem_of_a_table_comes_at_once_with_its_sheet_row():
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    rows = [
        ["2022年重点工作任务分工表"],
        ["序号", "工作任务和要求", "牵头单位", "责任单位"],
        ["一、重点"],
        [1, "任务一", "", "区发改委"],
        [2, "", "区工信局", ""],
        [3, "任务三", "区工信局", ""],
        [3, "任务三又一次", "区工信局", ""],
    ]
    for row in rows:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError) as error:
        parse_upload("tasks.xlsx", out.getvalue(), DocumentFacts(issued_on=datetime.date(2022, 1, 1)))
    assert str(error.value) == (
        "tasks.xlsx：发现3个问题：\n"
        "  工作表“Sheet”第4行：任务1没有牵头单位（no lead unit）。\n"
        "  工作表“Sheet”第5行：任务2没有任务内容（task text missing）。\n"
        "  工作表“Sheet”第7行：任务序号3重复（repeated task number）。"
    )


def test_paragraph_layouts_other_than_the_corpus():
    """Items closing with their units in brackets, （一） sections, an unnumbered item under a heading,
    a 配合单位 line, a 完成时限 line, and a task text wrapped over two lines (as a PDF's lines are)."""
    lines = [
        "某县2024年重点工作任务分解",
        "（一）稳增长",
        "1.推进重大项目建设，",
        "确保6月底前开工。（牵头单位：县发改局；责任单位：县财政局、各乡镇人民政府）",
        "2.扩大有效投资。（牵头单位：县发改局）",
        "（二）惠民生",
        "新建幼儿园3所。",
        "牵头单位：县教育局",
        "配合单位：县住建局",
        "完成时限：2024年9月",
    ]
    (notice,), anomalies = parse_upload(
        "plan.pdf", text_pdf([lines]), DocumentFacts(issued_on=datetime.date(2024, 1, 5))
    )
    assert [(section.numbering, section.title) for section in notice.sections] == [
        ("（一）", "稳增长"),
        ("（二）", "惠民生"),
    ]
    summary = [
        (task.numbering, task.section, task.text, [u.name for u in task.lead], [u.name for u in task.responsible])
        for task in notice.tasks
    ]
    assert summary == [
        ("1.", 1, "推进重大项目建设，确保6月底前开工。", ["县发改局"], ["县财政局", "各乡镇人民政府"]),
        ("2.", 1, "扩大有效投资。", ["县发改局"], []),
        ("", 2, "新建幼儿园3所。", ["县教育局"], ["县住建局"]),
    ]
    assert [task.deadline.isoformat() for task in notice.tasks] == ["2024-06-30", "2024-12-31", "2024-09-30"]
    assert "lead-is-first-unit" not in [anomaly.code for anomaly in anomalies]


@pytest.mark.parametrize("seed", range(12))
def test_a_damaged_pdf_is_refused_or_read_never_an_error(seed):
    import random  # noqa: PLC0415

    raw = bytearray(text_pdf([["2023年重点工作任务分解", "一、经济", "1.推进项目。", "责任单位:县发改局"]]))
    rng = random.Random(seed)
    if seed % 2:
        raw = raw[: rng.randrange(len(raw))]
    else:
        for _ in range(1 + seed):
            raw[rng.randrange(len(raw))] = rng.randrange(256)
    try:
        parse_upload("damaged.pdf", bytes(raw), DocumentFacts(issued_on=datetime.date(2023, 1, 1)))
    except SourceError as error:
        assert error.source == "damaged.pdf"


def test_deadline_and_leader_lines_belong_to_their_item_not_its_text():
    lines = [
        "2024年重点工作任务分解",
        "一、稳增长",
        "1.推进重大项目建设。",
        "责任领导：王明",
        "完成时限：2024年6月底前",
        "牵头单位：县发改局",
        "2.扩大有效投资。",
        "牵头单位：县发改局",
        "责任单位：县财政局",
        "完成时限：2024年10月",
    ]
    (notice,), _anomalies = parse_upload(
        "plan.pdf", text_pdf([lines]), DocumentFacts(issued_on=datetime.date(2024, 1, 5))
    )
    first, second = notice.tasks
    assert (first.text, first.leader, first.deadline.isoformat()) == ("推进重大项目建设。", "王明", "2024-06-30")
    assert (second.text, second.deadline.isoformat()) == ("扩大有效投资。", "2024-10-31")


def test_a_progress_table_is_refused_as_what_it_is():
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    for row in [
        ["2023年重点工作任务推进表"],
        ["序号", "工作任务", "牵头单位", "责任单位", "进展情况"],
        [1, "建设学校", "区教育局", "区住建局", "已完成主体工程"],
    ]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError, match="这是一份完成情况表（表头有“进展情况”列）"):
        parse_upload("progress.xlsx", out.getvalue(), DocumentFacts(issued_on=datetime.date(2023, 6, 1)))


def test_a_progress_table_without_unit_columns_is_refused_as_one_too():
    from openpyxl import Workbook  # noqa: PLC0415

    workbook = Workbook()
    for row in [["序号", "工作任务", "完成情况"], [1, "建设学校", "已完成"]]:
        workbook.active.append(row)
    out = io.BytesIO()
    workbook.save(out)
    with pytest.raises(SourceError, match="这是一份完成情况表"):
        parse_upload("progress.xlsx", out.getvalue())
