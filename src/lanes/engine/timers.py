"""BPMN timer definitions (timeDate, timeDuration, timeCycle) turned into due times.

BPMN 2.0 section 10.5.3 leaves the timer expression format open; this module reads
the ISO 8601 forms that Activiti, Flowable and Camunda 7 accept. It is pure: the
current time is always an argument, never read from a clock, so a replayed history
computes the same due times. Every due time is an aware ``datetime`` in UTC, and a
naive input is taken as UTC.

Imports nothing from lanes.
"""

from __future__ import annotations

import calendar
import re
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Literal

__all__ = [
    "TimerError",
    "TimerSchedule",
    "first_due",
    "from_iso",
    "next_due",
    "to_iso",
]

TimerKind = Literal["date", "duration", "cycle"]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)

# PnYnMnWnDTnHnMnS; every part optional but at least one present (checked after the
# match). Only seconds may carry a fraction, as in java.time.Duration.
_DURATION = re.compile(
    r"P(?:(?P<years>\d+)Y)?(?:(?P<months>\d+)M)?(?:(?P<weeks>\d+)W)?(?:(?P<days>\d+)D)?"
    r"(?:T(?:(?P<hours>\d+)H)?(?:(?P<minutes>\d+)M)?"
    r"(?:(?P<seconds>\d+)(?:[.,](?P<fraction>\d+))?S)?)?"
)
_REPEAT = re.compile(r"R(?P<count>\d*)")


class TimerError(ValueError):
    """A timer definition that cannot be scheduled; the message names the bad value."""


@dataclass(frozen=True, slots=True)
class TimerSchedule:
    """When a timer fires next, and how a cycle continues after that.

    Attributes:
        due: The firing time, aware and in UTC.
        repeats_left: For a cycle, how many more firings follow this one (None when
            unbounded); 0 for a date or a duration.
        period: For a cycle with firings left, the ISO 8601 duration between firings;
            otherwise None.
    """

    due: datetime
    repeats_left: int | None
    period: str | None


@dataclass(frozen=True, slots=True)
class _Duration:
    """An ISO 8601 duration split into its calendar part and its exact part."""

    months: int
    exact: timedelta

    def after(self, start: datetime) -> datetime:
        """Return ``start`` moved forward by this duration, months first as ISO 8601 says."""
        return _add_months(start, self.months) + self.exact

    @property
    def is_zero(self) -> bool:
        return self.months == 0 and not self.exact


def first_due(kind: TimerKind, value: object, now: datetime) -> TimerSchedule:
    """Schedule the first firing of a timer definition.

    Args:
        kind: Which BPMN element held the value: ``"date"`` for timeDate,
            ``"duration"`` for timeDuration, ``"cycle"`` for timeCycle.
        value: The definition after expression evaluation. A date accepts ISO 8601
            text, a ``datetime``/``date`` or epoch milliseconds; a duration accepts
            ISO 8601 text or a ``timedelta``; a cycle accepts ``R[n]/duration``,
            ``R[n]/start/duration`` or a bare duration (fires once).
        now: The current time; naive is taken as UTC.

    Returns:
        The first firing. A date in the past is returned as is (overdue, so it fires
        at once). A cycle whose start lies in the past skips the firings already
        missed, but always keeps its last one.

    Raises:
        TimerError: The value is not a definition of that kind, or uses a form that is
            not supported (cron expressions, cycles with an end date).
    """
    now = _as_utc(now)
    if kind == "date":
        return TimerSchedule(due=_parse_date(value), repeats_left=0, period=None)
    if kind == "duration":
        return TimerSchedule(due=_shift(now, _duration_of(value)), repeats_left=0, period=None)
    if kind == "cycle":
        return _first_cycle_due(value, now)
    raise TimerError(f"unknown timer kind {kind!r}: expected 'date', 'duration' or 'cycle'")


def next_due(schedule: TimerSchedule, fired_at: datetime) -> TimerSchedule | None:
    """Schedule the firing of a cycle that follows the one just fired.

    The next firing is one period after the previous due time, so a late firing does
    not make the cycle drift. Firings that already lie before ``fired_at`` (the
    engine was down) are dropped and count against the repetitions. Each step starts
    from the previous due time, so a monthly cycle begun on the 31st moves to the 30th
    or 28th and stays there, as java.util.Calendar does in the Java engines.

    Args:
        schedule: The schedule that has just fired.
        fired_at: When it fired; naive is taken as UTC.

    Returns:
        The next firing, or None when the timer is done.

    Raises:
        TimerError: The stored period is not a valid duration.
    """
    if schedule.period is None or schedule.repeats_left == 0:
        return None
    period = _parse_duration(schedule.period)
    left = None if schedule.repeats_left is None else schedule.repeats_left - 1
    due = _shift(_as_utc(schedule.due), period)
    return _skip_missed(due, left, schedule.period, period, _as_utc(fired_at))


def to_iso(dt: datetime) -> str:
    """Format a time for JSON state: ISO 8601 in UTC with a ``Z`` suffix.

    A naive value is taken as UTC.
    """
    text = _as_utc(dt).isoformat()
    return text.removesuffix("+00:00") + "Z"


def from_iso(text: str) -> datetime:
    """Parse a time written by :func:`to_iso` (or any ISO 8601 date-time) to aware UTC.

    Raises:
        TimerError: The text is not an ISO 8601 date-time.
    """
    try:
        return _as_utc(datetime.fromisoformat(text.strip()))
    except (ValueError, TypeError) as exc:
        raise TimerError(f"{text!r} is not an ISO 8601 date-time") from exc


def _first_cycle_due(value: object, now: datetime) -> TimerSchedule:
    if not isinstance(value, str):
        raise TimerError(
            f"a timer cycle must be text such as 'R3/PT10M', not {type(value).__name__} {value!r}"
        )
    text = value.strip()
    if len(text.split()) in (5, 6, 7):
        raise TimerError(f"cron cycles are not supported: {text!r}; use 'R/PT5M' style cycles")
    parts = text.split("/")
    repeat = _REPEAT.fullmatch(parts[0])
    if repeat is None:
        if len(parts) == 1:  # a bare duration, as Camunda accepts: fires once
            return TimerSchedule(_shift(now, _parse_duration(text)), repeats_left=0, period=None)
        raise TimerError(f"timer cycle {text!r} must start with 'R' or 'R<n>', as in 'R3/PT10M'")
    count = _repetitions(repeat.group("count"), text)
    left = None if count is None else count - 1
    if len(parts) == 2:
        period = _cycle_period(parts[1], text)
        return _cycle(_shift(now, period), left, parts[1])
    if len(parts) == 3:
        if parts[1].startswith("P"):
            raise TimerError(
                f"timer cycle {text!r} ends with a date; cycles with an end date are not "
                "supported, give a repetition count instead ('R<n>/<duration>')"
            )
        if not parts[2].startswith("P"):
            raise TimerError(
                f"timer cycle {text!r} is a start/end interval; give 'R<n>/<start>/<duration>'"
            )
        start = _parse_date(parts[1])
        period = _cycle_period(parts[2], text)
        return _skip_missed(start, left, parts[2], period, now)
    raise TimerError(f"timer cycle {text!r} has {len(parts)} parts; expected 'R<n>/[start/]period'")


def _repetitions(digits: str, text: str) -> int | None:
    if not digits:
        return None
    count = int(digits)
    if count < 1:
        raise TimerError(f"timer cycle {text!r} repeats {count} times; it would never fire")
    return count


def _cycle_period(part: str, text: str) -> _Duration:
    period = _parse_duration(part)
    if period.is_zero:
        raise TimerError(f"timer cycle {text!r} has a zero period")
    return period


def _skip_missed(
    due: datetime, left: int | None, period_text: str, period: _Duration, now: datetime
) -> TimerSchedule:
    while due < now and (left is None or left > 0):
        due = _shift(due, period)
        left = None if left is None else left - 1
    return _cycle(due, left, period_text)


def _cycle(due: datetime, left: int | None, period_text: str) -> TimerSchedule:
    return TimerSchedule(due=due, repeats_left=left, period=None if left == 0 else period_text)


def _parse_date(value: object) -> datetime:
    if isinstance(value, datetime):
        return _as_utc(value)
    if isinstance(value, date):
        return datetime(value.year, value.month, value.day, tzinfo=UTC)
    if isinstance(value, int) and not isinstance(value, bool):
        try:
            return _EPOCH + timedelta(milliseconds=value)
        except OverflowError as exc:
            raise TimerError(f"timer date {value} ms since 1970 is out of range") from exc
    if isinstance(value, str):
        try:
            return _as_utc(datetime.fromisoformat(value.strip()))
        except ValueError as exc:
            raise TimerError(
                f"timer date {value!r} is not an ISO 8601 date-time such as '2026-11-30T10:00:00Z'"
            ) from exc
    raise TimerError(
        f"a timer date must be ISO 8601 text, a datetime or epoch milliseconds, "
        f"not {type(value).__name__} {value!r}"
    )


def _duration_of(value: object) -> _Duration:
    if isinstance(value, timedelta):
        if value < timedelta(0):
            raise TimerError(f"timer duration {value} is negative")
        return _Duration(months=0, exact=value)
    if isinstance(value, str):
        return _parse_duration(value)
    raise TimerError(
        f"a timer duration must be ISO 8601 text such as 'PT5M', "
        f"not {type(value).__name__} {value!r}"
    )


def _parse_duration(text: str) -> _Duration:
    stripped = text.strip()
    match = _DURATION.fullmatch(stripped)
    parts = match.groupdict() if match else {}
    if match is None or stripped.endswith("T") or not any(parts.values()):
        raise TimerError(f"{text!r} is not an ISO 8601 duration such as 'PT5M', 'P1DT2H' or 'P1M'")

    def number(name: str) -> int:
        digits = parts[name]
        return int(digits) if digits else 0

    micros = int((parts["fraction"] or "").ljust(6, "0")[:6])
    try:
        exact = timedelta(
            weeks=number("weeks"),
            days=number("days"),
            hours=number("hours"),
            minutes=number("minutes"),
            seconds=number("seconds"),
            microseconds=micros,
        )
    except OverflowError as exc:
        raise TimerError(f"timer duration {text!r} is too large") from exc
    return _Duration(months=number("years") * 12 + number("months"), exact=exact)


def _shift(start: datetime, duration: _Duration) -> datetime:
    try:
        return duration.after(start)
    except (OverflowError, ValueError) as exc:
        raise TimerError(f"{to_iso(start)} plus the timer duration is out of range") from exc


def _add_months(start: datetime, months: int) -> datetime:
    """Add calendar months, clamping the day to the end of the target month."""
    if months == 0:
        return start
    year, month_index = divmod(start.year * 12 + start.month - 1 + months, 12)
    month = month_index + 1
    last_day = calendar.monthrange(year, month)[1]
    return start.replace(year=year, month=month, day=min(start.day, last_day))


def _as_utc(dt: datetime) -> datetime:
    if dt.tzinfo is None or dt.utcoffset() is None:
        return dt.replace(tzinfo=UTC)
    return dt.astimezone(UTC)
