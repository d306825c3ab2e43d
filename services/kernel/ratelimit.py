"""A small in-process sliding-window limiter for abuse-prone endpoints (sign-in). Per process: behind
several replicas each counts on its own, which still bounds guessing; lockout on the record does the rest."""

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


class FailureLock:
    """Locks an account (any key: a username, a school and 学号) after `limit` failures within `window_seconds`,
    for `lock_seconds`, whatever address the attempts come from. The key need not exist: an unknown account locks
    exactly like a real one, so the lock tells nobody which accounts exist. Per process, like the limiter above."""

    def __init__(self, limit: int, window_seconds: float, lock_seconds: float) -> None:
        self.limit = limit
        self.window = window_seconds
        self.lock_seconds = lock_seconds
        self._failures: dict[str, deque[float]] = {}
        self._locked_until: dict[str, float] = {}
        self._lock = threading.Lock()

    def retry_after(self, key: str) -> int:
        """Seconds until `key` may try again; 0 when it is not locked."""
        now = time.monotonic()
        with self._lock:
            until = self._locked_until.get(key, 0.0)
            if until <= now:
                self._locked_until.pop(key, None)
                return 0
            return int(until - now) + 1

    def failed(self, key: str) -> int:
        """Count a failure; returns the seconds of the lock it started (0: not locked yet)."""
        now = time.monotonic()
        with self._lock:
            failures = self._failures.setdefault(key, deque())
            while failures and failures[0] <= now - self.window:
                failures.popleft()
            failures.append(now)
            if len(self._failures) > 100_000:  # forget idle keys so memory stays bounded
                for stale in [k for k, v in self._failures.items() if not v or v[-1] <= now - self.window]:
                    del self._failures[stale]
            if len(failures) < self.limit:
                return 0
            failures.clear()
            self._locked_until[key] = now + self.lock_seconds
            return int(self.lock_seconds)

    def succeeded(self, key: str) -> None:
        with self._lock:
            self._failures.pop(key, None)
            self._locked_until.pop(key, None)


def account_locked(seconds: int) -> TucaiError:
    """The one answer for a locked account, staff or student, real or not."""
    minutes = max(1, (seconds + 59) // 60)
    return TucaiError("account_locked", f"尝试次数过多，请 {minutes} 分钟后再试",
                      f"Too many attempts; try again in {minutes} minutes", status=429,
                      headers={"Retry-After": str(minutes * 60)})
