"""The services' shared handles: the database, the clock, the parsed-model cache and the
cache of who each API token stands for."""

from __future__ import annotations

import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lanes.bpmn import Definitions, parse
from lanes.services.actor import Actor
from lanes.store.db import Database

TOKEN_TTL_SECONDS = 5.0


def utc_now() -> datetime:
    return datetime.now(UTC)


class ModelCache:
    """Parsed definitions by process-definition id: parsing happens once per process."""

    def __init__(self, size: int = 256) -> None:
        self._items: OrderedDict[int, Definitions] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, definition_id: int, load: Callable[[], bytes]) -> Definitions:
        with self._lock:
            found = self._items.get(definition_id)
            if found is not None:
                self._items.move_to_end(definition_id)
                return found
        parsed = parse(load())
        with self._lock:
            self._items[definition_id] = parsed
            while len(self._items) > self._size:
                self._items.popitem(last=False)
        return parsed


class TokenCache:
    """Who a token (by its hash) stood for, remembered for a few seconds, so that a client
    making many calls costs one identity read per `ttl` rather than one per request.

    This process forgets everything when it changes a user or a token; changes made by
    another process sharing the database apply here within `ttl` (docs/decisions.md)."""

    def __init__(self, ttl: float = TOKEN_TTL_SECONDS, size: int = 10_000) -> None:
        self.ttl = ttl
        self._items: OrderedDict[str, tuple[float, Actor]] = OrderedDict()
        self._size = size
        self._lock = threading.Lock()

    def get(self, digest: str) -> Actor | None:
        with self._lock:
            found = self._items.get(digest)
            if found is None:
                return None
            if found[0] <= time.monotonic():
                del self._items[digest]
                return None
            return found[1]

    def put(self, digest: str, actor: Actor) -> None:
        if self.ttl <= 0:
            return
        with self._lock:
            self._items[digest] = (time.monotonic() + self.ttl, actor)
            self._items.move_to_end(digest)
            while len(self._items) > self._size:
                self._items.popitem(last=False)

    def clear(self) -> None:
        with self._lock:
            self._items.clear()


@dataclass
class Services:
    db: Database
    clock: Callable[[], datetime] = utc_now
    models: ModelCache = field(default_factory=ModelCache)
    tokens: TokenCache = field(default_factory=TokenCache)

    def now(self) -> datetime:
        return self.clock()
