"""Rows of forms and field rights: `form_definition` and `form_rights`.

A scope is `(form_key, flow_key, node_id, parent_flow_key)`; None in the last three is
stored as '' so the primary key covers every scope. Rules and definitions are JSON text,
read and written as the services hand them over.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import datetime

from sqlalchemy import ColumnElement, Connection, delete, insert, select, update
from sqlalchemy.exc import IntegrityError

from lanes.store import tables as t

__all__ = [
    "FormRow",
    "RightsRow",
    "ScopeKey",
    "copy_flow",
    "delete_fields",
    "delete_flow",
    "get_form",
    "lock_all_forms",
    "put_form",
    "replace_scope",
    "rights_of_form",
    "upsert_fields",
]

ScopeKey = tuple[str, str | None, str | None, str | None]
"""(form_key, flow_key, node_id, parent_flow_key)."""


@dataclass(frozen=True, slots=True)
class FormRow:
    key: str
    name: str
    definition: str  # JSON
    updated_at: datetime
    updated_by: str | None


@dataclass(frozen=True, slots=True)
class RightsRow:
    scope: ScopeKey
    field: str
    rules: str  # JSON


def _stored(value: str | None) -> str:
    return value or ""


def _read(value: str) -> str | None:
    return value or None


def _where_scope(scope: ScopeKey) -> list[ColumnElement[bool]]:
    r = t.form_rights.c
    return [
        r.form_key == scope[0],
        r.flow_key == _stored(scope[1]),
        r.node_id == _stored(scope[2]),
        r.parent_flow_key == _stored(scope[3]),
    ]


def get_form(conn: Connection, key: str, for_update: bool = False) -> FormRow | None:
    """The form; `for_update` locks its row, so writers of its rules take turns."""
    query = select(t.form).where(t.form.c.key == key)
    row = conn.execute(query.with_for_update() if for_update else query).first()
    if row is None:
        return None
    return FormRow(row.key, row.name, row.definition, row.updated_at, row.updated_by)


def put_form(
    conn: Connection, key: str, name: str, definition: str, at: datetime, by: str | None
) -> bool:
    """Create or replace a form definition; True when it is new."""
    values = {"name": name, "definition": definition, "updated_at": at, "updated_by": by}
    replace = update(t.form).where(t.form.c.key == key).values(**values)
    if conn.execute(replace).rowcount:
        return False
    try:
        with conn.begin_nested():  # a savepoint: a concurrent creation may win the race
            conn.execute(insert(t.form).values(key=key, **values))
    except IntegrityError:
        conn.execute(replace)
        return False
    return True


def lock_all_forms(conn: Connection) -> None:
    """Lock every form row: for changes to a flow's rules across all forms."""
    conn.execute(select(t.form.c.key).with_for_update()).all()


def rights_of_form(conn: Connection, form_key: str, flow_key: str | None) -> list[RightsRow]:
    """The rules saved for the form itself and, when `flow_key` is given, for that flow
    and its nodes: every row a rights computation inside that flow may fall back on."""
    r = t.form_rights.c
    flows = [""] if flow_key is None else ["", flow_key]
    rows = conn.execute(
        select(t.form_rights).where(r.form_key == form_key, r.flow_key.in_(flows))
    ).all()
    return [
        RightsRow(
            (row.form_key, _read(row.flow_key), _read(row.node_id), _read(row.parent_flow_key)),
            row.field,
            row.rules,
        )
        for row in rows
    ]


def _insert(conn: Connection, scope: ScopeKey, entries: Mapping[str, str]) -> None:
    if not entries:
        return
    conn.execute(
        insert(t.form_rights),
        [
            {
                "form_key": scope[0],
                "flow_key": _stored(scope[1]),
                "node_id": _stored(scope[2]),
                "parent_flow_key": _stored(scope[3]),
                "field": field,
                "rules": rules,
            }
            for field, rules in entries.items()
        ],
    )


def replace_scope(conn: Connection, scope: ScopeKey, entries: Mapping[str, str]) -> None:
    """Every rule of the scope becomes `entries` (field path -> rules JSON)."""
    conn.execute(delete(t.form_rights).where(*_where_scope(scope)))
    _insert(conn, scope, entries)


def upsert_fields(conn: Connection, scope: ScopeKey, entries: Mapping[str, str]) -> None:
    """The rules of these fields at the scope become `entries`; other fields keep theirs."""
    delete_fields(conn, scope, list(entries))
    _insert(conn, scope, entries)


def delete_fields(conn: Connection, scope: ScopeKey, fields: Iterable[str]) -> int:
    names = list(fields)
    if not names:
        return 0
    return conn.execute(
        delete(t.form_rights).where(*_where_scope(scope), t.form_rights.c.field.in_(names))
    ).rowcount


def delete_flow(conn: Connection, flow_key: str) -> int:
    """Drop every flow- and node-scope rule of the flow, whatever the form."""
    return conn.execute(delete(t.form_rights).where(t.form_rights.c.flow_key == flow_key)).rowcount


def copy_flow(conn: Connection, old_flow_key: str, new_flow_key: str) -> int:
    """The new flow's rules become a copy of the old flow's (flow and node scopes)."""
    r = t.form_rights.c
    rows = conn.execute(select(t.form_rights).where(r.flow_key == old_flow_key)).all()
    delete_flow(conn, new_flow_key)
    if rows:
        conn.execute(
            insert(t.form_rights),
            [{**row._asdict(), "flow_key": new_flow_key} for row in rows],
        )
    return len(rows)
