"""What a unit does with a 督办单: acknowledge it (签收) and answer it (落实情况); and giving it its number.

Each write runs in one transaction with its TaskEvent rows on every task the order names.
"""

import datetime

from django.contrib.auth.models import User
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from tasks import permissions
from tasks.models import TaskEvent, Unit
from tasks.progress.services import require_text

from .models import OrderCounter, SupervisionOrder

Event = TaskEvent.Kind
REPLY_MAX_CHARS = 5000


def next_order_number(year: int) -> int:
    """The year's next 督办单 number, taken under a row lock: call inside the transaction that writes the order.

    Two sweeps at once wait for each other here; a rolled-back order gives its number back with
    the counter's update, so numbers have no gaps.
    """
    counter, _created = OrderCounter.objects.select_for_update().get_or_create(year=year)
    counter.last += 1
    counter.save(update_fields=["last"])
    return counter.last


def _record_on_tasks(order: SupervisionOrder, *, kind: str, actor: User, note: str) -> None:
    now = timezone.now()
    TaskEvent.objects.bulk_create(
        [TaskEvent(task=task, unit=order.unit, actor=actor, at=now, kind=kind, note=note) for task in order.tasks.all()]
    )


def may_answer(actor: User, order: SupervisionOrder) -> bool:
    """The unit's liaison acknowledges and answers; for a unit that had no liaison (需电话通知) the office
    records what the unit said on the phone, so such an order is not left unanswerable."""
    if permissions.may(actor, permissions.Action.ANSWER_ORDER, unit=order.unit):
        return True
    return order.needs_phone and permissions.may(actor, permissions.Action.REMIND)


def _may_answer(actor: User, order: SupervisionOrder) -> None:
    if not may_answer(actor, order):
        raise PermissionDenied(_("只有%(unit)s的联络员可以签收和答复这份督办单。") % {"unit": order.unit})


def _by_phone(actor: User, order: SupervisionOrder) -> str:
    """What a note adds when the office recorded it for the unit."""
    if permissions.may(actor, permissions.Action.ANSWER_ORDER, unit=order.unit):
        return ""
    return _("（督查室电话代录）")


@transaction.atomic
def order_acknowledge(*, order: SupervisionOrder, actor: User) -> SupervisionOrder:
    """The unit's liaison acknowledges the order (签收); a second 签收 is refused, changing nothing."""
    _may_answer(actor, order)
    updated = SupervisionOrder.objects.filter(pk=order.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=timezone.now(), acknowledged_by=actor
    )
    if not updated:
        raise ValidationError(_("这份督办单已经签收过了。"))
    order.refresh_from_db()
    _record_on_tasks(order, kind=Event.ORDER_ACKNOWLEDGED, actor=actor, note=order.label + _by_phone(actor, order))
    return order


@transaction.atomic
def order_answer(*, order: SupervisionOrder, actor: User, reply: str) -> SupervisionOrder:
    """The unit's liaison answers the order (落实情况); answering also acknowledges it if not yet done."""
    _may_answer(actor, order)
    reply = require_text(reply, "reply", _("请填写落实情况。"))
    if len(reply) > REPLY_MAX_CHARS:
        raise ValidationError({"reply": _("落实情况不能超过%(n)s字。") % {"n": REPLY_MAX_CHARS}})
    now = timezone.now()
    updated = SupervisionOrder.objects.filter(pk=order.pk, replied_at__isnull=True).update(
        reply=reply, replied_at=now, replied_by=actor
    )
    if not updated:
        raise ValidationError(_("这份督办单已经答复过了。"))
    SupervisionOrder.objects.filter(pk=order.pk, acknowledged_at__isnull=True).update(
        acknowledged_at=now, acknowledged_by=actor
    )
    order.refresh_from_db()
    late = order.reply_overdue(timezone.localdate(now))
    note = f"{order.label}：{reply}" + (_("（逾期答复）") if late else "") + _by_phone(actor, order)
    _record_on_tasks(order, kind=Event.ORDER_ANSWERED, actor=actor, note=note)
    return order


def unit_has_liaison(unit: Unit) -> bool:
    """Whether someone can take the order up in the app: the unit's active liaison, or for a collective
    a liaison of every member (a member without one must be phoned)."""
    if unit.is_collective:
        members = list(unit.members.all())
        with_liaison = Unit.objects.filter(pk__in=[m.pk for m in members], liaisons__user__is_active=True)
        return bool(members) and with_liaison.distinct().count() == len(members)
    return unit.liaisons.filter(user__is_active=True).exists()


def reply_due(issued_on: datetime.date, days: int) -> datetime.date:
    return issued_on + datetime.timedelta(days=days)
