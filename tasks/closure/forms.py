"""Forms of the 主办 and 办结销号 pages. They parse what was typed and check the files; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..attachments.fields import EvidenceFilesField
from ..models import Unit
from ..progress.forms import TEXTAREA, BootstrapForm, UnitChoiceField, VersionField


class ClosureRequestForm(BootstrapForm):
    summary = forms.CharField(
        label=_("办结情况"),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}),
        max_length=5000,
        help_text=_("写明任务完成了什么、何时完成、成效如何。"),
    )
    files = EvidenceFilesField(
        label=_("佐证材料"),
        error_messages={"required": _("申请办结须上传至少一份佐证材料。")},
        help_text=_("PDF、图片、Word、Excel或OFD文件，可多选；每个文件不超过20 MB，合计不超过50 MB。"),
    )


class ClosureDecisionForm(BootstrapForm):
    DECISIONS = (("close", _("核查通过，办结销号")), ("return", _("退回")))

    version = VersionField()
    decision = forms.ChoiceField(choices=DECISIONS, widget=forms.HiddenInput)
    comment = forms.CharField(
        label=_("核查意见（退回时必填）"), widget=forms.Textarea(attrs=TEXTAREA), required=False, max_length=2000
    )


class ReopenForm(BootstrapForm):
    reason = forms.CharField(label=_("重新打开理由"), widget=forms.Textarea(attrs=TEXTAREA), max_length=2000)


class HostForm(BootstrapForm):
    unit = UnitChoiceField(label=_("主办单位"), queryset=Unit.objects.none())

    def __init__(self, *args, lead_units=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in lead_units])


class MemberAssignmentForm(BootstrapForm):
    """Name (assign) a member of a collective on the task for its share, or withdraw that naming."""

    ACTIONS = (("assign", _("指定承办")), ("withdraw", _("撤销指定")))

    unit = UnitChoiceField(label=_("成员单位"), queryset=Unit.objects.none())
    action = forms.ChoiceField(choices=ACTIONS, widget=forms.HiddenInput)

    def __init__(self, *args, members=(), **kwargs):
        super().__init__(*args, **kwargs)
        self.fields["unit"].queryset = Unit.objects.filter(pk__in=[unit.pk for unit in members])
