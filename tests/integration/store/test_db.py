"""lanes.store.db and lanes.store.migrate: ids, transactions and migrations on a real database."""

from __future__ import annotations

import threading
from collections.abc import Callable
from datetime import UTC, datetime

import pytest
from sqlalchemy import Connection, func, inspect, select, text

from lanes.store import tables as t
from lanes.store.db import ID_BLOCK, Database, pipelined
from lanes.store.migrate import upgrade

T0 = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)


def run_together(workers: list[Callable[[], None]]) -> None:
    """Start every worker at the same moment (a barrier) and re-raise the first failure."""
    barrier = threading.Barrier(len(workers))
    errors: list[BaseException] = []

    def run(work: Callable[[], None]) -> None:
        try:
            barrier.wait()
            work()
        except BaseException as error:  # reported in the test's thread below
            errors.append(error)

    threads = [threading.Thread(target=run, args=(work,)) for work in workers]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    if errors:
        raise errors[0]


def take_ids(db: Database, count: int, into: list[int]) -> Callable[[], None]:
    def work() -> None:
        into.extend(db.next_id() for _ in range(count))

    return work


def test_next_id_is_unique_across_threads(database: Database) -> None:
    lists: list[list[int]] = [[] for _ in range(8)]
    run_together([take_ids(database, 400, ids) for ids in lists])
    every = [value for ids in lists for value in ids]
    assert len(every) == 8 * 400
    assert len(set(every)) == len(every)
    assert all(0 < value < 2**63 for value in every)


def test_next_id_is_unique_across_two_databases_on_one_store(
    database: Database, database_url: str
) -> None:
    other = Database(database_url)
    try:
        lists: list[list[int]] = [[] for _ in range(6)]
        work = [
            take_ids(database if n % 2 else other, 2 * ID_BLOCK, ids) for n, ids in enumerate(lists)
        ]
        run_together(work)
    finally:
        other.dispose()
    every = [value for ids in lists for value in ids]
    assert len(set(every)) == len(every) == 6 * 2 * ID_BLOCK


def test_next_id_is_increasing_within_one_database(database: Database) -> None:
    ids = [database.next_id() for _ in range(ID_BLOCK + 5)]
    assert ids == sorted(ids)
    assert len(set(ids)) == len(ids)


def count_users(db: Database) -> int:
    with db.read() as conn:
        return int(conn.execute(select(func.count()).select_from(t.user)).scalar_one())


def insert_user(conn: Connection, user_id: str) -> None:
    conn.execute(t.user.insert().values(id=user_id, name=user_id, admin=False, created_at=T0))


def test_a_block_refill_never_stalls_a_command_that_needs_an_id(database: Database) -> None:
    """One thread refills the id block while another, holding SQLite's write lock, asks
    for an id: the refill waits for the write lock, so it must not hold the id lock
    meanwhile (it did once: both stalled until the busy timeout, and the refill failed
    with 'database is locked')."""
    if not database.is_sqlite:
        pytest.skip("PostgreSQL refills without waiting for a command's transaction")
    database.next_id()
    inside, done = threading.Event(), threading.Event()
    failures: list[BaseException] = []

    def refill() -> None:
        inside.wait()
        try:
            database._ensure_headroom()  # queues behind the command's write lock
        except BaseException as error:
            failures.append(error)

    refiller = threading.Thread(target=refill)
    refiller.start()
    with database.write():
        with database._ids_lock:  # the block runs low while the command runs
            database._next_id = database._last_id - 10
        inside.set()
        done.wait(0.3)  # let the refill reach the write lock
        taken = [database.next_id() for _ in range(3)]
    refiller.join()
    assert failures == []
    assert len(set(taken)) == 3


def test_write_commits_when_the_block_ends(database: Database) -> None:
    with database.write() as conn:
        insert_user(conn, "kept")
    assert count_users(database) == 1


def test_write_rolls_back_on_an_exception(database: Database) -> None:
    with pytest.raises(RuntimeError, match="boom"), database.write() as conn:
        insert_user(conn, "lost")
        raise RuntimeError("boom")
    assert count_users(database) == 0
    with database.write() as conn:  # the connection went back to the pool in a usable state
        insert_user(conn, "next")
    assert count_users(database) == 1


def test_writes_from_several_threads_all_land(database: Database) -> None:
    def add(n: int) -> Callable[[], None]:
        def work() -> None:
            for k in range(10):
                with database.write() as conn:
                    insert_user(conn, f"u{n}-{k}")

        return work

    run_together([add(n) for n in range(6)])
    assert count_users(database) == 60


def test_upgrade_twice_changes_nothing_and_keeps_data(database: Database) -> None:
    with database.write() as conn:
        insert_user(conn, "kept")
    tables_before = set(inspect(database.engine).get_table_names())
    upgrade(database)
    upgrade(database)
    assert set(inspect(database.engine).get_table_names()) == tables_before
    assert {table.name for table in t.metadata.sorted_tables} <= tables_before
    with database.read() as conn:
        versions = conn.execute(text("SELECT version_num FROM alembic_version")).scalars().all()
    assert len(versions) == 1
    assert count_users(database) == 1


def driver(conn: Connection) -> object:
    return conn.connection.driver_connection


def test_a_thread_keeps_its_sqlite_connection_between_transactions(database: Database) -> None:
    if not database.is_sqlite:
        pytest.skip("PostgreSQL connections come from a pool")
    with database.write() as conn:
        first = driver(conn)
    with database.read() as conn:
        assert driver(conn) is first
    seen: list[object] = []

    def other_thread() -> None:
        with database.read() as conn:
            seen.append(driver(conn))

    run_together([other_thread])
    assert seen[0] is not first


def test_a_read_after_a_write_on_the_same_connection_leaves_the_write_lock_free(
    database: Database,
) -> None:
    with database.write() as conn:
        conn.execute(t.id_block.insert().values(name="mark", next_value=1))
    finished = threading.Event()

    def write_meanwhile() -> None:
        with database.write() as conn:
            conn.execute(
                t.id_block.update().where(t.id_block.c.name == "mark").values(next_value=2)
            )
        finished.set()

    with database.read() as conn:
        conn.execute(select(t.id_block.c.next_value)).all()
        writer = threading.Thread(target=write_meanwhile)
        writer.start()
        # a read begun IMMEDIATE would hold the write lock until this block ends
        assert finished.wait(10)
    writer.join()


def test_a_transaction_inside_another_gets_a_connection_of_its_own(database: Database) -> None:
    with database.read() as outer, database.read() as inner:
        assert driver(inner) is not driver(outer)
        assert inner.execute(select(func.count()).select_from(t.id_block)).scalar_one() >= 0


def test_pipelined_writes_all_land(database: Database) -> None:
    with database.write() as conn, pipelined(conn):
        for n in range(5):
            insert_user(conn, f"p{n}")
    assert count_users(database) == 5


def test_a_failing_statement_in_a_pipelined_block_fails_the_whole_transaction(
    database: Database,
) -> None:
    """On PostgreSQL the duplicate key is reported only when the block ends; either way
    the write raises and nothing of it is kept."""
    refused = pytest.raises(Exception, match=r"(?i)unique|duplicate")
    with refused, database.write() as conn, pipelined(conn):
        insert_user(conn, "first")
        insert_user(conn, "first")
        insert_user(conn, "after")
    assert count_users(database) == 0
    with database.write() as conn:  # the connection is usable again
        insert_user(conn, "next")
    assert count_users(database) == 1
