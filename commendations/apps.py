from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CommendationsConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "commendations"
    verbose_name = _("表彰")

    def ready(self):
        from tasks.importers import Handler, register  # noqa: PLC0415

        from .importers import is_decision, load_decision, parse_decision  # noqa: PLC0415

        register(Handler("表彰决定", is_decision, parse_decision, load_decision, order=20))
