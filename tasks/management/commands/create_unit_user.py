"""Create a user account in a role; a liaison (the default) is linked to its unit.

    manage.py create_unit_user wang --unit 区市监局 --full-name 王芳 --email wang@example.org
    manage.py create_unit_user zhao --role office --full-name 赵强

The unit may be given by any spelling the documents use. A password is generated and
printed once (it is stored only as a hash), as create_admin does.
"""

from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.core.management.base import CommandError
from django.db import transaction
from django.utils.crypto import get_random_string

from tasks import roles
from tasks.management.base import TasksCommand
from tasks.management.commands.create_admin import PASSWORD_ALPHABET, PASSWORD_LENGTH
from tasks.progress import services

ROLES = {"liaison": roles.LIAISON, "office": roles.OFFICE, "leader": roles.LEADER, "admin": roles.ADMINISTRATORS}


class Command(TasksCommand):
    help = "Create a user in a role (liaison, office, leader, admin); a liaison needs --unit."

    def add_arguments(self, parser):
        parser.add_argument("username")
        parser.add_argument("--role", choices=sorted(ROLES), default="liaison")
        parser.add_argument("--unit", help="the liaison's unit, by its name or any alias")
        parser.add_argument("--full-name", default="", help="shown in the timeline, e.g. 王芳")
        parser.add_argument("--email", default="", help="where reminders (催办) are sent")

    def handle(self, *args, username, role, unit, full_name, email, **options):
        user_model = get_user_model()
        if user_model.objects.filter(username=username).exists():
            raise CommandError(f"The user {username!r} already exists.")
        if role == "liaison" and not unit:
            raise CommandError("A liaison needs --unit (the unit it reports for).")
        if role != "liaison" and unit:
            raise CommandError("Only a liaison is linked to a unit; leave out --unit.")
        found = self.unit_named(unit) if unit else None
        password = get_random_string(PASSWORD_LENGTH, PASSWORD_ALPHABET)
        with transaction.atomic():
            groups = roles.ensure_roles()
            user = user_model.objects.create_user(
                username=username,
                password=password,
                email=email,
                first_name=full_name,
                is_staff=role == "admin",
            )
            if found is not None:
                try:
                    services.liaison_create(user=user, unit=found)
                except ValidationError as error:
                    raise CommandError(" ".join(error.messages)) from error
            else:
                user.groups.add(groups[ROLES[role]])
        where = f" for {found.name}" if found else ""
        self.stdout.write(
            self.style.SUCCESS(f"Created {username!r} ({ROLES[role]}){where}.")
            + f"\n  Password: {password}"
            + "\n  This password is shown only this once (密码只显示这一次): pass it on now."
        )
