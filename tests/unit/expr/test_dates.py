"""The dateTime() value: Joda-Time style shifts and conversion to a datetime."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone
from zoneinfo import ZoneInfo

import pytest

from lanes.expr.dates import UNITS, DateTime

START = datetime(2024, 1, 31, 10, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("unit", "amount", "expected"),
    [
        ("seconds", 90, datetime(2024, 1, 31, 10, 1, 30, tzinfo=UTC)),
        ("minutes", -30, datetime(2024, 1, 31, 9, 30, tzinfo=UTC)),
        ("hours", 15, datetime(2024, 2, 1, 1, 0, tzinfo=UTC)),
        ("days", 1, datetime(2024, 2, 1, 10, 0, tzinfo=UTC)),
        ("weeks", 2, datetime(2024, 2, 14, 10, 0, tzinfo=UTC)),
        ("months", 1, datetime(2024, 2, 29, 10, 0, tzinfo=UTC)),  # clamped to the month's end
        ("months", 13, datetime(2025, 2, 28, 10, 0, tzinfo=UTC)),
        ("months", -2, datetime(2023, 11, 30, 10, 0, tzinfo=UTC)),
        ("years", 1, datetime(2025, 1, 31, 10, 0, tzinfo=UTC)),
    ],
)
def test_shifts_move_the_moment_by_the_unit(unit: str, amount: int, expected: datetime) -> None:
    assert DateTime(START).shifted(unit, amount).to_date() == expected


def test_plus_years_from_a_leap_day_lands_on_the_last_day_of_february() -> None:
    leap_day = datetime(2024, 2, 29, tzinfo=UTC)
    assert DateTime(leap_day).shifted("years", 1).to_date() == datetime(2025, 2, 28, tzinfo=UTC)


def test_days_keep_the_wall_clock_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2024, 3, 30, 12, 0, tzinfo=berlin)  # DST starts on 31 March
    after = DateTime(before).shifted("days", 1).to_date()
    assert (after.hour, after.utcoffset()) == (12, timedelta(hours=2))


def test_hours_add_elapsed_time_across_a_dst_change() -> None:
    berlin = ZoneInfo("Europe/Berlin")
    before = datetime(2024, 3, 30, 12, 0, tzinfo=berlin)
    after = DateTime(before).shifted("hours", 24).to_date()
    assert after.astimezone(UTC) - before.astimezone(UTC) == timedelta(hours=24)
    assert after.hour == 13


def test_shifts_keep_the_time_zone() -> None:
    zone = timezone(timedelta(hours=8))
    moment = datetime(2024, 1, 1, 8, 0, tzinfo=zone)
    for unit in sorted(UNITS):
        assert DateTime(moment).shifted(unit, 1).to_date().tzinfo is zone


def test_values_are_immutable_and_ordered() -> None:
    start = DateTime(START)
    later = start.shifted("days", 1)
    assert start.to_date() == START
    assert start < later
    assert str(start) == "2024-01-31T10:00:00+00:00"
