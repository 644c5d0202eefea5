"""System checks of the project's own settings, run by `manage.py check` (and `--deploy`).

Production must send its reminders (催办) by mail: with the console backend they are
printed to a log nobody reads, and the units are never told. `check --deploy` fails then.
"""

from django.conf import settings
from django.core.checks import Error, Tags, register

NOWHERE_BACKENDS = {
    "django.core.mail.backends.console.EmailBackend": "printed to the console",
    "django.core.mail.backends.dummy.EmailBackend": "thrown away",
}


@register(Tags.compatibility, deploy=True)
def mail_is_sent_in_production(app_configs=None, **kwargs):
    where = NOWHERE_BACKENDS.get(settings.EMAIL_BACKEND)
    if not settings.PRODUCTION or where is None:
        return []
    return [
        Error(
            f"In production, reminder mails would be {where} (EMAIL_BACKEND={settings.EMAIL_BACKEND}).",
            hint="Set DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend and EMAIL_HOST, "
            "EMAIL_PORT, EMAIL_HOST_USER, EMAIL_HOST_PASSWORD, EMAIL_USE_TLS, DJANGO_DEFAULT_FROM_EMAIL.",
            id="govtasks.E001",
        )
    ]
