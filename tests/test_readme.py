"""README's configuration table names every environment variable the code reads."""

import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SKIPPED = {".venv", "node_modules", "staticfiles", ".git"}
# os.environ.get("X"), os.environ["X"] (read, not assigned), os.getenv("X"), env_bool("X") and the like.
READ = re.compile(
    r"""(?:os\.environ\.get|os\.getenv|env_\w+)\(\s*["']([A-Z][A-Z0-9_]+)["']|os\.environ\[["']([A-Z][A-Z0-9_]+)["']\](?!\s*=[^=])"""
)


def variables_read():
    found = {}
    for path in ROOT.rglob("*.py"):
        if SKIPPED & set(path.relative_to(ROOT).parts):
            continue
        for match in READ.finditer(path.read_text(encoding="utf-8")):
            found.setdefault(match[1] or match[2], str(path.relative_to(ROOT)))
    return found


def test_every_variable_the_code_reads_is_in_the_readme_table():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("\n## ", 1)[0]
    documented = set(re.findall(r"`([A-Z][A-Z0-9_]+)`", table))
    read = variables_read()
    assert {"DATABASE_URL", "GOVTASKS_REPORT_DUE_DAY", "GOVTASKS_PUBLIC_DISCLOSURE"} <= set(read)
    missing = {name: where for name, where in read.items() if name not in documented}
    assert missing == {}, f"add these to README's configuration table: {missing}"
