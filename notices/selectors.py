"""Reads of notices: each user's own inbox; the office's list of units to phone."""

from django.contrib.auth.models import User
from django.db.models import QuerySet

from tasks import permissions

from .models import Notice


def inbox(user: User, *, unread_only: bool = False) -> QuerySet[Notice]:
    """`user`'s own notices, newest first — never anyone else's."""
    notices = Notice.objects.filter(recipient=user).select_related("unit")
    if unread_only:
        notices = notices.filter(read_at__isnull=True)
    return notices.order_by("-created_at", "-pk")


def office_phone_list(user: User) -> QuerySet[Notice]:
    """What the office must phone about: notices to units without a liaison (需电话通知) and mails
    that failed for good. Empty for anyone who may not chase units (催办)."""
    if not permissions.may(user, permissions.Action.REMIND):
        return Notice.objects.none()
    return (
        Notice.objects.filter(mail__in=[Notice.Mail.PHONE, Notice.Mail.FAILED])
        .select_related("unit", "recipient")
        .order_by("-created_at", "-pk")
    )
