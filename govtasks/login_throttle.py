"""Login throttling on top of django-axes: who is locked, for how long, and from which address.

Three rules (settings in govtasks/settings.py):

- A user name is locked after AXES_FAILURE_LIMIT failures, from whatever addresses they
  came (AXES_LOCKOUT_PARAMETERS = ["username"]): a guesser gains nothing by moving.
- Each lock of the same name within a day doubles the cool-off (cool_off), up to
  GOVTASKS_LOGIN_COOLOFF_MAX_MINUTES. Attempts during a lock are not counted, so hammering
  a colleague's name keeps them out no longer than the guesser's own failures earned.
- An address that failed for GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT different user names within
  the base cool-off is spraying names: it is refused for every name that has never logged
  in successfully from it (LoginThrottleHandler). Colleagues behind the same NAT address, who
  have logged in from it before, keep working.

The address is REMOTE_ADDR; only when that is one of GOVTASKS_TRUSTED_PROXIES is the
proxy's X-Forwarded-For read (client_address), since anyone can send that header.
"""

import datetime
import ipaddress

from axes.handlers.database import AxesDatabaseHandler
from axes.models import AccessAttempt, AccessFailureLog, AccessLog
from django.conf import settings
from django.http import HttpRequest
from django.utils import timezone

LOCK_MEMORY = datetime.timedelta(days=1)


def _valid_address(value: str) -> str | None:
    try:
        return str(ipaddress.ip_address(value.strip()))
    except ValueError:
        return None


def client_address(request: HttpRequest) -> str | None:
    """The client's address (AXES_CLIENT_IP_CALLABLE): REMOTE_ADDR, or what a trusted proxy forwarded.

    X-Forwarded-For is read right to left, skipping the trusted proxies themselves; the first
    other address is the one the outermost trusted proxy saw. What the client wrote further
    left is never believed.
    """
    remote = request.META.get("REMOTE_ADDR", "")
    trusted = set(settings.GOVTASKS_TRUSTED_PROXIES)
    if not trusted or remote not in trusted:
        return remote or None
    forwarded = [part for part in request.META.get("HTTP_X_FORWARDED_FOR", "").split(",") if part.strip()]
    for part in reversed(forwarded):
        address = _valid_address(part)
        if address is None:
            break  # a garbled hop: trust nothing left of it
        if address not in trusted:
            return address
    return remote


def attempted_username(request: HttpRequest | None) -> str:
    from .security import login_attempt_username  # noqa: PLC0415 — security imports this module's helpers

    return login_attempt_username(request) if request is not None else ""


def earlier_locks(username: str) -> int:
    """How many times `username` was locked within the last day (the failures that locked it)."""
    if not username:
        return 0
    since = timezone.now() - LOCK_MEMORY
    return AccessFailureLog.objects.filter(username=username, locked_out=True, attempt_time__gte=since).count()


def cool_off_for(locks: int) -> datetime.timedelta:
    """The cool-off of the n-th lock in a day: the base, doubled for each lock before it, capped."""
    base = settings.GOVTASKS_LOGIN_COOLOFF_MINUTES
    minutes = min(base * 2 ** min(max(locks - 1, 0), 20), settings.GOVTASKS_LOGIN_COOLOFF_MAX_MINUTES)
    return datetime.timedelta(minutes=max(minutes, base))


def cool_off(request: HttpRequest | None) -> datetime.timedelta:
    """AXES_COOLOFF_TIME: how long the user name being tried stays locked."""
    return cool_off_for(earlier_locks(attempted_username(request)))


def address_is_spraying(request: HttpRequest) -> bool:
    """Whether this request's address is refused for this user name (see the module's third rule)."""
    address = getattr(request, "axes_ip_address", None) or client_address(request)
    if not address:
        return False
    since = timezone.now() - datetime.timedelta(minutes=settings.GOVTASKS_LOGIN_COOLOFF_MINUTES)
    names = (
        AccessAttempt.objects.filter(ip_address=address, attempt_time__gte=since).values("username").distinct().count()
    )
    if names < settings.GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT:
        return False
    username = attempted_username(request)
    return not AccessLog.objects.filter(ip_address=address, username=username).exists()


def lock_reason(request: HttpRequest) -> str:
    """ "address" when the address is refused for spraying names, "username" otherwise."""
    return "address" if address_is_spraying(request) else "username"


class LoginThrottleHandler(AxesDatabaseHandler):
    """django-axes' database handler, also refusing an address that sprays user names."""

    def is_locked(self, request, credentials=None) -> bool:
        return super().is_locked(request, credentials) or address_is_spraying(request)

    def user_login_failed(self, sender, credentials, request=None, **kwargs):
        super().user_login_failed(sender, credentials, request, **kwargs)
        if request is not None and not getattr(request, "axes_locked_out", False) and address_is_spraying(request):
            request.axes_locked_out = True
            request.axes_credentials = credentials
