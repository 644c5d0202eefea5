"""Create or repair the four role groups (督查室, 单位联络员, 领导, 管理员) and their permissions.

`migrate` already does this (tasks/apps.py); run it by hand after restoring a database or
when a group's permissions were changed in the admin by mistake.
"""

from django.core.management.base import BaseCommand

from tasks.roles import ensure_roles


class Command(BaseCommand):
    help = "Create the role groups and give each exactly its permissions."

    def handle(self, *args, **options):
        for name, group in ensure_roles().items():
            self.stdout.write(f"{name}: {group.permissions.count()} permissions")
