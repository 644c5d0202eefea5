"""FilterSets of the tasks app. Their query parameters are a public interface (links, bookmarks)."""

import django_filters
from django import forms
from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFilterForm

from .forms import TaskFilterForm, UnitNameField
from .models import Task, Unit, UnitAlias
from .selectors import with_unit_progress, with_unit_reach
from .state import answers_for_task
from .state.derive import read_as_of

YES_NO = (("true", _("是")), ("false", _("否")))
ALL = _("全部")
ROLE_ANY = "any"
# The tasks the unit answers for (state.answerable_units): named on them, or named by the office for a
# collective's share — the rows the unit list counts as its 按期办结, 逾期办结 and 逾期.
ROLE_ANSWERABLE = "answerable"
ROLES = (("lead", _("牵头")), ("responsible", _("责任")), (ROLE_ANY, _("任一")), (ROLE_ANSWERABLE, _("担责")))


class IntegerFilter(django_filters.NumberFilter):
    """A whole number: "1.5" is an error, not section 1."""

    field_class = forms.IntegerField


class UnitFilter(django_filters.Filter):
    """A unit by canonical name or alias; an unknown name is a form error with close matches."""

    field_class = UnitNameField


class TaskFilterSet(django_filters.FilterSet):
    """Filters for the task list; expects `state.tasks_as_of()` rows (status, light)."""

    q = django_filters.CharFilter(label=_("关键词"), method="filter_keywords", max_length=100)
    unit = UnitFilter(label=_("单位"), method="filter_unit")
    # Applied together with `unit` in filter_unit; on its own a role means nothing.
    role = django_filters.ChoiceFilter(empty_label=ALL, label=_("角色"), choices=ROLES, method="filter_role_with_unit")
    section = IntegerFilter(label=_("部分"), field_name="section__number", min_value=1)
    subsection = IntegerFilter(label=_("小节"), field_name="subsection__number", min_value=1)
    status = django_filters.ChoiceFilter(
        empty_label=ALL, label=_("状态"), choices=Task.Status.choices, field_name="status"
    )
    light = django_filters.ChoiceFilter(
        empty_label=ALL, label=_("预警"), choices=Task.Light.choices, field_name="light"
    )
    livelihood = django_filters.ChoiceFilter(
        empty_label=ALL, label=_("民生实事"), choices=YES_NO, method="filter_livelihood"
    )
    overdue = django_filters.ChoiceFilter(empty_label=ALL, label=_("逾期"), choices=YES_NO, method="filter_overdue")
    behind = IntegerFilter(
        label=_("落后序时进度不少于（百分点）"), field_name="gap", lookup_expr="gte", min_value=1, max_value=100
    )
    unreported = django_filters.ChoiceFilter(
        empty_label=ALL, label=_("本期未报送"), choices=YES_NO, method="filter_unreported"
    )
    deadline_after = django_filters.DateFilter(
        label=_("时限不早于"),
        field_name="current_deadline",
        lookup_expr="gte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )
    deadline_before = django_filters.DateFilter(
        label=_("时限不晚于"),
        field_name="current_deadline",
        lookup_expr="lte",
        widget=forms.DateInput(attrs={"type": "date"}),
    )

    # The day the states are derived for: the view reads it (TaskListView.get_queryset) and the filter
    # passes. Plain text, so a malformed day is reported by the view and today shown, not an empty list.
    as_of = django_filters.CharFilter(
        label=_("状态截至"), method="filter_as_of", max_length=10, widget=forms.DateInput(attrs={"type": "date"})
    )

    class Meta:
        model = Task
        fields = []
        form = TaskFilterForm

    def filter_keywords(self, queryset, name, value):
        """Every whitespace-separated word must occur in the task text."""
        for word in value.split():
            queryset = queryset.filter(text__icontains=word)
        return queryset

    def filter_unit(self, queryset, name, unit):
        """The unit's tasks in the role asked, with its own figure on each (selectors.with_unit_progress)."""
        role = self.form.cleaned_data.get("role")
        as_of, _malformed = read_as_of(self.form.cleaned_data.get("as_of"))
        if role == ROLE_ANSWERABLE:
            tasks = with_unit_reach(queryset, unit).filter(answers_for_task(unit, as_of))
        else:
            tasks = with_unit_reach(queryset, unit, role=None if role in ("", ROLE_ANY) else role)
        return with_unit_progress(tasks, unit, as_of)

    def filter_role_with_unit(self, queryset, name, value):
        return queryset

    def filter_as_of(self, queryset, name, value):
        return queryset

    def filter_livelihood(self, queryset, name, value):
        return queryset.filter(is_livelihood=value == "true")

    def filter_overdue(self, queryset, name, value):
        overdue = Q(status=Task.Status.OVERDUE)
        return queryset.filter(overdue) if value == "true" else queryset.exclude(overdue)

    def filter_unreported(self, queryset, name, value):
        return queryset.filter(unreported=value == "true")

    @property
    def selected_unit(self):
        """The unit the list is filtered by, once the form is valid (for "via collective" labels)."""
        return self.form.cleaned_data.get("unit") if self.is_valid() else None


class UnitFilterSet(django_filters.FilterSet):
    """Filters for the unit list."""

    q = django_filters.CharFilter(label=_("名称"), method="filter_name", max_length=100)
    kind = django_filters.ChoiceFilter(empty_label=ALL, label=_("类别"), choices=Unit.Kind.choices)

    class Meta:
        model = Unit
        fields = []
        form = BootstrapFilterForm

    def filter_name(self, queryset, name, value):
        """Part of the canonical name, the short name or any alias."""
        alias = UnitAlias.objects.filter(unit=OuterRef("pk"), name__icontains=value)
        return queryset.filter(Q(name__icontains=value) | Q(short_name__icontains=value) | Exists(alias))
