"""Schema migrations with Alembic: `upgrade(db)` brings a database to the newest schema.

`lanes db upgrade` and server start call it; it is safe to run from several processes
(the migration runs in one transaction, and a schema already current is left alone).
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from alembic import command
from alembic.config import Config
from sqlalchemy import Connection

from lanes.store.db import Database

_SCRIPTS = Path(__file__).with_name("migrations")


def alembic_config() -> Config:
    config = Config()
    config.set_main_option("script_location", str(_SCRIPTS))
    return config


def upgrade(db: Database, revision: str = "head") -> None:
    _migrate(db, command.upgrade, revision)


def downgrade(db: Database, revision: str) -> None:
    """Back to `revision` (for operators undoing an upgrade; lanes never calls it)."""
    _migrate(db, command.downgrade, revision)


def _migrate(db: Database, step: Callable[[Config, str], None], revision: str) -> None:
    config = alembic_config()
    with db.engine.connect() as conn:
        if db.is_sqlite:
            # a migration that rebuilds a table drops the old one: with foreign keys on,
            # that would cascade into every child row. SQLite takes this pragma only
            # outside a transaction; the rebuilds check the keys themselves.
            _foreign_keys(conn, on=False)
        try:
            with conn.begin():
                if db.is_postgres:
                    # one migrator at a time when several server processes start together
                    conn.exec_driver_sql("SELECT pg_advisory_xact_lock(7414356)")
                config.attributes["connection"] = conn
                step(config, revision)
        finally:
            if db.is_sqlite:
                _foreign_keys(conn, on=True)


def _foreign_keys(conn: Connection, on: bool) -> None:
    conn.connection.driver_connection.execute(  # type: ignore[union-attr]
        f"PRAGMA foreign_keys={'ON' if on else 'OFF'}"
    )
