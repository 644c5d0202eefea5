"""The notices API: tell a unit or some users about an event, in the app and by mail.

    notify_unit(unit, kind, title, body, link, *, source="") -> NoticeResult
    notify_users(users, kind, title, body, link, *, source="", unit=None) -> NoticeResult

Every recipient gets a Notice in the app (the inbox, the unread count in the navigation). A
recipient with an e-mail address also gets a mail when mail is configured (`mail_configured()`):
the notice is marked 邮件待发送 and the mail goes from the background worker
(notices/tasks.py), never from the request; the notice then says 邮件已发送, or 邮件发送失败，
将重试 while the worker tries again, or 邮件发送失败，请电话通知 after the last attempt.
A unit with no active liaison gets one Notice without recipient, marked 需电话通知, which the
office sees on its 需电话通知 page: nothing is lost.

Call these inside the service that records the event, in its transaction: a refused or
rolled-back action leaves no notice and queues no mail. Texts are stored as given; write them
in Chinese (dates as `chinese_date()` gives them, 2026年11月25日) — the kind's label is
translated when shown.
"""

import dataclasses
import datetime
from collections.abc import Iterable

from django.conf import settings
from django.contrib.auth.models import User
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from tasks.models import Unit, UnitLiaison

from .background import enqueue
from .models import Notice

# Backends that deliver nothing: with them a notice is 仅站内通知, and no page may say a mail went.
UNDELIVERED_MAIL_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend",
    "django.core.mail.backends.dummy.EmailBackend",
}


def chinese_date(day: datetime.date) -> str:
    """2026年11月25日 — how notices and their mails write a date, in every language."""
    return f"{day.year}年{day.month}月{day.day}日"


def mail_configured() -> bool:
    """Whether mail really leaves the app: not with the console backend (the development default)."""
    return settings.EMAIL_BACKEND not in UNDELIVERED_MAIL_BACKENDS


@dataclasses.dataclass
class NoticeResult:
    """The notices one call wrote, and what became of their mail, for the page to say exactly that."""

    notices: list[Notice]

    def refresh(self) -> "NoticeResult":
        """The same notices as they are now (the worker may have sent or failed their mail)."""
        current = {n.pk: n for n in Notice.objects.filter(pk__in=[n.pk for n in self.notices])}
        return NoticeResult([current.get(n.pk, n) for n in self.notices])

    def _addresses(self, *states: str) -> list[str]:
        return sorted({n.mail_to for n in self.notices if n.mail in states and n.mail_to})

    @property
    def needs_phone(self) -> bool:
        """Someone must phone: the unit has no liaison, or every attempt to mail failed."""
        return any(n.mail in (Notice.Mail.PHONE, Notice.Mail.FAILED) for n in self.notices)

    @property
    def recipients(self) -> list[User]:
        return [n.recipient for n in self.notices if n.recipient is not None]

    @property
    def sent_to(self) -> list[str]:
        return self._addresses(Notice.Mail.SENT)

    def summary(self) -> str:
        """One sentence of what happened, for the page that caused it (never a mail that was not sent)."""
        parts = []
        people = self.recipients
        if people:
            parts.append(ngettext("已在系统内通知%(n)d人", "已在系统内通知%(n)d人", len(people)) % {"n": len(people)})
        if sent := self.sent_to:
            parts.append(_("邮件已发送至 %(to)s") % {"to": ", ".join(sent)})
        if queued := self._addresses(Notice.Mail.QUEUED):
            parts.append(_("邮件待后台发送至 %(to)s") % {"to": ", ".join(queued)})
        if retrying := self._addresses(Notice.Mail.RETRYING):
            parts.append(_("发往 %(to)s 的邮件发送失败，将重试") % {"to": ", ".join(retrying)})
        if failed := self._addresses(Notice.Mail.FAILED):
            parts.append(_("发往 %(to)s 的邮件发送失败，请电话通知") % {"to": ", ".join(failed)})
        if people and not any(n.mail_to for n in self.notices):
            parts.append(_("仅站内通知（无邮箱或未配置邮件）"))
        if any(n.mail == Notice.Mail.PHONE for n in self.notices):
            units = sorted({str(n.unit) for n in self.notices if n.mail == Notice.Mail.PHONE and n.unit})
            parts.append(_("%(units)s没有联络员，需电话通知") % {"units": "、".join(units)})
        return "；".join(parts) + "。" if parts else ""


def _safe_link(link: str) -> str:
    """Only a path of this app: a notice never sends its reader elsewhere."""
    link = (link or "").strip()
    if link and not (link.startswith("/") and url_has_allowed_host_and_scheme(link, allowed_hosts=None)):
        raise ValueError(f"a notice links to a path of the app, not {link!r}")
    return link


def notify_users(
    users: Iterable[User],
    kind: str,
    title: str,
    body: str,
    link: str,
    *,
    source: str = "",
    unit: Unit | None = None,
) -> NoticeResult:
    """A notice to each active user of `users` (once each), with mail where they have an address."""
    from .tasks import send_notice_mail  # noqa: PLC0415 — the task module imports this one

    link = _safe_link(link)
    kind = Notice.Kind(kind)
    now = timezone.now()
    mail = mail_configured()
    seen: set[int] = set()
    notices = []
    for user in users:
        if user.pk in seen or not user.is_active:
            continue
        seen.add(user.pk)
        address = (user.email or "").strip()
        notices.append(
            Notice(
                recipient=user,
                unit=unit,
                kind=kind,
                title=title[:200],
                body=body,
                link=link,
                source=source,
                created_at=now,
                mail=Notice.Mail.QUEUED if (mail and address) else Notice.Mail.IN_APP,
                mail_to=address if mail else "",
            )
        )
    Notice.objects.bulk_create(notices)
    for notice in notices:
        if notice.mail == Notice.Mail.QUEUED:
            enqueue(send_notice_mail, notice.pk)
    return NoticeResult(notices)


def notify_unit(
    unit: Unit,
    kind: str,
    title: str,
    body: str,
    link: str,
    *,
    source: str = "",
) -> NoticeResult:
    """A notice to the active liaisons of `unit` — of each member, for a collective such as 各乡镇（街道）.

    A unit with no active liaison gets one notice without recipient, marked 需电话通知: the
    office sees it (`office_phone_list()`) and phones; nothing is lost.
    """
    units = list(unit.members.all()) if unit.is_collective else [unit]
    liaisons: dict[int, list[User]] = {u.pk: [] for u in units}
    for link_row in UnitLiaison.objects.filter(unit__in=units, user__is_active=True).select_related("user"):
        liaisons[link_row.unit_id].append(link_row.user)
    notices: list[Notice] = []
    for member in units:
        if liaisons[member.pk]:
            notices += notify_users(liaisons[member.pk], kind, title, body, link, source=source, unit=member).notices
        else:
            notices.append(
                Notice.objects.create(
                    recipient=None,
                    unit=member,
                    kind=Notice.Kind(kind),
                    title=title[:200],
                    body=body,
                    link=_safe_link(link),
                    source=source,
                    created_at=timezone.now(),
                    mail=Notice.Mail.PHONE,
                )
            )
    return NoticeResult(notices)


def notice_mark_read(*, notice: Notice, user: User) -> Notice:
    """Mark one of `user`'s own notices read (reading another's is refused by the caller's lookup)."""
    if notice.recipient_id != user.pk:
        raise PermissionError("a user marks only their own notices")
    if notice.read_at is None:
        notice.read_at = timezone.now()
        Notice.objects.filter(pk=notice.pk, read_at__isnull=True).update(read_at=notice.read_at)
    return notice


def notices_mark_all_read(*, user: User) -> int:
    """Mark every unread notice of `user` read; returns how many."""
    return Notice.objects.filter(recipient=user, read_at__isnull=True).update(read_at=timezone.now())


def source_of(record: object) -> str:
    """The `source` string of a record: "app_label.model:pk"."""
    meta = record._meta  # type: ignore[attr-defined]
    return f"{meta.app_label}.{meta.model_name}:{record.pk}"  # type: ignore[attr-defined]
