"""Connections and transactions: SQLite (WAL, foreign keys, immediate writes) or PostgreSQL.

`Database.write()` is one transaction that may change rows: on SQLite it starts with
`BEGIN IMMEDIATE`, so writers queue up instead of failing halfway; on PostgreSQL the
service locks the instance row with `SELECT ... FOR UPDATE`. `Database.read()` is a
plain read transaction. Ids come from `next_id()`, handed out in blocks.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import AbstractContextManager, contextmanager, nullcontext
from functools import cache
from typing import Any

import orjson
from sqlalchemy import Connection, Engine, create_engine, event, update
from sqlalchemy.pool import NullPool, StaticPool

from lanes.store import tables as t

ID_BLOCK = 10_000
ID_HEADROOM = 2_000  # ids a single write transaction may take without reserving
_COUNTER = "lanes_counter"  # a connection's statement counter, in its record's info


class Database:
    def __init__(self, url: str, synchronous: str = "NORMAL", echo: bool = False) -> None:
        self.url = url
        self.is_sqlite = url.startswith("sqlite")
        self.is_postgres = url.startswith("postgresql")
        if self.is_postgres and url.startswith("postgresql://"):
            url = "postgresql+psycopg://" + url[len("postgresql://") :]
        # JSON columns (the operation log's details) through orjson, as the state is
        kwargs: dict[str, Any] = {"echo": echo, "json_serializer": _json_text}
        # On a SQLite file each thread keeps its own connection (see `_connection`);
        # an in-memory database is one connection that every thread shares.
        self._per_thread = False
        if self.is_sqlite:
            kwargs["connect_args"] = {"check_same_thread": False, "timeout": 30}
            if url in ("sqlite://", "sqlite:///:memory:"):
                kwargs["poolclass"] = StaticPool
            else:
                kwargs["poolclass"] = NullPool
                self._per_thread = True
        else:
            kwargs["pool_size"] = 10
            kwargs["max_overflow"] = 20
            kwargs["pool_pre_ping"] = True
        self.engine: Engine = create_engine(url, **kwargs)
        if self.is_sqlite:
            _configure_sqlite(self.engine, synchronous)
        self._ids_lock = threading.RLock()
        # re-entrant: a nested write on one thread fails at SQLite's lock, as it did
        self._writers = threading.RLock() if self.is_sqlite else None
        self._local = threading.local()
        self._next_id = 0
        self._last_id = -1
        self.statements = 0  # counted for benchmarks: statements sent to the database
        event.listen(self.engine, "before_cursor_execute", self._count)
        # prepared statements (store/prepared.py) bypass SQLAlchemy's events: they count here
        event.listen(self.engine, "connect", self._lend_counter)

    def _count(self, *args: Any) -> None:
        self.statements += 1

    def _lend_counter(self, _dbapi_connection: Any, record: Any) -> None:
        record.info[_COUNTER] = self._count

    @contextmanager
    def write(self) -> Iterator[Connection]:
        """One transaction that may write; committed when the block ends without error."""
        if self.is_sqlite:
            # SQLite has one writer at a time: ids are reserved before the transaction
            # takes the write lock, never from inside it through another connection
            self._ensure_headroom()
        with self._writer_turn(), self._connection() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(lanes_begin="IMMEDIATE")
            self._local.conn = conn
            try:
                with conn.begin():
                    yield conn
            except BaseException:
                if getattr(self._local, "reserved_inside", False):
                    self._drop_block()  # its reservation was rolled back with the rest
                raise
            finally:
                self._local.conn = None
                self._local.reserved_inside = False

    def _writer_turn(self) -> AbstractContextManager[Any]:
        """On SQLite, this process's writers queue on a lock of ours: a writer that waits
        in SQLite's busy handler sleeps in steps of up to 100 ms and wakes late, which
        left the write lock idle half the time under concurrent requests. Writers of
        other processes still meet at SQLite's lock (busy timeout)."""
        return self._writers if self._writers is not None else nullcontext()

    @contextmanager
    def read(self) -> Iterator[Connection]:
        with self._connection() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(lanes_begin="DEFERRED")
            with conn.begin():
                yield conn

    def _connection(self) -> AbstractContextManager[Connection]:
        """A connection for one transaction. On a SQLite file, the thread's own, kept open
        between transactions: checking one out of a pool and back costs more than a
        command's statements, and SQLite connections are cheap to keep (the pool is a
        NullPool, which closes a connection once its thread is gone). A transaction
        begun while the thread's connection is busy gets a fresh connection."""
        if not self._per_thread:
            return self.engine.connect()
        conn: Connection | None = getattr(self._local, "connection", None)
        if conn is None or conn.closed or conn.invalidated:
            conn = self._local.connection = self.engine.connect()
        elif conn.in_transaction():
            return self.engine.connect()
        return nullcontext(conn)

    def next_id(self) -> int:
        """A fresh 64-bit id, unique across every process sharing the database.

        `_ids_lock` is never held while waiting for the database: a command holding
        SQLite's write lock may be waiting for `_ids_lock`, so a thread that held it while
        queueing for the write lock would stall both until the busy timeout."""
        while True:
            with self._ids_lock:
                if self._next_id <= self._last_id:
                    value = self._next_id
                    self._next_id += 1
                    return value
                inside = getattr(self._local, "conn", None) if self.is_sqlite else None
                if inside is not None:
                    # a command outgrew its headroom: SQLite allows no second writer, so the
                    # block is reserved in the command's own transaction (this thread holds
                    # the write lock, nobody is waited for); a rollback drops the block
                    self._local.reserved_inside = True
                    start, end = _take_block(inside)
                    self._next_id, self._last_id = start, end - 1
                    continue
            self._refill()

    def _ensure_headroom(self) -> None:
        with self._ids_lock:
            if self._last_id - self._next_id >= ID_HEADROOM:
                return
        self._refill()

    def _refill(self) -> None:
        """Reserve a block in a short transaction of its own (ids never wait for, or roll
        back with, a command) and use it unless another thread refilled meanwhile; a
        block lost that way costs nothing but unused numbers."""
        with self._writer_turn(), self.engine.connect() as conn:
            if self.is_sqlite:
                conn = conn.execution_options(lanes_begin="IMMEDIATE")
            with conn.begin():
                start, end = _take_block(conn)
        with self._ids_lock:
            if self._last_id - self._next_id < ID_HEADROOM:
                self._next_id, self._last_id = start, end - 1

    def _drop_block(self) -> None:
        with self._ids_lock:
            self._next_id, self._last_id = 0, -1

    def dispose(self) -> None:
        """Close the pool and this thread's connection (other threads' connections close
        with their threads)."""
        conn: Connection | None = getattr(self._local, "connection", None)
        if conn is not None:
            self._local.connection = None
            conn.close()
        self.engine.dispose()


def count_statement(conn: Connection) -> None:
    """Count a statement sent to the driver directly, past SQLAlchemy's events (the
    benchmarks report statements per command)."""
    counter = conn.info.get(_COUNTER)
    if counter is not None:
        counter()


@cache
def _can_pipeline() -> bool:
    """Whether psycopg's libpq can pipeline (libpq 14 and newer; the binary wheel's can)."""
    import psycopg  # only where PostgreSQL is used

    return bool(psycopg.Pipeline.is_supported())


def pipelined(conn: Connection) -> AbstractContextManager[Any]:
    """On PostgreSQL, statements sent in this block go out without waiting for each
    other's answers (psycopg's pipeline mode): a command's writes cost one round trip,
    not one each. An error surfaces when the block ends, and fails the transaction as
    it would have anyway. Elsewhere, nothing changes."""
    if conn.dialect.name != "postgresql" or not _can_pipeline():
        return nullcontext()
    driver: Any = conn.connection.driver_connection
    return driver.pipeline()  # type: ignore[no-any-return]


def _json_text(value: Any) -> str:
    return orjson.dumps(value, option=orjson.OPT_NON_STR_KEYS).decode()


def _take_block(conn: Connection) -> tuple[int, int]:
    """Reserve [start, end) in the id_block row."""
    end = conn.execute(
        update(t.id_block)
        .where(t.id_block.c.name == "global")
        .values(next_value=t.id_block.c.next_value + ID_BLOCK)
        .returning(t.id_block.c.next_value)
    ).scalar()
    if end is None:
        # the first block of a new database; two processes may race to create the row
        conn.exec_driver_sql(
            "INSERT INTO id_block (name, next_value) VALUES ('global', 1) "
            "ON CONFLICT (name) DO NOTHING"
        )
        end = conn.execute(
            update(t.id_block)
            .where(t.id_block.c.name == "global")
            .values(next_value=t.id_block.c.next_value + ID_BLOCK)
            .returning(t.id_block.c.next_value)
        ).scalar_one()
    return int(end) - ID_BLOCK, int(end)


def _configure_sqlite(engine: Engine, synchronous: str) -> None:
    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        # let SQLAlchemy's begin event decide how transactions start (pysqlite's own
        # implicit BEGIN would defer the write lock and fail later under contention)
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA journal_mode=WAL")
        cursor.execute(f"PRAGMA synchronous={'FULL' if synchronous == 'FULL' else 'NORMAL'}")
        cursor.execute("PRAGMA foreign_keys=ON")
        # checkpoint the WAL every 10,000 pages (40 MB) rather than SQLite's 1,000: a
        # command rewrites the same few index pages, and each checkpoint copies every page
        # the WAL holds, so rarer checkpoints copy a hot page once instead of ten times.
        # After a checkpoint the file is cut back to 64 MB at most.
        cursor.execute("PRAGMA wal_autocheckpoint=10000")
        cursor.execute("PRAGMA journal_size_limit=67108864")
        cursor.execute("PRAGMA busy_timeout=30000")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(conn: Connection) -> None:
        # on the driver's connection: SQLAlchemy's own statement path costs more than BEGIN
        mode = conn.get_execution_options().get("lanes_begin", "DEFERRED")
        count_statement(conn)
        conn.connection.driver_connection.execute(f"BEGIN {mode}")  # type: ignore[union-attr]
