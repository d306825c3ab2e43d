"""A small in-process sliding-window limiter for abuse-prone endpoints (sign-in), per client address. Per
process: behind several replicas each counts on its own, which still bounds guessing; the per-account lock
(roster, in its database) does the rest."""

from __future__ import annotations

import threading
import time
from collections import deque

from services.kernel.errors import TucaiError


class SlidingWindowLimiter:
    def __init__(self, limit: int, window_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self._hits: dict[str, deque[float]] = {}
        self._lock = threading.Lock()

    def hit(self, key: str) -> None:
        """Count one attempt for `key`; raise a 429 problem when over the limit."""
        now = time.monotonic()
        with self._lock:
            hits = self._hits.setdefault(key, deque())
            while hits and hits[0] <= now - self.window:
                hits.popleft()
            if len(hits) >= self.limit:
                retry = int(hits[0] + self.window - now) + 1
                raise TucaiError("too_many_requests", "请求过于频繁，请稍后再试", "Too many requests; try again later",
                                 status=429, headers={"Retry-After": str(retry)})
            hits.append(now)
            if len(self._hits) > 10_000:  # forget idle keys so memory stays bounded
                for stale in [k for k, v in self._hits.items() if not v or v[-1] <= now - self.window]:
                    del self._hits[stale]


def account_locked(seconds: int) -> TucaiError:
    """The one answer for a locked account, staff or student, real or not."""
    minutes = max(1, (seconds + 59) // 60)
    return TucaiError("account_locked", f"尝试次数过多，请 {minutes} 分钟后再试",
                      f"Too many attempts; try again in {minutes} minutes", status=429,
                      headers={"Retry-After": str(minutes * 60)})
