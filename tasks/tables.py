"""The one module that renders task rows in HTML, and the unit table.

Columns are classes (as NetBox's netbox/tables/columns.py): each knows its cell (`render`) and the
plain value an export writes (`value`), with the few options its variants need. The task tables
are declarations over them, one for each place tasks are listed:

- `TaskTable`: the office's task list and a unit's own lists (sortable, paged);
- `TaskSummaryTable`: the dashboard's sections (due soon, overdue) and the search results;
- `PublicTaskTable`: the public page (信息公开), published tasks in the office's 公开稿 wording only;
- `MeetingOrderTable`: a meeting's orders (交办事项), with the assign button where `may()` allows it.

No template writes a task row by hand: a new place that lists tasks declares a variant here.
"""

from collections.abc import Iterable
from functools import cached_property
from typing import Any
from urllib.parse import urlencode

import django_tables2 as tables
from django.db.models import Case, F, FloatField, IntegerField, Value, When
from django.db.models.functions import Cast
from django.template.defaultfilters import date as date_filter
from django.urls import reverse
from django.utils.html import format_html, format_html_join
from django.utils.safestring import SafeString, mark_safe
from django.utils.text import Truncator
from django.utils.translation import gettext, ngettext
from django.utils.translation import gettext_lazy as _

from core.tables import BaseTable

from . import permissions
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
NOWRAP = {"th": {"class": "text-nowrap"}, "td": {"class": "text-nowrap"}}


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


def contact_name(user):
    return user.get_full_name() or user.username


def task_list_url(**params):
    return f"{reverse('tasks:task_list')}?{urlencode(params)}"


def unit_names(units: Iterable[Unit]) -> str:
    return "、".join(unit.name for unit in units)


# Columns ---------------------------------------------------------------------------------------


class TaskNumberColumn(tables.Column):
    """序号: the task's label (meeting orders are numbered within their meeting), linked to its page
    unless `link=False` (the public page and the meeting orders show the label alone)."""

    def __init__(self, *, link: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("序号"))
        super().__init__(**kwargs)
        self.link_to_task = link

    def render(self, record, table):
        if not self.link_to_task:
            return record.label
        return format_html('<a href="{}">{}</a>', table.detail_url(record), record.label)

    def value(self, record):
        return record.label


class TaskTextColumn(tables.Column):
    """The task's text, linked to the page the table's `detail_url()` names.

    `truncate`: at most that many characters (the dashboard's short lists); `badges`: say where a
    meeting's order comes from and which collective gives a unit the task; `emphasis`: the link in
    the text's colour, as on the task list.
    """

    def __init__(
        self, *, truncate: int | None = None, badges: bool = False, emphasis: bool = True, **kwargs: Any
    ) -> None:
        kwargs.setdefault("verbose_name", _("任务"))
        kwargs.setdefault("orderable", False)
        kwargs.setdefault("attrs", {"td": {"class": "task-text"}})
        super().__init__(**kwargs)
        self.truncate = truncate
        self.badges = badges
        self.emphasis = emphasis

    @staticmethod
    def via_label(collective):
        return gettext("经 %(collective)s") % {"collective": collective}

    def render(self, record, value, table):
        text = Truncator(value).chars(self.truncate) if self.truncate else value
        if self.emphasis:
            link = format_html('<a class="link-body-emphasis" href="{}">{}</a>', table.detail_url(record), text)
        else:
            link = format_html('<a href="{}">{}</a>', table.detail_url(record), text)
        if not self.badges:
            return link
        badges = []
        if record.source == Task.Source.MEETING:
            # Meeting orders are numbered within their meeting: say which one.
            badges.append(
                format_html(' <span class="badge text-bg-light border source-badge">{}</span>', record.document)
            )
        via = getattr(record, "via_collective", "")
        if via:
            badges.append(
                format_html(' <span class="badge text-bg-info via-collective">{}</span>', self.via_label(via))
            )
        return format_html("{}{}", link, format_html_join("", "{}", ((badge,) for badge in badges)))

    def value(self, record, value):
        via = getattr(record, "via_collective", "") if self.badges else ""
        return f"{value}（{self.via_label(via)}）" if via else value


class UnitsColumn(tables.Column):
    """A task's lead or responsible units, in the notice's order.

    `style`: "links" — a list, each unit linked to its page; "first" — the first unit linked and
    how many there are (等3家), for short lists; "names" — a list without links; "joined" — plain
    names joined by 、 (the public page links nowhere inside the office's app).
    """

    STYLES = ("links", "first", "names", "joined")

    def __init__(self, *, style: str = "links", **kwargs: Any) -> None:
        if style not in self.STYLES:
            raise ValueError(f"style must be one of {self.STYLES}")
        kwargs.setdefault("empty_values", ())
        kwargs.setdefault("orderable", False)
        super().__init__(**kwargs)
        self.style = style

    def render(self, value, table):
        units = list(value)
        if self.style == "joined":
            return unit_names(units)
        if self.style == "first":
            if not units:
                return ""
            more = len(units)
            count = ngettext("等%(counter)s家", "等%(counter)s家", more) % {"counter": more} if more > 1 else ""
            return format_html('<a href="{}">{}</a>{}', table.unit_link(units[0]), units[0].name, count)
        if self.style == "names":
            items = format_html_join("", "<li>{}</li>", ((unit.name,) for unit in units))
            return format_html('<ul class="unit-list">{}</ul>', items or mark_safe("<li>—</li>"))
        items = format_html_join("", '<li><a href="{}">{}</a></li>', ((table.unit_link(u), u.name) for u in units))
        return format_html('<ul class="unit-list">{}</ul>', items)

    def value(self, value):
        return unit_names(value)


class AssignedUnitsColumn(UnitsColumn):
    """A meeting order's lead units, and the button to assign or change them for a user `may()` let."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(style="names", **kwargs)

    def render(self, value, record, table):
        names = super().render(value, table)
        if not permissions.may(table.user, permissions.Action.ASSIGN, record):
            return names
        label = gettext("调整承办单位") if value else gettext("分配承办单位")
        return format_html(
            '{}<a class="btn btn-sm btn-outline-primary d-print-none assign-link" href="{}">{}</a>',
            names,
            reverse("tasks:assign_units", args=[record.pk]),
            label,
        )


class DeadlineColumn(tables.Column):
    """The deadline that holds on the day shown: an approved extension moves it (state/derive.py).
    `extension_note`: say so under it, with the deadline first set."""

    def __init__(self, *, extension_note: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("完成时限"))
        kwargs.setdefault("accessor", "current_deadline")
        kwargs.setdefault("attrs", NOWRAP)
        super().__init__(**kwargs)
        self.extension_note = extension_note

    def render(self, record, value):
        if self.extension_note and value != record.deadline:
            return format_html(
                '{}<br><small class="text-body-secondary extended">{}</small>',
                fulldate(value),
                gettext("已延期，原定%(day)s") % {"day": fulldate(record.deadline)},
            )
        return fulldate(value)

    def value(self, value):
        return value


class StatusColumn(tables.Column):
    """状态 as its badge; `with_light`: the warning light beside it, in one cell."""

    def __init__(self, *, with_light: bool = False, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("状态"))
        super().__init__(**kwargs)
        self.with_light = with_light

    def render(self, record, value):
        if self.with_light:
            return format_html("{} {}", status_badge(value), light_badge(record.light))
        return status_badge(value)

    def value(self, value):
        return Task.Status(value).label


class PercentColumn(tables.Column):
    """进度 as a bar with the expected progress (序时进度) marked, or as the figure alone (`bar=False`)."""

    def __init__(self, *, bar: bool = True, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("进度"))
        super().__init__(**kwargs)
        self.bar = bar

    def render(self, record, value):
        return percent_bar(value, record.expected) if self.bar else f"{value}%"

    def value(self, value):
        return value


class LightColumn(tables.Column):
    def __init__(self, **kwargs: Any) -> None:
        kwargs.setdefault("verbose_name", _("预警"))
        kwargs.setdefault("attrs", NOWRAP)
        super().__init__(**kwargs)

    def render(self, value):
        return light_badge(value)

    def value(self, value):
        return Task.Light(value).label


class PublishedDateColumn(tables.Column):
    """The day the office published the task's wording (公开日期)."""

    def render(self, value):
        return date_filter(value, "Y-m-d")


# Tables ----------------------------------------------------------------------------------------


class TaskRowsTable(BaseTable):
    """What every task table shares: links to a task's and a unit's page built without a reverse()
    per row, carrying the list the user came from (`back`) or the day shown (`unit_query`).

    `back`: the task-list query string the task links carry (default: this request's), so the
    task's page can offer previous / next; `unit_query`: appended to unit links ("?as_of=…");
    `user`: the reader, for the buttons a row shows when `permissions.may()` allows them.
    """

    class Meta(BaseTable.Meta):
        model = Task
        fields = ()

    def __init__(self, *args, back=None, unit_query="", user=None, **kwargs):
        super().__init__(*args, **kwargs)
        self.back = back
        self.unit_query = unit_query
        self.user = user
        self.task_url = DetailUrls("tasks:task_detail")
        self.unit_url = DetailUrls("tasks:unit_detail")

    @cached_property
    def back_query(self):
        """ "?back=…" for the detail links, or "" (found once a page, not once a link)."""
        back = self.back
        if back is None and getattr(self, "request", None) is not None:
            back = self.request.GET.urlencode()
        return f"?{urlencode({'back': back})}" if back else ""

    def detail_url(self, record) -> str:
        """The task's page; carries a task-list query string so the page can offer previous / next."""
        return f"{self.task_url(record.pk)}{self.back_query}"

    def unit_link(self, unit) -> str:
        return f"{self.unit_url(unit.pk)}{self.unit_query}"


class TaskTable(TaskRowsTable):
    """The office's task list and a unit's own lists: tasks with their units, deadline and derived
    progress, sortable and paged; rows from `selectors.tasks_for_display()`."""

    number = TaskNumberColumn(attrs=NOWRAP)
    text = TaskTextColumn(badges=True)
    lead_units = UnitsColumn(verbose_name=_("牵头单位"))
    responsible_units = UnitsColumn(verbose_name=_("责任单位"))
    deadline = DeadlineColumn(extension_note=True, order_by=("current_deadline",))
    status = StatusColumn()
    percent = PercentColumn()
    light = LightColumn()

    two_step_pages = True

    class Meta(TaskRowsTable.Meta):
        sequence = ("number", "text", "lead_units", "responsible_units", "deadline", "status", "percent", "light")
        empty_text = _("没有符合条件的任务。")

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


class TaskSummaryTable(TaskRowsTable):
    """A short list of tasks inside another page (the dashboard's due-soon and overdue sections, the
    search results): the first lead unit only, the text cut at 60 characters, not sortable."""

    number = TaskNumberColumn()
    text = TaskTextColumn(truncate=60)
    lead_units = UnitsColumn(style="first", verbose_name=_("牵头单位"), attrs={"td": {"class": "lead-unit"}})
    deadline = DeadlineColumn()
    percent = PercentColumn()
    light = LightColumn()

    class Meta(TaskRowsTable.Meta):
        attrs = {"class": "table table-sm align-middle mb-0"}
        orderable = False
        sequence = ("number", "text", "lead_units", "deadline", "percent", "light")


class PublicTaskTable(TaskRowsTable):
    """The public page (信息公开): published tasks only, in the office's 公开稿 wording.

    Rows must come from `progress.selectors.public_tasks()`, which keeps only published tasks and
    reads nothing of units' reports, plans or reviews; a row without a publication date was not
    published and is refused here rather than shown. Nothing links into the office's app.
    """

    number = TaskNumberColumn(link=False)
    text = TaskTextColumn(verbose_name=_("工作任务和要求"), emphasis=False)
    lead_units = UnitsColumn(style="joined", verbose_name=_("牵头单位"))
    responsible_units = UnitsColumn(style="joined", verbose_name=_("责任单位"))
    deadline = DeadlineColumn(attrs={"td": {"class": "text-nowrap"}})
    status = StatusColumn(attrs={"td": {"class": "text-nowrap"}})
    percent = PercentColumn(bar=False, attrs={"td": {"class": "text-nowrap"}})
    public_text = tables.Column(
        verbose_name=_("进展情况"), orderable=False, default="—", attrs={"td": {"class": "small public-text"}}
    )
    published_at = PublishedDateColumn(verbose_name=_("公开日期"), attrs={"td": {"class": "text-nowrap small"}})

    class Meta(TaskRowsTable.Meta):
        attrs = {"class": "table table-sm align-middle public-tasks", "thead": {"class": "text-nowrap"}}
        orderable = False
        sequence = (
            "number",
            "text",
            "lead_units",
            "responsible_units",
            "deadline",
            "status",
            "percent",
            "public_text",
            "published_at",
        )
        empty_text = _("尚无公开的任务。")

    def __init__(self, data, *args, **kwargs):
        rows = list(data)
        if any(getattr(row, "published_at", None) is None for row in rows):
            raise ValueError("PublicTaskTable shows published tasks only (progress.selectors.public_tasks())")
        super().__init__(rows, *args, back="", **kwargs)
        self.public_url = DetailUrls("tasks:public_task_detail")

    def detail_url(self, record) -> str:
        return self.public_url(record.pk)


class MeetingOrderTable(TaskRowsTable):
    """A meeting's orders (交办事项): the order's own words for its deadline and the date read from
    them, its lead units and, for the office, the button to assign them. `user` is required."""

    number = TaskNumberColumn(link=False, attrs={"td": {"class": "text-nowrap"}})
    text = TaskTextColumn(verbose_name=_("工作任务和要求"), emphasis=False)
    due_text = tables.Column(verbose_name=_("原文时限"), accessor="meeting_order__due_text", default="")
    deadline = DeadlineColumn(attrs={"td": {"class": "text-nowrap"}})
    lead_units = AssignedUnitsColumn(verbose_name=_("牵头单位"))
    status = StatusColumn(with_light=True, attrs={"td": {"class": "text-nowrap"}})

    class Meta(TaskRowsTable.Meta):
        attrs = {"class": "table table-sm"}
        orderable = False
        sequence = ("number", "text", "due_text", "deadline", "lead_units", "status")
        empty_text = _("本次会议没有带时限的交办事项。")

    def __init__(self, data, *args, user, **kwargs):
        super().__init__(list(data), *args, back="", user=user, **kwargs)


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
    done = tables.Column(verbose_name=_("按期办结"), attrs=NOWRAP)
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
    def count_link(count, **params) -> SafeString | str:
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
