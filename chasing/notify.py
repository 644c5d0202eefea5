"""The one place where the ladder and the sweep tell a unit something (站内通知, and mail where configured).

Every notice of this app goes through `tell_unit()`, so the delivery (the notices app: inbox,
mail, 需电话通知 for a unit without a liaison) is called in exactly one place.
"""

from tasks.models import Unit


def tell_unit(unit: Unit, *, kind: str, title: str, body: str, link: str, source: object | None = None) -> None:
    """Notify `unit`'s liaisons of `title`/`body`, linking to `link` (a path in the app).

    Placeholder until the notices app is on main: nothing is delivered yet. The records this app
    writes (steps, orders with needs_phone, reminders) do not depend on it.
    """
    return None
