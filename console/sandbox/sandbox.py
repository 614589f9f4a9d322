"""The live sandbox: configuration, workspace state, request log, faults.

Every handler takes the `Sandbox`, so this module imports none of them: what it needs
of the demo data and of the deliveries (filling a fresh workspace, settling what is due
before a snapshot) is passed in by `create_app`, which wires the whole emulator. That
keeps the sandbox's modules free of import cycles (tests/test_import_cycles.py).
"""

from __future__ import annotations

import random
import threading
from collections.abc import Callable
from typing import Any

from .config import SandboxConfig
from .faults import Fault, fault_from_json
from .ratelimit import RateLimiter
from .requestlog import RequestLog
from .state import Workspace


class Sandbox:
    def __init__(
        self,
        config: SandboxConfig | None = None,
        *,
        seed: Callable[[Workspace], None] | None = None,
        settle: Callable[[Sandbox], None] | None = None,
    ) -> None:
        """`seed` fills a fresh workspace with the demo data (when the config asks for it);
        `settle` moves every delivery whose next state is due (before a snapshot)."""
        self.config = config or SandboxConfig()
        self._seed = seed
        self._settle = settle
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

    def _fresh_state(self, demo_data: bool) -> Workspace:
        ws = Workspace()
        if demo_data and self._seed is not None:
            self._seed(ws)
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
        with self.lock:
            if self._settle is not None:
                self._settle(self)
            return self.state.snapshot()
