"""The job executor: fires due timers and runs async continuations in each server process."""

from lanes.jobs.executor import JobExecutor, default_owner

__all__ = ["JobExecutor", "default_owner"]
