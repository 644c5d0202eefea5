"""Tables of the tasks app. `render_*` gives the HTML cell, `value_*` the plain value an export writes."""

from functools import cached_property
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import Case, F, FloatField, IntegerField, Value, When
from django.db.models.functions import Cast
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.translation import gettext
from django.utils.translation import gettext_lazy as _

from core.tables import BaseTable

from .models import ProgressReport, Task, TaskUnit, Unit
from .templatetags.task_tags import fulldate, fullmonth, light_badge, percent_bar, status_badge

# Most urgent first when sorted ascending.
STATUS_RANK = [
    Task.Status.OVERDUE,
    Task.Status.NOT_STARTED,
    Task.Status.IN_PROGRESS,
    Task.Status.CHECKING,
    Task.Status.DONE_LATE,
    Task.Status.DONE,
]
LIGHT_RANK = [Task.Light.RED, Task.Light.YELLOW, Task.Light.GREEN]


def rank(field, values):
    return Case(
        *(When(**{field: value}, then=Value(position)) for position, value in enumerate(values)),
        output_field=IntegerField(),
    )


class DetailUrls:
    """pk → the URL of a detail view, reversed once: a 100-row task page links some 600 units and
    tasks, and reverse() costs about 40 µs each."""

    SENTINEL = "2147483647"

    def __init__(self, viewname):
        self.head, self.tail = reverse(viewname, args=[self.SENTINEL]).rsplit(self.SENTINEL, 1)

    def __call__(self, pk):
        return f"{self.head}{int(pk)}{self.tail}"


def unit_links(units, unit_url):
    return format_html_join("", '<li><a href="{}">{}</a></li>', ((unit_url(u.pk), u.name) for u in units))


def contact_name(user):
    return user.get_full_name() or user.username


def task_list_url(**params):
    return f"{reverse('tasks:task_list')}?{urlencode(params)}"


class TaskTable(BaseTable):
    """Tasks with their units, deadline and derived progress; rows from `selectors.tasks_for_display()`."""

    number = tables.Column(
        verbose_name=_("序号"), attrs={"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}}
    )
    text = tables.Column(verbose_name=_("任务"), orderable=False, attrs={"td": {"class": "task-text"}})
    lead_units = tables.Column(verbose_name=_("牵头单位"), empty_values=(), orderable=False)
    responsible_units = tables.Column(verbose_name=_("责任单位"), empty_values=(), orderable=False)
    # The deadline that holds on the day shown: an approved extension moves it (state/derive.py).
    deadline = tables.Column(
        verbose_name=_("完成时限"),
        accessor="current_deadline",
        order_by=("current_deadline",),
        attrs={"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}},
    )
    status = tables.Column(verbose_name=_("状态"))
    percent = tables.Column(verbose_name=_("进度"))
    light = tables.Column(
        verbose_name=_("预警"), attrs={"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}}
    )

    two_step_pages = True

    class Meta(BaseTable.Meta):
        model = Task
        fields = ()
        sequence = ("number", "text", "lead_units", "responsible_units", "deadline", "status", "percent", "light")
        empty_text = _("没有符合条件的任务。")

    def __init__(self, *args, back=None, **kwargs):
        """`back`: the task-list query string the detail links carry (default: this request's)."""
        super().__init__(*args, **kwargs)
        self.back = back
        self.task_url = DetailUrls("tasks:task_detail")
        self.unit_url = DetailUrls("tasks:unit_detail")

    @cached_property
    def back_query(self):
        """ "?back=…" for the detail links, or "" (found once a page, not once a link)."""
        back = self.back
        if back is None and getattr(self, "request", None) is not None:
            back = self.request.GET.urlencode()
        return f"?{urlencode({'back': back})}" if back else ""

    def detail_url(self, record):
        """The task's page; carries a task-list query string so the page can offer previous / next."""
        return f"{self.task_url(record.pk)}{self.back_query}"

    def render_number(self, record, value):
        return format_html('<a href="{}">{}</a>', self.detail_url(record), record.label)

    def value_number(self, record, value):
        return record.label

    def render_text(self, record, value):
        via = getattr(record, "via_collective", "")
        badges = []
        if record.source == Task.Source.MEETING:
            # Meeting orders are numbered within their meeting: say which one.
            badges.append(
                format_html(' <span class="badge text-bg-light border source-badge">{}</span>', record.document)
            )
        if via:
            badges.append(
                format_html(' <span class="badge text-bg-info via-collective">{}</span>', self.via_label(via))
            )
        return format_html(
            '<a class="link-body-emphasis" href="{}">{}</a>{}',
            self.detail_url(record),
            value,
            format_html_join("", "{}", ((badge,) for badge in badges)),
        )

    @staticmethod
    def via_label(collective):
        return gettext("经 %(collective)s") % {"collective": collective}

    def render_lead_units(self, value):
        return format_html('<ul class="unit-list">{}</ul>', unit_links(value, self.unit_url))

    def render_responsible_units(self, value):
        return format_html('<ul class="unit-list">{}</ul>', unit_links(value, self.unit_url))

    def value_lead_units(self, value):
        return "、".join(unit.name for unit in value)

    def value_responsible_units(self, value):
        return "、".join(unit.name for unit in value)

    def value_text(self, record, value):
        via = getattr(record, "via_collective", "")
        return f"{value}（{self.via_label(via)}）" if via else value

    def render_deadline(self, record, value):
        if value != record.deadline:
            return format_html(
                '{}<br><small class="text-body-secondary extended">{}</small>',
                fulldate(value),
                gettext("已延期，原定%(day)s") % {"day": fulldate(record.deadline)},
            )
        return fulldate(value)

    def value_deadline(self, value):
        return value

    def render_status(self, value):
        return status_badge(value)

    def value_status(self, value):
        return Task.Status(value).label

    def render_percent(self, record, value):
        return percent_bar(value, record.expected)

    def render_light(self, value):
        return light_badge(value)

    def value_light(self, value):
        return Task.Light(value).label

    def order_deadline(self, queryset, is_descending):
        # current_deadline__isnull=False holds for every task, and makes the join to the stored
        # state an inner one: PostgreSQL then walks the state's deadline index and stops after
        # a page instead of sorting every task (55 ms → 0.5 ms at 100,000 tasks).
        ordered = queryset.filter(current_deadline__isnull=False)
        return ordered.order_by(("-" if is_descending else "") + "current_deadline"), True

    def order_status(self, queryset, is_descending):
        ordered = queryset.annotate(status_rank=rank("status", STATUS_RANK))
        return ordered.order_by(("-" if is_descending else "") + "status_rank", "number"), True

    def order_light(self, queryset, is_descending):
        ordered = queryset.annotate(light_rank=rank("light", LIGHT_RANK))
        return ordered.order_by(("-" if is_descending else "") + "light_rank", "number"), True


class UnitProgressColumn(tables.Column):
    """One unit's own figure on each task, beside the task's (TaskTable.percent, its 主办 unit's): the
    percent of its latest accepted report with that report's month, and the state of a later report
    still waiting or returned. Rows annotated by selectors.with_unit_progress(); no query of its own.

    Added to a TaskTable, right after the task's own percent, by `TaskTable(rows, **UnitProgressColumn.options())`.
    """

    def __init__(self, **kwargs):
        # Not the unit's name: a heading stays in the page's language (tests/test_i18n.py); the page names the unit.
        kwargs.setdefault("verbose_name", _("该单位进度"))
        kwargs.setdefault("accessor", "unit_percent")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("attrs", {"th": {"class": "text-nowrap"}, "td": {"class": "unit-progress"}})
        super().__init__(**kwargs)

    @classmethod
    def options(cls) -> dict:
        """TaskTable keyword arguments that add this column beside the task's percent."""
        sequence = list(TaskTable.Meta.sequence)
        sequence.insert(sequence.index("percent") + 1, "unit_progress")
        return {"extra_columns": [("unit_progress", cls())], "sequence": sequence}

    @staticmethod
    def pending(record) -> str:
        """ "待审核" / "已退回" when the unit's latest report is not the accepted one shown, else ""."""
        state = getattr(record, "unit_report_state", None)
        if state in (None, ProgressReport.State.ACCEPTED):
            return ""
        return gettext("%(month)s%(state)s") % {
            "month": fullmonth(record.unit_report_period),
            "state": ProgressReport.State(state).label,
        }

    def render(self, record, value):
        pending = self.pending(record)
        note = format_html('<br><small class="text-body-secondary">{}</small>', pending) if pending else ""
        if value is None:
            return format_html('<span class="text-body-secondary">{}</span>{}', gettext("未报送"), note)
        return format_html(
            '{}%<br><small class="text-body-secondary">{}</small>{}', value, fullmonth(record.unit_period), note
        )

    def value(self, record, value):
        return "" if value is None else value

    def order(self, queryset, is_descending):
        return queryset.order_by(
            F("unit_percent").desc(nulls_last=True) if is_descending else F("unit_percent").asc(nulls_first=True)
        ), True


class UnitTable(BaseTable):
    """Units with task counts; rows from `state.units_as_of()`."""

    name = tables.Column(verbose_name=_("单位"), linkify=True)
    kind = tables.Column(verbose_name=_("类别"))
    led = tables.Column(verbose_name=_("牵头任务"))
    shared = tables.Column(verbose_name=_("责任任务"))
    via_collective = tables.Column(verbose_name=_("经集合单位"))
    done = tables.Column(
        verbose_name=_("按期办结"), attrs={"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}}
    )
    done_late = tables.Column(verbose_name=_("逾期办结"))
    overdue = tables.Column(verbose_name=_("逾期"))
    liaisons = tables.Column(verbose_name=_("联络员及电话"), accessor="pk", orderable=False)

    two_step_pages = True

    class Meta(BaseTable.Meta):
        model = Unit
        fields = ()
        sequence = ("name", "kind", "led", "shared", "via_collective", "done", "done_late", "overdue", "liaisons")
        empty_text = _("没有符合条件的单位。")

    def render_liaisons(self, record):
        """Each active liaison's name and phone (rows from views.UnitListView: liaisons prefetched)."""
        people = getattr(record, "active_liaisons", [])
        if not people:
            return format_html('<span class="text-body-secondary">{}</span>', "—")
        return format_html_join(
            "", '<div class="text-nowrap">{} {}</div>', ((contact_name(p.user), p.phone) for p in people)
        )

    def value_liaisons(self, record):
        return "；".join(f"{contact_name(p.user)} {p.phone}".strip() for p in getattr(record, "active_liaisons", []))

    def render_led(self, record, value):
        return self.count_link(value, unit=record.name, role=TaskUnit.Role.LEAD)

    def render_shared(self, record, value):
        return self.count_link(value, unit=record.name, role=TaskUnit.Role.RESPONSIBLE)

    def render_done_late(self, record, value):
        return self.count_link(value, unit=record.name, role="answerable", status=Task.Status.DONE_LATE)

    def render_overdue(self, record, value):
        return self.count_link(value, unit=record.name, role="answerable", overdue="true")

    @staticmethod
    def count_link(count, **params):
        return format_html('<a href="{}">{}</a>', task_list_url(**params), count) if count else "0"

    def render_done(self, record, value):
        """done / the tasks it answers for, and the share, e.g. 3/10（30%）: a township's tasks through
        各乡镇（街道） that the office did not name it for count in neither (state.answerable_units)."""
        share = round(value * 100 / record.answerable) if record.answerable else 0
        return format_html('{}/{} <span class="text-body-secondary">({}%)</span>', value, record.answerable, share)

    def value_done(self, record, value):
        return f"{value}/{record.answerable}"

    def order_done(self, queryset, is_descending):
        """By completion rate, units with no task last."""
        ratio = Case(
            When(answerable=0, then=Value(None)),
            default=Cast(F("done"), FloatField()) / F("answerable"),
            output_field=FloatField(),
        )
        ordering = ratio.desc(nulls_last=True) if is_descending else ratio.asc(nulls_last=True)
        return queryset.order_by(ordering, "name"), True
