import django_tables2 as tables
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import BaseTable
from tasks.templatetags.task_tags import fulldate

from .models import Meeting


class MeetingTable(BaseTable):
    number = tables.Column(verbose_name=_("届次"), linkify=True)
    body = tables.Column(verbose_name=_("召开机关"))
    held_on = tables.Column(verbose_name=_("日期"))
    part_of_day = tables.Column(verbose_name=_("时段"))
    chair = tables.Column(verbose_name=_("主持人"))
    chair_title = tables.Column(verbose_name=_("主持人职务"))
    agenda_count = tables.Column(verbose_name=_("议题数"))
    order_count = tables.Column(verbose_name=_("交办事项数"))

    class Meta(BaseTable.Meta):
        model = Meeting
        fields = [
            "number",
            "body",
            "held_on",
            "part_of_day",
            "chair",
            "chair_title",
            "agenda_count",
            "order_count",
        ]

    def render_held_on(self, value):
        return fulldate(value)

    def render_number(self, value):
        return gettext("第%(number)s次") % {"number": value}
