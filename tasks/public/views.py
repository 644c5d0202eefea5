"""The public information-disclosure pages (信息公开), switched on by GOVTASKS_PUBLIC_DISCLOSURE.

Read-only and open without login. They show each task's text, units, status and accepted
progress — never review comments, responsible persons' names or phone numbers, plans, or
reports that were not accepted. With the setting off they do not exist (404).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.utils import timezone

from core.generic import bounded_int

from ..progress import selectors

PER_PAGE = 50


def require_disclosure():
    if not settings.GOVTASKS_PUBLIC_DISCLOSURE:
        raise Http404


@login_not_required
def public_task_list(request):
    require_disclosure()
    paginator = Paginator(selectors.public_tasks(), PER_PAGE)
    page = paginator.get_page(bounded_int(request.GET.get("page"), 1, 1, paginator.num_pages))
    return render(request, "tasks/public/task_list.html", {"page": page, "today": timezone.localdate()})


@login_not_required
def public_task_detail(request, pk):
    require_disclosure()
    task = get_object_or_404(selectors.public_tasks(), pk=pk)
    return render(
        request,
        "tasks/public/task_detail.html",
        {"task": task, "reports": selectors.public_reports(task)},
    )
