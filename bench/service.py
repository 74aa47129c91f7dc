"""Benchmark: the leave lifecycle through lanes' services on SQLite and PostgreSQL (never a test).

For each database it deploys bench/models/leave.bpmn, then runs N cases start to end
(fill form, then one or two approvals, history on), each command its own transaction,
and reports cases/s, task completions/s and the SQL statements per command. With
--todo it also fills a database with open tasks and times the to-do query of one user.

    python bench/service.py [--cases N] [--postgres URL] [--todo 1000000] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from collections import deque
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

from http_load import Timings, load, served
from lanes.services import deployments, instances, tasks
from lanes.services.actor import Actor
from lanes.services.context import Services
from lanes.store import tables as t
from lanes.store.db import Database
from lanes.store.migrate import upgrade

MODEL = Path(__file__).with_name("models") / "leave.bpmn"
ADMIN = Actor("admin", admin=True)


def lifecycle(
    url: str, cases: int, synchronous: str = "NORMAL", reads: bool = False, rounds: int = 3
) -> dict[str, Any]:
    """`rounds` rounds of `cases` cases, one after the other on one database; the median
    round is the result (this machine's speed moves by 10% from minute to minute)."""
    db = Database(url, synchronous=synchronous)
    upgrade(db)
    svc = Services(db)
    deployments.deploy(svc, ADMIN, MODEL.read_bytes(), "leave.bpmn")
    for i in range(20):  # warm-up: caches, prepared statements
        _one_case(svc, i, reads)
    measured = []
    for _ in range(rounds):
        commands = completions = 0
        statements = db.statements
        started = time.perf_counter()
        for i in range(cases):
            done = _one_case(svc, i, reads)
            completions += done
            commands += done + 1
        seconds = time.perf_counter() - started
        measured.append((seconds, completions, (db.statements - statements) / commands))
    db.dispose()
    seconds, completions, per_command = sorted(measured)[len(measured) // 2]
    return {
        "database": url.split("://")[0]
        + (f" synchronous={synchronous}" if "sqlite" in url else ""),
        "cases": cases,
        "seconds": round(seconds, 3),
        "cases_per_s": round(cases / seconds, 1),
        "rounds_cases_per_s": [round(cases / s) for s, _, _ in measured],
        "completions_per_s": round(completions / seconds, 1),
        "statements_per_command": round(per_command, 1),
        "client": "reads the case's open tasks after every command"
        if reads
        else "works on the tasks each command answers with",
    }


def _one_case(svc: Services, i: int, reads: bool = False) -> int:
    """One leave case; the client works on the tasks each command answers with, or with
    `reads` reads the case's open tasks after every command (one more transaction each)."""
    days = 2 if i % 2 else 5
    started = instances.start_instance(svc, ADMIN, key="leave", variables={"days": days})
    if reads:
        return _one_case_reading(svc, started.instance.id, days)
    waiting = deque(started.tasks)
    done = 0
    while waiting:
        waiting.extend(tasks.complete(svc, ADMIN, waiting.popleft().id, {"days": days}).next_tasks)
        done += 1
    return done


def _one_case_reading(svc: Services, instance_id: int, days: int) -> int:
    done = 0
    while True:
        open_tasks = tasks.instance_tasks(svc, ADMIN, instance_id, open_only=True)
        if not open_tasks:
            return done
        for task in open_tasks:
            tasks.complete(svc, ADMIN, task.id, {"days": days})
            done += 1


def todo_query(url: str, open_tasks: int, samples: int = 200) -> dict[str, Any]:
    """p50/p99 of one user's to-do page with `open_tasks` open tasks in the database."""
    db = Database(url)
    upgrade(db)
    svc = Services(db)
    deployments.deploy(svc, ADMIN, MODEL.read_bytes(), "leave.bpmn")
    definition = deployments.definition_by_key(svc, ADMIN, "leave")
    instance = instances.start_instance(svc, ADMIN, key="leave", variables={"days": 5}).instance
    now = datetime.now(UTC)
    batch = 20_000
    users = [f"user{n}" for n in range(1000)]
    groups = [f"group{n}" for n in range(200)]
    with db.write() as conn:
        for start in range(0, open_tasks, batch):
            rows, candidates = [], []
            for n in range(start, min(start + batch, open_tasks)):
                task_id = 10_000_000_000 + n
                assigned = n % 3 != 0
                rows.append(
                    {
                        "id": task_id,
                        "instance_id": instance.id,
                        "definition_id": definition.id,
                        "process_key": "leave",
                        "business_key": None,
                        "execution_id": "x",
                        "node_id": "manager_approval",
                        "name": "Manager approval",
                        "assignee": users[n % len(users)] if assigned else None,
                        "priority": 50,
                        "created_at": now - timedelta(seconds=n),
                    }
                )
                if not assigned:
                    candidates.append(
                        {
                            "task_id": task_id,
                            "kind": "group",
                            "name": groups[n % len(groups)],
                            "offered": True,
                            "created_at": rows[-1]["created_at"],
                        }
                    )
            conn.execute(t.task.insert(), rows)
            if candidates:
                conn.execute(t.task_candidate.insert(), candidates)
    if db.is_sqlite:
        with db.write() as conn:
            conn.exec_driver_sql("ANALYZE")
    else:
        with db.engine.connect().execution_options(isolation_level="AUTOCOMMIT") as conn:
            conn.exec_driver_sql("ANALYZE")
    actor = Actor("user7", frozenset({"group7", "group8"}))
    timings = []
    for _ in range(samples):
        began = time.perf_counter()
        page = tasks.todo(svc, actor, limit=20)
        timings.append((time.perf_counter() - began) * 1000)
    db.dispose()
    timings.sort()
    return {
        "database": url.split("://")[0],
        "open_tasks": open_tasks,
        "visible_to_user": page.total,
        "p50_ms": round(statistics.median(timings), 2),
        "p99_ms": round(timings[int(len(timings) * 0.99) - 1], 2),
    }


def camunda_python_lifecycle(cases: int) -> dict[str, Any]:
    """The same leave cases on camunda-python 0.1.2 in its SQL-backed mode (its `Store` on
    a SQLite file, as its documentation sets it up): every command persists there."""
    try:
        from camunda.engine import ProcessEngine
        from camunda.parser import parse_bpmn_xml
        from camunda.persistence.store import Store
    except ImportError as exc:
        return {"engine": "camunda-python", "skipped": f"not installed ({exc})"}
    with tempfile.TemporaryDirectory() as tmp:
        store = Store(f"sqlite:///{tmp}/camunda.db")
        engine = ProcessEngine(store=store)
        engine.deploy(parse_bpmn_xml(MODEL.read_text(encoding="utf-8"), source_name="leave"))

        def one_case(i: int) -> int:
            days = 2 if i % 2 else 5
            case = engine.start_process_instance_by_key("leave", {"days": days})
            done = 0
            while True:
                open_tasks = engine.create_task_query(process_instance_id=case.id)
                if not open_tasks:
                    return done
                for task in open_tasks:
                    engine.complete_task(task.id, {"days": days})
                    done += 1

        for i in range(5):  # warm-up
            one_case(i)
        started = time.perf_counter()
        completions = sum(one_case(i) for i in range(cases))
        seconds = time.perf_counter() - started
        store.close()
    return {
        "engine": "camunda-python 0.1.2, Store on SQLite",
        "cases": cases,
        "seconds": round(seconds, 3),
        "cases_per_s": round(cases / seconds, 1),
        "completions_per_s": round(completions / seconds, 1),
    }


def http_lifecycle(threads: int, seconds: float) -> dict[str, Any]:
    """Through the native API with `threads` concurrent clients: task completions alone (on
    tasks made beforehand), and the whole leave lifecycle (start, read the case's tasks,
    complete them); next to a trivial FastAPI endpoint served the same way (uvicorn, one
    process, the same client)."""
    with served("trivial_app:app", {}) as base:
        trivial = load(base, _ping, threads, seconds)
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{tmp}/http.db"
        db = Database(url)
        upgrade(db)
        svc = Services(db)
        deployments.deploy(svc, ADMIN, MODEL.read_bytes(), "leave.bpmn")
        # enough open tasks for the completion run, made through the services (not timed)
        ready = [_first_task(svc, i) for i in range(int(seconds * 1000))]
        db.dispose()
        env = {"LANES_DATABASE_URL": url, "LANES_ADMIN_TOKEN": "bench", "LANES_JOBS": "false"}
        headers = {"Authorization": "Bearer bench"}
        with served("lanes.api.app:create_app", env, factory=True) as base:
            completions = load(base, _completing(ready), threads, seconds, headers)
            lifecycle = load(base, _leave_case, threads, seconds, headers)
    return {
        "trivial_fastapi": trivial,
        "lanes_completions": completions,
        "lanes_lifecycle": lifecycle,
        "completions_vs_trivial": round(
            completions["requests_per_s"] / trivial["requests_per_s"], 3
        ),
    }


def _first_task(svc: Services, i: int) -> int:
    return instances.start_instance(svc, ADMIN, key="leave", variables={"days": 5}).tasks[0].id


def _completing(ready: list[int]) -> Any:
    def complete_one(client: Any, timings: Timings, n: int) -> None:
        try:
            task_id = ready.pop()  # list.pop is atomic: each task goes to one client
        except IndexError:
            raise RuntimeError("out of prepared tasks: raise their number") from None
        timings.request(
            client, "POST", f"/api/v1/tasks/{task_id}/complete", json={"variables": {"days": 5}}
        )

    return complete_one


def _ping(client: Any, timings: Timings, n: int) -> None:
    timings.request(client, "POST", "/ping", json={"variables": {"days": n % 7}})


def _leave_case(client: Any, timings: Timings, n: int) -> None:
    """Start a case and complete its tasks, working on what each answer lists."""
    days = 2 if n % 2 else 5
    case = timings.request(
        client,
        "POST",
        "/api/v1/process-instances",
        json={"process_key": "leave", "variables": {"days": days}},
    )
    waiting = deque(case["tasks"])
    while waiting:
        done = timings.request(
            client,
            "POST",
            f"/api/v1/tasks/{waiting.popleft()['id']}/complete",
            json={"variables": {"days": days}},
        )
        timings.mark("complete")
        waiting.extend(done["next_tasks"])


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=500, help="cases per round")
    parser.add_argument("--rounds", type=int, default=3, help="rounds; the median is reported")
    parser.add_argument("--postgres", default=os.environ.get("LANES_BENCH_POSTGRES_URL"))
    parser.add_argument("--todo", type=int, default=0, help="open tasks for the to-do query")
    parser.add_argument(
        "--camunda", type=int, default=0, help="cases on camunda-python's SQL-backed mode"
    )
    parser.add_argument("--http-threads", type=int, default=8)
    parser.add_argument("--http-seconds", type=float, default=0, help="0: no HTTP run")
    parser.add_argument("--out")
    args = parser.parse_args()
    results: dict[str, Any] = {"lifecycle": [], "todo": []}
    with tempfile.TemporaryDirectory() as tmp:
        for synchronous in ("NORMAL", "FULL"):
            url = f"sqlite:///{tmp}/bench-{synchronous}.db"
            results["lifecycle"].append(lifecycle(url, args.cases, synchronous, rounds=args.rounds))
        url = f"sqlite:///{tmp}/bench-reads.db"
        results["lifecycle"].append(lifecycle(url, args.cases, reads=True, rounds=args.rounds))
        if args.todo:
            results["todo"].append(todo_query(f"sqlite:///{tmp}/todo.db", args.todo))
    if args.postgres:
        results["lifecycle"].append(lifecycle(args.postgres, args.cases, rounds=args.rounds))
        if args.todo:
            results["todo"].append(todo_query(args.postgres, args.todo))
    if args.camunda:
        results["camunda_python"] = camunda_python_lifecycle(args.camunda)
    if args.http_seconds:
        results["http"] = http_lifecycle(args.http_threads, args.http_seconds)
    text = json.dumps(results, indent=2)
    print(text)
    if args.out:
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
