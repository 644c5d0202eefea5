"""The one place where the ladder and the sweep tell a unit something (站内通知, and mail where configured).

Every notice of this app goes through `tell_unit()` to the notices app: an inbox entry for each
active liaison (of each member, for a collective), mail when they have an address and mail is
configured, and for a unit without a liaison one notice kept for the office, marked 需电话通知.
"""

from notices.models import Notice
from notices.services import NoticeResult, notify_unit, source_of
from tasks.models import Unit

# What each of our notices is, in the inbox's own kinds.
KINDS = {
    "due_reminder": Notice.Kind.DUE_SOON,
    "escalation_reminder": Notice.Kind.REMINDER,
    "escalation_urge": Notice.Kind.REMINDER,
    "escalation_supervise": Notice.Kind.SUPERVISION,
}


def tell_unit(unit: Unit, *, kind: str, title: str, body: str, link: str, source: object | None = None) -> NoticeResult:
    """Notify `unit` of `title`/`body`, linking to `link` (a path in the app); `source` is the record it is about."""
    return notify_unit(unit, KINDS[kind], title, body, link, source=source_of(source) if source is not None else "")
