"""Answer 503 (Service Unavailable) instead of 500 while the database cannot be reached.

When PostgreSQL restarts or the network to it drops, every request fails on its first query
— usually while loading the session, before any view runs. Django turns that into a 500
(a bug, as far as anyone can tell). This middleware, first in MIDDLEWARE, turns exactly those
failures into a 503 page that says the database is briefly unavailable, with Retry-After, so
people and load balancers retry instead of reporting a bug. The page touches neither the
session nor the database. Nothing is half-written: the failed request's transaction never
committed. Once the database is back, CONN_HEALTH_CHECKS replaces the broken connection on the
next request, so the app recovers without a restart.
"""

import logging
import sys

from django.core.signals import got_request_exception
from django.db import InterfaceError, OperationalError
from django.http import HttpResponse, HttpResponseBadRequest
from django.template.loader import render_to_string
from django.utils.cache import add_never_cache_headers

logger = logging.getLogger(__name__)

RETRY_AFTER_SECONDS = 10


def note_database_error(sender, request=None, **kwargs):
    """got_request_exception receiver: mark the request when what failed was the database connection."""
    error = sys.exc_info()[1]
    if request is not None and isinstance(error, OperationalError | InterfaceError):
        request.govtasks_database_unavailable = error


class DatabaseUnavailableMiddleware:
    def __init__(self, get_response):
        self.get_response = get_response
        got_request_exception.connect(note_database_error, dispatch_uid="govtasks_database_unavailable")

    def __call__(self, request):
        response = self.get_response(request)
        error = getattr(request, "govtasks_database_unavailable", None)
        if response.status_code == 500 and error is not None:
            logger.warning("Database unavailable, answered 503: %s %s: %s", request.method, request.path, error)
            response = HttpResponse(render_to_string("503.html"), status=503)
            response["Retry-After"] = str(RETRY_AFTER_SECONDS)
        return response


class RejectNulCharactersMiddleware:
    """Answer 400 to a request whose parameters hold a NUL character.

    No name, number or text of ours holds one, and PostgreSQL refuses NUL in any query: a
    page that looks a parameter up would otherwise fail with a 500.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        parameters = [request.GET]
        if request.method == "POST" and request.content_type == "application/x-www-form-urlencoded":
            parameters.append(request.POST)
        for query in parameters:
            if any("\x00" in key or "\x00" in value for key, values in query.lists() for value in values):
                # Both languages at once: hostile input meets no page, so no catalogue either.
                return HttpResponseBadRequest(
                    "请求中含有无效字符（NUL），请检查链接或输入。The request contains a NUL character.",
                    content_type="text/plain; charset=utf-8",
                )
        return self.get_response(request)


class NoStoreMiddleware:
    """Cache-Control: no-store (with private, no-cache) on every signed-in response and every download.

    What a clerk sees — tasks, reports, a unit's workbook — must not stay in a shared office
    computer's browser cache, nor in a proxy's, after the session ends. A response that set
    its own Cache-Control keeps it; public pages and static files (served by WhiteNoise
    before this runs) stay cacheable.
    """

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        response = self.get_response(request)
        user = getattr(request, "user", None)
        signed_in = user is not None and user.is_authenticated
        download = response.get("Content-Disposition", "").startswith("attachment")
        if (signed_in or download) and "Cache-Control" not in response:
            add_never_cache_headers(response)
        return response
