"""Commendation decisions (表彰决定): ranked lists of enterprises such as 工业十强 and 纳税十强."""

from django.db import models
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from tasks.models import Document


class Enterprise(models.Model):
    """One enterprise, however many lists it is on."""

    name = models.CharField(_("企业名称"), max_length=200, unique=True)

    class Meta:
        ordering = ["name"]
        verbose_name = _("企业")
        verbose_name_plural = _("企业")

    def __str__(self):
        return self.name

    def get_absolute_url(self):
        return reverse("commendations:enterprise_detail", args=[self.pk])


class EnterpriseAlias(models.Model):
    """A short name (富祥) by which meeting records mention an enterprise."""

    enterprise = models.ForeignKey(Enterprise, on_delete=models.CASCADE, related_name="aliases", verbose_name=_("企业"))
    name = models.CharField(_("简称"), max_length=100, unique=True)

    class Meta:
        ordering = ["enterprise", "name"]
        verbose_name = _("企业简称")
        verbose_name_plural = _("企业简称")

    def __str__(self):
        return self.name


class Decision(models.Model):
    """A commendation decision, e.g. 昌府字〔2021〕22号 for the year 2020."""

    document = models.OneToOneField(
        Document, on_delete=models.CASCADE, related_name="commendation_decision", verbose_name=_("文件")
    )
    year = models.PositiveSmallIntegerField(_("表彰年度"))

    class Meta:
        ordering = ["-year", "pk"]
        verbose_name = _("表彰决定")
        verbose_name_plural = _("表彰决定")

    def __str__(self):
        return str(self.document)

    def get_absolute_url(self):
        return reverse("commendations:decision_detail", args=[self.pk])


class HonourList(models.Model):
    """One ranked list of a decision (an attachment such as 附件1 工业十强)."""

    decision = models.ForeignKey(Decision, on_delete=models.CASCADE, related_name="lists", verbose_name=_("表彰决定"))
    position = models.PositiveSmallIntegerField(_("附件序号"))
    name = models.CharField(_("名称"), max_length=50, help_text=_("如“工业十强”"))
    title = models.CharField(_("原文标题"), max_length=200)
    source_line = models.PositiveIntegerField(_("原文行号"))

    class Meta:
        ordering = ["decision", "position"]
        verbose_name = _("表彰名单")
        verbose_name_plural = _("表彰名单")
        constraints = [
            models.UniqueConstraint(fields=["decision", "position"], name="honourlist_unique_position"),
        ]

    def __str__(self):
        return self.name


class Honour(models.Model):
    """An enterprise's rank on one list."""

    honour_list = models.ForeignKey(
        HonourList, on_delete=models.CASCADE, related_name="entries", verbose_name=_("榜单")
    )
    rank = models.PositiveSmallIntegerField(_("名次"))
    enterprise = models.ForeignKey(Enterprise, on_delete=models.PROTECT, related_name="honours", verbose_name=_("企业"))
    name_as_written = models.CharField(_("原文写法"), max_length=200)
    source_line = models.PositiveIntegerField(_("原文行号"))

    class Meta:
        ordering = ["honour_list", "rank"]
        verbose_name = _("上榜记录")
        verbose_name_plural = _("上榜记录")
        constraints = [
            models.UniqueConstraint(fields=["honour_list", "rank"], name="honour_unique_rank"),
            models.UniqueConstraint(fields=["honour_list", "enterprise"], name="honour_unique_enterprise"),
        ]

    def __str__(self):
        return f"{self.honour_list} {self.rank}. {self.enterprise}"
