"""Write a parsed notice: its units (with every spelling), sections, subsections and tasks.

Runs inside the import's transaction (see importers/__init__.py); matching spellings to
units uses the aliases the database already knows, so a second year's notice that
writes 区市监局 again finds the same unit without guessing.
"""

from collections import defaultdict
from itertools import groupby

from ..models import Document, Section, Subsection, Task, TaskUnit, Unit, UnitAlias
from .report import Anomaly
from .unit_names import ALL_TOWNSHIPS, kind_of, resolve_spellings


def load_units(spellings, changes):
    """Units for (name as written, line) pairs; returns ({spelling: Unit}, anomalies)."""
    known = dict(UnitAlias.objects.values_list("name", "unit__name"))
    aliases = dict(UnitAlias.objects.values_list("name", "unit_id"))
    known.update((name, name) for name in Unit.objects.values_list("name", flat=True))
    mapping, anomalies = resolve_spellings(spellings, known)
    by_canonical = sorted(mapping.items(), key=lambda item: item[1])
    units = {}
    existing_units = {unit.name: unit for unit in Unit.objects.filter(name__in=set(mapping.values()))}
    for canonical, group in groupby(by_canonical, key=lambda item: item[1]):
        written = [spelling for spelling, _ in group]
        unit = existing_units.get(canonical)
        if unit is None:
            shortest = min(written, key=len)
            unit = Unit.objects.create(
                name=canonical, kind=kind_of(canonical), short_name=shortest if shortest != canonical else ""
            )
            changes.note(Unit, "created")
        else:
            changes.note(Unit, "unchanged")
        for spelling in sorted({canonical, *written}):
            if aliases.get(spelling) == unit.pk:
                changes.note(UnitAlias, "unchanged")
            else:
                existing = UnitAlias.objects.filter(name=spelling).first() if spelling in aliases else None
                changes.upsert(UnitAlias, {"name": spelling}, {"unit": unit}, existing=existing)
        for spelling in written:
            units[spelling] = unit
    first_seen = {}
    for spelling, line in spellings:
        first_seen.setdefault(units[spelling], line)
    anomalies += _fill_collectives(first_seen, changes)
    return units, anomalies


def _fill_collectives(first_seen, changes):
    """各乡镇（街道） holds the townships and streets the documents name; other
    collectives' members are not in the documents and are left to the administrator."""
    anomalies = []
    townships = [unit for unit in first_seen if unit.kind == Unit.Kind.TOWNSHIP]
    # A township named only in a later notice joins 各乡镇（街道） too, though that notice
    # may not name the collective itself: its tasks given to the collective are the township's.
    collectives = dict(first_seen)
    if townships:
        for collective in Unit.objects.filter(kind=Unit.Kind.COLLECTIVE, name__startswith="各乡"):
            collectives.setdefault(collective, None)
    for unit, line in collectives.items():
        if unit.kind != Unit.Kind.COLLECTIVE:
            continue
        if ALL_TOWNSHIPS.match(unit.name):
            missing = [township for township in townships if township not in unit.members.all()]
            if missing:
                unit.members.add(*missing)
                changes.note(Unit, "members added", len(missing))
        elif line is not None and not unit.members.exists():
            anomalies.append(
                Anomaly(
                    line,
                    "collective-without-members",
                    f"集合单位“{unit.name}”的成员文件中未列明，请在管理页面补充（members unknown）。",
                )
            )
    return anomalies


def load_notice(data, changes, *, source_file, sha256):
    """Write one notice; returns (Document, anomalies)."""
    # A notice without a 文号 (many offices print none) is known by its title and date.
    key = {"number": data.number} if data.number else {"number": "", "title": data.title, "issued_on": data.issued_on}
    values = {
        "kind": Document.Kind.NOTICE, "title": data.title, "issuer": data.issuer,
        "issued_on": data.issued_on, "source_file": source_file, "source_sha256": sha256,
        "first_line": data.first_line, "text": data.text,
    }  # fmt: skip
    document = changes.upsert(Document, key, {name: value for name, value in values.items() if name not in key})
    spellings = [(unit.name, unit.line) for task in data.tasks for unit in (*task.lead, *task.responsible)]
    units, anomalies = load_units(spellings, changes)

    sections, subsections = {}, {}
    for section_data in data.sections:
        section = changes.upsert(
            Section,
            {"document": document, "number": section_data.number},
            {
                "numbering": section_data.numbering, "title": section_data.title,
                "declared_count": section_data.declared_count, "source_line": section_data.line,
            },
        )  # fmt: skip
        sections[section_data.number] = section
        for sub_data in section_data.subsections:
            subsections[section_data.number, sub_data.number] = changes.upsert(
                Subsection,
                {"section": section, "number": sub_data.number},
                {
                    "numbering": sub_data.numbering, "title": sub_data.title,
                    "is_livelihood": sub_data.is_livelihood, "source_line": sub_data.line,
                },
            )  # fmt: skip

    kept = []
    existing_tasks = {task.number: task for task in Task.objects.filter(document=document)}
    existing_links = defaultdict(list)
    for link in TaskUnit.objects.filter(task__document=document).values_list(
        "task_id", "role", "position", "unit_id", "name_as_written"
    ):
        existing_links[link[0]].append(link[1:])
    new_links = []
    for task_data in data.tasks:
        task = changes.upsert(
            Task,
            {"document": document, "number": task_data.number},
            {
                "source": Task.Source.NOTICE, "section": sections[task_data.section],
                "subsection": subsections.get((task_data.section, task_data.subsection)),
                "text": task_data.text, "deadline": task_data.deadline,
                "is_livelihood": task_data.is_livelihood, "source_line": task_data.line,
                "source_text": task_data.source_text,
            },
            existing=existing_tasks.get(task_data.number),
        )  # fmt: skip
        kept.append(task.pk)
        wanted = [
            (role, position, units[unit.name].pk, unit.name)
            for role, names in (
                (TaskUnit.Role.LEAD, task_data.lead),
                (TaskUnit.Role.RESPONSIBLE, task_data.responsible),
            )
            for position, unit in enumerate(names, start=1)
        ]
        new_links += task_units_to_create(task, wanted, changes, existing=existing_links[task.pk])

    TaskUnit.objects.bulk_create(new_links)
    changes.delete(Task.objects.filter(document=document).exclude(pk__in=kept))
    changes.delete(
        Subsection.objects.filter(section__document=document).exclude(pk__in=[s.pk for s in subsections.values()])
    )
    changes.delete(Section.objects.filter(document=document).exclude(pk__in=[s.pk for s in sections.values()]))
    return document, anomalies


def task_units_to_create(task, wanted, changes, existing):
    """TaskUnit rows to create so the task has exactly `wanted` (role, position, unit id,
    name as written); `existing` holds the rows it has now, in the same shape. Rows that
    differ are deleted here; the caller creates the returned ones in one bulk insert."""
    if sorted(existing) == sorted(wanted):
        changes.note(TaskUnit, "unchanged", len(wanted))
        return []
    if existing:
        changes.delete(task.task_units.all())
    changes.note(TaskUnit, "created", len(wanted))
    return [
        TaskUnit(task=task, role=role, position=position, unit_id=unit_id, name_as_written=name)
        for role, position, unit_id, name in wanted
    ]
