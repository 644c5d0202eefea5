"""Pages of notices: the inbox, one notice, marking read, and the office's list of units to phone."""

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tasks import permissions

from . import selectors, services

PAGE_SIZE = 50


def inbox(request):
    """The user's own notices, newest first, 50 a page; `?unread=1` shows the unread only."""
    unread_only = request.GET.get("unread") == "1"
    page = Paginator(selectors.inbox(request.user, unread_only=unread_only), PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    return render(request, "notices/inbox.html", {"page": page, "unread_only": unread_only})


def notice_detail(request, pk):
    """One of the user's own notices (another's is a 404); opening it marks it read."""
    notice = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.notice_mark_read(notice=notice, user=request.user)
    return render(request, "notices/notice_detail.html", {"notice": notice})


@require_POST
def notice_read(request, pk):
    """Mark one of the user's notices read without opening it."""
    notice = get_object_or_404(selectors.inbox(request.user), pk=pk)
    services.notice_mark_read(notice=notice, user=request.user)
    return redirect("notices:inbox")


@require_POST
def notices_read_all(request):
    count = services.notices_mark_all_read(user=request.user)
    messages.success(request, _("已将%(n)d条通知标为已读。") % {"n": count})
    return redirect("notices:inbox")


def phone_list(request):
    """The office's list of units to phone: no liaison (需电话通知), or every mail attempt failed."""
    if not permissions.may(request.user, permissions.Action.REMIND):
        raise PermissionDenied(_("只有督查室可以查看需电话通知的单位。"))
    page = Paginator(selectors.office_phone_list(request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    return render(request, "notices/phone_list.html", {"page": page})
