"""Prepared statements give the same values SQLAlchemy's own execution would."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta, timezone

from sqlalchemy import bindparam, insert, select

from lanes.store import tables as t
from lanes.store.db import Database
from lanes.store.prepared import Prepared

INSERT = Prepared(insert(t.operation_log))
READ = Prepared(
    select(t.operation_log.c.at, t.operation_log.c.details).where(
        t.operation_log.c.id == bindparam("b_id")
    )
)


def test_repeated_and_equal_times_are_each_stored_as_their_own_instant(database: Database) -> None:
    noon = datetime(2026, 11, 29, 12, 0, tzinfo=UTC)
    same_instant_elsewhere = noon.astimezone(timezone(timedelta(hours=9)))
    times = [noon, noon, same_instant_elsewhere, noon + timedelta(microseconds=1), noon]
    with database.write() as conn:
        for number, at in enumerate(times, start=1):
            INSERT.execute(
                conn,
                {"id": number, "user_id": "u", "operation": "op", "at": at, "details": {"n": 1}},
            )
    with database.read() as conn:
        stored = [READ.first(conn, {"b_id": number}) for number in range(1, len(times) + 1)]
    assert [row.at for row in stored] == [t.astimezone(UTC) for t in times]
    assert all(row.at.tzinfo is not None for row in stored)
    assert stored[0].details == {"n": 1}
