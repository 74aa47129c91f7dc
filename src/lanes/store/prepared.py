"""The hot statements, compiled once per dialect and run on the driver's own cursor.

SQLAlchemy Core spends about 100 µs of Python per `Connection.execute` (parameter
processing, result set-up, events) where SQLite itself needs 10-20 µs; every command runs
the same dozen statements, so that overhead decided the throughput. A `Prepared`
statement is still built and compiled by SQLAlchemy, for the connection's dialect, and
its values go through the same bind and result processors (aware datetimes, booleans,
JSON); only the per-call machinery is skipped. It runs inside the caller's transaction.

Only for fixed statements: no expanding `IN`, no defaults computed by callables.
"""

from __future__ import annotations

from collections import namedtuple
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Connection, DateTime, Insert
from sqlalchemy.engine import Dialect
from sqlalchemy.sql.expression import Executable

from lanes.store.db import count_statement

Processor = Callable[[Any], Any]


@dataclass(frozen=True, slots=True)
class _Plan:
    sql: str
    # per parameter, in the driver's order: its name, the value when the caller leaves it
    # out (_REQUIRED if they may not), and its bind processor
    params: tuple[tuple[str, Any, Processor | None], ...]
    positional: bool  # sqlite: a tuple in that order; psycopg: a dict by name
    row: Any  # a namedtuple class for SELECTs, else None
    converting: tuple[tuple[int, Processor], ...]  # result columns with a processor


_REQUIRED = object()


class Prepared:
    """One statement; `execute` for writes, `first` / `all` for reads."""

    def __init__(self, statement: Executable) -> None:
        self.statement = statement
        self._plans: dict[Any, _Plan] = {}

    def execute(
        self, conn: Connection, params: Mapping[str, Any] | Sequence[Mapping[str, Any]]
    ) -> int:
        """Run with one parameter set, or with many (executemany); the rows touched."""
        batch = [params] if isinstance(params, Mapping) else list(params)
        plan = self._plan(conn.dialect, batch[0])
        cursor = _cursor(conn)
        try:
            if len(batch) == 1:
                cursor.execute(plan.sql, _values(plan, batch[0]))
            else:
                cursor.executemany(plan.sql, [_values(plan, p) for p in batch])
            return int(cursor.rowcount)
        finally:
            cursor.close()

    def all(self, conn: Connection, params: Mapping[str, Any]) -> list[Any]:
        plan = self._plan(conn.dialect, params)
        cursor = _cursor(conn)
        try:
            cursor.execute(plan.sql, _values(plan, params))
            fetched = cursor.fetchall()
        finally:
            cursor.close()
        return [_row(plan, raw) for raw in fetched]

    def first(self, conn: Connection, params: Mapping[str, Any]) -> Any:
        rows = self.all(conn, params)
        return rows[0] if rows else None

    def _plan(self, dialect: Dialect, params: Mapping[str, Any]) -> _Plan:
        # an INSERT is compiled for the columns given, like SQLAlchemy's own executemany
        is_insert = isinstance(self.statement, Insert)
        key = (dialect.name, frozenset(params) if is_insert else None)
        plan = self._plans.get(key)
        if plan is None:
            plan = self._plans[key] = _compile(self.statement, dialect, params, is_insert)
        return plan


def _compile(statement: Any, dialect: Dialect, params: Mapping[str, Any], is_insert: bool) -> _Plan:
    compiled = statement.compile(dialect=dialect, column_keys=list(params) if is_insert else None)
    order = compiled.positiontup if dialect.positional else list(compiled.binds)
    described = []
    for name in order:
        bind = compiled.binds[name]
        if name in params:
            default = _REQUIRED
        elif not is_insert:
            default = bind.effective_value  # a literal, e.g. LIMIT 1
        else:
            column_default = statement.table.c[name].default
            if column_default is None or not column_default.is_scalar:
                raise ValueError(f"{statement.table.name}.{name} needs a value")
            default = column_default.arg
        processor = bind.type.dialect_impl(dialect).bind_processor(dialect)
        if processor is not None:
            processor = _for_times(bind.type, processor)
        described.append((name, default, processor))
    row: Any = None
    converting: list[tuple[int, Processor]] = []
    if getattr(statement, "is_select", False):
        columns = list(statement.selected_columns)
        row = _row_class([c.key for c in columns])
        for index, column in enumerate(columns):
            processor = column.type.dialect_impl(dialect).result_processor(dialect, None)
            if processor is not None:
                converting.append((index, _for_times(column.type, processor)))
    return _Plan(
        sql=str(compiled),
        params=tuple(described),
        positional=bool(dialect.positional),
        row=row,
        converting=tuple(converting),
    )


def _for_times(type_: Any, processor: Processor) -> Processor:
    """A datetime column's processor answers a repeat of its last value without running
    again: the rows of one command mostly carry the same moment, and converting a time
    for SQLite (text both ways) costs more than the statement. Times are immutable, so
    the answer can be shared; other types (JSON) keep their own processor."""
    if type_._type_affinity is not DateTime:
        return processor
    last: list[Any] = [(_REQUIRED, None)]  # (value, processed); swapped whole, never torn

    def process(value: Any) -> Any:
        seen, processed = last[0]
        if type(value) in (datetime, str) and value == seen:
            return processed
        processed = processor(value)
        last[0] = (value, processed)
        return processed

    return process


def _row_class(names: list[str]) -> Any:
    """Rows answer by attribute, as SQLAlchemy's do (`row.task_assignee`)."""
    return namedtuple("Row", names)


def _values(plan: _Plan, params: Mapping[str, Any]) -> Any:
    values = []
    for name, default, processor in plan.params:
        value = params[name] if default is _REQUIRED else params.get(name, default)
        values.append(value if processor is None else processor(value))
    if plan.positional:
        return values
    return dict(zip((name for name, _, _ in plan.params), values, strict=True))


def _row(plan: _Plan, raw: Sequence[Any]) -> Any:
    if not plan.converting:
        return plan.row._make(raw)
    values = list(raw)
    for index, processor in plan.converting:
        value = values[index]
        if value is not None:  # NULL stays None through every processor
            values[index] = processor(value)
    return plan.row._make(values)


def _cursor(conn: Connection) -> Any:
    count_statement(conn)
    return conn.connection.driver_connection.cursor()  # type: ignore[union-attr]
