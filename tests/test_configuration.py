"""README's configuration table names every environment variable the code reads, and nothing else.

The code's reads are found by their form — os.environ.get("X"), os.environ["X"], getenv("X"),
and the settings' helpers env_bool / env_list / env_int("X") — in the project's packages
(tests, benchmarks and the load test have their own variables, documented where they are used).
"""

import re

from django.conf import settings

PACKAGES = ["govtasks", "tasks", "meetings", "commendations", "notices", "chasing"]
READ = re.compile(
    r"""(?:os\.environ\.get|os\.environ\[|getenv|env_bool|env_list|env_int)\(?\s*["']([A-Z][A-Z0-9_]+)["']"""
)
ROW_NAME = re.compile(r"`([A-Z][A-Z0-9_]+)`")


def variables_read_by_the_code():
    found = {}
    for package in PACKAGES:
        for path in (settings.BASE_DIR / package).rglob("*.py"):
            if "tests" in path.relative_to(settings.BASE_DIR).parts:
                continue
            for name in READ.findall(path.read_text(encoding="utf-8")):
                found.setdefault(name, path.relative_to(settings.BASE_DIR).as_posix())
    return found


def variables_in_the_readme_table():
    readme = (settings.BASE_DIR / "README.md").read_text(encoding="utf-8")
    section = readme.split("\n## Configuration\n", 1)[1].split("\n## ", 1)[0]
    rows = [line for line in section.splitlines() if line.startswith("| `")]
    # Only the first column names variables; the meaning may mention others in passing.
    return {name for row in rows for name in ROW_NAME.findall(row.split(" | ")[0])}


def test_the_scan_finds_the_settings_reads():
    read = variables_read_by_the_code()

    assert {"DATABASE_URL", "DJANGO_SECRET_KEY", "GOVTASKS_LIGHT_RED_GAP", "EMAIL_HOST"} <= set(read)


def test_every_variable_the_code_reads_is_in_the_readme_table():
    read = variables_read_by_the_code()

    missing = {name: where for name, where in read.items() if name not in variables_in_the_readme_table()}

    assert not missing, f"read by the code but not in README's Configuration table: {missing}"


def test_the_readme_table_names_no_variable_the_code_does_not_read():
    stale = variables_in_the_readme_table() - set(variables_read_by_the_code())

    assert not stale, f"in README's Configuration table but read nowhere: {sorted(stale)}"
