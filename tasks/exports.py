"""Tasks as plain records for other tools (export_tasks --format json).

The keys are an interface other tools and checks rely on: change them only with care.

Records are streamed: tasks are read as plain values in chunks (their units' names one query a
chunk) and written as they come, so 100,000 tasks take the memory of a chunk — holding every
task and unit as model instances at once took 4.26 GB.
"""

import json
from collections.abc import Iterable, Iterator
from typing import Any

from .selectors import in_chunks, unit_names_of
from .state import tasks_as_of

CHUNK_SIZE = 2000
FIELDS = ("pk", "number", "section__number", "subsection__number", "text", "deadline", "status", "document__number")


def task_records(queryset) -> Iterator[dict[str, Any]]:
    """One dict per task, in the queryset's order: no, section, subsection, text, lead_units,
    responsible_units, deadline (ISO), status (code), source (文号, or the meeting for an order)."""
    rows = tasks_as_of(tasks=queryset).values_list(*FIELDS, "document__title").iterator(chunk_size=CHUNK_SIZE)
    for chunk in in_chunks(rows, CHUNK_SIZE):
        names = unit_names_of([row[0] for row in chunk])
        for pk, number, section, subsection, text, deadline, status, document_number, document_title in chunk:
            leads, responsible = names.get(pk, ([], []))
            yield {
                "no": number,
                "section": section,
                "subsection": subsection,
                "text": text,
                "lead_units": leads,
                "responsible_units": responsible,
                "deadline": deadline.isoformat(),
                "status": status,
                "source": document_number or document_title,
            }


class _StreamedList(list):
    """A list to json's encoder that is an iterator underneath: the encoder (the pure-Python one,
    which json uses whenever it indents) walks it once, item by item, and never holds it."""

    def __init__(self, items: Iterable[Any]):
        super().__init__()
        self._items = iter(items)
        self._first = next(self._items, _StreamedList)  # the class itself: "no item"

    def __bool__(self) -> bool:
        return self._first is not _StreamedList

    def __iter__(self) -> Iterator[Any]:
        if self._first is not _StreamedList:
            yield self._first
            yield from self._items


def json_chunks(records: Iterable[dict[str, Any]]) -> Iterator[str]:
    """The text of json.dumps(list(records), ensure_ascii=False, indent=2), in pieces, without the list."""
    return json.JSONEncoder(ensure_ascii=False, indent=2).iterencode(_StreamedList(records))
