"""What the tasks app's management commands share: a unit by any spelling, a day, an output file.

Each turns the clerk's mistake into a CommandError that says what was wrong and how to
write it, the way the pages' forms do, instead of a traceback.
"""

import datetime
from typing import IO

from django.core.management.base import BaseCommand, CommandError

from tasks.models import Unit
from tasks.querysets import UnknownUnit


class TasksCommand(BaseCommand):
    """A management command of the tasks app (BaseCommand with the shared argument readers)."""

    @staticmethod
    def unit_named(name: str) -> Unit:
        """The unit called `name` (canonical or alias), or a CommandError naming close matches."""
        try:
            return Unit.objects.lookup(name)
        except UnknownUnit as unknown:
            if unknown.ambiguous:
                raise CommandError(f"“{name}”指向多个单位，请用规范名称（{name!r} names more than one unit).") from None
            hint = f"，是否指：{'、'.join(unknown.suggestions)}？" if unknown.suggestions else "。"
            english = f" Did you mean: {'、'.join(unknown.suggestions)}?" if unknown.suggestions else ""
            raise CommandError(f"没有名为“{name}”的单位（unknown unit）{hint}{english}") from None

    @staticmethod
    def day(value: str) -> datetime.date:
        """The YYYY-MM-DD day `value` names, or a CommandError saying how to write one."""
        try:
            return datetime.date.fromisoformat(value.strip())
        except ValueError as error:
            raise CommandError(f"日期“{value}”无效，应为年-月-日，如2021-09-30。") from error

    @staticmethod
    def open_output(path: str) -> IO[bytes]:
        """`path` opened for writing, or a CommandError naming why it cannot be."""
        try:
            return open(path, "wb")  # noqa: SIM115 — the caller closes it (with …)
        except OSError as error:
            raise CommandError(f"无法写入 {path}：{error.strerror or error}") from error
