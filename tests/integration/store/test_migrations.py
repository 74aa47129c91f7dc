"""The migrations build exactly the schema lanes.store.tables declares, on every backend."""

from __future__ import annotations

from pathlib import Path

import pytest
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext

from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.store import tables as t
from lanes.store.db import Database
from lanes.store.migrate import downgrade, upgrade

ADMIN = Actor("admin", admin=True)
LEAVE = Path(__file__).parents[3] / "src" / "lanes" / "samples" / "leave.bpmn"


def test_the_migrated_schema_matches_the_table_declarations(database: Database) -> None:
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        differences = compare_metadata(context, t.metadata)
    assert differences == []


def test_sqlite_keys_become_rowids_and_keep_every_row(tmp_path: Path) -> None:
    db = Database(f"sqlite:///{tmp_path / 'old.db'}")
    try:
        upgrade(db, "0003")  # a database made before 0004, with a case and its task in it
        services = Services(db)
        deployments.deploy(services, ADMIN, LEAVE.read_bytes(), "leave.bpmn")
        started = instances.start_instance(services, ADMIN, key="leave", variables={"days": 5})
        upgrade(db)
        with db.engine.connect() as conn:
            ddl = conn.exec_driver_sql(
                "SELECT sql FROM sqlite_master WHERE name = 'task'"
            ).scalar_one()
            cascades = conn.exec_driver_sql("PRAGMA foreign_keys").scalar_one()
        assert "id INTEGER NOT NULL" in ddl
        assert cascades == 1  # switched off for the rebuild only
        (task,) = started.tasks
        assert tasks.get_task(services, ADMIN, task.id) == task
        assert tasks.complete(services, ADMIN, task.id, {"days": 5}).next_tasks
        instances.delete_instance(services, ADMIN, started.instance.id)  # cascades still work
        with db.engine.connect() as conn:
            left = conn.exec_driver_sql("SELECT count(*) FROM task_candidate").scalar_one()
        assert left == 0
    finally:
        db.dispose()


def test_downgrading_past_the_rebuilds_and_back_keeps_every_row(database: Database) -> None:
    services = Services(database)
    deployments.deploy(services, ADMIN, LEAVE.read_bytes(), "leave.bpmn")
    started = instances.start_instance(services, ADMIN, key="leave", variables={"days": 5})
    downgrade(database, "0003")
    upgrade(database)
    (task,) = started.tasks
    assert tasks.get_task(Services(database), ADMIN, task.id) == task
    with database.engine.connect() as conn:
        context = MigrationContext.configure(conn, opts={"compare_type": True})
        assert compare_metadata(context, t.metadata) == []


@pytest.mark.parametrize(
    ("lookup", "index"),
    [
        ("SELECT id FROM task WHERE ended_by = 'ann' ORDER BY ended_at", "ix_task_done_by"),
        ("SELECT id FROM process_instance WHERE business_key = 'k'", "ix_instance_business_key"),
        ("SELECT id FROM process_instance WHERE parent_id = 5", "ix_instance_parent"),
        ("SELECT id FROM operation_log WHERE task_id = 5", "ix_operation_log_task"),
    ],
)
def test_partial_indexes_still_serve_their_lookups(
    database: Database, lookup: str, index: str
) -> None:
    if not database.is_sqlite:
        pytest.skip("the plan is read with SQLite's EXPLAIN QUERY PLAN")
    with database.read() as conn:
        plan = " ".join(row[3] for row in conn.exec_driver_sql(f"EXPLAIN QUERY PLAN {lookup}"))
    assert index in plan
