"""The core of govtasks: units, source documents, sections, tasks and progress.

`meetings` and `commendations` build on these models; nothing here imports from them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import F, Q
from django.urls import reverse
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from .querysets import NEWEST_REPORT_FIRST, ProgressReportQuerySet, TaskQuerySet, UnitQuerySet


class Unit(models.Model):
    """An organisation that leads or shares tasks, or a collective of such organisations."""

    class Kind(models.TextChoices):
        DEPARTMENT = "department", _("区直部门")
        TOWNSHIP = "township", _("乡镇（街道）")
        COLLECTIVE = "collective", _("集合单位")
        EXTERNAL = "external", _("驻区单位")

    name = models.CharField(_("单位名称"), max_length=100, unique=True)
    short_name = models.CharField(_("简称"), max_length=50, blank=True)
    kind = models.CharField(_("类别"), max_length=20, choices=Kind.choices, default=Kind.DEPARTMENT)
    # Only collectives have members: 各乡镇（街道） holds the townships and streets.
    members = models.ManyToManyField(
        "self", symmetrical=False, related_name="collectives", blank=True, verbose_name=_("成员单位")
    )

    objects = UnitQuerySet.as_manager()

    class Meta:
        ordering = ["name"]
        verbose_name = _("单位")
        verbose_name_plural = _("单位")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("tasks:unit_detail", args=[self.pk])

    @property
    def is_collective(self):
        return self.kind == self.Kind.COLLECTIVE


class LeaderPortfolio(models.Model):
    """The units a leader (区领导) supervises (分管): their extension requests wait for this
    leader's opinion where GOVTASKS_EXTENSION_LEADER_APPROVAL is on."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="portfolio", verbose_name=_("领导")
    )
    # Collectives report through their members, so a leader supervises the members.
    units = models.ManyToManyField(
        "Unit", related_name="leaders", verbose_name=_("分管单位"), limit_choices_to=~Q(kind="collective")
    )

    class Meta:
        ordering = ["user__username"]
        verbose_name = _("分管领导")
        verbose_name_plural = _("分管领导")

    def __str__(self):
        return self.user.get_full_name() or self.user.username


class UnitAlias(models.Model):
    """One spelling of a unit's name as seen in a document (the canonical name is one too)."""

    unit = models.ForeignKey(Unit, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("单位"))
    name = models.CharField(_("写法"), max_length=100, unique=True)

    class Meta:
        ordering = ["unit", "name"]
        verbose_name = _("单位别名")
        verbose_name_plural = _("单位别名")

    def __str__(self):
        return self.name


class Document(models.Model):
    """A source document: a notice, a decision or a meeting record, with the file it came from."""

    class Kind(models.TextChoices):
        NOTICE = "notice", _("责任分工通知")
        DECISION = "decision", _("表彰决定")
        MEETING_RECORD = "meeting_record", _("常务会议纪要")

    kind = models.CharField(_("类型"), max_length=20, choices=Kind.choices)
    number = models.CharField(_("文号"), max_length=100, blank=True)
    title = models.CharField(_("标题"), max_length=300)
    issuer = models.CharField(_("发文机关"), max_length=100, blank=True)
    issued_on = models.DateField(_("成文日期"))
    source_file = models.CharField(_("导入文件"), max_length=255)
    source_sha256 = models.CharField(_("文件SHA-256"), max_length=64)
    first_line = models.PositiveIntegerField(_("起始行"))
    # Written before the number of each task of this document wherever tasks are listed: a
    # meeting's orders are numbered 会100-1, 会100-2, so they never read as notice task 1, 2.
    task_prefix = models.CharField(
        _("任务编号前缀"), max_length=20, blank=True, help_text=_("如常务会议交办事项的“会100-”；通知的任务不加前缀")
    )
    # The document's own lines exactly as in the file: the original wording is one click away.
    text = models.TextField(_("原文"))

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("来源文件")
        verbose_name_plural = _("来源文件")
        # Tasks are listed in their documents' order: with this index PostgreSQL walks the
        # documents in order and each one's tasks by number, and stops after a page (50 ms → 0.5
        # ms for the first page of 100,000 tasks) instead of sorting every task.
        indexes = [models.Index(fields=["issued_on", "id"], name="document_order")]
        constraints = [
            models.UniqueConstraint(fields=["title", "issued_on"], name="document_unique_title_date"),
            models.UniqueConstraint(fields=["number"], condition=~Q(number=""), name="document_unique_number"),
        ]

    def __str__(self):
        return self.number or self.title

    def get_absolute_url(self):
        return reverse("tasks:document_detail", args=[self.pk])


class Section(models.Model):
    """A numbered part of a notice (一、二、…), with the item count it declares, if any."""

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections", verbose_name=_("文件"))
    number = models.PositiveSmallIntegerField(_("序号"))
    numbering = models.CharField(_("原文编号"), max_length=10, help_text=_("编号的原文写法，如“二、”或“1、”"))
    title = models.CharField(_("标题"), max_length=300)
    declared_count = models.PositiveSmallIntegerField(_("原文声明项数"), null=True, blank=True)
    source_line = models.PositiveIntegerField(_("原文行号"))

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("部分")
        verbose_name_plural = _("部分")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="section_unique_number")]

    def __str__(self):
        return f"{self.numbering}{self.title}"


class Subsection(models.Model):
    """A numbered group of tasks inside a section: （一）（二）…"""

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="subsections", verbose_name=_("部分"))
    number = models.PositiveSmallIntegerField(_("序号"))
    numbering = models.CharField(_("原文编号"), max_length=10)
    title = models.CharField(_("标题"), max_length=300)
    is_livelihood = models.BooleanField(_("民生实事"), default=False)
    source_line = models.PositiveIntegerField(_("原文行号"))

    class Meta:
        ordering = ["section", "number"]
        verbose_name = _("小节")
        verbose_name_plural = _("小节")
        constraints = [models.UniqueConstraint(fields=["section", "number"], name="subsection_unique_number")]

    def __str__(self):
        return f"{self.numbering}{self.title}"


class Task(models.Model):
    """A tracked task: an item of a responsibility split, or a dated order of a meeting."""

    class Source(models.TextChoices):
        NOTICE = "notice", _("责任分工")
        MEETING = "meeting", _("常务会议")

    class Status(models.TextChoices):
        NOT_STARTED = "not_started", _("未启动")
        IN_PROGRESS = "in_progress", _("推进中")
        OVERDUE = "overdue", _("逾期")
        # The 主办 unit asked to close the task (申请办结); the office has not checked it yet.
        CHECKING = "checking", _("待核查")
        # Closed (销号) by the office on or before the current deadline, or after it.
        DONE = "done", _("按期办结")
        DONE_LATE = "done_late", _("逾期办结")

    class Light(models.TextChoices):
        GREEN = "green", _("绿灯")
        YELLOW = "yellow", _("黄灯")
        RED = "red", _("红灯")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("来源文件"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.NOTICE)
    number = models.PositiveIntegerField(_("序号"))
    section = models.ForeignKey(
        Section, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("部分")
    )
    subsection = models.ForeignKey(
        Subsection, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks", verbose_name=_("小节")
    )
    text = models.TextField(_("工作任务和要求"))
    deadline = models.DateField(_("完成时限"))
    is_livelihood = models.BooleanField(_("民生实事"), default=False)
    source_line = models.PositiveIntegerField(_("原文行号"))
    source_text = models.TextField(_("原文"), help_text=_("该任务在来源文件中的原始文字"))
    units = models.ManyToManyField(Unit, through="TaskUnit", related_name="tasks", verbose_name=_("承办单位"))
    # The lead unit that answers for the task (主办): its reports are the task's figure and only
    # it may ask to close the task. Blank: the first lead unit, as the notice lists them.
    host_unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="hosted_tasks",
        verbose_name=_("主办单位"),
        help_text=_("空白时由第一个牵头单位主办"),
    )

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="task_unique_number")]
        indexes = [models.Index(fields=["deadline"])]
        # The supervision office's reach: act on every unit's tasks, not only one's own.
        permissions = [("supervise_task", "Can supervise every task (督查室)")]

    def __str__(self):
        return f"{self.label}. {self.text[:40]}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    @property
    def label(self):
        """The number as every list, page and workbook shows it: 12 for a notice's task, 会100-1 for a meeting order.

        Only a meeting order reads its document (select_related("document") where orders are listed).
        """
        if self.source == self.Source.MEETING:
            # A record loaded without its meeting's prefix still never reads as a notice's task.
            return f"{self.document.task_prefix or '会'}{self.number}"
        return str(self.number)

    @property
    def heading(self):
        """第12项 for a notice's task; the order's own label (会100-1) for a meeting order."""
        if self.source == self.Source.MEETING:
            return self.label
        return gettext("第%(number)s项") % {"number": self.number}

    def units_in_role(self, role):
        """Units of one role in document order; uses prefetched task_units when present."""
        return [tu.unit for tu in self.task_units.all() if tu.role == role]

    @property
    def lead_units(self):
        return self.units_in_role(TaskUnit.Role.LEAD)

    @property
    def responsible_units(self):
        return self.units_in_role(TaskUnit.Role.RESPONSIBLE)

    @property
    def answering_unit(self):
        """The 主办 unit: the one the office named, else the first lead unit (None without lead units)."""
        if self.host_unit_id:
            return self.host_unit
        leads = self.lead_units
        return leads[0] if leads else None


class TaskUnit(models.Model):
    """A unit's place on a task: lead (牵头) or responsible (责任), in document order.

    The first lead unit is the one that answers for the task.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        RESPONSIBLE = "responsible", _("责任")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_units", verbose_name=_("单位"))
    role = models.CharField(_("角色"), max_length=12, choices=Role.choices)
    position = models.PositiveSmallIntegerField(_("排序"))
    name_as_written = models.CharField(_("原文写法"), max_length=100, blank=True)

    class Meta:
        ordering = ["task", "role", "position"]
        verbose_name = _("任务单位")
        verbose_name_plural = _("任务单位")
        constraints = [
            models.UniqueConstraint(fields=["task", "role", "position"], name="taskunit_unique_position"),
            models.UniqueConstraint(fields=["task", "unit", "role"], name="taskunit_unique_unit"),
        ]

    def __str__(self):
        return f"{self.task_id}:{self.get_role_display()}:{self.unit}"


class ProgressReport(models.Model):
    """What a unit reports on a task for one period; the office accepts or returns it.

    Reports are never deleted: a returned report is corrected and submitted again.
    A task's status and percent are derived from its accepted reports (querysets.py).
    """

    class State(models.TextChoices):
        SUBMITTED = "submitted", _("待审核")
        ACCEPTED = "accepted", _("已采纳")
        RETURNED = "returned", _("已退回")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports", verbose_name=_("单位"))
    period = models.DateField(_("报告期"), help_text=_("所报月份的第一天"))
    done = models.TextField(_("工作进展"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    percent = models.PositiveSmallIntegerField(_("完成百分比"), validators=[MaxValueValidator(100)])
    claims_complete = models.BooleanField(_("申报完成"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("提交人"),
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审核人"),
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)
    # The returned report this one corrects; the returned one stays as it was.
    resubmission_of = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="resubmission", verbose_name=_("更正自")
    )
    # Grows with every review, so a second reviewer working from a stale page is refused.
    version = models.PositiveIntegerField(_("版本"), default=1)

    objects = ProgressReportQuerySet.as_manager()

    class Meta:
        ordering = list(NEWEST_REPORT_FIRST)
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        permissions = [("review_progressreport", "Can accept or return progress reports")]
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
            # One live report per task, unit and month; a returned one may be followed by its correction.
            models.UniqueConstraint(
                fields=["task", "unit", "period"], condition=~Q(state="returned"), name="report_one_live_per_period"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "state", "reviewed_at"]),
            # The dashboard's newest reports, and the office's count of reports waiting for review
            # (without them: 0.6 s and 0.1 s over a million reports, bench/run.py).
            models.Index(fields=["submitted_at", "id"], name="report_newest"),
            models.Index(fields=["state"], condition=Q(state="submitted"), name="report_waiting"),
            # The review queue walks the waiting reports oldest first: without it PostgreSQL walked
            # report_newest through a million reports for the 10,000 waiting (3.7 s at 100k).
            models.Index(
                fields=["submitted_at", "id"], condition=Q(state="submitted"), name="report_waiting_oldest_first"
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.unit} {self.period:%Y-%m}"


# --- The workflow: who reports for which unit, plans, reviews, extensions, reminders, history -----------------
#
# These records are written only by the functions in services.py, each of which also writes
# the TaskEvent rows that make up a task's timeline.


class UnitLiaison(models.Model):
    """Links a user account to the one unit it reports for (单位联络员)."""

    user = models.OneToOneField(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="liaison", verbose_name=_("用户")
    )
    # A collective (各乡镇（街道）) has no liaison of its own: its members report.
    unit = models.ForeignKey(
        Unit,
        on_delete=models.PROTECT,
        related_name="liaisons",
        verbose_name=_("单位"),
        limit_choices_to=~Q(kind="collective"),
    )
    # The office phones a liaison when a reminder's e-mail cannot reach it; shown on the unit list.
    phone = models.CharField(_("联系电话"), max_length=30, blank=True)

    class Meta:
        ordering = ["unit", "user"]
        verbose_name = _("单位联络员")
        verbose_name_plural = _("单位联络员")

    def __str__(self):
        return f"{self.unit}：{self.user}"


class UnitPlan(models.Model):
    """A unit's implementation plan for one task: the responsible person, the plan and its milestones.

    `version` grows with every change (milestones included), so an edit made on a stale copy
    is refused instead of overwriting someone else's change.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="plans", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="plans", verbose_name=_("单位"))
    responsible_name = models.CharField(_("责任人"), max_length=50, blank=True)
    responsible_post = models.CharField(_("职务"), max_length=100, blank=True)
    responsible_phone = models.CharField(_("联系电话"), max_length=30, blank=True)
    plan = models.TextField(_("实施方案"), blank=True)
    version = models.PositiveIntegerField(_("版本"), default=1)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("修改人"),
    )
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        ordering = ["task", "unit"]
        verbose_name = _("实施方案")
        verbose_name_plural = _("实施方案")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="unitplan_unique_task_unit")]

    def __str__(self):
        return f"{self.task_id} {self.unit}"


class Milestone(models.Model):
    """A dated step of a unit's plan (what, by when, done on); an overdue open one turns the task red.

    `percent` is the progress the step stands for, from which the expected progress (序时进度)
    is read; without it the expected progress runs pro rata to the deadline. A removed
    milestone keeps its row (`removed_at`) so a view "as of" an earlier day still sees it.
    """

    plan = models.ForeignKey(UnitPlan, on_delete=models.PROTECT, related_name="milestones", verbose_name=_("实施方案"))
    title = models.CharField(_("节点任务"), max_length=200)
    due_on = models.DateField(_("计划完成日期"))
    percent = models.PositiveSmallIntegerField(
        _("节点进度目标"),
        null=True,
        blank=True,
        validators=[MaxValueValidator(100)],
        help_text=_("完成该节点时应达到的百分比"),
    )
    done_on = models.DateField(_("实际完成日期"), null=True, blank=True)
    created_at = models.DateTimeField(_("创建时间"))
    removed_at = models.DateTimeField(_("删除时间"), null=True, blank=True)

    class Meta:
        ordering = ["plan", "due_on", "pk"]
        verbose_name = _("进度节点")
        verbose_name_plural = _("进度节点")
        constraints = [
            models.CheckConstraint(
                condition=Q(percent__isnull=True) | Q(percent__lte=100), name="milestone_percent_max_100"
            ),
        ]

    def __str__(self):
        return f"{self.title}（{self.due_on}）"


class ExtensionRequest(models.Model):
    """A unit's request to move a task's deadline (延期申请), and the office's decision.

    An approved request does not rewrite `Task.deadline` (the date the document set): the
    task's current deadline is the newest approved request's granted date (state/derive.py), so
    a view "as of" a day before the approval still shows the deadline that held then.

    The office may grant another date than the one asked for (`granted_deadline`, with its
    reason); `new_deadline` stays what the unit asked. Where GOVTASKS_EXTENSION_LEADER_APPROVAL
    is on, the unit's 分管领导 gives an opinion (`leader_opinion`) before the office decides.
    """

    class Opinion(models.TextChoices):
        AGREE = "agree", _("同意")
        OPPOSE = "oppose", _("不同意")

    class State(models.TextChoices):
        PENDING = "pending", _("待审批")
        APPROVED = "approved", _("已同意")
        REFUSED = "refused", _("不同意")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="extension_requests", verbose_name=_("单位"))
    old_deadline = models.DateField(_("原完成时限"))
    new_deadline = models.DateField(_("申请完成时限"))
    reason = models.TextField(_("延期理由"))
    progress = models.TextField(_("目前进展"))
    percent = models.PositiveSmallIntegerField(_("目前完成百分比"), validators=[MaxValueValidator(100)])
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("申请人")
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("审批时间"), null=True, blank=True)
    decision_reason = models.TextField(_("审批意见"), blank=True)
    # Null until approved (and on requests approved before the office could grant another date:
    # those granted what was asked).
    granted_deadline = models.DateField(_("批准完成时限"), null=True, blank=True)
    # Empty in the database too (db_default): bulk writers that name only the older columns
    # (generate_demo's COPY, a restore of an older backup) leave these out.
    leader_opinion = models.CharField(
        _("分管领导意见"), max_length=10, choices=Opinion.choices, blank=True, default="", db_default=""
    )
    leader_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("分管领导"),
    )
    leader_at = models.DateTimeField(_("分管领导审核时间"), null=True, blank=True)
    leader_comment = models.TextField(_("分管领导批注"), blank=True, default="", db_default="")
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("延期申请")
        verbose_name_plural = _("延期申请")
        permissions = [
            ("decide_extensionrequest", "Can approve or refuse extension requests"),
            ("endorse_extensionrequest", "Can give a supervising leader's opinion on extension requests"),
        ]
        constraints = [
            # A task has one deadline: two open requests for it would contradict each other.
            models.UniqueConstraint(fields=["task"], condition=Q(state="pending"), name="extension_one_pending"),
            models.CheckConstraint(condition=Q(new_deadline__gt=F("old_deadline")), name="extension_moves_later"),
            models.CheckConstraint(
                condition=Q(granted_deadline__isnull=True) | Q(granted_deadline__gt=F("old_deadline")),
                name="extension_grant_moves_later",
            ),
            models.CheckConstraint(condition=Q(percent__lte=100), name="extension_percent_max_100"),
        ]
        indexes = [
            models.Index(fields=["task", "state", "decided_at"]),
            # The review queue's pending requests, oldest first.
            models.Index(
                fields=["requested_at", "id"], condition=Q(state="pending"), name="extension_pending_oldest_first"
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.unit} → {self.new_deadline}"

    @property
    def deadline_set(self):
        """The deadline this request sets once approved: the office's date, or the one asked."""
        return self.granted_deadline or self.new_deadline

    @property
    def granted_other_date(self):
        return self.granted_deadline is not None and self.granted_deadline != self.new_deadline


class ClosureRequest(models.Model):
    """The 主办 unit's request to close a task (申请办结) with its evidence, and the office's check (办结销号).

    Pending (待核查) until the office checks the evidence: 核查通过 closes the task (销号) on
    `closed_on`, 退回 sends it back with a reason. A closed task can be reopened with a reason;
    the request then keeps its dates (a view "as of" a day in between still sees it closed).
    A 100 % report alone closes nothing: only a closed request does (querysets.derivation).
    """

    class State(models.TextChoices):
        PENDING = "pending", _("待核查")
        CLOSED = "closed", _("已销号")
        RETURNED = "returned", _("已退回")
        REOPENED = "reopened", _("已重新打开")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="closure_requests", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="closure_requests", verbose_name=_("单位"))
    summary = models.TextField(_("办结情况"))
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.PENDING)
    # Null for requests made from a completion claim accepted before 办结销号 existed (migration 0009).
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("申请人"),
    )
    requested_at = models.DateTimeField(_("申请时间"))
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("审批人"),
    )
    decided_at = models.DateTimeField(_("核查时间"), null=True, blank=True)
    decision_reason = models.TextField(_("核查意见"), blank=True)
    # The day the office closed the task (销号), in the project's time zone: after the task's
    # current deadline it is 逾期办结.
    closed_on = models.DateField(_("销号日期"), null=True, blank=True)
    reopened_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("重新打开人"),
    )
    reopened_at = models.DateTimeField(_("重新打开时间"), null=True, blank=True)
    reopen_reason = models.TextField(_("重新打开理由"), blank=True)
    migrated_from = models.OneToOneField(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="closure_request",
        verbose_name=_("由申报完成的报告转来"),
    )
    version = models.PositiveIntegerField(_("版本"), default=1)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("办结申请")
        verbose_name_plural = _("办结申请")
        permissions = [("decide_closurerequest", "Can check and close tasks (办结销号)")]
        constraints = [
            models.UniqueConstraint(fields=["task"], condition=Q(state="pending"), name="closure_one_pending"),
            models.UniqueConstraint(fields=["task"], condition=Q(state="closed"), name="closure_one_closed"),
            models.CheckConstraint(
                condition=~Q(state="closed") | Q(closed_on__isnull=False), name="closure_closed_has_date"
            ),
        ]
        indexes = [
            models.Index(fields=["task", "state", "decided_at"]),
            # The review queue's 办结 requests waiting for the office's check, oldest first.
            models.Index(
                fields=["requested_at", "id"], condition=Q(state="pending"), name="closure_pending_oldest_first"
            ),
        ]

    def __str__(self):
        return f"{self.task_id} {self.unit} {self.get_state_display()}"


class MemberAssignment(models.Model):
    """The office's naming of a member unit for its share of a collective's task (点名承办).

    A task given to 各乡镇（街道） reaches every township: each sees it and may report its part, but
    none answers for it (is counted for its overdue and red tasks, scored) unless the office names
    it here. Withdrawn, the row stays with `withdrawn_at`, so a view "as of" a day in between still
    sees the unit named. Written only by tasks/closure/services.py; read through
    state.answerable_units(), the one rule of who answers for a task.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="member_assignments", verbose_name=_("任务"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="member_assignments", verbose_name=_("成员单位")
    )
    collective = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="+", verbose_name=_("集合单位"))
    assigned_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    assigned_at = models.DateTimeField(_("指定时间"))
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    withdrawn_at = models.DateTimeField(_("撤销时间"), null=True, blank=True)

    class Meta:
        ordering = ["task", "assigned_at", "pk"]
        verbose_name = _("集合单位成员承办")
        verbose_name_plural = _("集合单位成员承办")
        constraints = [
            # Named once at a time: a second naming of a standing one is refused, not doubled.
            models.UniqueConstraint(
                fields=["task", "unit"], condition=Q(withdrawn_at__isnull=True), name="member_assignment_one_standing"
            ),
        ]
        indexes = [models.Index(fields=["task", "unit", "assigned_at"], name="member_assignment_task")]

    def __str__(self):
        return f"{self.task_id} {self.unit}"


class LeaderInstruction(models.Model):
    """A leader's instruction (领导批示) on a task or one of its reports, and the unit's reply (落实情况).

    Addressed to the task's 主办 unit when written; open until that unit's liaison replies. It is on
    the task's timeline, on the unit's to-do list while open, and on the office's dashboard.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="instructions", verbose_name=_("任务"))
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="instructions",
        verbose_name=_("进展报告"),
    )
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="instructions", verbose_name=_("落实单位"))
    text = models.TextField(_("批示内容"))
    written_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("批示人")
    )
    written_at = models.DateTimeField(_("批示时间"))
    reply = models.TextField(_("落实情况"), blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("答复人"),
    )
    replied_at = models.DateTimeField(_("答复时间"), null=True, blank=True)

    class Meta:
        ordering = ["-written_at", "-pk"]
        verbose_name = _("领导批示")
        verbose_name_plural = _("领导批示")
        permissions = [("answer_leaderinstruction", "Can answer leaders' instructions for one's unit")]
        indexes = [models.Index(fields=["unit", "replied_at"], name="instruction_open")]

    def __str__(self):
        return f"{self.task_id} {self.written_at:%Y-%m-%d}"

    @property
    def is_open(self):
        return self.replied_at is None


class Publication(models.Model):
    """What the public disclosure page (信息公开) says of a task: the office's own wording of its progress
    (公开稿), and whether it is published. A task without a published one is not on the public page;
    units' reports never are. Written only by tasks/public/services.py."""

    task = models.OneToOneField(Task, on_delete=models.CASCADE, related_name="publication", verbose_name=_("任务"))
    text = models.TextField(_("公开稿"), blank=True)
    is_published = models.BooleanField(_("已公开"), default=False)
    published_at = models.DateTimeField(_("公开时间"), null=True, blank=True)
    updated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("修改人")
    )
    updated_at = models.DateTimeField(_("修改时间"))

    class Meta:
        verbose_name = _("信息公开")
        verbose_name_plural = _("信息公开")
        indexes = [models.Index(fields=["is_published", "task"], name="publication_published")]
        constraints = [
            models.CheckConstraint(
                condition=Q(is_published=False) | Q(published_at__isnull=False), name="publication_published_dated"
            )
        ]

    def __str__(self):
        return f"{self.task_id} {'✓' if self.is_published else '—'}"


def attachment_storage():
    """Where attachment files live (tasks/attachments/storage.py); a callable, so settings are read at run time."""
    from core.attachment_storage import attachment_storage as storage  # noqa: PLC0415

    return storage()


class Attachment(models.Model):
    """A file on a record (佐证材料): a progress report, an extension request or a 办结 request.

    Checked by its content before it is stored (tasks/attachments/files.py); stored under a
    generated name through Django's storage API, never under a public URL: it is read only
    through the download view, with the same access as its record. `original_name` is the
    name the user's file had, for the download.
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="attachments", verbose_name=_("任务"))
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("进展报告"),
    )
    extension = models.ForeignKey(
        ExtensionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("延期申请"),
    )
    closure = models.ForeignKey(
        ClosureRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="attachments",
        verbose_name=_("办结申请"),
    )
    file = models.FileField(_("文件"), storage=attachment_storage, max_length=200)
    original_name = models.CharField(_("文件名"), max_length=200)
    kind = models.CharField(_("类型"), max_length=10)
    size = models.PositiveBigIntegerField(_("大小"))
    sha256 = models.CharField(_("SHA-256"), max_length=64)
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("上传人")
    )
    uploaded_at = models.DateTimeField(_("上传时间"))

    class Meta:
        ordering = ["uploaded_at", "pk"]
        verbose_name = _("附件")
        verbose_name_plural = _("附件")
        constraints = [
            # On exactly one record.
            models.CheckConstraint(
                condition=(
                    Q(report__isnull=False, extension__isnull=True, closure__isnull=True)
                    | Q(report__isnull=True, extension__isnull=False, closure__isnull=True)
                    | Q(report__isnull=True, extension__isnull=True, closure__isnull=False)
                ),
                name="attachment_on_one_record",
            ),
        ]

    def __str__(self):
        return self.original_name

    def get_absolute_url(self):
        return reverse("tasks:attachment_download", args=[self.pk])


class Reminder(models.Model):
    """A recorded reminder (催办) to a unit: the tasks it had not reported and those overdue."""

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reminders", verbose_name=_("单位"))
    period = models.DateField(_("报告期"), help_text=_("所催报月份的第一天"))
    tasks = models.ManyToManyField(Task, related_name="reminders", verbose_name=_("任务"))
    message = models.TextField(_("催办内容"))
    sent_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", verbose_name=_("催办人")
    )
    sent_at = models.DateTimeField(_("催办时间"))
    emailed_to = models.TextField(_("邮件收件人"), blank=True)
    email_error = models.TextField(_("邮件发送错误"), blank=True)

    class Meta:
        ordering = ["-sent_at", "-pk"]
        verbose_name = _("催办记录")
        verbose_name_plural = _("催办记录")

    def __str__(self):
        return f"{self.unit} {self.sent_at:%Y-%m-%d}"


class Handover(models.Model):
    """交办: a task handed to a unit that holds it (named on it, or a member of a collective named
    on it), which the unit acknowledges (签收) in the app within GOVTASKS_ACK_WORKING_DAYS working days.

    Written by tasks/handover/services.py when a notice is imported or a meeting order assigned.
    Pairs that existed before 交办 was kept (migration 0016) count as acknowledged: `migrated`.
    """

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="handovers", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="handovers", verbose_name=_("单位"))
    handed_at = models.DateTimeField(_("交办时间"))
    due_on = models.DateField(_("应签收日期"))
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    migrated = models.BooleanField(_("迁移时视为已签收"), default=False)

    class Meta:
        ordering = ["-handed_at", "task", "unit"]
        verbose_name = _("交办")
        verbose_name_plural = _("交办")
        constraints = [models.UniqueConstraint(fields=["task", "unit"], name="handover_one_per_task_and_unit")]
        # The office's "not acknowledged" counts and a unit's list: the open ones by unit.
        indexes = [models.Index(fields=["unit", "acknowledged_at"], name="handover_open_by_unit")]

    def __str__(self):
        return f"{self.task_id} → {self.unit}"


class TaskEvent(models.Model):
    """One entry of a task's history (留痕): who did what and when, with values before and after.

    Written by the service functions in the same transaction as the change itself; never
    edited or deleted. `changes` is a list of {"field", "label", "old", "new"} with values
    as displayed text.
    """

    class Kind(models.TextChoices):
        UNITS_ASSIGNED = "units_assigned", _("分配承办单位")
        HANDED_OVER = "handed_over", _("交办")
        ACKNOWLEDGED = "acknowledged", _("签收")
        PLAN_CHANGED = "plan_changed", _("修改实施方案")
        REPORT_SUBMITTED = "report_submitted", _("提交进展报告")
        REPORT_RESUBMITTED = "report_resubmitted", _("修改后重新提交")
        REPORT_ACCEPTED = "report_accepted", _("采纳进展报告")
        REPORT_RETURNED = "report_returned", _("退回进展报告")
        REMINDED = "reminded", _("催办")
        EXTENSION_REQUESTED = "extension_requested", _("申请延期")
        EXTENSION_APPROVED = "extension_approved", _("同意延期")
        EXTENSION_REFUSED = "extension_refused", _("不同意延期")
        EXTENSION_ENDORSED = "extension_endorsed", _("分管领导同意延期")
        EXTENSION_OPPOSED = "extension_opposed", _("分管领导不同意延期")
        TASK_EDITED = "task_edited", _("修改任务")
        HOST_CHANGED = "host_changed", _("指定主办单位")
        CLOSURE_REQUESTED = "closure_requested", _("申请办结")
        CLOSURE_CLOSED = "closure_closed", _("核查通过，办结销号")
        CLOSURE_RETURNED = "closure_returned", _("退回办结申请")
        TASK_REOPENED = "task_reopened", _("重新打开任务")
        INSTRUCTED = "instructed", _("领导批示")
        INSTRUCTION_ANSWERED = "instruction_answered", _("答复领导批示")
        PUBLISHED = "published", _("信息公开")
        UNPUBLISHED = "unpublished", _("撤回公开")
        MEMBER_ASSIGNED = "member_assigned", _("指定成员单位承办")
        MEMBER_WITHDRAWN = "member_withdrawn", _("撤销成员单位承办")
        # The daily sweep and the escalation ladder (the chasing app).
        DUE_REMINDED = "due_reminded", _("到期提醒")
        ESCALATED = "escalated", _("督查升级")
        ORDER_ACKNOWLEDGED = "order_acknowledged", _("签收督办单")
        ORDER_ANSWERED = "order_answered", _("答复督办单")

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="events", verbose_name=_("任务"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, null=True, blank=True, related_name="+", verbose_name=_("单位")
    )
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+", verbose_name=_("操作人")
    )
    at = models.DateTimeField(_("时间"))
    kind = models.CharField(_("事项"), max_length=24, choices=Kind.choices)
    report = models.ForeignKey(
        ProgressReport,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("进展报告"),
    )
    extension = models.ForeignKey(
        ExtensionRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("延期申请"),
    )
    reminder = models.ForeignKey(
        Reminder, on_delete=models.PROTECT, null=True, blank=True, related_name="events", verbose_name=_("催办")
    )
    closure = models.ForeignKey(
        ClosureRequest,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("办结申请"),
    )
    instruction = models.ForeignKey(
        LeaderInstruction,
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="events",
        verbose_name=_("领导批示"),
    )
    changes = models.JSONField(_("变更内容"), default=list, blank=True)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-at", "-pk"]
        verbose_name = _("任务记录")
        verbose_name_plural = _("任务记录")
        indexes = [models.Index(fields=["task", "at"])]

    def __str__(self):
        return f"{self.task_id} {self.get_kind_display()} {self.at:%Y-%m-%d %H:%M}"


class TaskStamp(models.Model):
    """A task whose inputs changed since its state was stored: written by database triggers, never by the app.

    Every insert, update or delete of what a task's derived state is made of (the task itself,
    its reports, extensions, plans and milestones, units, deadline, document date, the members
    of a collective on it) adds this row or bumps its `n` (migrations 0004 and 0006), however
    the change was made — a service, the admin, an import, a bulk update, raw SQL.
    store.ensure_fresh() derives those tasks again and removes their rows.
    """

    # No database foreign key: a task's delete cascades to rows whose triggers stamp it again.
    task = models.OneToOneField(
        Task,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="stamp",
        verbose_name=_("任务"),
    )
    # Upserted, not just inserted: the upsert locks an existing row until the writer commits, and
    # a refresh skips locked rows, so a change still in flight is never taken as stored. On
    # PostgreSQL a trigger then skips the update itself (migration 0017): the lock without a dead
    # row version, so `n` stays 1 there.
    n = models.PositiveBigIntegerField(default=0)

    # Derived, not data: backups leave it out (govtasks/backup.py).
    derived = True

    def __str__(self):
        return f"{self.task_id}: {self.n}"


class TaskStateDay(models.Model):
    """The day and light thresholds every stored TaskState holds for; a single row (pk 1)."""

    as_of = models.DateField()
    rules = models.CharField(max_length=64)

    derived = True

    def __str__(self):
        return f"{self.as_of} {self.rules}"


class TaskState(models.Model):
    """A task's derived state (state/derive.py) today, stored so that pages read it
    instead of deriving it from the reports for every task on every request.

    Kept true by store.ensure_fresh() before every read: all of them again on another
    day or under other light thresholds (TaskStateDay), the changed tasks (TaskStamp) otherwise.
    """

    task = models.OneToOneField(
        Task,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="state",
        verbose_name=_("任务"),
    )
    current_deadline = models.DateField()
    percent = models.IntegerField()
    is_complete = models.BooleanField()
    has_progress = models.BooleanField()
    days_left = models.IntegerField()
    expected = models.IntegerField()
    gap = models.IntegerField()
    status = models.CharField(max_length=12, choices=Task.Status.choices)
    light = models.CharField(max_length=8, choices=Task.Light.choices)
    closed_on = models.DateField(null=True)
    missed_milestone = models.BooleanField()
    unreported = models.BooleanField()

    derived = True

    class Meta:
        # The task list filters by status and light and sorts by deadline; the dashboard lists the late.
        indexes = [
            models.Index(fields=["status", "task"], name="taskstate_status"),
            models.Index(fields=["light", "task"], name="taskstate_light"),
            models.Index(fields=["current_deadline", "task"], name="taskstate_deadline"),
        ]

    def __str__(self):
        return f"{self.task_id}: {self.status}, {self.light}"


class TaskReach(models.Model):
    """A unit a task reaches — named on it, or a member of a collective named on it — as stored
    with today's task states (tasks/state/tallies.py). 0/1 flags, so that sums count tasks."""

    # One index, the key: rebuilding a province's 955,000 pairs took 11 s with four, 4 s with it.
    pk = models.CompositePrimaryKey("task", "unit")
    task = models.ForeignKey(
        Task, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+", verbose_name=_("任务")
    )
    unit = models.ForeignKey(
        Unit, on_delete=models.DO_NOTHING, db_constraint=False, db_index=False, related_name="+", verbose_name=_("单位")
    )
    lead = models.PositiveSmallIntegerField()  # named as a lead unit
    responsible = models.PositiveSmallIntegerField()  # named as a responsible unit
    via = models.PositiveSmallIntegerField()  # not named: reached through a collective only
    # Answers for the task (state.answerable_units): named on it, or a member the office named.
    answerable = models.PositiveSmallIntegerField(default=0)

    derived = True

    def __str__(self):
        return f"{self.task_id} → {self.unit_id}"


class UnitTally(models.Model):
    """A unit's task counts today, kept with the stored task states (tasks/state/tallies.py): what
    state.units_as_of() derives, for the unit list and the dashboard's lagging units."""

    unit = models.OneToOneField(
        Unit,
        on_delete=models.DO_NOTHING,
        db_constraint=False,
        primary_key=True,
        related_name="tally",
        verbose_name=_("单位"),
    )
    led = models.IntegerField()
    shared = models.IntegerField()
    via_collective = models.IntegerField()
    total = models.IntegerField()
    # Of `total`, the tasks the unit answers for (state.answerable_units): what done … red are counted in.
    answerable = models.IntegerField(default=0)
    done = models.IntegerField()
    done_late = models.IntegerField(default=0)
    overdue = models.IntegerField()
    red = models.IntegerField()

    derived = True

    class Meta:
        indexes = [models.Index(fields=["-overdue", "-red"], name="unit_tally_lagging")]

    def __str__(self):
        return f"{self.unit_id}: {self.done}/{self.total}"


class BulletinIssue(models.Model):
    """A numbered issue of the progress bulletin (督查通报): 期号 run from 1 each year."""

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveSmallIntegerField(_("期号"))
    issued_at = models.DateTimeField(_("印发时间"))
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="+",
        verbose_name=_("签发人"),
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("督查通报期号")
        verbose_name_plural = _("督查通报期号")
        constraints = [models.UniqueConstraint(fields=["year", "number"], name="bulletin_issue_unique_number")]

    def __str__(self):
        return f"{self.year}年第{self.number}期"


class BulletinExport(models.Model):
    """A bulletin export too large for the request (督查通报 of a big filter), written by the background worker.

    Holds what the user asked for (the task list's query string, as of which day) so the worker
    builds exactly the rows the list showed that user, its progress, and the finished file — in the
    attachments' private storage, served only to the user who asked (tasks/workbooks/background.py).
    """

    class State(models.TextChoices):
        QUEUED = "queued", _("排队中")
        RUNNING = "running", _("正在生成")
        DONE = "done", _("已完成")
        FAILED = "failed", _("生成失败")

    requested_by = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    requested_at = models.DateTimeField(_("申请时间"))
    params = models.TextField(_("筛选条件"), blank=True)
    as_of = models.DateField(_("截至"))
    scope = models.CharField(_("范围"), max_length=200, blank=True)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.QUEUED)
    total = models.PositiveIntegerField(_("任务数"), default=0)
    written = models.PositiveIntegerField(_("已写入"), default=0)
    file = models.FileField(_("文件"), storage=attachment_storage, max_length=200, blank=True)
    filename = models.CharField(_("文件名"), max_length=200)
    error = models.TextField(_("错误"), blank=True)
    finished_at = models.DateTimeField(_("完成时间"), null=True, blank=True)

    class Meta:
        ordering = ["-requested_at", "-pk"]
        verbose_name = _("后台导出")
        verbose_name_plural = _("后台导出")

    def __str__(self):
        return self.filename

    def get_absolute_url(self):
        return reverse("tasks:export_detail", args=[self.pk])

    @property
    def percent(self) -> int:
        return min(100, round(100 * self.written / self.total)) if self.total else 0
