"""forms and field rights

Revision ID: 0003
Revises: 0002
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "form_definition",
        sa.Column("key", sa.String(length=128), nullable=False),
        sa.Column("name", sa.String(length=255), nullable=False),
        sa.Column("definition", sa.Text(), nullable=False),
        sa.Column("updated_at", sa.DateTime(timezone=True), nullable=False),
        sa.Column("updated_by", sa.String(length=64), nullable=True),
        sa.PrimaryKeyConstraint("key"),
    )
    op.create_table(
        "form_rights",
        sa.Column("form_key", sa.String(length=128), nullable=False),
        sa.Column("flow_key", sa.String(length=255), nullable=False),
        sa.Column("node_id", sa.String(length=255), nullable=False),
        sa.Column("parent_flow_key", sa.String(length=255), nullable=False),
        sa.Column("field", sa.String(length=257), nullable=False),
        sa.Column("rules", sa.Text(), nullable=False),
        sa.PrimaryKeyConstraint("form_key", "flow_key", "node_id", "parent_flow_key", "field"),
    )
    op.create_index("ix_form_rights_flow", "form_rights", ["flow_key"], unique=False)


def downgrade() -> None:
    op.drop_index("ix_form_rights_flow", table_name="form_rights")
    op.drop_table("form_rights")
    op.drop_table("form_definition")
