"""What the HTTP layer costs per request, apart from the command (a diagnostic, never a test).

Calls the ASGI app in-process (no sockets, no client), with the service's answer canned,
so what is timed is FastAPI and lanes' API code: routing, authentication (a remembered
token), body parsing, the answer's serialisation. Next to it, the trivial endpoint of
bench/trivial_app.py the same way. Two request threads, as the server uses on SQLite here.

    python bench/http_layer.py [--requests 5000]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from anyio import to_thread

NOW = datetime.now(UTC)


def _canned_services() -> None:
    from lanes.services import tasks
    from lanes.services.views import Completed, Page, TaskView

    def view(i: int) -> TaskView:
        return TaskView(
            i, 1, 2, "leave", None, "n", "Name", None, None, None, None, 50, None, NOW,
            None, None, None, None, [], ["managers"],
        )  # fmt: skip

    completed = Completed(view(1), [view(2), view(3)])
    page = Page([view(i) for i in range(20)], 4000, 0, 20)
    tasks.complete = lambda *a, **k: completed  # type: ignore[assignment]
    tasks.todo = lambda *a, **k: page  # type: ignore[assignment]


async def _time(app: Any, method: str, path: str, body: bytes, requests: int) -> float:
    headers = [(b"host", b"x"), (b"authorization", b"Bearer bench")]
    if body:
        headers += [(b"content-type", b"application/json"), (b"content-length", b"%d" % len(body))]
    scope = {
        "type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method,
        "scheme": "http", "path": path, "raw_path": path.encode(), "root_path": "",
        "query_string": b"", "headers": headers, "client": ("127.0.0.1", 1),
        "server": ("127.0.0.1", 80),
    }  # fmt: skip

    async def one() -> None:
        async def receive() -> dict[str, Any]:
            return {"type": "http.request", "body": body, "more_body": False}

        async def send(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                assert message["status"] == 200, message

        await app(dict(scope), receive, send)

    async with app.router.lifespan_context(app):
        to_thread.current_default_thread_limiter().total_tokens = 2
        for _ in range(requests // 10):  # warm-up
            await one()
        started = time.perf_counter()
        for _ in range(requests):
            await one()
        return (time.perf_counter() - started) / requests * 1e6


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--requests", type=int, default=5000)
    args = parser.parse_args()
    os.environ.update(
        LANES_DATABASE_URL=f"sqlite:///{tempfile.mkdtemp()}/layer.db",
        LANES_ADMIN_TOKEN="bench",
        LANES_JOBS="false",
    )
    _canned_services()
    from lanes.api.app import create_app
    from trivial_app import app as trivial

    lanes = create_app()
    body = b'{"variables": {"days": 5}}'
    runs = {
        "trivial POST /ping": (trivial, "POST", "/ping", body),
        "lanes POST /api/v1/tasks/5/complete": (lanes, "POST", "/api/v1/tasks/5/complete", body),
        "lanes GET /api/v1/tasks (20 tasks)": (lanes, "GET", "/api/v1/tasks", b""),
    }
    for name, (app, method, path, sent) in runs.items():
        micros = asyncio.run(_time(app, method, path, sent, args.requests))
        print(f"{name}: {micros:.0f} µs per request")
    return 0


if __name__ == "__main__":
    sys.exit(main())
