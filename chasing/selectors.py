"""Reads of the ladder: which 督办单 a user sees, which replies are overdue, a unit's open ones."""

import datetime
from typing import Any

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks import permissions
from tasks.models import Task
from tasks.state import tasks_as_of

from .models import SupervisionOrder


def orders_visible_to(user: permissions.AnyUser) -> QuerySet[SupervisionOrder]:
    """Every order for the office and leaders; a liaison its own unit's; nobody else any."""
    orders = SupervisionOrder.objects.select_related("unit").order_by("-year", "-number")
    if permissions.may(user, permissions.Action.READ_ORDERS):
        return orders
    unit = permissions.liaison_unit(user)
    if unit is not None and permissions.may(user, permissions.Action.READ_ORDERS, unit=unit):
        # Its own unit's, and those to a collective it belongs to (permissions.speaks_for).
        return orders.filter(Q(unit=unit) | Q(unit__in=unit.collectives.all()))
    return orders.none()


def overdue_replies(today: datetime.date | None = None) -> QuerySet[SupervisionOrder]:
    """Orders whose reply date has passed by `today` without an answer, oldest first."""
    today = today or timezone.localdate()
    return (
        SupervisionOrder.objects.filter(reply_due_on__lt=today, replied_at__isnull=True)
        .select_related("unit")
        .order_by("reply_due_on", "year", "number")
    )


def order_status(order: SupervisionOrder, today: datetime.date) -> str:
    """待签收 / 待答复 / 逾期未答复 / 已答复 / 逾期答复, as the list and the page show it."""
    if order.replied_at is not None:
        return _("逾期答复") if order.reply_overdue(today) else _("已答复")
    if today > order.reply_due_on:
        return _("逾期未答复")
    return _("待答复") if order.acknowledged_at else _("待签收")


def open_orders_of(unit: Any) -> QuerySet[SupervisionOrder]:
    return SupervisionOrder.objects.filter(Q(unit=unit) & Q(replied_at__isnull=True)).order_by("reply_due_on")


def order_items(order: SupervisionOrder) -> list[Any]:
    """The order's tasks with their state today (status, current deadline), in document order."""
    items = list(
        tasks_as_of(tasks=order.tasks.all()).select_related("document").order_by("document__issued_on", "number", "pk")
    )
    for item in items:
        item.status_label = Task.Status(item.status).label
    return items
