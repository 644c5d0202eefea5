"""The core of govtasks: units, source documents, sections, tasks and progress.

`meetings` and `commendations` build on these models; nothing here imports from them.
"""

from django.conf import settings
from django.core.validators import MaxValueValidator
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from .querysets import TaskQuerySet, UnitQuerySet


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
    # The document's own lines exactly as in the file: the original wording is one click away.
    text = models.TextField(_("原文"))

    class Meta:
        ordering = ["issued_on", "pk"]
        verbose_name = _("来源文件")
        verbose_name_plural = _("来源文件")
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

    document = models.ForeignKey(Document, on_delete=models.CASCADE, related_name="sections")
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

    section = models.ForeignKey(Section, on_delete=models.CASCADE, related_name="subsections")
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
        DONE = "done", _("已完成")
        OVERDUE = "overdue", _("逾期")

    class Light(models.TextChoices):
        GREEN = "green", _("绿灯")
        YELLOW = "yellow", _("黄灯")
        RED = "red", _("红灯")

    document = models.ForeignKey(Document, on_delete=models.PROTECT, related_name="tasks", verbose_name=_("来源文件"))
    source = models.CharField(_("来源"), max_length=10, choices=Source.choices, default=Source.NOTICE)
    number = models.PositiveIntegerField(_("序号"))
    section = models.ForeignKey(Section, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    subsection = models.ForeignKey(Subsection, on_delete=models.PROTECT, null=True, blank=True, related_name="tasks")
    text = models.TextField(_("工作任务和要求"))
    deadline = models.DateField(_("完成时限"))
    is_livelihood = models.BooleanField(_("民生实事"), default=False)
    source_line = models.PositiveIntegerField(_("原文行号"))
    source_text = models.TextField(_("原文"), help_text=_("该任务在来源文件中的原始文字"))
    units = models.ManyToManyField(Unit, through="TaskUnit", related_name="tasks")

    objects = TaskQuerySet.as_manager()

    class Meta:
        ordering = ["document", "number"]
        verbose_name = _("任务")
        verbose_name_plural = _("任务")
        constraints = [models.UniqueConstraint(fields=["document", "number"], name="task_unique_number")]
        indexes = [models.Index(fields=["deadline"])]

    def __str__(self):
        return f"{self.number}. {self.text[:40]}"

    def get_absolute_url(self):
        return reverse("tasks:task_detail", args=[self.pk])

    def units_in_role(self, role):
        """Units of one role in document order; uses prefetched task_units when present."""
        return [tu.unit for tu in self.task_units.all() if tu.role == role]

    @property
    def lead_units(self):
        return self.units_in_role(TaskUnit.Role.LEAD)

    @property
    def responsible_units(self):
        return self.units_in_role(TaskUnit.Role.RESPONSIBLE)


class TaskUnit(models.Model):
    """A unit's place on a task: lead (牵头) or responsible (责任), in document order.

    The first lead unit is the one that answers for the task.
    """

    class Role(models.TextChoices):
        LEAD = "lead", _("牵头")
        RESPONSIBLE = "responsible", _("责任")

    task = models.ForeignKey(Task, on_delete=models.CASCADE, related_name="task_units")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="task_units")
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

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="reports")
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="reports")
    period = models.DateField(_("报告期"), help_text=_("所报月份的第一天"))
    done = models.TextField(_("工作进展"))
    problems = models.TextField(_("存在问题"), blank=True)
    next_steps = models.TextField(_("下步计划"), blank=True)
    percent = models.PositiveSmallIntegerField(_("完成百分比"), validators=[MaxValueValidator(100)])
    claims_complete = models.BooleanField(_("申报完成"), default=False)
    state = models.CharField(_("状态"), max_length=10, choices=State.choices, default=State.SUBMITTED)
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    submitted_at = models.DateTimeField(_("提交时间"))
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(_("审核时间"), null=True, blank=True)
    review_comment = models.TextField(_("审核意见"), blank=True)

    class Meta:
        ordering = ["-period", "-submitted_at", "-pk"]
        verbose_name = _("进展报告")
        verbose_name_plural = _("进展报告")
        constraints = [
            models.CheckConstraint(condition=Q(percent__lte=100), name="report_percent_max_100"),
        ]
        indexes = [models.Index(fields=["task", "state", "reviewed_at"])]

    def __str__(self):
        return f"{self.task_id} {self.unit} {self.period:%Y-%m}"
