"""Diagrams are drawn on threads of their own, two at a time.

Rendering a large model, and a PNG above all, takes tens to hundreds of milliseconds of
CPU. On the request thread pool (one thread on SQLite) such a request would hold the
commands behind it; here diagrams wait for each other instead.
"""

from __future__ import annotations

from collections.abc import Callable
from functools import partial
from typing import Any, TypeVar

from anyio import CapacityLimiter, to_thread
from anyio.lowlevel import RunVar

T = TypeVar("T")

DRAWING_THREADS = 2
_LIMITER: RunVar[CapacityLimiter] = RunVar("lanes_drawing")


def drawing_limiter() -> CapacityLimiter:
    """This event loop's limiter for drawing (one per loop, as anyio's own)."""
    try:
        return _LIMITER.get()
    except LookupError:
        limiter = CapacityLimiter(DRAWING_THREADS)
        _LIMITER.set(limiter)
        return limiter


async def draw(call: Callable[..., T], *args: Any) -> T:
    return await to_thread.run_sync(partial(call, *args), limiter=drawing_limiter())
