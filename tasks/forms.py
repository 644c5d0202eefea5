"""Form fields and forms of the tasks app."""

from django import forms
from django.core.exceptions import ValidationError
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFilterForm

from .models import Unit
from .querysets import UnknownUnit


class UnitNameField(forms.CharField):
    """A unit given by its canonical name or any alias; cleans to the Unit."""

    def __init__(self, **kwargs):
        kwargs.setdefault("max_length", 100)
        super().__init__(**kwargs)
        # The task list renders a <datalist id="unit-names"> that static/js/govtasks.js fills.
        self.widget.attrs.setdefault("list", "unit-names")

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        try:
            return Unit.objects.lookup(name, suggestions=3)
        except UnknownUnit as unknown:
            message = gettext("没有名为“%(name)s”的单位。") % {"name": name}
            if unknown.suggestions:
                message += gettext("您是不是要找：%(names)s") % {"names": "、".join(unknown.suggestions)}
            raise ValidationError(message, code="unknown_unit") from None


class TaskFilterForm(BootstrapFilterForm):
    """The task list's filter form; its fields come from TaskFilterSet."""

    def clean(self):
        cleaned = super().clean()
        # A role narrows a unit's tasks; without a unit it would silently show every task.
        if cleaned.get("role") in {"lead", "responsible"} and not cleaned.get("unit") and "unit" not in self.errors:
            self.add_error("role", _("按角色筛选时请同时填写单位。"))
        return cleaned
