import django_filters
from django.utils.translation import gettext_lazy as _

from core.forms import BootstrapFilterForm

from . import selectors
from .models import Meeting


def year_choices():
    return [(year, _("%(year)s年") % {"year": year}) for year in selectors.meeting_years()]


def chair_choices():
    return [(chair, chair) for chair in selectors.meeting_chairs()]


class MeetingFilterSet(django_filters.FilterSet):
    # Choices come from the meetings on record, so an unknown ?year= or ?chair= is a form error.
    year = django_filters.ChoiceFilter(
        field_name="held_on", lookup_expr="year", label=_("年度"), choices=year_choices, empty_label=_("全部")
    )
    chair = django_filters.ChoiceFilter(label=_("主持人"), choices=chair_choices, empty_label=_("全部"))

    class Meta:
        model = Meeting
        fields = ["year", "chair"]
        form = BootstrapFilterForm
