"""Attach checked files to a record; called by the services that write the record, in their transaction."""

import uuid

from django.core.files.base import ContentFile
from django.utils import timezone

from ..models import Attachment
from .files import KINDS, CheckedFile
from .storage import attachment_storage


def attach(*, files: list[CheckedFile], task, actor, **record) -> list[Attachment]:
    """Store `files` (already checked by files.check_files) on one record — `report=`, `extension=` or
    `closure=` — of `task`; returns the Attachment rows.

    Each file is saved under a generated name (a folder per task and a random name with the kind's
    extension): nothing the user typed becomes a path. Callers validate everything first and
    attach last, so a refused action writes no file; should a row fail to be written, the files
    saved by this call are removed again.
    """
    storage = attachment_storage()
    saved = []
    rows = []
    try:
        for checked in files:
            extension = KINDS[checked.kind][0][0]
            path = storage.save(f"{task.pk}/{uuid.uuid4().hex}{extension}", ContentFile(checked.content))
            saved.append(path)
            rows.append(
                Attachment.objects.create(
                    task=task,
                    file=path,
                    original_name=checked.name,
                    kind=checked.kind,
                    size=checked.size,
                    sha256=checked.sha256,
                    uploaded_by=actor,
                    uploaded_at=timezone.now(),
                    **record,
                )
            )
    except BaseException:
        for path in saved:
            storage.delete(path)
        raise
    return rows
