"""`create_app()`: the ASGI application, wired from Settings. Nothing happens at import.

It opens the database (unless `services` are handed in), brings the schema up to date,
seeds the admin user from `LANES_ADMIN_TOKEN`, and mounts each API dialect on its own
base path. The only place in `lanes.api` that touches the store: `Database` and
`upgrade`, to wire them.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from anyio import to_thread
from fastapi import FastAPI

from lanes import __version__
from lanes.api import activiti, cosminexus, deps, errors, ibps, native
from lanes.api.body_limit import BodySizeLimit
from lanes.api.prefix_router import PrefixRouter
from lanes.config import Settings
from lanes.jobs import JobExecutor
from lanes.services import identity
from lanes.services.context import Services
from lanes.store.db import Database
from lanes.store.migrate import upgrade

__all__ = ["MAX_BODY_BYTES", "create_app"]

MAX_BODY_BYTES = 12 * 1024 * 1024  # a BPMN file may be 10 MB (the parser's own limit)

_DESCRIPTION = """\
lanes is a BPMN 2.0 workflow engine and approval server.

The **native API** lives under `/api/v1`. Its fields and query parameters are
**snake_case**, as lanes' services name them. Authenticate with an API token:
`Authorization: Bearer <token>`, `X-Authorization-access_token: <token>`, or HTTP
Basic with your user id and a token as the password.

Every error is JSON: `{"error": {"code", "message", "details"}}`.
"""


def _dialects() -> list[tuple[str, PrefixRouter]]:
    """Each API dialect's router and the base path it is mounted on.

    The activiti (`/activity-task`, `/models`, `/todo-task`: prefix ""), cosminexus
    (`/csciwws/v1`) and ibps (`/ibps`) dialects join here, one line each, from their own
    packages `lanes.api.<dialect>`; dialects never import each other.
    """
    return [
        (native.MOUNT, native.router),
        ("/csciwws/v1", cosminexus.router),
        ("/ibps", ibps.router),
        ("", activiti.router),
    ]


def _threads(settings: Settings, services: Services) -> int:
    """How many requests run at once in this process's thread pool. On SQLite one: the
    commands queue for the one write lock anyway, and the process runs Python on one
    core at a time, so a second request thread only hands the interpreter lock back and
    forth with the first (completions over HTTP ran about 10% faster on one thread than
    on two, and 10-20% slower on anyio's 40; docs/decisions.md). More processes
    (`--workers`) use more cores. PostgreSQL waits on the network, where threads help."""
    if settings.threads is not None:
        return max(1, settings.threads)
    if services.db.is_sqlite:
        return 1
    return 40


def create_app(settings: Settings | None = None, services: Services | None = None) -> FastAPI:
    """The lanes server application.

    Args:
        settings: where the database is and the admin token; from the environment when
            None.
        services: use these (and their database, as it is) instead of opening
            `settings.database_url`; the caller then owns that database.
    """
    settings = settings or Settings.from_env()
    owned: Database | None = None
    if services is None:
        owned = Database(settings.database_url, settings.sqlite_synchronous)
        try:
            upgrade(owned)
        except BaseException:
            owned.dispose()
            raise
        services = Services(owned)
    if settings.admin_token:
        identity.ensure_admin(services, settings.admin_token)

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        to_thread.current_default_thread_limiter().total_tokens = _threads(settings, services)
        # one executor per server process while it serves; jobs are locked per row, so
        # several processes share the work
        executor = JobExecutor(services, settings.job_poll_seconds) if settings.jobs else None
        if executor is not None:
            executor.start()
        try:
            yield
        finally:
            if executor is not None:
                executor.stop()
            if owned is not None:
                owned.dispose()

    app = FastAPI(
        title="lanes",
        version=__version__,
        description=_DESCRIPTION,
        docs_url="/docs",
        redoc_url=None,
        openapi_url="/openapi.json",
        lifespan=lifespan,
    )
    app.state.settings = settings
    app.state.services = services
    errors.install(app)
    app.add_middleware(BodySizeLimit, max_bytes=MAX_BODY_BYTES)
    for prefix, router in _dialects():
        # each dialect turns away paths outside its roots at once (api/prefix_router.py)
        assert all(root.startswith(prefix) for root in router.roots), router.roots
        app.include_router(router, prefix=prefix)
    _document_security(app)
    return app


def _document_security(app: FastAPI) -> None:
    """Every operation in the OpenAPI document takes a token (`get_actor` reads the
    headers itself, so FastAPI cannot see the schemes): list them once for all."""
    build = app.openapi

    def openapi() -> dict[str, Any]:
        schema = build()
        if "security" not in schema:
            schema.setdefault("components", {})["securitySchemes"] = deps.SECURITY_SCHEMES
            schema["security"] = [{name: []} for name in deps.SECURITY_SCHEMES]
        return schema

    app.openapi = openapi  # type: ignore[method-assign]
