import django_tables2 as tables
from django.utils.translation import gettext_lazy as _

from core.tables import BaseTable
from tasks.templatetags.task_tags import fulldate

from .models import Decision

DETAIL = ("commendations:decision_detail", [tables.A("pk")])


class DecisionTable(BaseTable):
    # Both link to the decision: a decision without a 文号 still has a title to click.
    number = tables.Column(verbose_name=_("文号"), accessor="document__number", linkify=DETAIL)
    title = tables.Column(verbose_name=_("标题"), accessor="document__title", linkify=DETAIL)
    issued_on = tables.Column(verbose_name=_("成文日期"), accessor="document__issued_on")
    year = tables.Column(verbose_name=_("表彰年度"))
    list_count = tables.Column(verbose_name=_("名单数"))

    class Meta(BaseTable.Meta):
        model = Decision
        fields = ["number", "title", "issued_on", "year", "list_count"]

    def render_issued_on(self, value):
        return fulldate(value)
