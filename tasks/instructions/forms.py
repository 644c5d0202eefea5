"""Forms of the instruction pages; the rules are in services.py."""

from django import forms
from django.utils.translation import gettext_lazy as _

from ..progress.forms import TEXTAREA, BootstrapForm


class InstructionForm(BootstrapForm):
    text = forms.CharField(label=_("批示内容"), widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}), max_length=2000)


class ReplyForm(BootstrapForm):
    reply = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={**TEXTAREA, "rows": 4}), max_length=5000)
