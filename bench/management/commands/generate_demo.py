"""python manage.py generate_demo --tasks N --units M --reports-per-task K [--seed S] [--as-of DATE] [--force]

Synthetic data at city or province size, for demos and for the benchmark (bench/run.py).
Districts (区/县) each get their departments, townships and streets, and collectives
(各乡镇（街道） and the like) with members; every unit has aliases, as in real documents.
Each district gets yearly responsibility-split notices — sections, subsections, tasks with
ordered lead and responsible units, the original text with line numbers — and standing
meetings whose dated orders are tracked tasks. Every task gets K monthly progress
reports: mostly accepted, some waiting for review, some returned; past tasks mostly done,
some overdue, current ones under way or not started.

Rows go in with bulk_create, a chunk of documents at a time, in one transaction: 100,000
tasks and 1,000,000 reports take minutes and memory stays flat. The same --seed and
--as-of give the same data.

Why not through the services (tasks/progress/services.py), as every other write goes: a
service writes one report in one transaction, with its permission check, its timeline row
and its version, as a clerk's click should. A million reports that way take hours, not
minutes, and the benchmark needs them. So this command writes rows in bulk, but the same
rows the services would: the timeline's changes are built with the services' own
REPORT_FIELDS, PLAN_FIELDS and shown(), a field of a model it fills that it does not know
stops it ("teach it to"), and bench/tests/test_generate_demo.py checks that the pages can
rely on what it wrote. It lives in bench/ (an app only so that `manage.py generate_demo`
keeps its name) because it imports meetings, which tasks must not.

Generated documents name this command as their source file. The command refuses to write
into a database that already holds documents, units or tasks unless --force: synthetic
tasks mixed into a real year's tracking would be counted on every page and in every bulletin.
"""

import datetime
import functools
import io
import json
import math
import random
import time
import zoneinfo
from dataclasses import dataclass, field

from django.conf import settings
from django.contrib.auth import get_user_model
from django.contrib.auth.hashers import make_password
from django.core.management.base import BaseCommand, CommandError
from django.db import connection, transaction
from django.utils import timezone

from meetings.importers import order_prefix
from meetings.models import AgendaItem, Meeting, MeetingOrder
from tasks import roles
from tasks.models import (
    ClosureRequest,
    Document,
    ExtensionRequest,
    Milestone,
    ProgressReport,
    Section,
    Subsection,
    Task,
    TaskEvent,
    TaskUnit,
    Unit,
    UnitAlias,
    UnitLiaison,
    UnitPlan,
)
from tasks.progress.services import PLAN_FIELDS, REPORT_FIELDS, shown
from tasks.state import store

SOURCE_FILE = "generate_demo"
UNITS_PER_REGION = 50
TASKS_PER_NOTICE = 90
# One task in 30 is a meeting's dated order rather than an item of a notice.
MEETING_TASK_SHARE = 30
YEARS = 6
# Documents written per round trip group: about 2,000 tasks and 2,000·K reports in memory at once.
TASKS_PER_CHUNK = 2000
BATCH_SIZE = 2000

STEMS_FIRST = "东西南北青白金玉龙凤云松桃梅兰竹石泉溪湖丰安宁平和乐康泰华兴盛隆永新长福瑞洪"
STEMS_SECOND = "湖山河江阳川林源塘城岭州桥浦口坪田湾亭溪"
TOWNSHIP_FIRST = "大小上下前后高低新老红黄古双三五柳杨杏荷枫樟槐峰岩沙茶竹桂李梓鹤鹿马牛龙凤"
TOWNSHIP_SECOND = "家村坪港溪口湾岭畈桥田源埠坊店集塘墩岗垅"
TOWNSHIP_SUFFIXES = ("镇", "乡", "街道")

# (full name, spellings seen in documents): the first spelling is the short name.
DEPARTMENTS = [
    ("发展和改革委员会", ["发改委", "发展改革委"]),
    ("工业和信息化局", ["工信局"]),
    ("财政局", []),
    ("教育体育局", ["教体局", "教育局"]),
    ("民政局", []),
    ("司法局", []),
    ("人力资源和社会保障局", ["人社局", "人力资源社会保障局"]),
    ("自然资源局", ["自然资源分局"]),
    ("住房和城乡建设局", ["住建局"]),
    ("交通运输局", ["交通局"]),
    ("农业农村水利局", ["农业农村局", "农水局"]),
    ("商务局", []),
    ("文化广电新闻出版旅游局", ["文广新旅局", "文旅局"]),
    ("卫生健康委员会", ["卫健委"]),
    ("退役军人事务局", ["退役军人局"]),
    ("应急管理局", ["应急局"]),
    ("审计局", []),
    ("市场监督管理局", ["市场监管局", "市监局", "市场监督局"]),
    ("统计局", []),
    ("医疗保障局", ["医保局"]),
    ("城市管理局", ["城管局"]),
    ("行政审批局", ["审批局"]),
    ("信访局", []),
    ("乡村振兴局", []),
    ("科学技术局", ["科技局"]),
    ("林业局", []),
    ("国有资产监督管理办公室", ["国资办"]),
    ("金融工作办公室", ["金融办"]),
    ("投资促进局", ["投促局", "招商局"]),
    ("数据管理局", ["数管局"]),
    ("政府办公室", ["政府办"]),
    ("委宣传部", ["宣传部"]),
    ("委组织部", ["组织部"]),
    ("融媒体中心", []),
    ("公安分局", ["公安局"]),
    ("生态环境分局", ["环保局"]),
    ("总工会", []),
    ("妇女联合会", ["妇联"]),
]
# Branches of city or provincial bodies that sit in the district.
EXTERNALS = ["税务局", "供电公司", "消防救援大队", "气象局"]
COLLECTIVES = ["各乡镇（街道）", "区直有关单位", "涉改相关单位"]

SECTION_THEMES = [
    "全力以赴推进产业转型升级，在构建现代产业体系上求突破",
    "全力以赴扩大有效投资，在重大项目建设上求突破",
    "全力以赴深化改革开放，在优化营商环境上求突破",
    "全力以赴推进城市更新，在提升城市品质上求突破",
    "全力以赴实施乡村振兴，在农业农村现代化上求突破",
    "全力以赴加强生态保护，在绿色发展上求突破",
    "全力以赴保障改善民生，在增进群众福祉上求突破",
    "全力以赴防范化解风险，在平安建设上求突破",
]
LIVELIHOOD_THEME = "扎实办好十件民生实事"
SUBSECTION_TITLES = [
    "做大主导产业集群", "培育壮大新兴产业", "推动重点项目落地", "强化要素保障", "优化政务服务",
    "深化国企改革", "完善城市功能", "提升城市管理", "建设美丽乡村", "巩固脱贫成果",
    "打好污染防治攻坚战", "推进教育优质均衡", "健全社会保障体系", "加强安全生产", "推进数字政府建设",
]  # fmt: skip
LIVELIHOOD_TITLES = ["办好教育实事", "办好健康实事", "办好住房实事", "办好出行实事", "办好养老实事"]
TASK_VERBS = [
    "加快推进", "全力推进", "深入实施", "持续开展", "积极争创", "着力完善", "统筹推进", "扎实做好",
    "大力发展", "全面完成", "启动实施", "高标准建设",
]  # fmt: skip
TASK_OBJECTS = [
    "工业园区基础设施建设", "老旧小区改造", "农村人居环境整治", "陶瓷产业集群建设", "营商环境优化提升",
    "城市更新项目", "智慧城市平台建设", "义务教育学校扩容", "居家养老服务体系建设", "河湖长制落实",
    "森林防火专项整治", "安全生产专项整治三年行动", "招商引资", "重点项目建设", "乡村振兴示范点建设",
    "生活垃圾分类", "数字政府建设", "基层医疗卫生服务能力提升", "就业创业服务", "高标准农田建设",
    "棚户区改造", "城乡供水一体化", "农贸市场改造提升", "公共停车场建设", "文明城市创建",
    "企业上市培育", "国有资产盘活", "污水管网建设", "黑臭水体治理", "全域旅游示范区创建",
]  # fmt: skip
TASK_TAILS = [
    "，确保年底前全面完成。", "，全年完成投资{n}亿元。", "，新增{n}个。", "，力争年内建成投用。",
    "，覆盖率达到{n}%以上。", "。", "，形成可复制可推广的经验。", "，新开工项目{n}个。",
]  # fmt: skip
REPORT_DONE = [
    "已完成{object}方案编制，正在组织实施。", "{object}累计完成年度目标的{percent}%。",
    "已召开专题调度会，{object}按计划推进。", "{object}主体工程施工中，完成工程量约{percent}%。",
    "已完成{object}前期手续办理。", "{object}已纳入年度重点督查事项，进展顺利。",
]  # fmt: skip
REPORT_PROBLEMS = [
    "资金缺口较大。",
    "用地指标紧张。",
    "部分群众存在顾虑。",
    "审批手续较多，进度偏慢。",
    "施工受天气影响。",
]
REPORT_NEXT = ["加快施工进度。", "积极争取上级资金支持。", "加强部门协调。", "做好群众工作。", "按时序推进。"]
RETURN_REASONS = ["请补充具体数据。", "进展表述不清，请补充佐证材料。", "完成比例与实际不符，请核实。"]
EXTENSION_REASONS = [
    "受征地拆迁影响，工期延后。",
    "上级资金尚未到位。",
    "设计方案调整，需重新报批。",
    "施工受连续降雨影响。",
]
REFUSAL_REASONS = ["理由不充分，请按原时限完成。", "该任务为年度硬任务，不同意延期。"]
MILESTONE_TITLES = [
    ["完成方案编制", "完成前期手续", "召开动员部署会"],
    ["完成主体工程", "完成年度投资过半", "完成中期评估"],
    ["完成竣工验收", "全面完成任务", "完成总结评估"],
]
POSTS = {
    Unit.Kind.DEPARTMENT: ["局长", "副局长", "主任", "副主任", "科长"],
    Unit.Kind.TOWNSHIP: ["镇长", "副镇长", "主任", "党委委员"],
    Unit.Kind.EXTERNAL: ["局长", "经理", "大队长"],
}
STUDY_SUBJECTS = ["习近平总书记重要讲话精神", "上级有关会议精神", "《中华人民共和国安全生产法》"]
SURNAMES = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗"
GIVEN_NAMES = ["卫东", "建国", "文斌", "海燕", "志强", "晓明", "红梅", "立新", "国华", "春生"]


Event = TaskEvent.Kind
# The timeline's wording for reviews, as services.py writes it.
STATE_LABEL = str(ProgressReport._meta.get_field("state").verbose_name)
SUBMITTED_LABEL = str(ProgressReport.State.SUBMITTED.label)
STATE_NAMES = {state.value: str(state.label) for state in ProgressReport.State}


@functools.lru_cache(maxsize=4096)
def shown_value(value):
    return shown(value)


def display(value):
    """services.shown(value), remembered for the few dates, numbers and booleans a run writes over and over."""
    return value if isinstance(value, str) else shown_value(value)


@functools.cache
def label(model, name):
    return str(model._meta.get_field(name).verbose_name)


def timeline_changes(old, new, fields, model):
    """What services.field_changes() returns, at a fraction of its cost: it runs for every generated report."""
    return [
        {"field": name, "label": label(model, name), "old": display(old.get(name)), "new": display(new.get(name))}
        for name in fields
        if old.get(name) != new.get(name)
    ]


def milestone_text(milestone):
    """A new milestone as the plan timeline shows it (as services.py writes it)."""
    text = f"{milestone['title']}，计划{display(milestone['due_on'])}，目标{milestone['percent']}%"
    if milestone["done_on"]:
        text += f"，已于{display(milestone['done_on'])}完成"
    return text


def chinese_number(number):
    """1 → 一, 10 → 十, 15 → 十五, 23 → 二十三 (up to 99, as documents number their parts)."""
    digits = "零一二三四五六七八九"
    tens, ones = divmod(number, 10)
    if tens == 0:
        return digits[ones]
    return ("" if tens == 1 else digits[tens]) + "十" + (digits[ones] if ones else "")


def month_start(day):
    return day.replace(day=1)


def next_month(day):
    return (day.replace(day=28) + datetime.timedelta(days=4)).replace(day=1)


def split_evenly(total, parts):
    """`total` as `parts` whole numbers that differ by at most one, larger ones first."""
    base, extra = divmod(total, parts)
    return [base + (1 if index < extra else 0) for index in range(parts)]


class TableWriter:
    """Writes plain tuples into one model's table: COPY on PostgreSQL, executemany elsewhere.

    bulk_create turns every field of every model instance into SQL one at a time; for the
    big tables (tasks, their units, reports) that was most of the run (measured on
    PostgreSQL: 25 s for 40,000 reports; this takes about a tenth). Fields the tuples do not
    give get their model default, and a new required field without one stops the command
    with its name rather than writing rows the application would not.
    """

    def __init__(self, model, names):
        """`names`: the fields each tuple gives, in order, separated by spaces."""
        meta = model._meta
        given = [meta.get_field(name) for name in names.split()]
        rest = [field for field in meta.concrete_fields if field not in given and not field.primary_key]
        missing = [field.name for field in rest if not field.has_default() and not field.null]
        if missing:
            raise CommandError(f"generate_demo does not fill {meta.label}.{', '.join(missing)}: teach it to.")
        self.table = meta.db_table
        self.columns = [field.column for field in given + rest]
        self.defaults = tuple(field.get_default() if field.has_default() else None for field in rest)

    def reserve_ids(self, count):
        """`count` primary keys no other row has or will get, for rows that others point to before they exist."""
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                cursor.execute(
                    "SELECT nextval(pg_get_serial_sequence(%s, 'id')) FROM generate_series(1, %s)",
                    [connection.ops.quote_name(self.table), count],
                )
                return [row[0] for row in cursor.fetchall()]
            # SQLite: the whole run holds the write lock, so nothing else takes ids meanwhile.
            cursor.execute(f"SELECT COALESCE(MAX(id), 0) FROM {connection.ops.quote_name(self.table)}")
            first = cursor.fetchone()[0] + 1
            return list(range(first, first + count))

    def write(self, rows):
        quote = connection.ops.quote_name
        columns = ", ".join(quote(column) for column in self.columns)
        with connection.cursor() as cursor:
            if connection.vendor == "postgresql":
                buffer = io.StringIO()
                for row in rows:
                    buffer.write("\t".join(map(copy_text, row + self.defaults)))
                    buffer.write("\n")
                buffer.seek(0)
                cursor.copy_expert(f"COPY {quote(self.table)} ({columns}) FROM STDIN", buffer)
            else:
                placeholders = ", ".join(["%s"] * len(self.columns))
                cursor.executemany(
                    f"INSERT INTO {quote(self.table)} ({columns}) VALUES ({placeholders})",
                    [tuple(map(sql_value, row + self.defaults)) for row in rows],
                )


COPY_ESCAPES = str.maketrans({"\\": "\\\\", "\t": "\\t", "\n": "\\n", "\r": "\\r"})


def copy_json(value):
    return json.dumps(value).translate(COPY_ESCAPES)


# PostgreSQL's COPY text format, by Python type (a dict lookup: this runs for every value written).
COPY_TEXT = {
    type(None): lambda value: "\\N",
    bool: lambda value: "t" if value else "f",
    int: str,
    str: lambda value: value.translate(COPY_ESCAPES),
    datetime.datetime: datetime.datetime.isoformat,  # aware: the offset goes with it
    datetime.date: datetime.date.isoformat,
    list: copy_json,
    dict: copy_json,
}


def copy_text(value):
    convert = COPY_TEXT.get(type(value))
    if convert is None:  # a subclass, such as a TextChoices member (a str)
        convert = next(convert for kind, convert in COPY_TEXT.items() if isinstance(value, kind))
    return convert(value)


def sqlite_datetime(value):
    """An aware datetime as Django's SQLite backend stores it: naive UTC text."""
    return str(value.astimezone(datetime.UTC).replace(tzinfo=None))


# What the SQLite backend would store, by Python type; other values go as they are.
SQL_VALUE = {
    datetime.datetime: sqlite_datetime,
    datetime.date: datetime.date.isoformat,
    list: json.dumps,
    dict: json.dumps,
}


def sql_value(value):
    convert = SQL_VALUE.get(type(value))
    return convert(value) if convert else value


# Compared by identity: two planned units are never the same unit.
@dataclass(eq=False)
class PlannedUnit:
    name: str
    kind: str
    short_name: str = ""
    aliases: list = field(default_factory=list)
    members: list = field(default_factory=list)  # names of member units
    pk: int = None
    liaison: object = None  # the User who reports for the unit; a collective has none


@dataclass(eq=False)
class Region:
    """A district or county with its units; every name it gives starts with its stem."""

    name: str  # 东湖区
    stem: str  # 东湖
    departments: list = field(default_factory=list)
    externals: list = field(default_factory=list)
    townships: list = field(default_factory=list)
    collectives: list = field(default_factory=list)
    meetings_held: int = 0
    office: object = None  # the User of the supervision office who reviews

    @property
    def units(self):
        return [*self.departments, *self.externals, *self.townships, *self.collectives]

    @property
    def head_title(self):
        return "县长" if self.name.endswith("县") else "区长"


class Generator:
    """Plans and writes the demo data; `rng` makes every choice, so a seed gives the same rows."""

    def __init__(self, *, tasks, units, reports_per_task, seed, as_of, write):
        self.rng = random.Random(seed)
        self.task_total = tasks
        self.unit_total = units
        self.reports_per_task = reports_per_task
        self.as_of = as_of
        self.write = write
        self.zone = zoneinfo.ZoneInfo(settings.TIME_ZONE)
        # The newest notices are this year's once spring is over, else last year's.
        self.latest_year = as_of.year if as_of >= datetime.date(as_of.year, 5, 1) else as_of.year - 1
        # Reports are handed in during their month; nothing is dated after as_of's morning.
        self.last_period = month_start(as_of - datetime.timedelta(days=3))
        self.latest = datetime.datetime.combine(as_of, datetime.time(8), tzinfo=self.zone)
        self.regions = self.plan_regions()
        self.writers = {
            Task: TableWriter(
                Task,
                "id document source number section subsection text deadline is_livelihood source_line source_text",
            ),
            TaskUnit: TableWriter(TaskUnit, "task unit role position name_as_written"),
            UnitPlan: TableWriter(
                UnitPlan, "id task unit responsible_name responsible_post responsible_phone plan updated_by updated_at"
            ),
            Milestone: TableWriter(Milestone, "plan title due_on percent done_on created_at"),
            ExtensionRequest: TableWriter(
                ExtensionRequest,
                "id task unit old_deadline new_deadline reason progress percent state requested_by requested_at "
                "decided_by decided_at decision_reason version",
            ),
            ProgressReport: TableWriter(
                ProgressReport,
                "id task unit period done problems next_steps percent claims_complete state submitted_by "
                "submitted_at reviewed_by reviewed_at review_comment resubmission_of version",
            ),
            TaskEvent: TableWriter(TaskEvent, "task unit actor at kind report extension changes note"),
            ClosureRequest: TableWriter(
                ClosureRequest,
                "id task unit summary state requested_by requested_at decided_by decided_at closed_on version "
                "decision_reason reopen_reason",
            ),
            # The timeline rows of 办结 requests, which name the request instead of a report.
            "closure events": TableWriter(TaskEvent, "task unit actor at kind closure changes note"),
        }
        # Its own random sequence, so that adding 办结 requests left every other generated value as it was.
        self.closure_rng = random.Random(seed + 1)
        self.counts = dict.fromkeys(
            "users documents sections subsections tasks task_units meetings plans milestones extension_requests "
            "reports closure_requests task_events".split(),
            0,
        )

    # --- units ------------------------------------------------------------------------------

    def plan_regions(self):
        rng = self.rng
        region_count = max(1, math.ceil(self.unit_total / UNITS_PER_REGION))
        stems = rng.sample([a + b for a in STEMS_FIRST for b in STEMS_SECOND if a != b], region_count)
        township_names = rng.sample(
            [a + b + suffix for a in TOWNSHIP_FIRST for b in TOWNSHIP_SECOND for suffix in TOWNSHIP_SUFFIXES],
            len(TOWNSHIP_FIRST) * len(TOWNSHIP_SECOND) * len(TOWNSHIP_SUFFIXES),
        )
        regions = []
        for stem, size in zip(stems, split_evenly(self.unit_total, region_count), strict=True):
            region = Region(name=stem + rng.choice("区区区县"), stem=stem)
            collectives = 3 if size >= 20 else 2 if size >= 8 else 1
            externals = 2 if size >= 30 else 1 if size >= 12 else 0
            townships = max(1, round(size * 0.25))
            departments = size - collectives - externals - townships
            for full, spellings in rng.sample(DEPARTMENTS, departments):
                region.departments.append(
                    PlannedUnit(
                        name=region.name + full,
                        kind=Unit.Kind.DEPARTMENT,
                        short_name=region.name + spellings[0] if spellings else "",
                        aliases=[region.name + spelling for spelling in spellings],
                    )
                )
            for external in EXTERNALS[:externals]:
                region.externals.append(PlannedUnit(name=f"{region.name}{external}", kind=Unit.Kind.EXTERNAL))
            for _ in range(townships):
                # Bare township names are unique across regions while the pool lasts; then only the full name.
                bare = township_names.pop() if township_names else None
                name = region.name + (bare or f"第{len(region.townships) + 1}街道")
                region.townships.append(PlannedUnit(name=name, kind=Unit.Kind.TOWNSHIP, aliases=[bare] if bare else []))
            for collective in COLLECTIVES[:collectives]:
                members = region.townships if collective == "各乡镇（街道）" else self.some_departments(region)
                region.collectives.append(
                    PlannedUnit(
                        name=region.name + collective.removeprefix("区"),
                        kind=Unit.Kind.COLLECTIVE,
                        members=[member.name for member in members],
                    )
                )
            regions.append(region)
        return regions

    def some_departments(self, region):
        share = self.rng.uniform(0.2, 0.6)
        return self.rng.sample(region.departments, max(1, round(len(region.departments) * share)))

    def planned_names(self):
        """Every unit name and alias this run would write."""
        return {name for region in self.regions for unit in region.units for name in [unit.name, *unit.aliases]}

    def write_units(self):
        planned = [unit for region in self.regions for unit in region.units]
        created = Unit.objects.bulk_create(
            [Unit(name=unit.name, short_name=unit.short_name, kind=unit.kind) for unit in planned],
            batch_size=BATCH_SIZE,
        )
        for unit, row in zip(planned, created, strict=True):
            unit.pk = row.pk
        UnitAlias.objects.bulk_create(
            [UnitAlias(unit_id=unit.pk, name=name) for unit in planned for name in [unit.name, *unit.aliases]],
            batch_size=BATCH_SIZE,
        )
        pk_of = {unit.name: unit.pk for unit in planned}
        Membership = Unit.members.through
        Membership.objects.bulk_create(
            [Membership(from_unit_id=unit.pk, to_unit_id=pk_of[member]) for unit in planned for member in unit.members],
            batch_size=BATCH_SIZE,
        )
        return len(planned)

    def planned_usernames(self):
        return [
            f"{region.stem}-{suffix}"
            for region in self.regions
            for suffix in ["office", *(f"{number:02d}" for number in range(len(region.units)))]
        ]

    def write_users(self):
        """A supervision-office account per district and a liaison account per unit (a collective has none).

        They are the authors of the reports, reviews and plans; with unusable passwords
        nobody can log in as them.
        """
        user_model = get_user_model()
        password = make_password(None)
        accounts = []
        for region in self.regions:
            region.office = user_model(
                username=f"{region.stem}-office", first_name=f"{region.name}督查室", password=password
            )
            accounts.append(region.office)
            for number, unit in enumerate(region.units):
                if unit.kind != Unit.Kind.COLLECTIVE:
                    unit.liaison = user_model(
                        username=f"{region.stem}-{number:02d}", first_name=f"{unit.name}联络员", password=password
                    )
                    accounts.append(unit.liaison)
        user_model.objects.bulk_create(accounts, batch_size=BATCH_SIZE)
        groups = roles.ensure_roles()
        membership = user_model.groups.through
        units = [unit for region in self.regions for unit in region.units if unit.liaison]
        membership.objects.bulk_create(
            [membership(user_id=region.office.pk, group_id=groups[roles.OFFICE].pk) for region in self.regions]
            + [membership(user_id=unit.liaison.pk, group_id=groups[roles.LIAISON].pk) for unit in units],
            batch_size=BATCH_SIZE,
        )
        UnitLiaison.objects.bulk_create(
            [UnitLiaison(user_id=unit.liaison.pk, unit_id=unit.pk) for unit in units], batch_size=BATCH_SIZE
        )
        self.counts["users"] = len(accounts)

    # --- documents and tasks ------------------------------------------------------------------

    def run(self):
        started = time.monotonic()
        unit_count = self.write_units()
        self.write_users()
        self.write(
            f"  {unit_count} units in {len(self.regions)} districts, {self.counts['users']} users "
            f"({time.monotonic() - started:.1f} s)"
        )
        meeting_tasks = self.task_total // MEETING_TASK_SHARE
        notice_tasks = self.task_total - meeting_tasks
        notice_count = max(1, round(notice_tasks / TASKS_PER_NOTICE))
        sizes = split_evenly(notice_tasks, notice_count)
        orders = split_evenly(meeting_tasks, notice_count)
        chunk = []
        for index, (size, order_count) in enumerate(zip(sizes, orders, strict=True)):
            chunk.append(self.plan_notice(index, size, order_count))
            if sum(notice["task_count"] for notice in chunk) >= TASKS_PER_CHUNK:
                self.write_chunk(chunk)
                chunk = []
                self.progress(started)
        if chunk:
            self.write_chunk(chunk)
        self.progress(started)
        return self.counts

    def progress(self, started):
        elapsed = time.monotonic() - started
        self.write(
            f"  {self.counts['tasks']:>9,} tasks {self.counts['reports']:>10,} reports "
            f"{self.counts['meetings']:>6,} meetings ({elapsed:.1f} s)"
        )

    def plan_notice(self, index, task_count, order_count):
        """A notice of one region and year with its sections, subsections, tasks and the meetings after it."""
        rng = self.rng
        region = self.regions[index % len(self.regions)]
        round_ = index // len(self.regions)
        year = self.latest_year - round_ % YEARS
        batch = round_ // YEARS
        issued_on = datetime.date(year, 2, 10) + datetime.timedelta(days=rng.randrange(40))
        title = f"{region.name}人民政府办公室关于印发{year}年《政府工作报告》重点工作任务责任分工的通知" + (
            f"（第{chinese_number(batch + 1)}批）" if batch else ""
        )
        number = f"{region.stem}府办字〔{year}〕{10 + round_ // YEARS * 7 + rng.randrange(7)}号"
        lines = [title, number, f"{region.name}人民政府办公室", "各乡镇（街道）、区直各单位：",
                 "现将重点工作任务责任分工印发给你们，请认真抓好落实。", ""]  # fmt: skip
        section_count = max(1, min(len(SECTION_THEMES), task_count // 10))
        themes = rng.sample(SECTION_THEMES, section_count)
        if section_count >= 3:
            themes[-1] = LIVELIHOOD_THEME
        sections = []
        task_number = 0
        for section_number, (theme, section_size) in enumerate(
            zip(themes, split_evenly(task_count, section_count), strict=True), start=1
        ):
            livelihood = theme == LIVELIHOOD_THEME
            numbering = f"{chinese_number(section_number)}、"
            declared = section_size if rng.random() < 0.8 else rng.choice([None, section_size + 1])
            section = {
                "number": section_number,
                "numbering": numbering,
                "title": theme + "。",
                "declared_count": declared,
                "source_line": len(lines) + 1,
                "subsections": [],
            }
            lines.append(f"{numbering}{theme}。" + (f"（{declared}项）" if declared else ""))
            subsection_count = max(1, min(5, section_size // 3))
            titles = rng.sample(LIVELIHOOD_TITLES if livelihood else SUBSECTION_TITLES, subsection_count)
            for sub_number, (sub_title, sub_size) in enumerate(
                zip(titles, split_evenly(section_size, subsection_count), strict=True), start=1
            ):
                subsection = {
                    "number": sub_number,
                    "numbering": f"（{chinese_number(sub_number)}）",
                    "title": sub_title + "。",
                    "is_livelihood": livelihood,
                    "source_line": len(lines) + 1,
                    "tasks": [],
                }
                lines.append(subsection["numbering"] + subsection["title"])
                for _ in range(sub_size):
                    task_number += 1
                    task = self.plan_task(region, task_number, issued_on, livelihood=livelihood)
                    task["source_line"] = len(lines) + 1
                    block = [str(task_number), task["text"], *(name for _unit, _role, name in task["units"])]
                    task["source_text"] = "\n".join(block)
                    lines.extend("\t" + line for line in block)
                    lines.append("")
                    subsection["tasks"].append(task)
                section["subsections"].append(subsection)
            sections.append(section)
        meetings = [
            self.plan_meeting(region, issued_on, size, approves=position == 0)
            for position, size in enumerate(
                split_evenly(order_count, math.ceil(order_count / 3)) if order_count else []
            )
        ]
        return {
            "document": Document(
                kind=Document.Kind.NOTICE,
                number=number,
                title=title,
                issuer=f"{region.name}人民政府办公室",
                issued_on=issued_on,
                source_file=SOURCE_FILE,
                source_sha256="0" * 64,
                first_line=1,
                text="\n".join(lines),
            ),  # fmt: skip
            "sections": sections,
            "meetings": meetings,
            "task_count": task_count + order_count,
        }

    def plan_task(self, region, number, start, *, livelihood, deadline=None, text=None):
        rng = self.rng
        if deadline is None:
            roll = rng.random()
            year = start.year
            deadline = (
                datetime.date(year, 12, 31) if roll < 0.75
                else datetime.date(year, 6, 30) if roll < 0.85
                else datetime.date(year, 9, 30) if roll < 0.95
                else datetime.date(year + 1, 6, 30)
            )  # fmt: skip
        task_object = rng.choice(TASK_OBJECTS)
        if text is None:
            text = rng.choice(TASK_VERBS) + task_object + rng.choice(TASK_TAILS).format(n=rng.randint(2, 95))
        return {
            "number": number,
            "text": text,
            "object": task_object,
            "deadline": deadline,
            "start": start,
            "is_livelihood": livelihood,
            "units": self.plan_task_units(region),
            "region": region,
        }

    def plan_task_units(self, region):
        """[(unit, role, name as written)]: lead units first (the first answers), then responsible ones."""
        rng = self.rng
        lead_count = rng.choices([1, 2, 3], weights=[70, 25, 5])[0]
        if region.collectives and rng.random() < 0.03:
            leads = [rng.choice(region.collectives)]
        else:
            leads = rng.sample(region.departments, min(lead_count, len(region.departments)))
        others = [unit for unit in (*region.departments, *region.externals, *region.townships) if unit not in leads]
        responsible_count = rng.choices([0, 1, 2, 3, 4, 5], weights=[15, 20, 25, 20, 10, 10])[0]
        if leads[0].kind == Unit.Kind.COLLECTIVE:
            # Someone must report: a task led by a collective names at least one unit of its own.
            responsible_count = max(1, responsible_count)
        responsible = rng.sample(others, min(responsible_count, len(others)))
        for collective, chance in zip(region.collectives, (0.3, 0.1, 0.05), strict=False):
            if collective not in leads and rng.random() < chance:
                responsible.append(collective)
        return [
            (unit, role, rng.choice(unit.aliases) if unit.aliases and rng.random() < 0.25 else unit.name)
            for role, units in ((TaskUnit.Role.LEAD, leads), (TaskUnit.Role.RESPONSIBLE, responsible))
            for unit in units
        ]

    def plan_meeting(self, region, after, order_count, approves):
        """A standing meeting some weeks after a notice; the last agenda item orders `order_count` tasks."""
        rng = self.rng
        region.meetings_held += 1
        number = region.meetings_held
        latest = min(datetime.date(after.year, 12, 15), self.as_of - datetime.timedelta(days=45))
        held_on = min(after + datetime.timedelta(days=rng.randint(20, 200)), max(latest, after))
        body = f"{region.name}政府"
        title = f"{body}第{number}次常务会议"
        chair = rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES)
        lines = [title, f"{held_on.year}年{held_on.month}月{held_on.day}日", f"{region.head_title}{chair}主持会议。"]
        items = [
            (AgendaItem.Kind.STUDY, rng.choice(STUDY_SUBJECTS)),
            (AgendaItem.Kind.REPORT, "近期重点工作汇报"),
        ]
        if approves:
            items.append((AgendaItem.Kind.APPROVE, "重点工作任务责任分工"))
        research_object = rng.choice(TASK_OBJECTS)
        items.append((AgendaItem.Kind.RESEARCH, f"{research_object}有关事项"))
        agenda = []
        for position, (kind, subject) in enumerate(items, start=1):
            agenda.append(
                {
                    "position": position,
                    "kind": kind,
                    "subject": subject,
                    "text": f"会议{AgendaItem.Kind(kind).label}了{subject}。",
                    "source_line": len(lines) + 1,
                    "approves_notice": kind == AgendaItem.Kind.APPROVE,
                }
            )
            lines.append(agenda[-1]["text"])
        orders = []
        for order_number in range(1, order_count + 1):
            due = held_on + datetime.timedelta(days=rng.randint(10, 90))
            due_text = f"{due.month}月{due.day}日"
            text = f"{rng.choice(TASK_VERBS)}{research_object}，确保{due_text}前完成。"
            task = self.plan_task(region, order_number, held_on, livelihood=False, deadline=due, text=text)
            task["source_line"] = len(lines) + 1
            task["source_text"] = text
            task["due_text"] = due_text
            lines.append(text)
            orders.append(task)
        return {
            "document": Document(
                kind=Document.Kind.MEETING_RECORD,
                number="",
                task_prefix=order_prefix(number),
                title=title,
                issuer=body,
                issued_on=held_on,
                source_file=SOURCE_FILE,
                source_sha256="0" * 64,
                first_line=1,
                text="\n".join(lines),
            ),  # fmt: skip
            "meeting": Meeting(
                body=body,
                number=number,
                held_on=held_on,
                part_of_day=rng.choice(Meeting.PartOfDay.values[:2]),
                chair=chair,
                chair_title=f"{region.head_title}",
            ),  # fmt: skip
            "agenda": agenda,
            "orders": orders,
        }

    def write_chunk(self, notices):
        """Write a group of notices and their meetings: each table in one or a few bulk inserts."""
        meetings = [meeting for notice in notices for meeting in notice["meetings"]]
        Document.objects.bulk_create(
            [notice["document"] for notice in notices] + [meeting["document"] for meeting in meetings],
            batch_size=BATCH_SIZE,
        )
        sections = [
            (Section(document=notice["document"], **self.fields(section, "subsections")), section)
            for notice in notices
            for section in notice["sections"]
        ]
        Section.objects.bulk_create([row for row, _plan in sections], batch_size=BATCH_SIZE)
        subsections = [
            (Subsection(section=row, **self.fields(subsection, "tasks")), subsection, row)
            for row, plan in sections
            for subsection in plan["subsections"]
        ]
        Subsection.objects.bulk_create([row for row, _plan, _section in subsections], batch_size=BATCH_SIZE)
        tasks = [
            (plan, section.document_id, section.pk, subsection.pk)
            for subsection, subsection_plan, section in subsections
            for plan in subsection_plan["tasks"]
        ]
        for meeting in meetings:
            meeting["meeting"].document = meeting["document"]
            tasks.extend((plan, meeting["document"].pk, None, None) for plan in meeting["orders"])
        task_ids = self.writers[Task].reserve_ids(len(tasks))
        self.writers[Task].write(
            (
                task_id,
                document_id,
                Task.Source.NOTICE if section_id else Task.Source.MEETING,
                plan["number"],
                section_id,
                subsection_id,
                plan["text"],
                plan["deadline"],
                plan["is_livelihood"],
                plan["source_line"],
                plan["source_text"],
            )  # fmt: skip
            for task_id, (plan, document_id, section_id, subsection_id) in zip(task_ids, tasks, strict=True)
        )
        for task_id, (plan, *_rest) in zip(task_ids, tasks, strict=True):
            plan["id"] = task_id
        self.write_meetings(notices)
        self.writers[TaskUnit].write(
            (plan["id"], unit.pk, role, position, name)
            for plan, *_rest in tasks
            for position, (unit, role, name) in self.positioned(plan["units"])
        )
        for plan, *_rest in tasks:
            self.decide(plan)
        self.write_workflow([plan for plan, *_rest in tasks])
        self.counts["documents"] += len(notices) + len(meetings)
        self.counts["sections"] += len(sections)
        self.counts["subsections"] += len(subsections)
        self.counts["tasks"] += len(tasks)
        self.counts["task_units"] += sum(len(plan["units"]) for plan, *_rest in tasks)
        self.counts["meetings"] += len(meetings)

    @staticmethod
    def fields(plan, children):
        return {key: value for key, value in plan.items() if key != children}

    @staticmethod
    def positioned(units):
        """Number lead and responsible units 1, 2, … within their role, in document order."""
        seen = {}
        for unit, role, name in units:
            seen[role] = seen.get(role, 0) + 1
            yield seen[role], (unit, role, name)

    def write_meetings(self, notices):
        meetings, items, orders = [], [], []
        for notice in notices:
            for meeting in notice["meetings"]:
                meetings.append(meeting["meeting"])
                for item in meeting["agenda"]:
                    row = AgendaItem(
                        meeting=meeting["meeting"],
                        approved_document=notice["document"] if item["approves_notice"] else None,
                        **{key: item[key] for key in ("position", "kind", "subject", "text", "source_line")},
                    )
                    items.append(row)
                research = items[-1]
                orders.extend((meeting["meeting"], research, plan) for plan in meeting["orders"])
        Meeting.objects.bulk_create(meetings, batch_size=BATCH_SIZE)
        AgendaItem.objects.bulk_create(items, batch_size=BATCH_SIZE)
        MeetingOrder.objects.bulk_create(
            [
                MeetingOrder(meeting=meeting, agenda_item=item, task_id=plan["id"], due_text=plan["due_text"])
                for meeting, item, plan in orders
            ],
            batch_size=BATCH_SIZE,
        )

    # --- how each task fares: plans, milestones, extensions, reports, and their timeline ----------

    def decide(self, plan):
        """Set how the task stands on as_of: outcome, final percent, extension request, current deadline."""
        rng = self.rng
        roll = rng.random()
        if plan["deadline"] < self.as_of:
            outcome = "done" if roll < 0.85 else "overdue"
        else:
            outcome = "not_started" if roll < 0.05 else "done" if roll < 0.13 else "in_progress"
        plan["outcome"] = outcome
        plan["final"] = {"done": 100, "overdue": rng.randint(40, 95)}.get(outcome) or rng.randint(10, 90)
        plan["extension"] = self.extension(plan)
        extension = plan["extension"]
        approved = extension and extension["state"] == ExtensionRequest.State.APPROVED
        plan["deadline_now"] = extension["new_deadline"] if approved else plan["deadline"]

    def lead(self, plan):
        """The first lead unit that has a liaison (a collective has none), or None."""
        return next((unit for unit, role, _name in plan["units"] if role == TaskUnit.Role.LEAD and unit.liaison), None)

    def extension(self, plan):
        """A third of overdue tasks asked for more time before their deadline (approved or refused);
        a few running ones have a request waiting."""
        rng = self.rng
        lead = self.lead(plan)
        deadline = plan["deadline"]
        if lead is None or plan["outcome"] in ("done", "not_started"):
            return None
        if plan["outcome"] == "overdue" and rng.random() < 0.35:
            asked = deadline - datetime.timedelta(days=rng.randint(5, 30))
        elif plan["outcome"] == "in_progress" and rng.random() < 0.04:
            asked = self.as_of - datetime.timedelta(days=rng.randint(1, 10))
        else:
            return None
        requested_at = self.moment(max(asked, plan["start"]))
        decided_at = requested_at + datetime.timedelta(days=rng.randint(1, 5), hours=rng.randint(0, 5))
        if decided_at >= self.latest:
            state, decided_at = ExtensionRequest.State.PENDING, None
        else:
            state = ExtensionRequest.State.APPROVED if rng.random() < 0.6 else ExtensionRequest.State.REFUSED
        return {
            "unit": lead,
            "new_deadline": deadline + datetime.timedelta(days=rng.randint(30, 120)),
            "reason": rng.choice(EXTENSION_REASONS),
            "percent": round(plan["final"] * 0.8),
            "state": state,
            "requested_at": requested_at,
            "decided_at": decided_at,
            "decision_reason": "" if state != ExtensionRequest.State.REFUSED else rng.choice(REFUSAL_REASONS),
        }

    def moment(self, day):
        """A working-hours time on `day` (Asia/Shanghai), never later than as_of's morning."""
        at = datetime.datetime.combine(
            day, datetime.time(self.rng.randint(8, 17), self.rng.randint(0, 59)), tzinfo=self.zone
        )
        return min(at, self.latest - datetime.timedelta(minutes=1))

    def plans(self, plan):
        """[(unit, fields, milestones)]: each lead unit's implementation plan, a few responsible units' too.

        The first lead's plan has milestones six times in ten, with progress targets; one due
        before as_of is done when the task got that far, else missed (the task turns red).
        """
        rng = self.rng
        rows = []
        lead = self.lead(plan)
        for unit, role, _name in plan["units"]:
            if unit.liaison is None or rng.random() >= (0.9 if role == TaskUnit.Role.LEAD else 0.2):
                continue
            updated_at = self.moment(plan["start"] + datetime.timedelta(days=rng.randint(3, 20)))
            fields = {
                "responsible_name": rng.choice(SURNAMES) + rng.choice(GIVEN_NAMES),
                "responsible_post": rng.choice(POSTS[unit.kind]),
                "responsible_phone": f"0798-8{rng.randint(100000, 999999)}",
                "plan": f"成立工作专班，细化{plan['object']}时间表、路线图，按月调度，确保按期完成。",
            }
            milestones = []
            if unit is lead and rng.random() < 0.6:
                span = max(1, (plan["deadline"] - plan["start"]).days)
                count = rng.choice([3, 4])
                for step in range(1, count + 1):
                    due_on = plan["start"] + datetime.timedelta(days=span * step // count)
                    target = 100 * step // count
                    reached = due_on < self.as_of and (plan["outcome"] == "done" or target <= plan["final"])
                    done_on = min(due_on - datetime.timedelta(days=rng.randint(0, 10)), self.as_of)
                    milestones.append(
                        {
                            "title": rng.choice(MILESTONE_TITLES[step * 3 // (count + 1)]),
                            "due_on": due_on,
                            "percent": target,
                            "done_on": done_on if reached else None,
                            "created_at": updated_at,
                        }
                    )
            rows.append((unit, fields, milestones, updated_at))
        return rows

    def report_slots(self, plan):
        """[(period, unit)] a task can have one live report for each, in time order.

        The lead units report, and up to two responsible units (a collective through none:
        its members report on their own tasks), every month from the task's start to its
        deadline — longer, up to as_of, when K reports need more months.
        """
        named = [unit for unit, _role, _name in plan["units"] if unit.kind != Unit.Kind.COLLECTIVE]
        leads = [unit for unit, role, _name in plan["units"] if role == TaskUnit.Role.LEAD and unit in named]
        reporters = leads + [unit for unit in named if unit not in leads][:2]
        period = month_start(plan["start"])
        last = min(month_start(plan["deadline_now"]), self.last_period)
        months = [period]
        while next_month(period) <= last or (
            len(months) * len(reporters) < self.reports_per_task and next_month(period) <= self.last_period
        ):
            period = next_month(period)
            months.append(period)
        return [(month, unit) for month in months for unit in reporters]

    def reports(self, plan):
        """K reports on a task: live ones spread over its slots, returned ones each followed by its correction.

        Returns dicts with the report's fields, its unit and, for a correction, the returned report it corrects.
        """
        count = self.reports_per_task
        if not count:
            return []
        rng = self.rng
        slots = self.report_slots(plan)
        returned = sum(rng.random() < 0.05 for _ in range(count - 1))
        # Each slot holds one live report; what does not fit was returned and corrected in the same slot.
        returned = min(count - 1, max(returned, count - len(slots)))
        live = count - returned
        chosen = [slots[index * len(slots) // live] for index in range(live)]
        chains = [1] * live
        for _ in range(returned):
            chains[rng.randrange(live)] += 1
        outcome, final = plan["outcome"], plan["final"]
        reports = []
        percent = 0
        for position, ((period, unit), chain) in enumerate(zip(chosen, chains, strict=True)):
            is_last = position == live - 1
            # Handed in during the month (due on GOVTASKS_REPORT_DUE_DAY), a returned one corrected days later.
            at = self.moment(period + datetime.timedelta(days=rng.randint(3, 27)))
            at = min(at, self.latest - datetime.timedelta(days=5 * chain))
            corrects = None
            for link in range(chain):
                is_correction = link == chain - 1
                percent = min(final, max(percent, round(final * (len(reports) + 1) / count) - rng.randint(0, 5)))
                reviewed_at = at + datetime.timedelta(days=rng.randint(1, 2), hours=rng.randint(0, 6))
                if not is_correction:
                    state = ProgressReport.State.RETURNED
                elif outcome == "not_started" or (is_last and outcome == "in_progress" and rng.random() < 0.3):
                    state = ProgressReport.State.SUBMITTED
                else:
                    state = ProgressReport.State.ACCEPTED
                if is_correction and reviewed_at >= self.latest:
                    state = ProgressReport.State.SUBMITTED
                claims_complete = outcome == "done" and is_last and is_correction
                report = {
                    "unit": unit,
                    "corrects": corrects,
                    "period": period,
                    "done": f"{plan['object']}已全面完成。"
                    if claims_complete
                    else rng.choice(REPORT_DONE).format(object=plan["object"], percent=percent),
                    "problems": rng.choice(REPORT_PROBLEMS) if rng.random() < 0.3 else "",
                    "next_steps": rng.choice(REPORT_NEXT) if rng.random() < 0.6 else "",
                    "percent": 100 if claims_complete else percent,
                    "claims_complete": claims_complete,
                    "state": state,
                    "submitted_at": at,
                    "reviewed_at": None if state == ProgressReport.State.SUBMITTED else reviewed_at,
                    "review_comment": rng.choice(RETURN_REASONS) if state == ProgressReport.State.RETURNED else "",
                }
                reports.append(report)
                corrects = report
                at = reviewed_at + datetime.timedelta(days=rng.randint(1, 2))
        return reports

    def write_workflow(self, tasks):
        """Plans, milestones, extension requests and reports of `tasks`, each with its timeline rows."""
        writers, events = self.writers, []
        office = {plan["id"]: plan["region"].office.pk for plan in tasks}
        plans = [(plan, *row) for plan in tasks for row in self.plans(plan)]
        plan_ids = writers[UnitPlan].reserve_ids(len(plans))
        writers[UnitPlan].write(
            (plan_id, plan["id"], unit.pk, *fields.values(), unit.liaison.pk, updated_at)
            for plan_id, (plan, unit, fields, _milestones, updated_at) in zip(plan_ids, plans, strict=True)
        )
        writers[Milestone].write(
            (plan_id, *milestone.values())
            for plan_id, (_plan, _unit, _fields, milestones, _at) in zip(plan_ids, plans, strict=True)
            for milestone in milestones
        )
        for plan, unit, fields, milestones, updated_at in plans:
            changes = timeline_changes(dict.fromkeys(PLAN_FIELDS, ""), fields, PLAN_FIELDS, UnitPlan)
            changes += [
                {"field": "milestone", "label": "新增进度节点", "old": "", "new": milestone_text(milestone)}
                for milestone in milestones
            ]
            events.append(
                (plan["id"], unit.pk, unit.liaison.pk, updated_at, Event.PLAN_CHANGED, None, None, changes, "第1版")
            )
        extensions = [plan for plan in tasks if plan["extension"]]
        extension_ids = writers[ExtensionRequest].reserve_ids(len(extensions))
        writers[ExtensionRequest].write(
            (
                extension_id,
                plan["id"],
                plan["extension"]["unit"].pk,
                plan["deadline"],
                plan["extension"]["new_deadline"],
                plan["extension"]["reason"],
                "已完成主体工作，正在收尾。",
                plan["extension"]["percent"],
                plan["extension"]["state"],
                plan["extension"]["unit"].liaison.pk,
                plan["extension"]["requested_at"],
                office[plan["id"]] if plan["extension"]["decided_at"] else None,
                plan["extension"]["decided_at"],
                plan["extension"]["decision_reason"],
                2 if plan["extension"]["decided_at"] else 1,
            )  # fmt: skip
            for extension_id, plan in zip(extension_ids, extensions, strict=True)
        )
        for extension_id, plan in zip(extension_ids, extensions, strict=True):
            request = plan["extension"]
            unit = request["unit"]
            moved = [{"field": "deadline", "label": "完成时限", "old": display(plan["deadline"])}]
            moved[0]["new"] = display(request["new_deadline"])
            events.append(
                (
                    plan["id"],
                    unit.pk,
                    unit.liaison.pk,
                    request["requested_at"],
                    Event.EXTENSION_REQUESTED,
                    None,
                    extension_id,
                    moved,
                    request["reason"],
                )  # fmt: skip
            )
            if request["decided_at"]:
                approved = request["state"] == ExtensionRequest.State.APPROVED
                events.append(
                    (
                        plan["id"],
                        unit.pk,
                        office[plan["id"]],
                        request["decided_at"],
                        Event.EXTENSION_APPROVED if approved else Event.EXTENSION_REFUSED,
                        None,
                        extension_id,
                        moved if approved else [],
                        request["decision_reason"],
                    )  # fmt: skip
                )
        reports = [(plan, report) for plan in tasks for report in self.reports(plan)]
        report_ids = writers[ProgressReport].reserve_ids(len(reports))
        for report_id, (_plan, report) in zip(report_ids, reports, strict=True):
            report["id"] = report_id
        writers[ProgressReport].write(
            (
                report["id"],
                plan["id"],
                report["unit"].pk,
                report["period"],
                report["done"],
                report["problems"],
                report["next_steps"],
                report["percent"],
                report["claims_complete"],
                report["state"],
                report["unit"].liaison.pk,
                report["submitted_at"],
                office[plan["id"]] if report["reviewed_at"] else None,
                report["reviewed_at"],
                report["review_comment"],
                report["corrects"]["id"] if report["corrects"] else None,
                2 if report["reviewed_at"] else 1,
            )  # fmt: skip
            for plan, report in reports
        )
        for plan, report in reports:
            events.extend(self.report_events(plan["id"], report, office[plan["id"]]))
        writers[TaskEvent].write(events)
        self.write_closures(tasks, reports, office)
        self.counts["plans"] += len(plans)
        self.counts["milestones"] += sum(len(milestones) for _plan, _unit, _fields, milestones, _at in plans)
        self.counts["extension_requests"] += len(extensions)
        self.counts["reports"] += len(reports)
        self.counts["task_events"] += len(events)

    def closure(self, plan, reports):
        """The 主办 unit's 办结 request on a finished task, after its completion report, and the
        office's check: closed (销号) a few days later — after the current deadline when the
        report came late (逾期办结) — or still waiting when that would be after as_of."""
        host = self.lead(plan)
        claim = next((report for report in reversed(reports) if report["claims_complete"]), None)
        if plan["outcome"] != "done" or host is None or claim is None:
            return None
        rng = self.closure_rng
        requested_at = (claim["reviewed_at"] or claim["submitted_at"]) + datetime.timedelta(hours=rng.randint(1, 30))
        decided_at = requested_at + datetime.timedelta(days=rng.randint(1, 6), hours=rng.randint(0, 5))
        if requested_at >= self.latest:
            return None
        # One in ten still waits for the office's check (待核查).
        if decided_at >= self.latest or rng.random() < 0.1:
            decided_at = None
        return {
            "unit": host,
            "summary": f"{plan['object']}已全面完成，佐证材料见附件。",
            "requested_at": requested_at,
            "decided_at": decided_at,
            "closed_on": decided_at.astimezone(self.zone).date() if decided_at else None,
        }

    def write_closures(self, tasks, reports, office):
        """The 办结 requests of finished tasks (closure()) and their timeline rows."""
        by_task = {}
        for plan, report in reports:
            by_task.setdefault(plan["id"], []).append(report)
        closures = [(plan, self.closure(plan, by_task.get(plan["id"], []))) for plan in tasks]
        closures = [(plan, closure) for plan, closure in closures if closure]
        ids = self.writers[ClosureRequest].reserve_ids(len(closures))
        self.writers[ClosureRequest].write(
            (
                closure_id,
                plan["id"],
                closure["unit"].pk,
                closure["summary"],
                ClosureRequest.State.CLOSED if closure["decided_at"] else ClosureRequest.State.PENDING,
                closure["unit"].liaison.pk,
                closure["requested_at"],
                office[plan["id"]] if closure["decided_at"] else None,
                closure["decided_at"],
                closure["closed_on"],
                2 if closure["decided_at"] else 1,
                "",
                "",
            )  # fmt: skip
            for closure_id, (plan, closure) in zip(ids, closures, strict=True)
        )
        events = []
        for closure_id, (plan, closure) in zip(ids, closures, strict=True):
            unit = closure["unit"]
            events.append(
                (
                    plan["id"],
                    unit.pk,
                    unit.liaison.pk,
                    closure["requested_at"],
                    Event.CLOSURE_REQUESTED,
                    closure_id,
                    [],
                    closure["summary"],
                )  # fmt: skip
            )
            if closure["decided_at"]:
                events.append(
                    (
                        plan["id"],
                        unit.pk,
                        office[plan["id"]],
                        closure["decided_at"],
                        Event.CLOSURE_CLOSED,
                        closure_id,
                        [],
                        "",
                    )  # fmt: skip
                )
        self.writers["closure events"].write(events)
        self.counts["closure_requests"] += len(closures)
        self.counts["task_events"] += len(events)

    @staticmethod
    def report_events(task_id, report, office_id):
        """The timeline rows the services would have written: submitted (or resubmitted), then reviewed."""
        unit = report["unit"]
        values = {name: report[name] for name in REPORT_FIELDS}
        corrects = report["corrects"]
        if corrects:
            old = {name: corrects[name] for name in REPORT_FIELDS}
        else:
            old = {name: value for name, value in values.items() if value == "" or value is False}
        kind = Event.REPORT_RESUBMITTED if corrects else Event.REPORT_SUBMITTED
        changes = timeline_changes(old, values, REPORT_FIELDS, ProgressReport)
        yield task_id, unit.pk, unit.liaison.pk, report["submitted_at"], kind, report["id"], None, changes, ""
        if report["reviewed_at"]:
            accepted = report["state"] == ProgressReport.State.ACCEPTED
            state = [
                {"field": "state", "label": STATE_LABEL, "old": SUBMITTED_LABEL, "new": STATE_NAMES[report["state"]]}
            ]
            yield (
                task_id, unit.pk, office_id, report["reviewed_at"],
                Event.REPORT_ACCEPTED if accepted else Event.REPORT_RETURNED, report["id"], None, state,
                report["review_comment"],
            )  # fmt: skip


def existing_data():
    """Why this database is not a safe place for demo data, or "" when it is empty."""
    imported = Document.objects.exclude(source_file=SOURCE_FILE)
    if imported.exists():
        example = imported.order_by("pk").first()
        return (
            f"数据库中已有 {imported.count()} 份导入的真实文件（如“{example}”），演示数据会混入真实任务的统计和通报。\n"
            f"This database holds {imported.count()} imported (real) documents, e.g. “{example}”: "
            "synthetic tasks would be counted with the real ones on every page and bulletin."
        )
    tasks, units = Task.objects.count(), Unit.objects.count()
    if tasks or units:
        return (
            f"数据库中已有 {tasks} 项任务、{units} 个单位（可能是上次生成的演示数据）。\n"
            f"This database already holds {tasks} tasks and {units} units (perhaps an earlier generate_demo run)."
        )
    return ""


def name_clashes(generator):
    """Names this run would write that the database already has (a unique constraint would fail)."""
    planned = generator.planned_names()
    existing = set(Unit.objects.values_list("name", flat=True)) | set(UnitAlias.objects.values_list("name", flat=True))
    stems = tuple(region.stem for region in generator.regions)
    usernames = set(get_user_model().objects.values_list("username", flat=True))
    taken = [
        *(planned & existing),
        *(usernames & set(generator.planned_usernames())),
        *Meeting.objects.filter(body__in=[f"{region.name}政府" for region in generator.regions]).values_list(
            "body", flat=True
        ),
        *(number for number in Document.objects.values_list("number", flat=True) if number.startswith(stems)),
    ]
    return sorted(set(taken))


def parse_date(value):
    try:
        return datetime.date.fromisoformat(value)
    except ValueError as error:
        raise CommandError(f"--as-of：日期“{value}”无效，应为年-月-日，如 2021-11-30（YYYY-MM-DD）。") from error


class Command(BaseCommand):
    help = (
        "生成演示数据（单位、文件、任务、进展报告、常务会议），用于演示和性能测试。"
        "Generate synthetic demo data at city or province size, fast, deterministic with --seed."
    )

    def add_arguments(self, parser):
        parser.add_argument("--tasks", type=int, default=1000, help="tasks in all, meeting orders included")
        parser.add_argument("--units", type=int, default=100, help="units in all, about 50 per district")
        parser.add_argument("--reports-per-task", type=int, default=6, help="progress reports on every task")
        parser.add_argument("--seed", type=int, default=None, help="same seed and --as-of, same data")
        parser.add_argument(
            "--as-of", default=None, help="the day the data is generated for (YYYY-MM-DD, default today)"
        )
        parser.add_argument("--force", action="store_true", help="write even though the database already holds data")

    def handle(self, *args, tasks, units, reports_per_task, seed, as_of, force, **options):
        if tasks < 1:
            raise CommandError("--tasks 至少为 1（at least 1）。")
        if units < 5:
            raise CommandError("--units 至少为 5：每个区要有部门、乡镇和集合单位（at least 5 units）。")
        if reports_per_task < 0:
            raise CommandError("--reports-per-task 不能为负数（must not be negative）。")
        problem = existing_data()
        if problem and not force:
            raise CommandError(
                f"{problem}\n未写入任何数据。请使用空数据库，或确认后加 --force。"
                "\nNothing was written. Use an empty database, or pass --force if you really mean it."
            )
        if seed is None:
            seed = random.SystemRandom().randrange(1_000_000)
        as_of = parse_date(as_of) if as_of else timezone.localdate()
        generator = Generator(
            tasks=tasks, units=units, reports_per_task=reports_per_task, seed=seed, as_of=as_of,
            write=self.stdout.write,
        )  # fmt: skip
        clashes = name_clashes(generator)
        if clashes:
            raise CommandError(
                f"这些名称数据库中已存在：{'、'.join(clashes[:5])}…\n"
                f"Names this run would create already exist ({len(clashes)}): try another --seed. Nothing was written."
            )
        self.stdout.write(f"Generating demo data, seed {seed}, as of {as_of:%Y-%m-%d} (--seed {seed} repeats it):")
        run_started = time.monotonic()
        with transaction.atomic():
            counts = generator.run()
        if connection.vendor == "postgresql":
            # Fresh statistics after a bulk load: without them PostgreSQL plans the pages'
            # subqueries for empty tables (nested loops over a million reports).
            with connection.cursor() as cursor:
                cursor.execute("ANALYZE")
        started = time.monotonic()
        stored = store.refresh()
        # The bulk load stamped every task many times and the refresh removed the stamps: reclaim
        # those row versions now (PostgreSQL), or every page reads past them until autovacuum runs.
        store.compact()
        self.stdout.write(f"Stored today's state of {stored:,} tasks ({time.monotonic() - started:.1f} s).")
        summary = ", ".join(f"{value:,} {key.replace('_', ' ')}" for key, value in counts.items())
        # The whole run, states included: the line a reader takes as "how long it took".
        self.stdout.write(self.style.SUCCESS(f"Done in {time.monotonic() - run_started:.1f} s: {summary}."))
