"""Reads of who answers for a task and how far each of its units has got."""

from dataclasses import dataclass

from django.utils.translation import gettext_lazy as _

from ..models import ClosureRequest, ProgressReport, Task, Unit
from ..state import standing_assignments
from ..state.derive import end_of_day


def answering_unit(task: Task) -> Unit | None:
    """The 主办 unit: the lead unit the office named, else the first lead unit (None without lead units).
    Uses the task's prefetched units when present (Task.answering_unit)."""
    return task.answering_unit


def answers_for(unit: Unit | None, task: Task) -> bool:
    """Whether `unit` reports for the whole task: the 主办 unit, or a member of a 主办 collective."""
    host = answering_unit(task)
    if unit is None or host is None:
        return False
    return unit.pk == host.pk or any(member.pk == unit.pk for member in host.members.all())


@dataclass
class UnitProgress:
    """One row of a task's matrix: a unit holding the task and its own latest progress on it."""

    unit: Unit
    role: str  # "host" (主办), "lead", "responsible" or "member" (through a collective)
    via: Unit | None  # the collective through which a member holds the task
    latest: ProgressReport | None  # its latest report, whatever its state
    accepted: ProgressReport | None  # its latest accepted report: its own figure
    named_by_office: bool = False  # a member the office named for its share (state.answerable_units)

    @property
    def role_label(self) -> str:
        return str(ROLE_LABELS[self.role])


ROLE_LABELS = {"host": _("主办"), "lead": _("牵头"), "responsible": _("责任"), "member": _("集合单位成员")}


def unit_progress(task: Task, as_of=None) -> list[UnitProgress]:
    """Every unit holding `task` — 主办 first, then the other lead units, the responsible units, and the
    members of collectives named on it — with its own latest report and latest accepted report (as of
    the end of `as_of` when given). Members of a collective are listed once they have reported or the
    office named them for their share (named_by_office): 各乡镇（街道） reaches every township, and a row for
    each silent one says nothing. Three queries with the task's units prefetched (task_units__unit)."""
    links = sorted(task.task_units.all(), key=lambda link: (link.role, link.position))
    host = answering_unit(task)
    reports = (
        ProgressReport.objects.filter(task=task).select_related("unit").order_by("-period", "-submitted_at", "-pk")
    )
    if as_of:
        reports = reports.filter(submitted_at__lt=end_of_day(as_of))
    latest, accepted = {}, {}
    for report in reports:
        latest.setdefault(report.unit_id, report)
        counted = report.state == ProgressReport.State.ACCEPTED and (
            not as_of or (report.reviewed_at and report.reviewed_at < end_of_day(as_of))
        )
        if counted:
            accepted.setdefault(report.unit_id, report)
    rows, seen = [], set()

    named = {assignment.unit_id for assignment in standing_assignments(as_of).filter(task=task)}

    def add(unit, role, via=None):
        if unit.pk in seen:
            return
        seen.add(unit.pk)
        rows.append(UnitProgress(unit, role, via, latest.get(unit.pk), accepted.get(unit.pk), unit.pk in named))

    if host is not None:
        add(host, "host")
    for link in links:
        add(link.unit, link.role)
    collectives = {link.unit.pk: link.unit for link in links if link.unit.kind == Unit.Kind.COLLECTIVE}
    if collectives and (latest or named):
        shown = {*latest.keys(), *named}
        memberships = Unit.members.through.objects.filter(from_unit__in=collectives, to_unit__in=shown)
        for membership in memberships.select_related("to_unit").order_by("to_unit__name", "from_unit"):
            add(membership.to_unit, "member", collectives[membership.from_unit_id])
    return rows


def open_closure(task: Task) -> ClosureRequest | None:
    """The task's 办结 request waiting for the office's check, or the one that closed it; None otherwise."""
    return (
        task.closure_requests.filter(state__in=[ClosureRequest.State.PENDING, ClosureRequest.State.CLOSED])
        .select_related("unit", "requested_by", "decided_by")
        .prefetch_related("attachments")
        .first()
    )


def waiting_closures():
    """办结 requests waiting for the office's check, oldest first (the review queue)."""
    return (
        ClosureRequest.objects.filter(state=ClosureRequest.State.PENDING)
        .select_related("task", "unit")
        .order_by("requested_at", "pk")
    )
