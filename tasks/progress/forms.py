"""Forms of the workflow pages. They only parse what was typed; the rules are in services.py."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapForm

from ..attachments.fields import EvidenceFilesField
from ..models import Unit

TEXTAREA = {"rows": 3, "class": "form-control"}


def is_possible_pk(value):
    """Whether `value` could be a primary key; 99999999999999999999999 would overflow the database."""
    return str(value).isdigit() and len(str(value)) <= 18


class UnitChoiceField(forms.ModelChoiceField):
    """A unit by primary key; a value no key can be is an invalid choice, not a database error."""

    def to_python(self, value):
        if value not in self.empty_values and not is_possible_pk(value):
            raise ValidationError(self.error_messages["invalid_choice"], code="invalid_choice")
        return super().to_python(value)


class UnitMultipleChoiceField(forms.ModelMultipleChoiceField):
    """Units by primary key, refusing values no key can be before asking the database."""

    def _check_values(self, value):
        for pk in value:
            if not is_possible_pk(pk):
                raise ValidationError(
                    self.error_messages["invalid_pk_value"], code="invalid_pk_value", params={"pk": pk}
                )
        return super()._check_values(value)


class MonthField(forms.DateField):
    """A month as YYYY-MM (the browser's month picker); cleans to the month's first day."""

    widget = forms.DateInput(attrs={"type": "month"}, format="%Y-%m")
    input_formats = ["%Y-%m"]
    default_error_messages = {"invalid": _("请按“年-月”填写月份，如2021-07。")}


class VersionField(forms.IntegerField):
    """The version of the record the form was built on (optimistic concurrency)."""

    widget = forms.HiddenInput

    def __init__(self, **kwargs):
        super().__init__(min_value=0, **kwargs)


# The same files, checks and limits as the 办结 form's evidence (attachments.fields).
FILES_HELP = _("PDF、图片、Word、Excel或OFD文件，可多选；每个文件不超过20 MB，合计不超过50 MB。")


class ProgressReportForm(BootstrapForm):
    period = MonthField(label=_("报告月份"))
    done = forms.CharField(label=_("工作进展"), widget=forms.Textarea(attrs=TEXTAREA), max_length=5000)
    problems = forms.CharField(
        label=_("存在问题"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=5000
    )
    next_steps = forms.CharField(
        label=_("下步计划"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=5000
    )
    percent = forms.IntegerField(
        label=_("完成百分比"),
        min_value=0,
        max_value=100,
        widget=forms.NumberInput(attrs={"class": "form-control w-auto"}),
    )
    claims_complete = forms.BooleanField(label=_("申报完成（完成百分比须为100）"), required=False)
    files = EvidenceFilesField(label=_("附件"), required=False, help_text=FILES_HELP)


class ResubmitForm(ProgressReportForm):
    """A correction keeps the month of the returned report."""

    period = None


class ReviewForm(BootstrapForm):
    DECISIONS = (("accept", _("采纳")), ("return", _("退回")))

    version = VersionField()
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("审核意见（退回时必填）"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000
    )


class PlanForm(BootstrapForm):
    version = VersionField()
    responsible_name = forms.CharField(label=_("责任人"), max_length=50, required=False)
    responsible_post = forms.CharField(label=_("职务"), max_length=100, required=False)
    responsible_phone = forms.CharField(label=_("联系电话"), max_length=30, required=False)
    plan = forms.CharField(
        label=_("实施方案"), widget=forms.Textarea(attrs={"rows": 6, "class": "form-control"}), required=False
    )


class MilestoneForm(BootstrapForm):
    id = forms.IntegerField(widget=forms.HiddenInput, required=False)
    title = forms.CharField(label=_("节点任务"), max_length=200)
    due_on = forms.DateField(label=_("计划完成日期"), widget=forms.DateInput(attrs={"type": "date"}))
    percent = forms.IntegerField(label=_("节点进度目标%"), min_value=0, max_value=100, required=False)
    done_on = forms.DateField(label=_("实际完成日期"), widget=forms.DateInput(attrs={"type": "date"}), required=False)
    remove = forms.BooleanField(label=_("删除"), required=False)


MilestoneFormSet = forms.formset_factory(MilestoneForm, extra=2, max_num=50, validate_max=True)


class ExtensionRequestForm(BootstrapForm):
    new_deadline = forms.DateField(label=_("申请完成时限"), widget=forms.DateInput(attrs={"type": "date"}))
    reason = forms.CharField(label=_("延期理由"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)
    progress = forms.CharField(label=_("目前进展"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)
    percent = forms.IntegerField(label=_("目前完成百分比"), min_value=0, max_value=100)
    files = EvidenceFilesField(label=_("附件"), required=False, help_text=FILES_HELP)


class ExtensionDecisionForm(BootstrapForm):
    DECISIONS = (("approve", _("同意")), ("refuse", _("不同意")))

    version = VersionField()
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    reason = forms.CharField(
        label=_("审批意见（不同意时必填）"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000
    )


class AssignUnitsForm(BootstrapForm):
    seen = forms.CharField(widget=forms.HiddenInput, required=False)
    lead_unit = UnitChoiceField(label=_("牵头单位"), queryset=Unit.objects.in_office_order())
    responsible_units = UnitMultipleChoiceField(
        label=_("责任单位"),
        queryset=Unit.objects.in_office_order(),
        required=False,
        widget=forms.SelectMultiple(attrs={"size": 10}),
    )


class ReminderForm(forms.Form):
    unit = UnitChoiceField(queryset=Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE), widget=forms.HiddenInput)
