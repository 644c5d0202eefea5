"""Global search: a task or meeting number goes straight to its page; anything else shows what it
finds — units, enterprises, meetings and tasks in sections (search_results.py).

It lives in the project package because it reads every app; `tasks` must not import
`meetings` or `commendations`.
"""

import re
import unicodedata
from urllib.parse import urlencode

from django.contrib import messages
from django.db.models import Case, IntegerField, Value, When
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext

from meetings.models import Meeting
from tasks import permissions
from tasks.models import Task
from tasks.tables import TaskSummaryTable

from .search_results import named_task_number, search_everything

# "12", "第12项", "12项": a task number. "第99次", "99次", "第99次常务会议": a meeting number.
# A bare number is a task: there are more tasks than meetings, and 第…次 is how meetings are named.
TASK_NUMBER = re.compile(r"^(?:第\s*)?(\d{1,6})\s*项?$")
MEETING_NUMBER = re.compile(r"^(?:第\s*)?(\d{1,6})\s*次(?:常务会议|会议)?$")


def normalise(query):
    """Full-width digits and spaces to ASCII (１２ → 12), surrounding whitespace removed.

    NUL characters go too: no name holds one, and PostgreSQL refuses them in a query.
    """
    return unicodedata.normalize("NFKC", query or "").replace("\x00", "").strip()


def find_task(number):
    """The task with this number: a notice's task before a meeting's, the newest document first."""
    notice_first = Case(When(source=Task.Source.NOTICE, then=Value(0)), default=Value(1), output_field=IntegerField())
    return Task.objects.filter(number=number).order_by(notice_first, "-document__issued_on", "-pk").first()


def find_target(query):
    """The URL a number names (task 12, the 99th meeting, order 会100-1), or None.

    Names are not jumped to: 富祥 is an enterprise and two tasks, and the results page shows both.
    """
    if match := MEETING_NUMBER.match(query):
        meeting = Meeting.objects.filter(number=int(match[1])).order_by("-held_on", "-pk").first()
        return meeting.get_absolute_url() if meeting else None
    if match := TASK_NUMBER.match(query):
        task = find_task(int(match[1]))
        return task.get_absolute_url() if task else None
    order = named_task_number(query)
    return order.get_absolute_url() if order else None


def search(request):
    query = normalise(request.GET.get("q"))[:100]
    if not query:
        return redirect(reverse("tasks:task_list"))
    target = find_target(query)
    if target:
        return redirect(target)
    if MEETING_NUMBER.match(query) or TASK_NUMBER.match(query):
        messages.info(request, gettext("没有找到“%(query)s”，以下是包含它的结果。") % {"query": query})
    results = search_everything(query, permissions.tasks_visible_to(request.user))
    context = {
        "results": results,
        "task_table": TaskSummaryTable(results.tasks, back=""),
        "task_list_url": f"{reverse('tasks:task_list')}?{urlencode({'q': query})}",
    }
    return render(request, "search/results.html", context)
