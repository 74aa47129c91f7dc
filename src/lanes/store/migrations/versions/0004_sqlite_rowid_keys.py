"""SQLite: row ids are INTEGER keys, the table's own rowid

Revision ID: 0004
Revises: 0003

On SQLite only a key declared exactly INTEGER is the rowid; the BIGINT keys of 0001 each
kept a second B-tree beside the table. SQLite cannot change a column's type in place, so
each table is rebuilt (copied, dropped, renamed), which `migrate.upgrade` runs with
foreign keys off so that dropping a table cascades to nothing. PostgreSQL is unchanged.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0004"
down_revision = "0003"
branch_labels = None
depends_on = None

# parents before children, as 0001 created them
TABLES = (
    "deployment",
    "process_definition",
    "process_instance",
    "activity",
    "comment",
    "external_task",
    "incident",
    "job",
    "task",
    "operation_log",
)


def upgrade() -> None:
    _retype(sa.BigInteger(), sa.Integer())


def downgrade() -> None:
    _retype(sa.Integer(), sa.BigInteger())


def _retype(old: sa.types.TypeEngine[int], new: sa.types.TypeEngine[int]) -> None:
    if op.get_bind().dialect.name != "sqlite":
        return
    for table in TABLES:
        with op.batch_alter_table(table, recreate="always") as batch:
            batch.alter_column("id", existing_type=old, type_=new, existing_nullable=False)
    problems = op.get_bind().exec_driver_sql("PRAGMA foreign_key_check").fetchall()
    if problems:
        raise RuntimeError(f"rebuilding the tables broke foreign keys: {problems[:5]}")
