"""The sandbox's mutable state besides the records: API key, rate limits, injected faults, call counts."""

from __future__ import annotations

import math
import threading
import time
from collections import Counter, deque
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta

from .modules import Record
from .store import Store

FAULT_KINDS = {"500", "503", "429", "delay", "drop_after_commit"}


def seconds_to_midnight_utc(now: datetime | None = None) -> int:
    now = now or datetime.now(UTC)
    midnight = (now + timedelta(days=1)).replace(hour=0, minute=0, second=0, microsecond=0)
    return max(1, math.ceil((midnight - now).total_seconds()))


# --------------------------------------------------------------------------------------------- rate limits
class RateLimiter:
    """Sliding 2-second burst window plus a daily quota that resets at midnight UTC (Scoro's two limits)."""

    WINDOW = 2.0
    UNLIMITED = 1_000_000  # what we advertise when a limit is switched off (0)

    def __init__(self, per_window: int, daily: int):
        self.lock = threading.Lock()
        self.configure(per_window, daily)

    def configure(self, per_window: int, daily: int) -> None:
        with self.lock:
            self.per_window = per_window
            self.daily = daily
            self.hits: deque[float] = deque()
            self.day = datetime.now(UTC).date()
            self.day_count = 0

    def hit(self) -> tuple[bool, dict[str, str]]:
        with self.lock:
            now = time.monotonic()
            today = datetime.now(UTC).date()
            if today != self.day:
                self.day, self.day_count = today, 0
            while self.hits and self.hits[0] <= now - self.WINDOW:
                self.hits.popleft()
            burst_limit = self.per_window or self.UNLIMITED
            daily_limit = self.daily or self.UNLIMITED
            allowed = len(self.hits) < burst_limit and self.day_count < daily_limit
            if allowed:
                self.hits.append(now)
                self.day_count += 1
            reset = math.ceil(self.hits[0] + self.WINDOW - now) if self.hits else 0
            headers = {
                "x-ratelimit-limit": str(burst_limit),
                "x-ratelimit-remaining": str(max(0, burst_limit - len(self.hits))),
                "x-ratelimit-reset": str(max(reset, 1 if not allowed else 0)),
                "x-daily-requests-limit": str(daily_limit),
                "x-daily-requests-remaining": str(max(0, daily_limit - self.day_count)),
                "x-daily-requests-reset": str(seconds_to_midnight_utc()),
            }
            return allowed, headers


# --------------------------------------------------------------------------------------------- faults
@dataclass
class Fault:
    kind: str
    count: int = 1
    module: str | None = None
    action: str | None = None
    seconds: float = 0.0
    retry_after: int | None = None
    id: int = 0

    def matches(self, module: str, action: str) -> bool:
        return (self.module in (None, module)) and (self.action in (None, action))

    def as_dict(self) -> Record:
        return {"id": self.id, "kind": self.kind, "count": self.count, "module": self.module,
                "action": self.action, "seconds": self.seconds, "retry_after": self.retry_after}  # fmt: skip


@dataclass
class SandboxState:
    store: Store
    api_key: str
    company_account_id: str
    limiter: RateLimiter
    seed_kind: str = "demo"
    sizes: dict[str, int | None] = field(default_factory=dict)
    rate_limit: int = 40
    daily_limit: int = 100_000
    faults: list[Fault] = field(default_factory=list)
    calls: Counter = field(default_factory=Counter)
    call_log: deque = field(default_factory=lambda: deque(maxlen=1000))
    lock: threading.Lock = field(default_factory=threading.Lock)
    _fault_seq: int = 0
    startup_limits: tuple[int, int] = (40, 100_000)

    def reset(self, kind: str | None = None, **sizes: int | None) -> dict[str, int]:
        """Reseed and forget faults, call counts and limit changes (back to the startup configuration)."""
        counts = self.store.seed(kind or self.seed_kind, **{**self.sizes, **sizes})
        self.rate_limit, self.daily_limit = self.startup_limits
        self.limiter.configure(self.rate_limit, self.daily_limit)
        with self.lock:
            self.faults.clear()
            self.calls.clear()
            self.call_log.clear()
        return counts

    def add_fault(self, kind: str, count: int = 1, module: str | None = None, action: str | None = None,
                  seconds: float = 0.0, retry_after: int | None = None) -> Fault:  # fmt: skip
        kind = str(kind)
        if kind not in FAULT_KINDS:
            raise ValueError(f"kind must be one of {sorted(FAULT_KINDS)}")
        if not isinstance(count, int) or count < 1:
            raise ValueError("count must be a positive integer")
        with self.lock:
            self._fault_seq += 1
            fault = Fault(kind, count, module, action, float(seconds or 0), retry_after, self._fault_seq)
            self.faults.append(fault)
            return fault

    def take_fault(self, module: str, action: str) -> Fault | None:
        with self.lock:
            for fault in self.faults:
                if fault.matches(module, action):
                    fault.count -= 1
                    if fault.count <= 0:
                        self.faults.remove(fault)
                    return fault
            return None

    def record_call(self, module: str, action: str, obj_id: str | None) -> None:
        with self.lock:
            self.calls[f"{module}/{action}"] += 1
            self.call_log.append({"module": module, "action": action, "id": obj_id, "at": time.time()})

    def calls_snapshot(self) -> Record:
        with self.lock:
            return {"total": sum(self.calls.values()), "by_endpoint": dict(self.calls),
                    "log": list(self.call_log)}  # fmt: skip
