"""What finding a request's route costs, by dialect (a diagnostic, never a test).

Calls the ASGI app in-process with no credentials, so each request is routed and then
refused (401), or not found (404/405), without touching the database: what differs
between paths is FastAPI's matching, the thing `api/prefix_router.py` cuts down.

    python bench/routing.py [--requests 2000] [PATH ...]
"""

from __future__ import annotations

import argparse
import asyncio
import time
from typing import Any

DEFAULT_PATHS = [
    "/api/v1/tasks",
    "/api/v1/no-such-thing",
    "/csciwws/v1/work-item/1/2",
    "/ibps/platform/v3/form/rights/get",
    "/todo-task/list",
    "/activity-task/no-such-thing",
    "/no-such-thing",
]


async def _call(app: Any, path: str) -> int:
    scope = {
        "type": "http",
        "method": "GET",
        "path": path,
        "raw_path": path.encode(),
        "query_string": b"",
        "headers": [(b"host", b"bench")],
        "root_path": "",
        "scheme": "http",
        "server": ("bench", 80),
        "client": ("bench", 1),
        "http_version": "1.1",
    }

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    status: list[int] = []

    async def send(message: dict[str, Any]) -> None:
        if message["type"] == "http.response.start":
            status.append(message["status"])

    await app(scope, receive, send)
    return status[0]


async def _time(app: Any, paths: list[str], requests: int) -> None:
    for path in paths:
        status = await _call(app, path)  # warm up, and show what the path answers
        started = time.perf_counter()
        for _ in range(requests):
            await _call(app, path)
        micros = 1e6 * (time.perf_counter() - started) / requests
        print(f"GET {path} -> {status}: {micros:.0f} µs per request")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=2000)
    parser.add_argument("paths", nargs="*", default=DEFAULT_PATHS)
    args = parser.parse_args()
    from lanes.api.app import create_app
    from lanes.services.context import Services
    from lanes.store.db import Database
    from lanes.store.migrate import upgrade

    db = Database("sqlite://")
    upgrade(db)
    try:
        asyncio.run(_time(create_app(services=Services(db)), args.paths, args.requests))
    finally:
        db.dispose()


if __name__ == "__main__":
    main()
