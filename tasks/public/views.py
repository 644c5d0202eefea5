"""The public information-disclosure pages (信息公开), switched on by GOVTASKS_PUBLIC_DISCLOSURE, and the
office's page that decides what they say.

The public pages are read-only and open without login. They show only the tasks the office has
published, each with its text, units, deadline, status and percent and the office's own wording of its
progress (公开稿) with the date it was published — never units' reports, review comments, responsible
persons' names or phone numbers, or plans. With the setting off they do not exist (404).
"""

from django.conf import settings
from django.contrib.auth.decorators import login_not_required
from django.core.exceptions import PermissionDenied
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from core.generic import bounded_int

from .. import permissions
from ..models import Publication, Task
from ..permissions import Action
from ..progress import selectors
from ..progress.views import submit_form
from ..tables import PublicTaskTable
from . import services
from .forms import PublicationForm

PER_PAGE = 50


def require_disclosure():
    if not settings.GOVTASKS_PUBLIC_DISCLOSURE:
        raise Http404


@login_not_required
def public_task_list(request):
    require_disclosure()
    paginator = Paginator(selectors.public_tasks(), PER_PAGE)
    page = paginator.get_page(bounded_int(request.GET.get("page"), 1, 1, paginator.num_pages))
    context = {"page": page, "table": PublicTaskTable(page.object_list), "today": timezone.localdate()}
    return render(request, "tasks/public/task_list.html", context)


@login_not_required
def public_task_detail(request, pk):
    require_disclosure()
    task = get_object_or_404(selectors.public_tasks(), pk=pk)
    return render(request, "tasks/public/task_detail.html", {"task": task})


def publication_edit(request, pk):
    """The office writes or approves a task's public wording (公开稿) and publishes or withdraws it."""
    task = get_object_or_404(Task.objects.select_related("document"), pk=pk)
    if not permissions.may(request.user, Action.PUBLISH):
        raise PermissionDenied(_("只有督查室可以决定信息公开。"))
    publication = Publication.objects.filter(task=task).first()
    initial = {"text": publication.text, "publish": publication.is_published} if publication else {}
    form = PublicationForm(request.POST or None, initial=initial)
    done, _outcome = submit_form(
        request,
        form,
        services.publication_save,
        task=task,
        actor=request.user,
        done_message=lambda saved: _("已公开。") if saved.is_published else _("已保存，未公开。"),
        done_url=reverse("tasks:task_detail", args=[task.pk]) + "#publication",
    )
    if done:
        return done
    context = {"task": task, "form": form, "publication": publication}
    return render(request, "tasks/public/publication_form.html", context)
