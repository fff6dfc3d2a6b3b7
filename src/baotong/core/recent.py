"""A small thread-safe memo of the last results computed, for derived views that cost a
second to build and are read again right after (a plan's operations, its simulation)."""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Generic, TypeVar

V = TypeVar("V")


class Recent(Generic[V]):
    """Keeps the ``keep`` most recently used results by key."""

    def __init__(self, keep: int = 16) -> None:
        self._keep = keep
        self._items: OrderedDict[Hashable, V] = OrderedDict()
        self._lock = threading.Lock()

    def get(self, key: Hashable, compute: Callable[[], V]) -> V:
        """The result kept for ``key``, else ``compute()`` (outside the lock), kept."""
        with self._lock:
            if key in self._items:
                self._items.move_to_end(key)
                return self._items[key]
        value = compute()
        with self._lock:
            self._items[key] = value
            while len(self._items) > self._keep:
                self._items.popitem(last=False)
        return value
