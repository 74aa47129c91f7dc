"""Settings from the environment and command-line flags. Nothing is created at import time."""

from __future__ import annotations

import os
from dataclasses import dataclass, replace
from typing import Any, Literal

Synchronous = Literal["NORMAL", "FULL"]


@dataclass(frozen=True)
class Settings:
    database_url: str = "sqlite:///lanes.db"
    admin_token: str | None = None
    host: str = "127.0.0.1"
    port: int = 8080
    workers: int = 1
    jobs: bool = True
    sqlite_synchronous: Synchronous = "NORMAL"
    job_poll_seconds: float = 1.0
    # threads that run requests in a server process; None: one on SQLite (one writer at
    # a time), anyio's 40 on PostgreSQL
    threads: int | None = None

    @classmethod
    def from_env(cls, **overrides: Any) -> Settings:
        """LANES_* environment variables, then explicit overrides (flags) that are not None."""
        env = os.environ
        settings = cls(
            database_url=env.get("LANES_DATABASE_URL", cls.database_url),
            admin_token=env.get("LANES_ADMIN_TOKEN") or None,
            host=env.get("LANES_HOST", cls.host),
            port=int(env.get("LANES_PORT", cls.port)),
            workers=int(env.get("LANES_WORKERS", cls.workers)),
            jobs=env.get("LANES_JOBS", "true").lower() not in ("0", "false", "no"),
            sqlite_synchronous="FULL"
            if env.get("LANES_SQLITE_SYNCHRONOUS", "").upper() == "FULL"
            else "NORMAL",
            threads=int(env["LANES_THREADS"]) if env.get("LANES_THREADS") else None,
        )
        return replace(settings, **{k: v for k, v in overrides.items() if v is not None})
