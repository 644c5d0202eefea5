"""The unread count in the navigation bar."""

from django.http import HttpRequest


class UnreadCount:
    """Counts the user's unread notices when a template first asks (one query), then remembers it.

    Lazy, so pages that render no navigation (downloads, the login page) pay nothing.
    """

    def __init__(self, user):
        self.user = user
        self._count: int | None = None

    def __int__(self) -> int:
        if self._count is None:
            from .models import Notice  # noqa: PLC0415 — context processors load before the apps

            self._count = Notice.objects.filter(recipient=self.user, read_at__isnull=True).count()
        return self._count

    def __str__(self) -> str:
        return str(int(self))

    def __bool__(self) -> bool:
        return int(self) > 0

    # Templates compare and pluralise with it ({% blocktranslate count %} needs a number).
    def __eq__(self, other: object) -> bool:
        return int(self) == other

    def __hash__(self) -> int:
        return hash(int(self))


def unread_notices(request: HttpRequest) -> dict:
    user = getattr(request, "user", None)
    if user is None or not user.is_authenticated:
        return {}
    return {"unread_notices": UnreadCount(user)}
