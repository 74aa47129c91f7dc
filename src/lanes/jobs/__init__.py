"""The job executor: fires due timers and runs async continuations in each server process."""
