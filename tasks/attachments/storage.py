"""The private storage of attachment files: core/attachment_storage.py (the models name it too)."""

from core.attachment_storage import AttachmentStorage, attachment_storage

__all__ = ["AttachmentStorage", "attachment_storage"]
