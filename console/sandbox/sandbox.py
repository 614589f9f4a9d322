"""The live sandbox: configuration, workspace state, request log, faults."""
from __future__ import annotations

import random
import threading
from typing import Any

from .config import SandboxConfig
from .demo import load_demo
from .faults import Fault, fault_from_json
from .ratelimit import RateLimiter
from .requestlog import RequestLog
from .state import Workspace


class Sandbox:
    def __init__(self, config: SandboxConfig | None = None) -> None:
        self.config = config or SandboxConfig()
        # Handlers run on the server's event loop thread while tests read state from theirs.
        self.lock = threading.RLock()
        self.log = RequestLog()
        self.limiter = RateLimiter()
        self.faults: list[Fault] = []
        self._next_fault = 1
        # Seeded so that probabilistic faults fire in the same pattern on every run.
        self.rng = random.Random(0)
        # Set while the server stops, so injected delays end early instead of holding shutdown.
        self.interrupt = threading.Event()
        self.state = self._fresh_state(self.config.demo_data)

    @staticmethod
    def _fresh_state(demo_data: bool) -> Workspace:
        ws = Workspace()
        if demo_data:
            load_demo(ws)
        return ws

    def now(self) -> int:
        return self.config.now()

    def reset(self, demo_data: bool | None = None) -> None:
        """Back to the initial workspace; clears the request log, faults and rate window."""
        with self.lock:
            self.state = self._fresh_state(self.config.demo_data if demo_data is None else demo_data)
            self.log.clear()
            self.limiter.reset()
            self.faults.clear()
            self._next_fault = 1
            self.rng = random.Random(0)

    # -- faults ----------------------------------------------------------------
    def add_fault(self, path: str, **fields: Any) -> Fault:
        """Python equivalent of ``POST /_sandbox/faults``; ValueError names a bad field."""
        return self.add_fault_json({"path": path, **fields})

    def add_fault_json(self, data: Any) -> Fault:
        with self.lock:
            fault = fault_from_json(data, self._next_fault)
            self._next_fault += 1
            self.faults.append(fault)
            return fault

    def remove_fault(self, fault_id: int) -> bool:
        with self.lock:
            before = len(self.faults)
            self.faults = [f for f in self.faults if f.id != fault_id]
            return len(self.faults) < before

    def clear_faults(self) -> None:
        with self.lock:
            self.faults.clear()

    # -- reading -----------------------------------------------------------------
    @property
    def requests(self) -> list[dict[str, Any]]:
        with self.lock:
            return self.log.entries()

    def snapshot(self) -> dict[str, Any]:
        from .deliveries import advance

        with self.lock:
            advance(self)
            return self.state.snapshot()
