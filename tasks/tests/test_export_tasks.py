"""export_tasks --format json: an interface other tools rely on."""

import io
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from .conftest import SOURCE_2021


@pytest.fixture
def imported(db):
    call_command("import_documents", str(SOURCE_2021), stdout=io.StringIO())


def export(**options):
    out = io.StringIO()
    call_command("export_tasks", format="json", stdout=out, **options)
    return json.loads(out.getvalue())


def test_every_task_with_the_agreed_keys(imported):
    tasks = export()
    assert len(tasks) == 86
    first = tasks[0]
    assert set(first) == {
        "no", "section", "subsection", "text", "lead_units", "responsible_units", "deadline", "status", "source",
    }  # fmt: skip
    assert first == {
        "no": 1,
        "section": 1,
        "subsection": 1,
        "text": "做优日用陶瓷，加快景德镇陶瓷生产基地建设，引进一批国内外知名陶瓷企业。",
        "lead_units": ["区工信局", "区发改委", "区商务局"],
        "responsible_units": ["市自然资源规划局昌江分局", "各乡镇（街道）"],
        "deadline": "2021-12-31",
        "status": first["status"],
        "source": "昌府办字〔2021〕20号",
    }
    assert first["status"] in {"not_started", "in_progress", "done", "overdue"}


def test_meeting_orders_name_the_meeting_as_source(imported):
    orders = [task for task in export() if task["source"] == "区政府第100次常务会议"]
    assert [(task["deadline"], task["section"], task["lead_units"]) for task in orders] == [
        ("2021-09-10", None, []),
        ("2021-09-28", None, []),
    ]


def test_unit_by_alias_gives_the_units_tasks(imported):
    by_alias = export(unit="区市监局")
    by_name = export(unit="区市场监督管理局")
    assert by_alias == by_name
    assert [task["no"] for task in by_alias] == [4, 13, 32, 46, 47, 59, 61, 70, 75]


def test_unit_includes_tasks_given_to_its_collective(imported):
    numbers = [task["no"] for task in export(unit="丽阳镇")]
    assert 33 in numbers  # named directly
    assert 1 in numbers  # through 各乡镇（街道）
    assert 13 not in numbers
    assert len(numbers) == 72


def test_an_unknown_unit_is_an_error_with_close_matches(imported):
    with pytest.raises(CommandError, match="没有名为“区市场局”的单位.*区市场监管局"):
        export(unit="区市场局")


@pytest.mark.parametrize("count", [0, 1, 3])
def test_the_streamed_text_is_json_dumps_of_the_list(count):
    from tasks.exports import json_chunks

    records = [{"no": n, "text": f"任务“{n}”\n", "lead_units": ["区发改委"], "section": None} for n in range(count)]
    assert "".join(json_chunks(iter(records))) == json.dumps(records, ensure_ascii=False, indent=2)


def test_the_export_streams_in_the_memory_of_a_chunk(db, monkeypatch):
    """Ten times the tasks, about the same peak memory: nothing holds every task at once."""
    import tracemalloc

    from tasks import exports
    from tasks.tests.factories import make_document, make_unit
    from tasks.tests.test_long_lists import add_tasks

    monkeypatch.setattr(exports, "CHUNK_SIZE", 50)
    document, units = make_document(), [make_unit("区发改委"), make_unit("区财政局")]
    peaks = []
    for numbers in (range(1, 201), range(201, 2001)):
        add_tasks(document, units, numbers)
        export()  # the task states stored once, outside the measurement
        tracemalloc.start()
        call_command("export_tasks", format="json", stdout=_Discard())
        peaks.append(tracemalloc.get_traced_memory()[1])
        tracemalloc.stop()
    assert peaks[1] < 2 * peaks[0], peaks
    assert len(export()) == 2000


class _Discard(io.StringIO):
    """Output thrown away as it is written, so only the command's own memory is measured."""

    def write(self, text):
        return len(text)
