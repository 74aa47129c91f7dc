"""The database schema: SQLAlchemy Core tables, one MetaData for all of them.

One row per process instance holds the engine's state document and a version for
optimistic locking; every other table is a projection that queries need (runtime tasks
with their candidates, jobs, subscriptions, external tasks) or history (activities,
task instances, comments, the operation log). Tasks are one table for open and finished
ones: `ended_at IS NULL` is the to-do list, so completing a task is one UPDATE.
Ids are 64-bit integers from `ids.py`; times are timezone-aware.
"""

from __future__ import annotations

from datetime import UTC, datetime
from typing import Any

from sqlalchemy import (
    JSON,
    BigInteger,
    Boolean,
    Column,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    MetaData,
    String,
    Table,
    Text,
    TypeDecorator,
    UniqueConstraint,
    text,
    true,
)

metadata = MetaData()


class UtcDateTime(TypeDecorator[datetime]):
    """Aware datetimes in and out, on every database: SQLite keeps no zone, so values are
    stored in UTC and read back as UTC."""

    impl = DateTime(timezone=True)
    cache_ok = True

    def process_bind_param(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)

    def process_result_value(self, value: datetime | None, dialect: Any) -> datetime | None:
        if value is None:
            return None
        if value.tzinfo is None:
            return value.replace(tzinfo=UTC)
        return value.astimezone(UTC)


_Time = UtcDateTime()


def _where(condition: str) -> dict[str, Any]:
    """A partial index, on both databases. Rows the index leaves out cost no write to it:
    an index of a column that is mostly NULL (a business key, a parent, who ended a task
    that is still open) would otherwise take an entry, and a page write, for every row."""
    return {"sqlite_where": text(condition), "postgresql_where": text(condition)}


_Id = BigInteger
# A row's own id. On SQLite a key declared exactly INTEGER is the table's rowid (64-bit
# there too); a BIGINT key would be a second B-tree beside it, written on every insert
# and searched on every lookup.
_Key = BigInteger().with_variant(Integer(), "sqlite")

id_block = Table(
    "id_block",
    metadata,
    Column("name", String(32), primary_key=True),
    Column("next_value", _Id, nullable=False),
)

# -- identity ---------------------------------------------------------------------------

user = Table(
    "lanes_user",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("email", String(255)),
    Column("admin", Boolean, nullable=False, default=False),
    Column("created_at", _Time, nullable=False),
)

group = Table(
    "lanes_group",
    metadata,
    Column("id", String(64), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("type", String(16), nullable=False),  # role | org | position
    Column("parent_id", String(64), ForeignKey("lanes_group.id")),
)

membership = Table(
    "membership",
    metadata,
    Column(
        "user_id", String(64), ForeignKey("lanes_user.id", ondelete="CASCADE"), primary_key=True
    ),
    Column(
        "group_id", String(64), ForeignKey("lanes_group.id", ondelete="CASCADE"), primary_key=True
    ),
    Index("ix_membership_group", "group_id"),
)

token = Table(
    "api_token",
    metadata,
    Column("hash", String(64), primary_key=True),  # sha256 of the token: never the token
    Column("user_id", String(64), ForeignKey("lanes_user.id", ondelete="CASCADE"), nullable=False),
    Column("created_at", _Time, nullable=False),
    Index("ix_api_token_user", "user_id"),
)

# -- definitions ------------------------------------------------------------------------

deployment = Table(
    "deployment",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("name", String(255)),
    Column("deployed_at", _Time, nullable=False),
    Column("deployed_by", String(64)),
)

definition = Table(
    "process_definition",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("key", String(255), nullable=False),
    Column("version", Integer, nullable=False),
    Column("name", String(255)),
    Column("deployment_id", _Id, ForeignKey("deployment.id", ondelete="CASCADE"), nullable=False),
    Column("resource_name", String(255), nullable=False),
    Column("resource", LargeBinary, nullable=False),
    Column("checksum", String(64), nullable=False),
    Column("suspended", Boolean, nullable=False, default=False),
    Column("starter_users", JSON, nullable=False, default=list),
    Column("starter_groups", JSON, nullable=False, default=list),
    Column("created_at", _Time, nullable=False),
    UniqueConstraint("key", "version", name="uq_definition_key_version"),
)

# -- runtime and history ----------------------------------------------------------------

instance = Table(
    "process_instance",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("definition_id", _Id, ForeignKey("process_definition.id"), nullable=False),
    Column("process_key", String(255), nullable=False),
    Column("business_key", String(255)),
    Column("state", Text),  # the engine's JSON document; NULL once history is all that is left
    Column("version", Integer, nullable=False),
    Column("status", String(16), nullable=False),  # active | completed | terminated
    Column("suspended", Boolean, nullable=False, default=False),
    Column("started_at", _Time, nullable=False),
    Column("started_by", String(64)),
    Column("ended_at", _Time),
    Column("end_node", String(255)),
    Column("end_reason", String(255)),
    Column("parent_id", _Id),
    Column("parent_execution", String(64)),
    Column("flows_taken", Text),  # JSON list of sequence flow ids, for the diagram
    Index("ix_instance_definition", "definition_id"),
    Index("ix_instance_business_key", "business_key", **_where("business_key IS NOT NULL")),
    Index("ix_instance_started_by", "started_by"),
    Index("ix_instance_parent", "parent_id", **_where("parent_id IS NOT NULL")),
)

task = Table(
    "task",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column(
        "instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False
    ),
    Column("definition_id", _Id, nullable=False),
    Column("process_key", String(255), nullable=False),
    Column("business_key", String(255)),
    Column("execution_id", String(64), nullable=False),
    Column("node_id", String(255), nullable=False),
    Column("name", String(255)),
    Column("assignee", String(255)),
    Column("owner", String(255)),
    Column("delegation", String(16)),  # pending | resolved
    Column("form_key", String(255)),
    Column("priority", Integer, nullable=False, default=50),
    Column("due_at", _Time),
    Column("created_at", _Time, nullable=False),
    Column("claimed_at", _Time),
    Column("ended_at", _Time),
    Column("ended_by", String(255)),
    Column("end_reason", String(255)),  # completed | cancelled | withdrawn | returned | ...
    Column("outcome", String(64)),
    Index("ix_task_instance", "instance_id"),
    Index("ix_task_open_assignee", "assignee", "created_at", **_where("ended_at IS NULL")),
    Index("ix_task_done_by", "ended_by", "ended_at", **_where("ended_by IS NOT NULL")),
)

task_candidate = Table(
    "task_candidate",
    metadata,
    Column("task_id", _Id, ForeignKey("task.id", ondelete="CASCADE"), primary_key=True),
    Column("kind", String(8), primary_key=True),  # user | group
    Column("name", String(255), primary_key=True),
    # copies of the task's state, so a to-do list is counted and paged from this index
    # alone: offered = the task is open and unassigned (claiming clears it, unclaiming
    # sets it again; rows of ended tasks are deleted)
    Column("offered", Boolean, nullable=False, default=True, server_default=true()),
    Column("created_at", _Time),
    Index("ix_candidate_offered", "kind", "name", "offered", "created_at", "task_id"),
)

activity = Table(
    "activity",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column(
        "instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False
    ),
    Column("execution_id", String(64), nullable=False),
    Column("node_id", String(255), nullable=False),
    Column("kind", String(64), nullable=False),
    Column("name", String(255)),
    Column("started_at", _Time, nullable=False),
    Column("ended_at", _Time),
    Column("canceled", Boolean, nullable=False, default=False),
    Index("ix_activity_instance", "instance_id", "execution_id"),
)

job = Table(
    "job",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE")),
    Column("definition_id", _Id),
    Column("engine_job_id", String(64)),  # the id the engine gave it; NULL for timer starts
    Column("kind", String(16), nullable=False),  # timer | async | start-timer
    Column("node_id", String(255), nullable=False),
    Column("due_at", _Time, nullable=False),
    Column("lock_owner", String(64)),
    Column("lock_expires_at", _Time),
    Column("retries", Integer, nullable=False, default=3),
    Column("error", Text),
    Index("ix_job_due", "due_at"),
    Index("ix_job_instance", "instance_id"),
)

subscription = Table(
    "subscription",
    metadata,
    Column("id", String(64), primary_key=True),  # instance id + engine id: unique
    Column(
        "instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False
    ),
    Column("kind", String(16), nullable=False),  # message | signal | conditional
    Column("name", String(255)),
    Column("node_id", String(255), nullable=False),
    Column("business_key", String(255)),
    Index("ix_subscription_name", "kind", "name"),
    Index("ix_subscription_instance", "instance_id"),
)

external_task = Table(
    "external_task",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column(
        "instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE"), nullable=False
    ),
    Column("engine_id", String(64), nullable=False),
    Column("topic", String(255), nullable=False),
    Column("node_id", String(255), nullable=False),
    Column("worker_id", String(255)),
    Column("lock_expires_at", _Time),
    Column("retries", Integer),
    Column("error_message", Text),
    Column("created_at", _Time, nullable=False),
    Index("ix_external_task_topic", "topic"),
    Index("ix_external_task_instance", "instance_id"),
)

incident = Table(
    "incident",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE")),
    Column("engine_id", String(64)),
    Column("node_id", String(255)),
    Column("kind", String(32), nullable=False),  # engine | job | external-task
    Column("message", Text, nullable=False),
    Column("created_at", _Time, nullable=False),
    Column("resolved_at", _Time),
    Index("ix_incident_instance", "instance_id"),
)

comment = Table(
    "comment",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("task_id", _Id),
    Column("instance_id", _Id, ForeignKey("process_instance.id", ondelete="CASCADE")),
    Column("user_id", String(64)),
    Column("kind", String(16), nullable=False, default="comment"),  # comment | urge | cc
    Column("message", Text, nullable=False),
    Column("created_at", _Time, nullable=False),
    Index("ix_comment_task", "task_id"),
    Index("ix_comment_instance", "instance_id"),
)

operation_log = Table(
    "operation_log",
    metadata,
    Column("id", _Key, primary_key=True, autoincrement=False),
    Column("user_id", String(64)),
    Column("operation", String(64), nullable=False),
    Column("task_id", _Id),
    Column("instance_id", _Id),
    Column("details", JSON),
    Column("user_description", Text),
    Column("at", _Time, nullable=False),
    Index("ix_operation_log_instance", "instance_id"),
    Index("ix_operation_log_task", "task_id", **_where("task_id IS NOT NULL")),
)

# -- forms and field rights ---------------------------------------------------------------

form = Table(
    "form_definition",
    metadata,
    Column("key", String(128), primary_key=True),
    Column("name", String(255), nullable=False),
    Column("definition", Text, nullable=False),  # JSON: the tables and their fields
    Column("updated_at", _Time, nullable=False),
    Column("updated_by", String(64)),
)

# one row per field and scope; '' stands for an absent flow key, node id or parent key,
# so that the primary key covers every scope
form_rights = Table(
    "form_rights",
    metadata,
    Column("form_key", String(128), primary_key=True),
    Column("flow_key", String(255), primary_key=True),
    Column("node_id", String(255), primary_key=True),
    Column("parent_flow_key", String(255), primary_key=True),
    Column("field", String(257), primary_key=True),  # name, or table.name in a sub-table
    Column("rules", Text, nullable=False),  # JSON: {read, edit, required, hide}
    Index("ix_form_rights_flow", "flow_key"),
)

__all__ = [
    "activity",
    "comment",
    "definition",
    "deployment",
    "external_task",
    "form",
    "form_rights",
    "group",
    "id_block",
    "incident",
    "instance",
    "job",
    "membership",
    "metadata",
    "operation_log",
    "subscription",
    "task",
    "task_candidate",
    "token",
    "user",
]
