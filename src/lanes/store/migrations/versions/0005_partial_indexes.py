"""partial indexes for columns that are mostly NULL

Revision ID: 0005
Revises: 0004

An instance without a business key or a parent, a task nobody has ended yet and an
operation on no task no longer take an entry in those columns' indexes: each insert
wrote a page of an index no query would search for NULL.
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0005"
down_revision = "0004"
branch_labels = None
depends_on = None

# (index, table, columns, the rows it keeps)
INDEXES = (
    ("ix_instance_business_key", "process_instance", ["business_key"], "business_key"),
    ("ix_instance_parent", "process_instance", ["parent_id"], "parent_id"),
    ("ix_task_done_by", "task", ["ended_by", "ended_at"], "ended_by"),
    ("ix_operation_log_task", "operation_log", ["task_id"], "task_id"),
)


def upgrade() -> None:
    for name, table, columns, kept in INDEXES:
        op.drop_index(name, table_name=table)
        where = sa.text(f"{kept} IS NOT NULL")
        op.create_index(name, table, columns, sqlite_where=where, postgresql_where=where)


def downgrade() -> None:
    for name, table, columns, _ in INDEXES:
        op.drop_index(name, table_name=table)
        op.create_index(name, table, columns)
