"""Pages a command writes to SQLite's WAL, by table and index (a diagnostic, never a test).

Runs some leave cases, then starts 50 and completes 20 of them with checkpoints off,
reading the page number of every WAL frame written and naming its B-tree with `dbstat`.

    python bench/wal_pages.py
"""

from __future__ import annotations

import collections
import os
import sqlite3
import struct
import sys
import tempfile

import service
from lanes.services import deployments, instances, tasks
from lanes.services.context import Services
from lanes.store.db import Database
from lanes.store.migrate import upgrade

PAGE = 4096


def frames(wal: str) -> list[int]:
    """The page number of each frame in the WAL file."""
    if not os.path.exists(wal):
        return []
    with open(wal, "rb") as f:
        data = f.read()
    return [
        struct.unpack(">I", data[offset : offset + 4])[0]
        for offset in range(32, len(data) - 24, 24 + PAGE)
    ]


def report(path: str, label: str, written: list[int], commands: int) -> None:
    names = dict(sqlite3.connect(path).execute("SELECT pageno, name FROM dbstat").fetchall())
    by_tree = collections.Counter(names.get(page, "(new page)") for page in written)
    print(f"{label}: {len(written) / commands:.1f} pages per command")
    for tree, pages in by_tree.most_common():
        print(f"  {pages / commands:5.2f}  {tree}")


def main() -> int:
    tmp = tempfile.mkdtemp()
    path = f"{tmp}/wal.db"
    db = Database(f"sqlite:///{path}")
    upgrade(db)
    svc = Services(db)
    deployments.deploy(svc, service.ADMIN, service.MODEL.read_bytes(), "leave.bpmn")
    for i in range(300):
        service._one_case(svc, i)
    with db.write() as conn:  # this thread's connection: checkpoints off from here on
        raw = conn.connection.driver_connection
    raw.execute("PRAGMA wal_checkpoint(TRUNCATE)")
    raw.execute("PRAGMA wal_autocheckpoint=0")
    wal = path + "-wal"
    before = len(frames(wal))
    started = [
        instances.start_instance(svc, service.ADMIN, key="leave", variables={"days": 5})
        for _ in range(50)
    ]
    report(path, "start", frames(wal)[before:], len(started))
    before = len(frames(wal))
    for case in started[:20]:
        tasks.complete(svc, service.ADMIN, case.tasks[0].id, {"days": 5})
    report(path, "complete (opens two tasks)", frames(wal)[before:], 20)
    db.dispose()
    return 0


if __name__ == "__main__":
    sys.exit(main())
