"""Security pieces of the project that Django does not ship: the Content-Security-Policy
header, and the page shown when django-axes locks a login.

The policy allows nothing but the app's own origin: every script and stylesheet is a
static file (no CDN on the intranet), and no template carries inline script. A page that
is somehow made to contain `<script>` or `onerror=` by an attacker therefore does not run it.
"""

import math

from django.conf import settings
from django.shortcuts import render
from django.utils.translation import gettext as _


def policy_header(directives):
    """{"default-src": ["'self'"], …} → "default-src 'self'; …" (a directive with no sources stands alone)."""
    return "; ".join(" ".join([name, *sources]) for name, sources in directives.items())


class ContentSecurityPolicyMiddleware:
    """Adds settings.GOVTASKS_CONTENT_SECURITY_POLICY to every response that does not set its own.

    With DEBUG on the policy is only reported (…-Report-Only): the browser console still names
    every violation, and Django's debug page, which carries inline styles and scripts, stays usable.
    """

    def __init__(self, get_response):
        self.get_response = get_response
        self.header_name = "Content-Security-Policy-Report-Only" if settings.DEBUG else "Content-Security-Policy"
        self.header = policy_header(settings.GOVTASKS_CONTENT_SECURITY_POLICY)

    def __call__(self, request):
        response = self.get_response(request)
        response.headers.setdefault(self.header_name, self.header)
        return response


def login_locked_out(request, original_response=None, credentials=None):
    """django-axes' lockout answer (AXES_LOCKOUT_CALLABLE): a Chinese page that says why and for how long, HTTP 429.

    Either the user name is locked (from every address), or this address tried too many user
    names (govtasks/login_throttle.py); the page says which.
    """
    from .login_throttle import cool_off, lock_reason  # noqa: PLC0415 — axes' models load after settings

    reason = lock_reason(request)
    delay = cool_off(request) if reason == "username" else cool_off(None)
    context = {
        "title": _("登录已暂时锁定"),
        "reason": reason,
        "failure_limit": settings.AXES_FAILURE_LIMIT,
        "name_limit": settings.GOVTASKS_LOGIN_ADDRESS_NAME_LIMIT,
        "minutes": math.ceil(delay.total_seconds() / 60),
    }
    return render(request, "registration/locked_out.html", context, status=429)


def login_attempt_username(request, credentials=None):
    """The username django-axes records for a login attempt (AXES_USERNAME_CALLABLE).

    What was typed, without NUL characters and cut to the 255 characters of axes' column:
    PostgreSQL refuses both, and a hostile login form must get the login page back, not a 500.
    """
    source = credentials or request.POST
    return str(source.get("username") or "").replace("\x00", "")[:255]
