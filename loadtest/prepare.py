"""Fill an empty database for the load test with the project's own commands and services; print JSON.

Run by stack.prepare() in the checkout under test, with DATABASE_URL naming a database the
load test owns (never the developer's): migrate, import_documents of the 2021 text, then
liaisons (services.liaison_create) for the units with most tasks and readers in the office
and leader roles, all with the password in LOADTEST_PASSWORD.

Prints {"liaisons": [{"username", "unit", "tasks": [pk…]}], "readers": [...], "tasks": [...],
"units": [...], "unit_names": [...], "documents": [...]} for the load scenario.
"""

import argparse
import io
import json
import os
import sys
from pathlib import Path

import django

sys.path.insert(0, os.getcwd())
django.setup()

from django.contrib.auth import get_user_model  # noqa: E402
from django.contrib.auth.models import Group  # noqa: E402
from django.core.management import call_command  # noqa: E402
from django.db import connection  # noqa: E402

from tasks import roles  # noqa: E402
from tasks.models import Document, Task, Unit, UnitAlias  # noqa: E402
from tasks.progress import services  # noqa: E402

SOURCE = Path("fixtures") / "changjiang-2021.txt"


def main():
    parser = argparse.ArgumentParser()
    parser.add_argument("--units", type=int, default=10)
    parser.add_argument("--liaisons-per-unit", type=int, default=2)
    parser.add_argument("--readers", type=int, default=50)
    options = parser.parse_args()
    password = os.environ["LOADTEST_PASSWORD"]

    quiet = io.StringIO()
    call_command("migrate", verbosity=0, stdout=quiet)
    call_command("import_documents", str(SOURCE), stdout=quiet)
    groups = roles.ensure_roles()
    users = get_user_model().objects

    # The units with the most tasks (directly or through a collective): where reports pile up.
    candidates = [unit for unit in Unit.objects.exclude(kind=Unit.Kind.COLLECTIVE).order_by("pk")]
    tasks_of = {
        unit: list(Task.objects.for_unit(unit).order_by("pk").values_list("pk", flat=True)) for unit in candidates
    }
    chosen = sorted(candidates, key=lambda unit: (-len(tasks_of[unit]), unit.pk))[: options.units]

    liaisons = []
    for number, unit in enumerate(chosen):
        for seat in range(options.liaisons_per_unit):
            user = users.create_user(f"lt_liaison_{number}_{seat}", password=password)
            services.liaison_create(user=user, unit=unit)
            liaisons.append({"username": user.username, "unit": unit.name, "tasks": tasks_of[unit]})

    readers = []
    for number in range(options.readers):
        # Mostly leaders reading the dashboard and lists; every fifth an office member.
        role = roles.OFFICE if number % 5 == 0 else roles.LEADER
        user = users.create_user(f"lt_reader_{number}", password=password)
        user.groups.add(groups[role] if role in groups else Group.objects.get(name=role))
        readers.append(user.username)

    # As after any bulk load (PostgreSQL's "Populating a Database"): without statistics the planner
    # runs the dashboard's correlated subqueries as nested loops — 6 s instead of 0.1 s here.
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")

    json.dump(
        {
            "liaisons": liaisons,
            "readers": readers,
            "tasks": list(Task.objects.order_by("pk").values_list("pk", flat=True)),
            "units": list(Unit.objects.order_by("pk").values_list("pk", flat=True)),
            "unit_names": list(UnitAlias.objects.order_by("pk").values_list("name", flat=True)),
            "documents": list(Document.objects.order_by("pk").values_list("pk", flat=True)),
        },
        sys.stdout,
        ensure_ascii=False,
    )


if __name__ == "__main__":
    main()
