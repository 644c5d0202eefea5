"""Create the supervision office's administrator with a generated password, once.

`make run` calls this on every start. The first time it creates the superuser and prints
the password: it is stored only as a hash, so this is the one moment it can be shown.
Later runs leave the account alone and say how to set a new password. There is never a
fixed default password that someone could guess from the README.
"""

from django.contrib.auth import get_user_model
from django.core.management.base import BaseCommand
from django.urls import reverse
from django.utils.crypto import get_random_string

# Read off a terminal and typed by hand: no 0/O, 1/l/I. 16 of these 56 characters ≈ 93 bits.
PASSWORD_ALPHABET = "abcdefghijkmnpqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789"
PASSWORD_LENGTH = 16


class Command(BaseCommand):
    help = "Create the office administrator (superuser) with a generated password, if it does not exist yet."

    def add_arguments(self, parser):
        parser.add_argument("--username", default="admin")
        parser.add_argument(
            "--address", default="127.0.0.1:8000", help="host:port the server runs on, for the login link."
        )

    def handle(self, *args, username, address, **options):
        user_model = get_user_model()
        login_url = f"http://{address}{reverse('login')}"
        if user_model.objects.filter(username=username).exists():
            self.stdout.write(
                f"The administrator {username!r} already exists; log in at {login_url}.\n"
                f"Forgot the password? Set a new one with: .venv/bin/python manage.py changepassword {username}"
            )
            return
        password = get_random_string(PASSWORD_LENGTH, PASSWORD_ALPHABET)
        user_model.objects.create_superuser(username=username, password=password, email="", first_name="督查室管理员")
        self.stdout.write(
            self.style.SUCCESS(f"Created the administrator {username!r} (督查室管理员).")
            + f"\n  Log in at: {login_url}"
            + f"\n  Username:  {username}"
            + f"\n  Password:  {password}"
            + "\n  This password is shown only this once (密码只显示这一次): note it down now."
        )
