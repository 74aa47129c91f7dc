"""What the engine needs from outside: the current time and fresh ids.

Passing these in keeps the engine pure: a test can replay any history exactly.
Imports nothing from the rest of lanes.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime


@dataclass(slots=True)
class Context:
    now: datetime  # aware
    new_id: Callable[[], str]
