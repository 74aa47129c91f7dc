"""Timer definitions: timeDate, timeDuration and timeCycle turned into due times."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone

import pytest
from hypothesis import given
from hypothesis import strategies as st

from lanes.engine.timers import TimerError, TimerSchedule, first_due, from_iso, next_due, to_iso

NOW = datetime(2026, 1, 31, 9, 30, tzinfo=UTC)


def utc(
    year: int, month: int, day: int, hour: int = 0, minute: int = 0, second: int = 0, us: int = 0
) -> datetime:
    return datetime(year, month, day, hour, minute, second, us, tzinfo=UTC)


@pytest.mark.parametrize(
    ("value", "due"),
    [
        ("2026-11-30T10:00:00", utc(2026, 11, 30, 10)),
        ("2026-11-30T10:00:00Z", utc(2026, 11, 30, 10)),
        ("2026-11-30T10:00:00+08:00", utc(2026, 11, 30, 2)),
        ("2026-11-30T10:00:00.250-02:00", utc(2026, 11, 30, 12, 0, 0, 250_000)),
        (" 2026-11-30T10:00:00Z ", utc(2026, 11, 30, 10)),
        ("2026-11-30", utc(2026, 11, 30)),
        (datetime(2026, 11, 30, 10), utc(2026, 11, 30, 10)),
        (datetime(2026, 11, 30, 10, tzinfo=timezone(timedelta(hours=1))), utc(2026, 11, 30, 9)),
        (date(2026, 11, 30), utc(2026, 11, 30)),
        (0, utc(1970, 1, 1)),
        (1_796_032_800_500, utc(2026, 11, 30, 10, 0, 0, 500_000)),
    ],
)
def test_time_date_is_due_at_that_instant_in_utc(value: object, due: datetime) -> None:
    assert first_due("date", value, NOW) == TimerSchedule(due=due, repeats_left=0, period=None)


def test_time_date_in_the_past_is_returned_overdue() -> None:
    assert first_due("date", "2020-01-01T00:00:00Z", NOW).due == utc(2020, 1, 1)


@pytest.mark.parametrize(
    ("value", "due"),
    [
        ("PT5M", utc(2026, 1, 31, 9, 35)),
        ("P1D", utc(2026, 2, 1, 9, 30)),
        ("P1DT2H", utc(2026, 2, 1, 11, 30)),
        ("PT0.5S", utc(2026, 1, 31, 9, 30, 0, 500_000)),
        ("PT1,25S", utc(2026, 1, 31, 9, 30, 1, 250_000)),
        ("P2W", utc(2026, 2, 14, 9, 30)),
        ("PT36H", utc(2026, 2, 1, 21, 30)),
        ("PT0S", NOW),
        ("P1M", utc(2026, 2, 28, 9, 30)),
        ("P1Y", utc(2027, 1, 31, 9, 30)),
        ("P1M1D", utc(2026, 3, 1, 9, 30)),
        ("P13M", utc(2027, 2, 28, 9, 30)),
        (timedelta(minutes=5), utc(2026, 1, 31, 9, 35)),
    ],
)
def test_time_duration_is_due_that_long_after_now(value: object, due: datetime) -> None:
    assert first_due("duration", value, NOW) == TimerSchedule(due=due, repeats_left=0, period=None)


def test_month_duration_clamps_to_the_last_day_of_a_leap_february() -> None:
    assert first_due("duration", "P1M", utc(2028, 1, 31)).due == utc(2028, 2, 29)


def test_naive_now_is_taken_as_utc() -> None:
    assert first_due("duration", "PT1H", datetime(2026, 1, 31, 9, 30)).due == utc(
        2026, 1, 31, 10, 30
    )


@pytest.mark.parametrize(
    ("value", "schedule"),
    [
        ("R3/PT10M", TimerSchedule(utc(2026, 1, 31, 9, 40), repeats_left=2, period="PT10M")),
        ("R1/PT10M", TimerSchedule(utc(2026, 1, 31, 9, 40), repeats_left=0, period=None)),
        ("R/PT1H", TimerSchedule(utc(2026, 1, 31, 10, 30), repeats_left=None, period="PT1H")),
        (
            "R2/2026-11-30T10:00:00Z/PT1H",
            TimerSchedule(utc(2026, 11, 30, 10), repeats_left=1, period="PT1H"),
        ),
        ("PT10M", TimerSchedule(utc(2026, 1, 31, 9, 40), repeats_left=0, period=None)),
    ],
)
def test_time_cycle_first_firing(value: str, schedule: TimerSchedule) -> None:
    assert first_due("cycle", value, NOW) == schedule


def test_bounded_cycle_fires_exactly_its_repetitions_one_period_apart() -> None:
    schedule: TimerSchedule | None = first_due("cycle", "R3/PT10M", NOW)
    fired = []
    while schedule is not None:
        fired.append(schedule.due)
        schedule = next_due(schedule, schedule.due)
    assert fired == [utc(2026, 1, 31, 9, 40), utc(2026, 1, 31, 9, 50), utc(2026, 1, 31, 10, 0)]


def test_unbounded_cycle_keeps_firing() -> None:
    schedule: TimerSchedule | None = first_due("cycle", "R/PT1H", NOW)
    for _ in range(100):
        assert schedule is not None
        schedule = next_due(schedule, schedule.due)
    assert schedule == TimerSchedule(utc(2026, 2, 4, 14, 30), repeats_left=None, period="PT1H")


def test_late_firing_does_not_make_the_cycle_drift() -> None:
    schedule = first_due("cycle", "R/PT10M", NOW)
    later = next_due(schedule, schedule.due + timedelta(minutes=3))
    assert later is not None and later.due == utc(2026, 1, 31, 9, 50)


def test_firings_missed_while_down_are_dropped_and_counted() -> None:
    schedule = first_due("cycle", "R5/PT10M", NOW)  # due 9:40, then 9:50 10:00 10:10 10:20
    after_outage = next_due(schedule, utc(2026, 1, 31, 10, 5))
    assert after_outage == TimerSchedule(utc(2026, 1, 31, 10, 10), repeats_left=1, period="PT10M")


def test_cycle_with_past_start_skips_to_the_next_firing() -> None:
    schedule = first_due("cycle", "R5/2026-01-31T07:00:00Z/PT1H", NOW)
    assert schedule == TimerSchedule(utc(2026, 1, 31, 10), repeats_left=1, period="PT1H")


def test_cycle_entirely_in_the_past_keeps_its_last_firing_overdue() -> None:
    schedule = first_due("cycle", "R2/2026-01-01T00:00:00Z/PT1H", NOW)
    assert schedule == TimerSchedule(utc(2026, 1, 1, 1), repeats_left=0, period=None)


def test_monthly_cycle_uses_calendar_months() -> None:
    schedule: TimerSchedule | None = first_due("cycle", "R3/2026-03-15T00:00:00Z/P1M", NOW)
    fired = []
    while schedule is not None:
        fired.append(schedule.due)
        schedule = next_due(schedule, schedule.due)
    assert fired == [utc(2026, 3, 15), utc(2026, 4, 15), utc(2026, 5, 15)]


def test_monthly_cycle_from_a_month_end_keeps_the_clamped_day() -> None:
    schedule = first_due("cycle", "R3/2026-03-31T00:00:00Z/P1M", NOW)
    second = next_due(schedule, schedule.due)
    assert second is not None and second.due == utc(2026, 4, 30)
    third = next_due(second, second.due)
    assert third is not None and third.due == utc(2026, 5, 30)


@pytest.mark.parametrize(
    "schedule",
    [
        TimerSchedule(NOW, repeats_left=0, period=None),
        TimerSchedule(NOW, repeats_left=0, period="PT1M"),
        first_due("duration", "PT5M", NOW),
    ],
)
def test_date_duration_and_last_cycle_firing_have_no_next(schedule: TimerSchedule) -> None:
    assert next_due(schedule, NOW) is None


@pytest.mark.parametrize(
    ("kind", "value", "message"),
    [
        ("date", "tomorrow", "'tomorrow' is not an ISO 8601 date-time"),
        ("date", "PT5M", "'PT5M' is not an ISO 8601 date-time"),
        ("date", True, "not bool True"),
        ("date", 1.5, "not float 1.5"),
        ("date", 10**20, "out of range"),
        ("duration", "5 minutes", "'5 minutes' is not an ISO 8601 duration"),
        ("duration", "P", "'P' is not an ISO 8601 duration"),
        ("duration", "PT", "'PT' is not an ISO 8601 duration"),
        ("duration", "P1DT", "'P1DT' is not an ISO 8601 duration"),
        ("duration", "-PT5M", "'-PT5M' is not an ISO 8601 duration"),
        ("duration", "P0.5D", "'P0.5D' is not an ISO 8601 duration"),
        ("duration", timedelta(seconds=-1), "is negative"),
        ("duration", 300, "not int 300"),
        ("duration", "P9999Y", "out of range"),
        ("cycle", "0 0/5 * * * ?", "cron cycles are not supported: '0 0/5 * * * ?'"),
        ("cycle", "0 0 12 * * ? 2026", "cron cycles are not supported"),
        ("cycle", "R/PT1H/2026-12-01T00:00:00Z", "cycles with an end date are not supported"),
        ("cycle", "R/2026-11-30T10:00:00Z/2026-12-01T00:00:00Z", "is a start/end interval"),
        ("cycle", "R0/PT1M", "repeats 0 times"),
        ("cycle", "R3/PT0S", "has a zero period"),
        ("cycle", "R3/soon", "'soon' is not an ISO 8601 duration"),
        ("cycle", "X3/PT1M", "must start with 'R'"),
        ("cycle", "R3/PT1M/x/y", "has 4 parts"),
        ("cycle", "R2/yesterday/PT1H", "'yesterday' is not an ISO 8601 date-time"),
        ("cycle", 3, "must be text"),
        ("weekly", "PT1M", "unknown timer kind 'weekly'"),
    ],
)
def test_bad_definition_is_rejected_with_a_sentence_naming_it(
    kind: str, value: object, message: str
) -> None:
    with pytest.raises(TimerError) as raised:
        first_due(kind, value, NOW)  # type: ignore[arg-type]
    assert message in str(raised.value)


def test_timer_error_is_a_value_error() -> None:
    assert issubclass(TimerError, ValueError)


@pytest.mark.parametrize(
    ("dt", "text"),
    [
        (utc(2026, 11, 30, 10), "2026-11-30T10:00:00Z"),
        (utc(2026, 11, 30, 10, 0, 0, 500), "2026-11-30T10:00:00.000500Z"),
        (datetime(2026, 11, 30, 18, tzinfo=timezone(timedelta(hours=8))), "2026-11-30T10:00:00Z"),
        (datetime(2026, 11, 30, 10), "2026-11-30T10:00:00Z"),
    ],
)
def test_to_iso_writes_utc_with_z(dt: datetime, text: str) -> None:
    assert to_iso(dt) == text


def test_from_iso_returns_aware_utc() -> None:
    assert from_iso("2026-11-30T18:00:00+08:00") == utc(2026, 11, 30, 10)
    assert from_iso("2026-11-30T10:00:00").tzinfo is UTC


def test_from_iso_rejects_garbage() -> None:
    with pytest.raises(TimerError, match="'noon' is not an ISO 8601 date-time"):
        from_iso("noon")


@given(
    st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    )
)
def test_iso_text_round_trips(dt: datetime) -> None:
    assert from_iso(to_iso(dt)) == dt


@given(
    weeks=st.integers(0, 50),
    days=st.integers(0, 400),
    hours=st.integers(0, 100),
    minutes=st.integers(0, 1000),
    seconds=st.integers(0, 100_000),
    micros=st.integers(0, 999_999),
    now=st.datetimes(
        min_value=datetime(1900, 1, 1), max_value=datetime(2100, 1, 1), timezones=st.just(UTC)
    ),
)
def test_duration_due_minus_now_is_the_duration(
    weeks: int, days: int, hours: int, minutes: int, seconds: int, micros: int, now: datetime
) -> None:
    text = f"P{weeks}W{days}DT{hours}H{minutes}M{seconds}.{micros:06d}S"
    expected = timedelta(
        weeks=weeks, days=days, hours=hours, minutes=minutes, seconds=seconds, microseconds=micros
    )
    assert first_due("duration", text, now).due - now == expected
