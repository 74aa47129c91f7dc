"""Benchmark: the Activiti dialect over real HTTP (never a test).

Starts lanes (uvicorn, in a thread of this process) on a fresh SQLite file, then:

- lifecycle: `--clients` threads, each with its own httpx client, run leave cases start
  to end through `POST /activity-task` and `POST /todo-task/{id}/complete` (the tasks a
  completion opens come back in `nextTasks`); requests/s, cases/s, p50/p99 per request;
- diagram: an instance of the largest model of ../shared/corpus (most flow nodes), drawn
  through `GET /activity-task/{id}/diagram` (`--renders` times): ms per request, and
  the renderer alone (lanes.diagram.render_svg) for comparison.

It measures and prints JSON; it asserts nothing.

    python bench/activiti_http.py [--cases 200] [--clients 4] [--renders 30] [--out FILE]
"""

from __future__ import annotations

import argparse
import json
import os
import socket
import statistics
import sys
import tempfile
import threading
import time
from collections import defaultdict
from pathlib import Path
from typing import Any

import httpx
import uvicorn

from lanes.api.app import create_app
from lanes.bpmn import BpmnError, parse
from lanes.config import Settings
from lanes.diagram import render_svg

MODEL = Path(__file__).with_name("models") / "leave.bpmn"
CORPUS = Path(__file__).resolve().parents[2] / "shared" / "corpus"
TOKEN = "bench-admin-token"
HEADERS = {"Authorization": f"Bearer {TOKEN}"}


def _free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        port: int = s.getsockname()[1]
        return port


class Server:
    """uvicorn serving lanes in a background thread."""

    def __init__(self, database_url: str) -> None:
        settings = Settings(database_url=database_url, admin_token=TOKEN, jobs=False)
        self.port = _free_port()
        config = uvicorn.Config(
            create_app(settings), host="127.0.0.1", port=self.port, log_level="warning"
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)

    def __enter__(self) -> str:
        self.thread.start()
        deadline = time.monotonic() + 30
        while not self.server.started:
            if time.monotonic() > deadline or not self.thread.is_alive():
                raise RuntimeError("the server did not start")
            time.sleep(0.05)
        return f"http://127.0.0.1:{self.port}"

    def __exit__(self, *exc: object) -> None:
        self.server.should_exit = True
        self.thread.join(timeout=30)


def _percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def _ok(response: httpx.Response) -> Any:
    if response.status_code != 200:
        raise RuntimeError(f"{response.request.method} {response.request.url}: {response.text}")
    return response.json()["data"]


def lifecycle(base: str, cases: int, clients: int) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as client:
        _ok(client.post("/models", json={"bpmnXml": MODEL.read_text(), "name": "leave"}))
        for i in range(10):  # warm-up
            _one_case(client, i, defaultdict(list))
    timings: dict[str, list[float]] = defaultdict(list)
    lock = threading.Lock()
    counter = iter(range(cases))
    failures: list[str] = []

    def work() -> None:
        mine: dict[str, list[float]] = defaultdict(list)
        with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as client:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    break
                try:
                    _one_case(client, i, mine)
                except RuntimeError as exc:
                    failures.append(str(exc))
        with lock:
            for kind, values in mine.items():
                timings[kind].extend(values)

    threads = [threading.Thread(target=work) for _ in range(clients)]
    started = time.perf_counter()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    seconds = time.perf_counter() - started
    every = [v for values in timings.values() for v in values]
    return {
        "cases": cases,
        "clients": clients,
        "seconds": round(seconds, 3),
        "requests": len(every),
        "requests_per_s": round(len(every) / seconds, 1),
        "cases_per_s": round(cases / seconds, 1),
        "p50_ms": round(statistics.median(every) * 1000, 2),
        "p99_ms": round(_percentile(every, 0.99) * 1000, 2),
        "by_request": {
            kind: {
                "count": len(values),
                "p50_ms": round(statistics.median(values) * 1000, 2),
                "p99_ms": round(_percentile(values, 0.99) * 1000, 2),
            }
            for kind, values in sorted(timings.items())
        },
        "failures": failures[:5],
    }


def _one_case(client: httpx.Client, i: int, timings: dict[str, list[float]]) -> None:
    body = {"processId": "leave", "businessKey": f"case-{i}", "variables": {"days": i % 6 + 1}}
    t0 = time.perf_counter()
    case = _ok(client.post("/activity-task", json=body))
    timings["POST /activity-task"].append(time.perf_counter() - t0)
    pending = [task["id"] for task in case.get("tasks", [])]
    while pending:
        task_id = pending.pop()
        t0 = time.perf_counter()
        done = _ok(client.post(f"/todo-task/{task_id}/complete", json={"comment": "ok"}))
        timings["POST /todo-task/{id}/complete"].append(time.perf_counter() - t0)
        pending.extend(task["id"] for task in done.get("nextTasks", []))


def _largest_models() -> list[Path]:
    """Corpus files that parse, most flow nodes first (then the bigger file)."""
    found = []
    for path in CORPUS.rglob("*"):
        if path.suffix not in (".bpmn", ".xml") or not path.is_file():
            continue
        try:
            definitions = parse(path.read_bytes())
        except BpmnError:  # the corpus holds files lanes refuses on purpose
            continue
        nodes = sum(len(m.nodes) for m in definitions.processes.values())
        found.append((nodes, path.stat().st_size, path))
    return [path for _, _, path in sorted(found, key=lambda f: (f[0], f[1]), reverse=True)]


def _started_case(client: httpx.Client) -> tuple[Path, str]:
    """An instance of the largest corpus model that deploys and starts."""
    for path in _largest_models():
        deployed = client.post("/models", files={"file": (path.name, path.read_bytes())})
        if deployed.status_code != 200:
            continue
        definition = deployed.json()["data"]["processDefinitions"][0]
        case = client.post("/activity-task", json={"processId": definition["id"]})
        if case.status_code == 200:
            return path, case.json()["data"]["procInstId"]
    raise RuntimeError("no corpus model could be started")


def diagram(base: str, renders: int) -> dict[str, Any]:
    with httpx.Client(base_url=base, headers=HEADERS, timeout=60) as client:
        path, instance = _started_case(client)
        xml = path.read_bytes()
        url = f"/activity-task/{instance}/diagram"
        _ok(client.get(url))  # warm-up
        times = []
        size = 0
        for _ in range(renders):
            t0 = time.perf_counter()
            data = _ok(client.get(url))
            times.append(time.perf_counter() - t0)
            size = len(data["diagramResource"])
    definitions = parse(xml)
    render_times = []
    for _ in range(renders):
        t0 = time.perf_counter()
        render_svg(definitions, active=["x"], completed=["y"])
        render_times.append(time.perf_counter() - t0)
    return {
        "model": str(path.relative_to(CORPUS)),
        "model_bytes": len(xml),
        "flow_nodes": sum(len(m.nodes) for m in definitions.processes.values()),
        "renders": renders,
        "http_mean_ms": round(statistics.fmean(times) * 1000, 2),
        "http_p99_ms": round(_percentile(times, 0.99) * 1000, 2),
        "render_svg_mean_ms": round(statistics.fmean(render_times) * 1000, 2),
        "data_uri_chars": size,
    }


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--cases", type=int, default=200)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--renders", type=int, default=30)
    parser.add_argument("--out")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        url = f"sqlite:///{os.path.join(tmp, 'bench.db')}"
        with Server(url) as base:
            result = {
                "python": sys.version.split()[0],
                "database": "sqlite",
                "lifecycle": lifecycle(base, args.cases, args.clients),
                "diagram": diagram(base, args.renders),
            }
    text = json.dumps(result, indent=2)
    print(text)
    if args.out:
        Path(args.out).parent.mkdir(parents=True, exist_ok=True)
        Path(args.out).write_text(text + "\n")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
