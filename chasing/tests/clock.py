"""Moving the clock in tests without sleeping: `on(day)` makes django.utils.timezone.now() a moment of `day`.

Everything in the project asks Django's timezone.now() / localdate() for the time, so patching
that one function moves every service, selector and page to that day.
"""

import contextlib
import datetime
from collections.abc import Iterator
from unittest import mock

from django.utils import timezone


@contextlib.contextmanager
def on(day: datetime.date, hour: int = 10) -> Iterator[datetime.datetime]:
    """Within the block it is `hour` o'clock of `day` in the project's time zone."""
    moment = timezone.make_aware(datetime.datetime.combine(day, datetime.time(hour)))
    with mock.patch("django.utils.timezone.now", return_value=moment):
        yield moment


def days(first: datetime.date, last: datetime.date) -> Iterator[datetime.date]:
    day = first
    while day <= last:
        yield day
        day += datetime.timedelta(days=1)
