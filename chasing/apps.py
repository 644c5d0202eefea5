from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ChasingConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "chasing"
    verbose_name = _("催办督办与考核")
