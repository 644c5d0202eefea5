"""The month rule: which month's progress a unit reports, and by when.

A month's report is due on day GOVTASKS_REPORT_DUE_DAY of the month itself. The month a
unit *owes* on a day is the latest month whose due date has passed by then (until the 25th of
December that is November, from the 26th December itself); an owed month that is not yet
reported is late. Once it is reported, the next month to report is the one after, if it
has begun.

Every page that names "the month" asks here: the report form's default, a liaison's to-do,
the fill-in sheet's default, the office's reminders (催办) and the derived "unreported" state.
A report counts only for its own month: December's report does not stand in for November's.
"""

import dataclasses
import datetime
from collections.abc import Collection

from django.conf import settings


@dataclasses.dataclass(frozen=True)
class ReportMonth:
    """A reporting month: its first day and the day its report is due."""

    period: datetime.date
    due_on: datetime.date

    def days_late(self, on: datetime.date) -> int:
        """Days past the due date on `on` (0 when not yet due)."""
        return max(0, (on - self.due_on).days)

    def is_late(self, on: datetime.date) -> bool:
        return on > self.due_on


def first_of_month(day: datetime.date) -> datetime.date:
    return day.replace(day=1)


def month_of(day: datetime.date) -> ReportMonth:
    """The reporting month `day` falls in, with its due date."""
    period = first_of_month(day)
    return ReportMonth(period, period.replace(day=settings.GOVTASKS_REPORT_DUE_DAY))


def following(month: ReportMonth) -> ReportMonth:
    return month_of((month.period + datetime.timedelta(days=32)).replace(day=1))


def owed_month(as_of: datetime.date) -> ReportMonth:
    """The latest month whose report was due by the end of `as_of`: the one every unit must have sent."""
    month = month_of(as_of)
    if as_of.day <= settings.GOVTASKS_REPORT_DUE_DAY:
        month = month_of(first_of_month(as_of) - datetime.timedelta(days=1))
    return month


def month_to_report(as_of: datetime.date, reported: Collection[datetime.date] = ()) -> ReportMonth:
    """The month to report next on `as_of`, given the periods (first days) already reported.

    The owed month until it is reported; then the month after it, once that month has begun.
    """
    owed = owed_month(as_of)
    if owed.period in reported:
        upcoming = following(owed)
        if upcoming.period <= as_of:
            return upcoming
    return owed
