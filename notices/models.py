"""Notices to users (通知): one row per recipient, with what happened to its mail.

Written only by notices/services.py (notify_unit, notify_users) and its mail task
(notices/tasks.py). The unit a notice concerns is kept, so a notice to a unit without a
liaison is recorded all the same — for the office, shown as 需电话通知 — and nothing is lost.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _


class Notice(models.Model):
    """A notice to one user (or, when its unit has no liaison, to the office, to phone the unit)."""

    class Kind(models.TextChoices):
        ASSIGNED = "assigned", _("交办")
        REMINDER = "reminder", _("催办")
        RETURNED = "returned", _("退回")
        INSTRUCTION = "instruction", _("批示")
        SUPERVISION = "supervision", _("督办单")
        EXTENSION = "extension", _("延期决定")
        CLOSURE = "closure", _("办结决定")
        DUE_SOON = "due_soon", _("到期提醒")
        OTHER = "other", _("通知")

    class Mail(models.TextChoices):
        """What happened to the notice's mail: exactly what the pages say, never more."""

        IN_APP = "in_app", _("仅站内通知")  # no address, or no mail server configured
        QUEUED = "queued", _("邮件待发送")  # handed to the background worker, not sent yet
        SENT = "sent", _("邮件已发送")
        RETRYING = "retrying", _("邮件发送失败，将重试")
        FAILED = "failed", _("邮件发送失败，请电话通知")  # every attempt failed
        PHONE = "phone", _("需电话通知")  # the unit has no liaison: nobody to notice in the app

    # Null only for a notice kept for the office because the unit has no liaison.
    recipient = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="notices",
        verbose_name=_("收件人"),
    )
    unit = models.ForeignKey(
        "tasks.Unit", on_delete=models.PROTECT, null=True, blank=True, related_name="notices", verbose_name=_("单位")
    )
    kind = models.CharField(_("类别"), max_length=12, choices=Kind.choices)
    title = models.CharField(_("标题"), max_length=200)
    body = models.TextField(_("内容"), blank=True)
    # A path inside the app (/tasks/13/…): the record the notice is about.
    link = models.CharField(_("链接"), max_length=300, blank=True)
    # What caused it, as "app_label.model:pk" (e.g. "tasks.reminder:7"): the office's sweep uses
    # it not to notice one event twice; pages use `link`.
    source = models.CharField(_("来源"), max_length=100, blank=True, db_index=True)
    created_at = models.DateTimeField(_("时间"))
    read_at = models.DateTimeField(_("已读时间"), null=True, blank=True)
    mail = models.CharField(_("邮件"), max_length=10, choices=Mail.choices, default=Mail.IN_APP)
    mail_to = models.CharField(_("邮件地址"), max_length=254, blank=True)
    mail_attempts = models.PositiveSmallIntegerField(_("发送次数"), default=0)
    mail_error = models.TextField(_("邮件发送错误"), blank=True)
    mailed_at = models.DateTimeField(_("邮件发送时间"), null=True, blank=True)

    class Meta:
        ordering = ["-created_at", "-pk"]
        verbose_name = _("通知")
        verbose_name_plural = _("通知")
        indexes = [
            # The navigation's unread count and the inbox: one user's notices, newest first.
            models.Index(fields=["recipient", "read_at"], name="notice_unread"),
            models.Index(fields=["recipient", "-created_at"], name="notice_inbox"),
        ]

    def __str__(self):
        return f"{self.get_kind_display()}：{self.title}"

    @property
    def is_read(self) -> bool:
        return self.read_at is not None
