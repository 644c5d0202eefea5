"""The bulletin of a large filter, written by the background worker instead of the request.

A user who exports more than GOVTASKS_EXPORT_BACKGROUND_ROWS tasks gets a BulletinExport and a
page that shows its progress, then offers the file. The worker rebuilds the rows from what was
asked — the list's query string, the day, the user — the same way the list does: access first
(`permissions.tasks_visible_to`), filters after, so the file holds exactly what that user saw.
The file lives in the attachments' private storage and is served only to the user who asked.
"""

import datetime
import logging
import tempfile
import uuid
from typing import cast

from django.contrib.auth.models import User
from django.core.files import File
from django.db import transaction
from django.db.models import QuerySet
from django.http import QueryDict
from django.utils import timezone
from django_tasks import task

from notices.background import enqueue

from .. import permissions, selectors
from ..filtersets import TaskFilterSet
from ..models import BulletinExport, Task
from ..querysets import TaskQuerySet
from .bulletin import write_bulletin

logger = logging.getLogger(__name__)


def export_tasks(user: User, params: QueryDict, as_of: datetime.date) -> QuerySet[Task]:
    """The rows the task list shows `user` for `params`: scoped to what the user may see, then filtered."""
    queryset = selectors.tasks_for_display(as_of, cast(TaskQuerySet, permissions.tasks_visible_to(user)))
    filterset = TaskFilterSet(params, queryset=queryset)
    return filterset.qs if filterset.is_valid() else queryset.none()


def bulletin_export_queue(
    *, user: User, params: QueryDict, as_of: datetime.date, scope: str, filename: str, total: int
) -> BulletinExport:
    """Record the export and hand it to the worker; the page at its URL follows it."""
    kept = params.copy()
    kept.pop("export", None)
    export = BulletinExport.objects.create(
        requested_by=user,
        requested_at=timezone.now(),
        params=kept.urlencode(),
        as_of=as_of,
        scope=scope,
        filename=filename,
        total=total,
    )
    enqueue(bulletin_export_run, export.pk)
    return export


@task()
def bulletin_export_run(export_id: int) -> str:
    """Write export `export_id`'s bulletin; its row says how far it got, then where the file is."""
    with transaction.atomic():
        export = (
            BulletinExport.objects.select_for_update(skip_locked=True)
            .filter(pk=export_id, state=BulletinExport.State.QUEUED)
            .first()
        )
        if export is None:
            return "skipped"  # done, failed, or another worker has it
        BulletinExport.objects.filter(pk=export.pk).update(state=BulletinExport.State.RUNNING)

    def progress(written: int) -> None:
        BulletinExport.objects.filter(pk=export.pk).update(written=written)

    try:
        tasks = export_tasks(export.requested_by, QueryDict(export.params), export.as_of)
        with tempfile.TemporaryFile() as out:
            written = write_bulletin(tasks, out, as_of=export.as_of, scope=export.scope, progress=progress)
            out.seek(0)
            export.file.save(f"exports/{uuid.uuid4().hex}.xlsx", File(out), save=False)
    except Exception as error:
        logger.exception("Bulletin export %s failed", export.pk)
        BulletinExport.objects.filter(pk=export.pk).update(
            state=BulletinExport.State.FAILED,
            error=f"{type(error).__name__}: {error}"[:2000],
            finished_at=timezone.now(),
        )
        raise
    BulletinExport.objects.filter(pk=export.pk).update(
        state=BulletinExport.State.DONE,
        file=export.file.name,
        written=written,
        total=written,
        finished_at=timezone.now(),
    )
    return BulletinExport.State.DONE
