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
        self.suggestions = []  # units an unknown name may have meant, once cleaned
        # The task list renders a <datalist id="unit-names"> that static/js/govtasks.js fills.
        self.widget.attrs.setdefault("list", "unit-names")

    def clean(self, value):
        name = super().clean(value)
        if not name:
            return None
        try:
            return Unit.objects.lookup(name, suggestions=3)
        except UnknownUnit as unknown:
            if unknown.ambiguous:
                raise ValidationError(gettext("“%(name)s”可指多个单位，请写全称。") % {"name": name}) from None
            close = unknown.suggestions
        # An abbreviation or a part of one unit's name (发改委 → 区发改委) is that unit.
        matching = Unit.objects.matching(name, limit=5)
        if len(matching) == 1:
            return matching[0]
        message = gettext("没有名为“%(name)s”的单位。") % {"name": name}
        # Offered as links on the page (task_list.html), and named in the message for other forms.
        self.suggestions = [unit.name for unit in matching] or close
        if self.suggestions:
            message += gettext("您是不是要找：%(names)s") % {"names": "、".join(self.suggestions)}
        raise ValidationError(message, code="unknown_unit")


class TaskFilterForm(BootstrapFilterForm):
    """The task list's filter form; its fields come from TaskFilterSet."""

    def clean(self):
        cleaned = super().clean()
        # A role narrows a unit's tasks; without a unit it would silently show every task.
        if cleaned.get("role") in {"lead", "responsible"} and not cleaned.get("unit") and "unit" not in self.errors:
            self.add_error("role", _("按角色筛选时请同时填写单位。"))
        return cleaned
