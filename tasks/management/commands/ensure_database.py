"""Create the PostgreSQL database DATABASE_URL names when it does not exist yet (`make run`, `make test`).

A fresh checkout pointed at a new database name used to end in a 94-line traceback from
`migrate`. This creates it (as the URL's user, through PostgreSQL's maintenance database),
or says in one line what to run. On SQLite there is nothing to do: the file is created on use.
"""

import warnings

from django.core.management.base import BaseCommand, CommandError
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import OperationalError, ProgrammingError


class Command(BaseCommand):
    help = "Create the PostgreSQL database named by DATABASE_URL if it does not exist (nothing to do on SQLite)."

    def handle(self, *args, **options):
        connection = connections[DEFAULT_DB_ALIAS]
        if connection.vendor != "postgresql":
            return
        name = connection.settings_dict["NAME"]
        settings = connection.settings_dict
        where = f"{settings.get('HOST') or 'localhost'}:{settings.get('PORT') or 5432}"
        createdb = f"createdb -h {settings.get('HOST') or 'localhost'} -p {settings.get('PORT') or 5432}"
        createdb += f" -U {settings['USER']} {name}" if settings.get("USER") else f" {name}"
        try:
            # Django warns when the maintenance database is unreachable; the error below says it once.
            with warnings.catch_warnings():
                warnings.simplefilter("ignore", RuntimeWarning)
                created = self.create_if_missing(connection, name)
        except (OperationalError, ProgrammingError) as error:
            first_line = str(error).strip().splitlines()[0] if str(error).strip() else type(error).__name__
            raise CommandError(
                f"Could not check or create the database {name!r} on {where} ({first_line}); "
                f"is PostgreSQL running? Create the database with: {createdb}"
            ) from None
        if created:
            self.stdout.write(f"Created the PostgreSQL database {name!r} on {where}.")

    @staticmethod
    def create_if_missing(connection, name: str) -> bool:
        with connection._nodb_cursor() as cursor:
            cursor.execute("SELECT 1 FROM pg_database WHERE datname = %s", [name])
            if cursor.fetchone():
                return False
            cursor.execute(f"CREATE DATABASE {connection.ops.quote_name(name)}")
        return True
