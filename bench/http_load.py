"""What the HTTP benchmarks share: a server in a subprocess, and a concurrent client.

`served(...)` runs uvicorn on a free port until the block ends; `load(...)` runs one
client per thread, each repeating a scenario against it for a fixed time, and reports
requests/s and latency percentiles of every request made. Never a test.
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

HERE = Path(__file__).resolve().parent


@dataclass
class Timings:
    """What one client thread saw."""

    latencies_ms: list[float] = field(default_factory=list)
    units: int = 0  # scenario repetitions finished (cases, pings)
    failures: int = 0
    marks: dict[str, int] = field(default_factory=dict)  # counted by the scenario

    def mark(self, what: str) -> None:
        self.marks[what] = self.marks.get(what, 0) + 1

    def request(self, client: httpx.Client, method: str, url: str, **kwargs: Any) -> Any:
        began = time.perf_counter()
        response = client.request(method, url, **kwargs)
        self.latencies_ms.append((time.perf_counter() - began) * 1000)
        if response.status_code >= 400:
            self.failures += 1
            raise RuntimeError(f"{method} {url}: {response.status_code} {response.text[:200]}")
        return response.json() if response.content else None


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@contextmanager
def served(target: str, env: dict[str, str], factory: bool = False) -> Iterator[str]:
    """uvicorn serving `target` ("module:attr") in a subprocess; yields its base URL."""
    port = free_port()
    command = [sys.executable, "-m", "uvicorn", target, "--port", str(port), "--no-access-log"]
    command += ["--log-level", "warning"] + (["--factory"] if factory else [])
    process = subprocess.Popen(command, env={**os.environ, **env}, cwd=HERE)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 30
        while time.monotonic() < deadline:
            try:
                httpx.get(base + "/openapi.json", timeout=1)
                break
            except httpx.TransportError:
                time.sleep(0.1)
        else:
            raise RuntimeError(f"{target} did not start")
        yield base
    finally:
        process.terminate()
        process.wait(10)


def load(
    base: str,
    scenario: Callable[[httpx.Client, Timings, int], None],
    threads: int,
    seconds: float,
    headers: dict[str, str] | None = None,
) -> dict[str, Any]:
    """Every thread repeats `scenario(client, timings, n)` until `seconds` have passed."""
    stop = time.monotonic() + seconds
    results = [Timings() for _ in range(threads)]

    def run(index: int) -> None:
        timings = results[index]
        with httpx.Client(base_url=base, headers=headers, timeout=30) as client:
            n = index
            while time.monotonic() < stop:
                try:
                    scenario(client, timings, n)
                except RuntimeError as error:  # counted; the first few are shown
                    if timings.failures <= 3:
                        print(f"failed: {error}", file=sys.stderr)
                    continue
                finally:
                    n += threads
                timings.units += 1

    workers = [threading.Thread(target=run, args=(i,)) for i in range(threads)]
    began = time.perf_counter()
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    elapsed = time.perf_counter() - began
    latencies = sorted(ms for r in results for ms in r.latencies_ms)
    marks: dict[str, int] = {}
    for r in results:
        for what, count in r.marks.items():
            marks[what] = marks.get(what, 0) + count
    return {
        **{f"{what}_per_s": round(count / elapsed, 1) for what, count in marks.items()},
        "threads": threads,
        "seconds": round(elapsed, 2),
        "requests": len(latencies),
        "requests_per_s": round(len(latencies) / elapsed, 1),
        "units": sum(r.units for r in results),
        "units_per_s": round(sum(r.units for r in results) / elapsed, 1),
        "failures": sum(r.failures for r in results),
        "p50_ms": round(statistics.median(latencies), 2) if latencies else None,
        "p99_ms": round(latencies[int(len(latencies) * 0.99) - 1], 2) if latencies else None,
    }
