"""Display helpers for tasks: dates in the house style, status badges, warning lights, progress bars.

The tables call the same functions, so a task looks the same on every page.
"""

from django import template
from django.utils.formats import date_format
from django.utils.html import format_html
from django.utils.translation import gettext, pgettext

from tasks import permissions
from tasks.models import Task

register = template.Library()


@register.filter
def translated(value):
    """A label or value stored as Chinese display text (a timeline's changes) in the reader's language.

    Field names and choice labels are in the catalogue; free text is not, and stays as written.
    """
    return gettext(value) if isinstance(value, str) and value else value


STATUS_CLASSES = {
    Task.Status.NOT_STARTED: "text-bg-secondary",
    Task.Status.IN_PROGRESS: "text-bg-primary",
    Task.Status.DONE: "text-bg-success",
    # Closed, but late: counted apart from 按期办结 everywhere, so it looks apart too.
    Task.Status.DONE_LATE: "text-bg-warning",
    Task.Status.CHECKING: "text-bg-info",
    Task.Status.OVERDUE: "text-bg-danger",
}


@register.filter
def fulldate(value):
    """2021年7月1日 (or the translation's own format); empty for no date."""
    if not value:
        return ""
    # Translators: a date format (Django's date filter syntax), e.g. "j F Y" for English.
    return date_format(value, gettext("Y年n月j日"))


@register.filter
def fullmonth(value):
    """2021年7月 (or the translation's own format): a report's period, stored as its first day."""
    if not value:
        return ""
    # Translators: a month format (Django's date filter syntax), e.g. "F Y" for English.
    return date_format(value, gettext("Y年n月"))


@register.filter
def bracketed(value):
    """（value） in Chinese, " (value)" in English: the brackets are the language's too."""
    return pgettext("brackets", "（%(text)s）") % {"text": value}


@register.filter
def labelled(value):
    """value： — a label run into the text after it."""
    return pgettext("after a label", "%(label)s：") % {"label": value}


@register.simple_tag
def status_badge(status):
    return format_html(
        '<span class="badge status-badge {}">{}</span>',
        STATUS_CLASSES.get(status, "text-bg-light"),
        Task.Status(status).label,
    )


@register.simple_tag
def light_badge(light):
    """A coloured dot with its name beside it, so the light reads in print and to screen readers too."""
    return format_html(
        '<span class="light" data-light="{0}"><span class="light-dot light-{0}" aria-hidden="true"></span> {1}</span>',
        light,
        Task.Light(light).label,
    )


@register.simple_tag
def percent_bar(percent, expected=None):
    """Reported percent as a thin bar; the expected progress (序时进度) as a marker and a title."""
    percent = max(0, min(100, int(percent or 0)))
    title = gettext("已完成 %(percent)s%%") % {"percent": percent}
    marker = ""
    if expected is not None:
        title += gettext("，序时进度 %(expected)s%%") % {"expected": expected}
        expected = max(0, min(100, int(expected)))
        marker = format_html('<span class="expected-mark" style="left:{}%"></span>', expected)
    return format_html(
        '<div class="percent-bar" title="{title}">'
        '<div class="progress" role="progressbar" aria-valuenow="{p}" aria-valuemin="0" aria-valuemax="100" '
        'aria-label="{title}"><div class="progress-bar bg-success" style="width:{p}%"></div>{marker}</div>'
        '<span class="percent-figure">{p}%</span></div>',
        title=title,
        p=percent,
        marker=marker,
    )


@register.simple_tag(takes_context=True)
def may(context, action, task=None, **concerning):
    """`{% may "assign" task as can_assign %}`, `{% may "answer_instruction" instruction=i as can_answer %}`:
    permissions.may() for the signed-in user, so a template shows a button exactly when the view
    behind it would let the user in."""
    return permissions.may(context["request"].user, action, task, **concerning)


@register.simple_tag
def unit_figure(task):
    """A unit's own figure on `task` beside the task's: "本单位40%（2021年6月）· 任务25%". The task is
    annotated by selectors.with_unit_progress (unit_percent, unit_period) and the state (percent)."""
    if getattr(task, "unit_percent", None) is None:
        own = gettext("本单位未有采纳的报告")
    else:
        own = gettext("本单位%(percent)s%%（%(month)s）") % {
            "percent": task.unit_percent,
            "month": fullmonth(task.unit_period),
        }
    return format_html(
        '<small class="text-body-secondary unit-figure">{} · {}</small>',
        own,
        gettext("任务%(percent)s%%") % {"percent": task.percent},
    )
