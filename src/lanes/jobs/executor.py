"""The job executor: a daemon thread per server process that runs due jobs.

Each poll acquires a batch of due jobs under this executor's owner name (locked until an
expiry, so a process that dies gives them back) and runs them one by one, each in its
own transaction (lanes.services.jobs). Several executors, in one process or many, can
share a database: every job runs once. A full batch is followed at once by the next
poll; otherwise the thread sleeps `poll_seconds`, or until `wake()`.

Imports the services, never the API.
"""

from __future__ import annotations

import logging
import os
import secrets
import socket
import threading
from collections import Counter

from lanes.services import jobs
from lanes.services.context import Services

__all__ = ["JobExecutor", "default_owner"]

log = logging.getLogger(__name__)


def default_owner() -> str:
    """A lock owner name unique to this executor: host, process id and a random tag."""
    return f"{socket.gethostname()[:40]}:{os.getpid()}:{secrets.token_hex(4)}"


class JobExecutor:
    """Runs due jobs in a background thread: `start()`, `stop()`; `run_once()` for tests."""

    def __init__(
        self,
        svc: Services,
        poll_seconds: float = 1.0,
        owner: str | None = None,
        *,
        batch_size: int = 10,
        lock_seconds: float = 300.0,
    ) -> None:
        self.svc = svc
        self.poll_seconds = poll_seconds
        self.owner = owner or default_owner()
        self.batch_size = batch_size
        self.lock_seconds = lock_seconds
        self.outcomes: Counter[jobs.JobOutcome] = Counter()  # what its runs came to
        self._wake = threading.Event()
        self._stopping = threading.Event()
        self._thread: threading.Thread | None = None
        self._counts = threading.Lock()

    # -- the loop ---------------------------------------------------------------------------

    def run_once(self) -> int:
        """Acquire one batch of due jobs and run it; returns how many jobs were acquired."""
        acquired = jobs.acquire_due_jobs(self.svc, self.owner, self.batch_size, self.lock_seconds)
        for index, job in enumerate(acquired):
            if self._stopping.is_set():
                jobs.release_jobs(self.svc, acquired[index:])  # others may take them at once
                break
            outcome = jobs.run_job(self.svc, job)
            with self._counts:
                self.outcomes[outcome] += 1
            if outcome in (jobs.JobOutcome.RETRY, jobs.JobOutcome.INCIDENT):
                log.warning("job %s (%s at %s) failed: %s", job.id, job.kind, job.node_id, outcome)
        return len(acquired)

    def _loop(self) -> None:
        while not self._stopping.is_set():
            try:
                acquired = self.run_once()
            except Exception:  # a database hiccup must not end the thread
                log.exception("job executor %s: polling failed", self.owner)
                acquired = 0
            if acquired < self.batch_size:
                self._wake.wait(self.poll_seconds)
                self._wake.clear()

    # -- control ----------------------------------------------------------------------------

    def start(self) -> None:
        """Start the daemon thread (once)."""
        if self._thread is not None:
            raise RuntimeError("this job executor has already been started")
        self._thread = threading.Thread(
            target=self._loop, name=f"lanes-jobs-{self.owner}", daemon=True
        )
        self._thread.start()

    def wake(self) -> None:
        """Poll now instead of at the end of the current sleep."""
        self._wake.set()

    def stop(self, timeout: float | None = None) -> None:
        """Finish the job in hand, then end the thread and wait for it."""
        self._stopping.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout)

    @property
    def running(self) -> bool:
        return self._thread is not None and self._thread.is_alive()

    def count(self, outcome: jobs.JobOutcome) -> int:
        with self._counts:
            return self.outcomes[outcome]
