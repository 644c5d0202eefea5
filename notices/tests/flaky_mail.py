"""A mail backend for tests whose "server" is down while a file `down` exists in FLAKY_MAIL_DIR
(setting or environment variable); otherwise it writes each message to that folder as N.eml.

Works across processes, so a test can take the server down and up again under a real worker.
"""

import os
import uuid
from pathlib import Path

from django.conf import settings
from django.core.mail.backends.base import BaseEmailBackend


class EmailBackend(BaseEmailBackend):
    def send_messages(self, email_messages):
        folder = Path(getattr(settings, "FLAKY_MAIL_DIR", None) or os.environ["FLAKY_MAIL_DIR"])
        if (folder / "down").exists():
            raise ConnectionRefusedError(111, "Connection refused")
        for message in email_messages:
            (folder / f"{uuid.uuid4().hex}.eml").write_bytes(message.message().as_bytes())
        return len(email_messages)
