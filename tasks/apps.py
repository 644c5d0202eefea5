from django.apps import AppConfig
from django.db.models.signals import post_migrate
from django.utils.translation import gettext_lazy as _


class TasksConfig(AppConfig):
    default_auto_field = "django.db.models.BigAutoField"
    name = "tasks"
    verbose_name = _("重点工作任务")

    def ready(self):
        from govtasks import checks  # noqa: F401, PLC0415 — registers the project's system checks

        from .roles import ensure_roles_after_migrate  # noqa: PLC0415 — models are ready only now

        post_migrate.connect(ensure_roles_after_migrate, sender=self, dispatch_uid="tasks.ensure_roles")
