"""Benchmark: how long each corpus file (fixtures/corpus/) takes to import, beside the 2 s a clerk may wait.

    .venv/bin/python bench/import_corpus.py

Each file (and a text-layer PDF made from each .txt) is parsed and loaded into an empty
in-memory SQLite database through the command's path (`import_files`), three times, each
rolled back; the first time (libraries not yet loaded for that format) and the best are
printed next to the 2 s reference. Not a test: figures, not assertions.
"""

import os
import sys
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))
os.environ.setdefault("DJANGO_SETTINGS_MODULE", "govtasks.settings")
os.environ["DATABASE_URL"] = "sqlite://:memory:"
REFERENCE_SECONDS = 2.0
RUNS = 3


def main():
    import django  # noqa: PLC0415

    django.setup()
    from django.core.management import call_command  # noqa: PLC0415
    from django.db import transaction  # noqa: PLC0415

    from tasks.importers.report import SourceError  # noqa: PLC0415
    from tasks.importers.uploads import import_files  # noqa: PLC0415
    from tasks.tests.corpus import facts_the_file_lacks, files_of, gold_of, raw_of, stems  # noqa: PLC0415

    call_command("migrate", verbosity=0)
    print(f"{'file':<32}{'first':>10}{'best of 3':>12}{'reference':>12}  result")
    for stem in stems():
        given = facts_the_file_lacks(gold_of(stem))
        for fmt, path in files_of(stem):
            raw = raw_of(fmt, path)
            times, outcome = [], ""
            for _run in range(RUNS):
                started = time.perf_counter()
                try:
                    with transaction.atomic():
                        result = import_files([(f"{stem}.{fmt}", raw)], given=given)
                        outcome = f"{sum(len(notice.tasks) for notice in result.notices)} tasks"
                        transaction.set_rollback(True)
                except SourceError as error:
                    outcome = "refused: " + error.message[:30]
                times.append(time.perf_counter() - started)
            print(
                f"{stem + '.' + fmt:<32}{times[0]:>8.3f} s{min(times):>10.3f} s{REFERENCE_SECONDS:>10.1f} s  {outcome}"
            )


if __name__ == "__main__":
    main()
