"""What a running service holds: settings, database, the network, the job runner."""

from __future__ import annotations

from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from threading import Lock
from typing import TYPE_CHECKING

from anyio import CapacityLimiter
from sqlalchemy import Engine
from sqlalchemy.orm import Session, sessionmaker

from baotong.auth.permissions import Principal
from baotong.config import Settings
from baotong.network.entities import Network

if TYPE_CHECKING:
    from baotong.jobs import Runner


@dataclass
class ServiceContext:
    """Shared by every request of one process; ``network`` is loaded on first use."""

    settings: Settings
    engine: Engine
    sessions: sessionmaker[Session]
    key: bytes
    load_network: Callable[[], Network]
    runner: Runner | None = None
    # Threads that only begin, and threads that only end, a request's transaction (set at
    # startup, in the service's event loop; see ``api.deps.get_session``).
    beginnings: CapacityLimiter | None = None
    endings: CapacityLimiter | None = None
    # The threads that run steps (``api.deps.Step``: a scan's whole transaction).
    steps: ThreadPoolExecutor | None = None
    # Logins a step checked lately: token → (its user, when checked; ``api.deps.Step``)
    logins: dict[str, tuple[Principal, float]] = field(default_factory=dict)
    _lock: Lock = field(default_factory=Lock)
    _network: Network | None = None

    @property
    def network(self) -> Network:
        """The network, loaded once (the first requests wait for the same load)."""
        if self._network is None:
            with self._lock:
                if self._network is None:
                    self._network = self.load_network()
        return self._network
