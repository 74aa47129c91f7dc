"""The value returned by `dateTime()`: a moment with Joda-Time style arithmetic.

Camunda and Activiti models write `${dateTime().plusWeeks(1).toDate()}`. Units of
a day or longer move the wall-clock date in the moment's own time zone (Joda's
plusDays keeps the local time across a DST change; plusMonths clamps the 31st to
the month's last day). Seconds, minutes and hours add elapsed time.

This package imports nothing from the rest of lanes.
"""

from __future__ import annotations

import calendar
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

_ELAPSED_SECONDS = {"seconds": 1, "minutes": 60, "hours": 3600}
_CALENDAR_DAYS = {"days": 1, "weeks": 7}
_CALENDAR_MONTHS = {"months": 1, "years": 12}
UNITS = frozenset({*_ELAPSED_SECONDS, *_CALENDAR_DAYS, *_CALENDAR_MONTHS})


@dataclass(frozen=True, slots=True, order=True)
class DateTime:
    """An aware moment. Immutable: each shift returns a new value."""

    moment: datetime

    def shifted(self, unit: str, amount: int) -> DateTime:
        """This moment moved by `amount` of `unit` (one of `UNITS`, plural, lower case)."""
        moment = self.moment
        if unit in _ELAPSED_SECONDS:
            delta = timedelta(seconds=amount * _ELAPSED_SECONDS[unit])
            zone = moment.tzinfo
            return DateTime((moment.astimezone(UTC) + delta).astimezone(zone))
        if unit in _CALENDAR_DAYS:
            return DateTime(moment + timedelta(days=amount * _CALENDAR_DAYS[unit]))
        return DateTime(_plus_months(moment, amount * _CALENDAR_MONTHS[unit]))

    def to_date(self) -> datetime:
        return self.moment

    def __str__(self) -> str:
        return self.moment.isoformat()


def _plus_months(moment: datetime, months: int) -> datetime:
    index = moment.year * 12 + (moment.month - 1) + months
    year, month = divmod(index, 12)
    month += 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)
