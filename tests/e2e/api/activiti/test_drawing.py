"""Diagrams are drawn under a limiter of their own, not on the request threads."""

from __future__ import annotations

import pytest
from anyio import from_thread, to_thread

from lanes.api.activiti.drawing import DRAWING_THREADS, draw, drawing_limiter


@pytest.mark.anyio
async def test_drawing_takes_no_request_thread() -> None:
    def tokens_in_use() -> tuple[float, float]:
        return from_thread.run_sync(
            lambda: (
                to_thread.current_default_thread_limiter().borrowed_tokens,
                drawing_limiter().borrowed_tokens,
            )
        )

    assert await draw(tokens_in_use) == (0, 1)
    assert drawing_limiter().total_tokens == DRAWING_THREADS
