from django import forms
from django.utils.translation import gettext_lazy as _

from .services import REPLY_MAX_CHARS


class OrderReplyForm(forms.Form):
    """The unit's answer to a 督办单 (落实情况)."""

    reply = forms.CharField(label=_("落实情况"), widget=forms.Textarea(attrs={"rows": 5}), max_length=REPLY_MAX_CHARS)
