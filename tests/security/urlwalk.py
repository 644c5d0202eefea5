"""Every URL pattern of the project, enumerated from the resolver, with its path parameters filled.

The access matrix and the hostile-input suite walk this list, so a page added tomorrow is in
it without anyone remembering to add it — and a page nobody decided about fails loudly.
"""

import re
from dataclasses import dataclass

from django.contrib import admin
from django.contrib.contenttypes.models import ContentType
from django.urls import URLPattern, URLResolver, get_resolver

from commendations.models import Decision, Enterprise
from core.generic import ObjectListView
from meetings.models import Meeting


@dataclass(frozen=True)
class Route:
    """One URL pattern: its name ("tasks:task_detail"), its route as written, and its view."""

    name: str
    route: str
    callback: object

    @property
    def view_class(self):
        return getattr(self.callback, "view_class", None)

    @property
    def is_list(self):
        return isinstance(self.view_class, type) and issubclass(self.view_class, ObjectListView)


def walk(patterns=None, prefix="", namespace=""):
    """Every URLPattern under the root URLconf as a Route, namespaces joined like reverse() wants them."""
    patterns = get_resolver().url_patterns if patterns is None else patterns
    for entry in patterns:
        route = prefix + str(entry.pattern)
        if isinstance(entry, URLResolver):
            inner = f"{namespace}:{entry.namespace}" if namespace and entry.namespace else entry.namespace or namespace
            yield from walk(entry.url_patterns, route, inner)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name or f"<unnamed {route}>"
            yield Route(name=name, route=route, callback=entry.callback)


PARAMETER = re.compile(r"<(?:(?P<converter>[a-z_]+):)?(?P<name>\w+)>|\(\?P<(?P<regex_name>\w+)>[^)]*\)")


ADMIN_ACTIONS = ("changelist", "add", "change", "delete", "history")


def admin_model_action(route):
    """(model, action) of an admin page of one model — admin:tasks_task_change → (Task, "change") —
    or (None, None). The unnamed admin/<app>/<model>/<object_id>/ (an old-style link the admin
    redirects to the change page) is the action "old-style link"."""
    for model in admin.site._registry:
        stem = f"admin:{model._meta.app_label}_{model._meta.model_name}_"
        if route.name.startswith(stem) and route.name[len(stem) :] in ADMIN_ACTIONS:
            return model, route.name[len(stem) :]
        if route.route == f"admin/{model._meta.app_label}/{model._meta.model_name}/<path:object_id>/":
            return model, "old-style link"
    return None, None


def path_values(world):
    """{route name: {parameter: value}} for the pages whose parameters name a record of the world."""
    return {
        "tasks:task_detail": {"pk": world.task.pk},
        "tasks:document_detail": {"pk": world.notice.pk},
        "tasks:unit_detail": {"pk": world.unit.pk},
        "tasks:report_submit": {"pk": world.task.pk},
        "tasks:plan_edit": {"pk": world.task.pk},
        "tasks:extension_request": {"pk": world.future_task.pk},
        "tasks:assign_units": {"pk": world.meeting_order.pk},
        "tasks:report_detail": {"pk": world.waiting.pk},
        "tasks:report_resubmit": {"pk": world.to_correct.pk},
        "tasks:extension_detail": {"pk": world.extension.pk},
        "tasks:task_host": {"pk": world.task.pk},
        "tasks:task_members": {"pk": world.task.pk},
        "tasks:closure_request": {"pk": world.task.pk},
        "tasks:task_reopen": {"pk": world.task.pk},
        "tasks:closure_detail": {"pk": world.closure.pk},
        "tasks:attachment_download": {"pk": world.attachment.pk},
        "tasks:instruction_write": {"pk": world.task.pk},
        "tasks:instruction_detail": {"pk": world.instruction.pk},
        "tasks:publication_edit": {"pk": world.task.pk},
        "tasks:public_task_detail": {"pk": world.task.pk},
        "commendations:decision_detail": {"pk": Decision.objects.first().pk},
        "commendations:enterprise_detail": {"pk": Enterprise.objects.first().pk},
        "meetings:meeting_detail": {"pk": Meeting.objects.first().pk},
        # The liaison's own notice (the world's returned report noticed its unit); others get a 404.
        "notices:notice_detail": {"pk": liaison_notice(world).pk},
        "notices:notice_read": {"pk": liaison_notice(world).pk},
        # The office's own background export of the bulletin; others get a 404.
        "tasks:export_detail": {"pk": office_export(world).pk},
        "tasks:export_download": {"pk": office_export(world).pk},
        "chasing:order_detail": {"pk": world.order.pk},
        "chasing:order_download": {"pk": world.order.pk},
        "chasing:score_unit": {"pk": world.unit.pk},
        "admin:view_on_site": {
            "content_type_id": ContentType.objects.get_for_model(type(world.task)).pk,
            "object_id": world.task.pk,
        },
        "admin:app_list": {"app_label": "tasks"},
        "admin:auth_user_password_change": {"id": world.liaison.pk},
        "admin:password_reset_confirm": {"uidb64": "MQ", "token": "set-password"},
    }


def liaison_notice(world):
    from notices.models import Notice  # noqa: PLC0415

    return Notice.objects.filter(recipient=world.liaison).order_by("pk").first()


def office_export(world):
    """A finished background export of the office's (a small workbook in the attachments' storage)."""
    import datetime  # noqa: PLC0415

    from django.core.files.base import ContentFile  # noqa: PLC0415
    from django.utils import timezone  # noqa: PLC0415

    from tasks.models import BulletinExport  # noqa: PLC0415

    export = BulletinExport.objects.filter(requested_by=world.office).first()
    if export is None:
        export = BulletinExport(
            requested_by=world.office,
            requested_at=timezone.now(),
            as_of=datetime.date(2021, 9, 30),
            state=BulletinExport.State.DONE,
            filename="督查通报-2021-09-30.xlsx",
        )
        export.file.save("exports/world.xlsx", ContentFile(b"PK\x03\x04 not really a workbook"), save=True)
    return export


def fill(route, world):
    """The concrete path of `route` with the world's records, or a KeyError naming what is missing."""
    known = path_values(world).get(route.name, {})
    model, _action = admin_model_action(route)
    if model is not None:
        obj = model._default_manager.order_by("pk").first()
        known = {"object_id": obj.pk if obj is not None else 1}

    def value(match):
        name = match["name"] or match["regex_name"]
        if name == "url":  # the admin's catch-all for anything else under /admin/
            return "no-such-page/"
        if name not in known:
            raise KeyError(f"{route.name}: no value for <{name}> in tests/security/urlwalk.py path_values()")
        return str(known[name])

    path = PARAMETER.sub(value, route.route)
    # Regex routes (the admin's app_list, catch-all) keep their anchors; drop them.
    path = path.replace("^", "").replace("$", "").replace("\\", "")
    return "/" + path
