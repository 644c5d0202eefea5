from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class MeetingsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "meetings"
    verbose_name = _("常务会议")

    def ready(self):
        from tasks.importers import Handler, register  # noqa: PLC0415

        from .importers import is_meeting_record, load_meeting, parse_meeting  # noqa: PLC0415

        register(Handler("常务会议纪要", is_meeting_record, parse_meeting, load_meeting, order=30))
