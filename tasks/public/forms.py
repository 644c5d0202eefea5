"""The office's publication form; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..progress.forms import TEXTAREA, BootstrapForm


class PublicationForm(BootstrapForm):
    text = forms.CharField(
        label=_("公开稿"),
        widget=forms.Textarea(attrs={**TEXTAREA, "rows": 5}),
        max_length=5000,
        required=False,
        help_text=_("面向公众的进展表述，由督查室撰写或审定；单位报告的原文不会公开。"),
    )
    publish = forms.BooleanField(label=_("在信息公开页面公开"), required=False)
