"""Standing-meeting records (常务会议): agenda items, approvals and dated orders.

A dated order becomes a tracked `tasks.Task` whose source is the meeting.
"""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from commendations.models import Enterprise
from tasks.models import Document, Task


class Meeting(models.Model):
    """One meeting of a body, e.g. the 99th standing meeting of the district government."""

    class PartOfDay(models.TextChoices):
        MORNING = "上午", _("上午")
        AFTERNOON = "下午", _("下午")
        EVENING = "晚上", _("晚上")

    document = models.OneToOneField(Document, on_delete=models.CASCADE, related_name="meeting", verbose_name=_("文件"))
    body = models.CharField(_("召开机关"), max_length=100, help_text=_("如“区政府”"))
    number = models.PositiveIntegerField(_("届次"))
    held_on = models.DateField(_("日期"))
    part_of_day = models.CharField(_("时段"), max_length=4, choices=PartOfDay.choices, blank=True)
    chair = models.CharField(_("主持人"), max_length=50)
    chair_title = models.CharField(_("主持人职务"), max_length=100, blank=True)

    class Meta:
        ordering = ["held_on", "number"]
        verbose_name = _("会议")
        verbose_name_plural = _("会议")
        constraints = [models.UniqueConstraint(fields=["body", "number"], name="meeting_unique_number")]

    def __str__(self):
        return f"{self.body}第{self.number}次常务会议"

    def get_absolute_url(self):
        return reverse("meetings:meeting_detail", args=[self.pk])


class AgendaItem(models.Model):
    """What the meeting did with one matter: studied, heard, approved or researched it."""

    class Kind(models.TextChoices):
        STUDY = "study", _("传达学习")
        REPORT = "report", _("听取汇报")
        APPROVE = "approve", _("审议通过")
        RESEARCH = "research", _("研究")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="agenda_items", verbose_name=_("会议"))
    position = models.PositiveSmallIntegerField(_("序号"))
    kind = models.CharField(_("类别"), max_length=10, choices=Kind.choices)
    subject = models.CharField(_("事项"), max_length=300)
    text = models.TextField(_("原文"))
    source_line = models.PositiveIntegerField(_("原文行号"))
    # A document the meeting approved, when it is one we hold (the commendation decision).
    approved_document = models.ForeignKey(
        Document,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="approving_agenda_items",
        verbose_name=_("通过的文件"),
    )

    class Meta:
        ordering = ["meeting", "position"]
        verbose_name = _("议题")
        verbose_name_plural = _("议题")
        constraints = [models.UniqueConstraint(fields=["meeting", "position"], name="agendaitem_unique_position")]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.subject}"


class MeetingOrder(models.Model):
    """A dated order of a meeting ("确保9月10日……完成"), tracked as a task."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="orders", verbose_name=_("会议"))
    agenda_item = models.ForeignKey(AgendaItem, on_delete=models.CASCADE, related_name="orders", verbose_name=_("议题"))
    task = models.OneToOneField(Task, on_delete=models.PROTECT, related_name="meeting_order", verbose_name=_("任务"))
    due_text = models.CharField(_("原文时限"), max_length=50)

    class Meta:
        ordering = ["meeting", "task__number"]
        verbose_name = _("会议交办事项")
        verbose_name_plural = _("会议交办事项")

    def __str__(self):
        return f"{self.meeting} {self.task.text}"


class EnterpriseMention(models.Model):
    """An agenda item that names a commended enterprise by its name or short name."""

    agenda_item = models.ForeignKey(
        AgendaItem, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("议题")
    )
    enterprise = models.ForeignKey(
        Enterprise, on_delete=models.CASCADE, related_name="mentions", verbose_name=_("企业")
    )
    name_as_written = models.CharField(_("原文写法"), max_length=200)

    class Meta:
        ordering = ["agenda_item", "enterprise"]
        verbose_name = _("企业提及")
        verbose_name_plural = _("企业提及")
        constraints = [
            models.UniqueConstraint(fields=["agenda_item", "enterprise"], name="mention_unique_enterprise"),
        ]

    def __str__(self):
        return f"{self.agenda_item} → {self.enterprise}"
