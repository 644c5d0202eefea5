"""Chasing and scoring: the escalation ladder, numbered 督办单, due-date reminders and the 考核 rule.

Built on `tasks` (which imports nothing from here). Every row is written by chasing/services.py
or the daily sweep (chasing/sweep.py), each with its TaskEvent on the task's timeline.
"""

import datetime

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from tasks.models import Task, Unit


class Level(models.IntegerChoices):
    """The steps of the ladder, in the order a task that stays red climbs them."""

    REMINDER = 1, _("提醒")
    URGE = 2, _("催办单")
    SUPERVISE = 3, _("督办单")


class Escalation(models.Model):
    """One red spell of a task and how far up the ladder it has climbed.

    Opened (at 提醒) on the first day the sweep finds the task red, one step higher every
    GOVTASKS_ESCALATION_STEP_DAYS days while it stays red, closed on the first day it is not.
    Red again later, it starts again at 提醒. Addressed to the unit that answered for the task
    when the spell began (its 主办 unit).
    """

    task = models.ForeignKey(Task, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("任务"))
    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="escalations", verbose_name=_("责任单位"))
    level = models.PositiveSmallIntegerField(_("当前层级"), choices=Level.choices)
    opened_on = models.DateField(_("开始日期"))
    climbed_on = models.DateField(_("最近升级日期"))
    closed_on = models.DateField(_("解除日期"), null=True, blank=True)

    class Meta:
        ordering = ["-opened_on", "-pk"]
        verbose_name = _("督查升级")
        verbose_name_plural = _("督查升级")
        constraints = [
            # Two sweeps running at once cannot open a second spell for one task: the second insert fails.
            models.UniqueConstraint(fields=["task"], condition=Q(closed_on__isnull=True), name="escalation_one_open"),
        ]

    def __str__(self):
        return f"{self.task_id} {self.get_level_display()}"


class OrderCounter(models.Model):
    """The last 督办单 number given in a year. Locked (SELECT … FOR UPDATE) while the next is given,
    in the transaction that writes the order: numbers run 1, 2, 3 … without gaps or doubles."""

    year = models.PositiveSmallIntegerField(primary_key=True)
    last = models.PositiveIntegerField(default=0)

    def __str__(self):
        return f"{self.year}: {self.last}"


class SupervisionOrder(models.Model):
    """A numbered 督办单 (督办〔2026〕第N号) to one unit: the tasks that stayed red through 提醒 and 催办单,
    the date by which the unit must answer (落实情况), its 签收 and its answer."""

    year = models.PositiveSmallIntegerField(_("年度"))
    number = models.PositiveIntegerField(_("编号"))
    unit = models.ForeignKey(
        Unit, on_delete=models.PROTECT, related_name="supervision_orders", verbose_name=_("督办单位")
    )
    tasks = models.ManyToManyField(Task, related_name="supervision_orders", verbose_name=_("督办事项"))
    issued_on = models.DateField(_("签发日期"))
    issued_at = models.DateTimeField(_("签发时间"))
    reply_due_on = models.DateField(_("反馈时限"))
    # The unit had no active liaison when the order was issued: the office must phone it (需电话通知).
    needs_phone = models.BooleanField(_("需电话通知"), default=False)
    acknowledged_at = models.DateTimeField(_("签收时间"), null=True, blank=True)
    acknowledged_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reply = models.TextField(_("落实情况"), blank=True)
    replied_at = models.DateTimeField(_("回复时间"), null=True, blank=True)
    replied_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-year", "-number"]
        verbose_name = _("督办单")
        verbose_name_plural = _("督办单")
        constraints = [
            # The counter gives the numbers; this is the backstop should anything write around it.
            models.UniqueConstraint(fields=["year", "number"], name="supervision_order_unique_number"),
            models.CheckConstraint(condition=Q(reply="") | Q(replied_at__isnull=False), name="order_reply_dated"),
        ]
        indexes = [models.Index(fields=["unit", "replied_at"], name="order_open")]
        permissions = [
            ("answer_supervisionorder", "Can acknowledge and answer one's unit's 督办单"),
            ("oversee_chasing", "Can read every 督办单 and the 考核 scores"),
        ]

    def __str__(self):
        return self.label

    def get_absolute_url(self):
        return reverse("chasing:order_detail", args=[self.pk])

    @property
    def label(self) -> str:
        return gettext("督办〔%(year)s〕第%(number)s号") % {"year": self.year, "number": self.number}

    def reply_overdue(self, today: datetime.date) -> bool:
        """Not answered by the end of its reply date (answered late counts as overdue too)."""
        if self.replied_at is None:
            return today > self.reply_due_on
        return timezone.localdate(self.replied_at) > self.reply_due_on


class EscalationStep(models.Model):
    """One dated step of a spell: 提醒, 催办单 or 督办单 (then with its order)."""

    escalation = models.ForeignKey(Escalation, on_delete=models.PROTECT, related_name="steps")
    level = models.PositiveSmallIntegerField(_("层级"), choices=Level.choices)
    taken_on = models.DateField(_("日期"))
    order = models.ForeignKey(SupervisionOrder, on_delete=models.PROTECT, null=True, blank=True, related_name="steps")

    class Meta:
        ordering = ["taken_on", "level", "pk"]
        verbose_name = _("升级记录")
        verbose_name_plural = _("升级记录")
        constraints = [models.UniqueConstraint(fields=["escalation", "level"], name="escalation_step_once")]

    def __str__(self):
        return f"{self.escalation_id} {self.get_level_display()} {self.taken_on}"


class DueReminder(models.Model):
    """A reminder the sweep sent a unit before something falls due: a month's report or task deadlines.

    One per unit, kind and due date (the constraint makes a second sweep of the day a no-op).
    """

    class Kind(models.TextChoices):
        REPORT = "report", _("月度进展报送")
        DEADLINE = "deadline", _("任务完成时限")

    unit = models.ForeignKey(Unit, on_delete=models.PROTECT, related_name="due_reminders", verbose_name=_("单位"))
    kind = models.CharField(_("事项"), max_length=10, choices=Kind.choices)
    due_on = models.DateField(_("到期日"))
    sent_on = models.DateField(_("提醒日期"))
    tasks = models.ManyToManyField(Task, related_name="due_reminders", verbose_name=_("任务"))

    class Meta:
        ordering = ["-sent_on", "-pk"]
        verbose_name = _("到期提醒")
        verbose_name_plural = _("到期提醒")
        constraints = [models.UniqueConstraint(fields=["unit", "kind", "due_on"], name="due_reminder_once")]

    def __str__(self):
        return f"{self.unit} {self.kind} {self.due_on}"


class ScoreRule(models.Model):
    """The weights of the 考核 score, in force from `valid_from` until the next rule's.

    A period is scored with the rule in force on its last day, so last year's scores keep last
    year's weights. A rule in force is not edited (the admin refuses): the office adds a new one.

    score = base − report_points × (1 − on-time report rate) − closed_late × 逾期办结 tasks
            − overdue × overdue tasks − returned × returned reports − unanswered × 督办单 not
            answered by their date; never below 0.
    """

    valid_from = models.DateField(_("生效日期"), unique=True)
    base = models.DecimalField(_("基础分"), max_digits=6, decimal_places=2, default=100)
    report_points = models.DecimalField(
        _("按时报送分值"), max_digits=6, decimal_places=2, default=30, help_text=_("按时报送率为0时扣满此分")
    )
    closed_late = models.DecimalField(_("每项逾期办结扣分"), max_digits=6, decimal_places=2, default=2)
    overdue = models.DecimalField(_("每项逾期未办结扣分"), max_digits=6, decimal_places=2, default=5)
    returned = models.DecimalField(_("每份退回报告扣分"), max_digits=6, decimal_places=2, default=1)
    unanswered = models.DecimalField(_("每份逾期未回复督办单扣分"), max_digits=6, decimal_places=2, default=5)
    note = models.TextField(_("说明"), blank=True)

    class Meta:
        ordering = ["-valid_from"]
        verbose_name = _("考核规则")
        verbose_name_plural = _("考核规则")

    def __str__(self):
        return gettext("%(day)s起施行的考核规则") % {"day": self.valid_from}
