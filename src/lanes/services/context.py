"""The services' shared handles: the database, the clock and the parsed-model cache."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import UTC, datetime

from lanes.bpmn import Definitions, parse
from lanes.store.db import Database


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


@dataclass
class Services:
    db: Database
    clock: Callable[[], datetime] = utc_now
    models: ModelCache = field(default_factory=ModelCache)

    def now(self) -> datetime:
        return self.clock()
