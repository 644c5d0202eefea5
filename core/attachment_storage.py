"""The private storage of attachment files (in core: the tasks models name it, the attachments package writes
through it, and models may import nothing of the packages built on them).

A directory named by the environment (settings.GOVTASKS_ATTACHMENT_DIR, default `attachments/`
in the checkout, git-ignored). `base_url` is None: the storage has no public URL, so no web
server serves the files; they are read only through the download view (tasks/attachments/views.py).
"""

import os

from django.conf import settings
from django.core.files.storage import FileSystemStorage


class AttachmentStorage(FileSystemStorage):
    """FileSystemStorage under GOVTASKS_ATTACHMENT_DIR as it is set now (not when the model was imported:
    a FileField calls its storage callable once, at import)."""

    def __init__(self):
        super().__init__(base_url=None)

    @property
    def base_location(self):
        return str(settings.GOVTASKS_ATTACHMENT_DIR)

    @property
    def location(self):
        return os.path.abspath(self.base_location)

    @property
    def base_url(self):
        return None


def attachment_storage() -> FileSystemStorage:
    """The storage attachment files are written to and read from."""
    return AttachmentStorage()
