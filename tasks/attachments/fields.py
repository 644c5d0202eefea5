"""The form field of attachment uploads: several files in one input, each checked by its content
(files.check_files) — the one validation of every upload of evidence (办结, reports, extension requests)."""

from django import forms
from django.core.exceptions import ValidationError

from .files import ACCEPTED_EXTENSIONS, CheckedFile, check_files


class MultipleFileInput(forms.ClearableFileInput):
    allow_multiple_selected = True


class EvidenceFilesField(forms.FileField):
    """Several files in one input; cleans to the list of checked files (attachments.files)."""

    widget = MultipleFileInput(attrs={"accept": ",".join(ACCEPTED_EXTENSIONS)})

    def clean(self, data, initial=None) -> list[CheckedFile]:
        uploads = [upload for upload in (data if isinstance(data, list | tuple) else [data]) if upload]
        if not uploads:
            if self.required:
                raise ValidationError(self.error_messages["required"], code="required")
            return []
        return check_files(uploads)
