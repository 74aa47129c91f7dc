"""candidate rows carry offered and created_at, for index-only to-do lists

Revision ID: 0002
Revises: 0001
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0002"
down_revision = "0001"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("task_candidate", schema=None) as batch_op:
        batch_op.add_column(
            sa.Column("offered", sa.Boolean(), nullable=False, server_default=sa.true())
        )
        batch_op.add_column(sa.Column("created_at", sa.DateTime(timezone=True), nullable=True))
        batch_op.drop_index("ix_candidate_lookup")
        batch_op.create_index(
            "ix_candidate_offered",
            ["kind", "name", "offered", "created_at", "task_id"],
            unique=False,
        )
    # existing rows: copy the task's state (rows of ended tasks are deleted already)
    op.execute(
        "UPDATE task_candidate SET "
        "created_at = (SELECT task.created_at FROM task WHERE task.id = task_candidate.task_id), "
        "offered = (SELECT task.assignee IS NULL FROM task WHERE task.id = task_candidate.task_id)"
    )


def downgrade() -> None:
    with op.batch_alter_table("task_candidate", schema=None) as batch_op:
        batch_op.drop_index("ix_candidate_offered")
        batch_op.create_index("ix_candidate_lookup", ["kind", "name", "task_id"], unique=False)
        batch_op.drop_column("created_at")
        batch_op.drop_column("offered")
