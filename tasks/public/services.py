"""The office's editorial step before anything is public (信息公开): its wording, published or withdrawn."""

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import permissions
from ..models import Publication, Task, TaskEvent
from ..permissions import Action
from ..progress.services import record, require_text

Event = TaskEvent.Kind


@transaction.atomic
def publication_save(*, task: Task, actor, text: str, publish: bool) -> Publication:
    """Save the office's public wording of `task` (公开稿) and publish or withdraw it.

    Publishing needs wording; each publication of new wording is dated then (the page shows the date).
    Logged on the task's timeline when it is published, its wording changes, or it is withdrawn.
    """
    if not permissions.may(actor, Action.PUBLISH):
        raise PermissionDenied(_("只有督查室可以决定信息公开。"))
    text = (text or "").strip()
    if publish:
        text = require_text(text, "text", _("公开前请写好公开稿。"))
    publication = Publication.objects.select_for_update().filter(task=task).first()
    before = (publication.text, publication.is_published) if publication else ("", False)
    now = timezone.now()
    if publication is None:
        publication = Publication(task=task)
    if publish and (not publication.is_published or publication.text != text):
        publication.published_at = now
    publication.text = text
    publication.is_published = publish
    publication.updated_by = actor
    publication.updated_at = now
    publication.save()
    if publish and before != (text, True):
        record(
            task=task,
            actor=actor,
            kind=Event.PUBLISHED,
            changes=[{"field": "text", "label": _("公开稿"), "old": before[0], "new": text}],
        )
    elif not publish and before[1]:
        record(task=task, actor=actor, kind=Event.UNPUBLISHED)
    return publication
