"""The photo checks (checks.inspect_photo) and the identity guard's face embeddings, run in a small pool of worker
processes instead of on the request or job thread.

Why: dlib's face detection and embedding, and much of OpenCV's work on a camera original, hold the GIL while they
compute, so on a thread of the capture process one photo check stalls every other request of that process (a
health check, a list, another station's upload) for as long as it runs. In a worker process they hold only that
process's GIL: the request thread waits on a future (GIL released) and the rest of the service keeps answering,
and two stations' uploads are checked on two cores at once.

How: a concurrent.futures ProcessPoolExecutor of `capture_check_workers` processes (default 2; 0 runs everything
inline, on the caller's thread, where processes are not wanted), started with the spawn method (never a fork of a
threaded server) and shared by every capture app of the process. Each worker loads the face models once, when it
starts (checks.start_worker: a worker imports the checks, not the web stack). At most `size` calls are in the pool
at once (the others wait their turn in this process), so the timeout below measures a check, never a queue, and its
clock starts once every worker has started (a spawn under load takes seconds).

A worker that dies (killed, out of memory, a crash inside dlib) breaks the pool: the calls in flight get a 503
`photo_check_unavailable` (nothing is stored; the station sends the photo again; the identity guard's job retries),
the broken pool is thrown away and a new one started. A check that outlives `capture_check_timeout_seconds` is
taken for a hung worker: the pool's processes are killed and the caller gets the same 503, never a hang.
"""

from __future__ import annotations

import multiprocessing
import os
import threading
from collections.abc import Callable
from concurrent.futures import Future, ProcessPoolExecutor, wait
from concurrent.futures import TimeoutError as FutureTimeout
from concurrent.futures.process import BrokenProcessPool
from typing import Any, TypeVar

import numpy as np
import structlog

from services.capture.photoqa import identity
from services.capture.photos.checks import Inspection, inspect_photo, start_worker
from services.kernel.errors import TucaiError
from services.kernel.settings import Settings

log = structlog.get_logger("tucai.capture.workers")

T = TypeVar("T")
STARTUP_SECONDS = 120.0  # how long a new pool's workers may take to start (import, load the models) under load


class PhotoCheckUnavailable(TucaiError):
    """The worker pool broke (or hung) under this call: a 503 the station retries; nothing was stored."""

    status = 503

    def __init__(self, en: str) -> None:
        super().__init__("photo_check_unavailable", "照片检测暂时不可用，照片未保存，请稍后重新上传",
                         f"The photo check is unavailable for a moment ({en}); nothing was stored, upload again",
                         headers={"Retry-After": "2"})


class _Pool:
    """One executor and the futures that tell when all its workers have started."""

    def __init__(self, size: int) -> None:
        context = multiprocessing.get_context("spawn")
        self.executor = ProcessPoolExecutor(size, mp_context=context, initializer=start_worker,
                                            initargs=(context.Barrier(size), STARTUP_SECONDS))
        # One task per worker: the executor spawns a worker for each (none is idle yet); each returns only when
        # every worker has passed the start-up barrier.
        self.started: list[Future[int]] = [self.executor.submit(os.getpid) for _ in range(size)]

    def pids(self) -> list[int]:
        processes: dict[int, Any] = getattr(self.executor, "_processes", None) or {}
        return sorted(p.pid for p in processes.values() if p.pid is not None)

    def kill(self) -> None:
        """Stop the workers where they are (a hung one never returns; 3.11's executor has no public way)."""
        processes: dict[int, Any] = getattr(self.executor, "_processes", None) or {}
        for process in list(processes.values()):
            process.kill()


class PhotoWorkers:
    """inspect() and embed() on a pool of `size` spawned processes, or inline when size is 0."""

    def __init__(self, size: int, timeout: float) -> None:
        self.size = size
        self.timeout = timeout
        self._pool: _Pool | None = None
        self._lock = threading.Lock()
        self._slots = threading.BoundedSemaphore(max(size, 1))

    def inspect(self, data: bytes) -> Inspection:
        """checks.inspect_photo of one upload (the checks and the standard output)."""
        return self._run(inspect_photo, data)

    def embed(self, data: bytes) -> np.ndarray:
        """photoqa.identity.embed of one photo; raises identity.NoFace as it does."""
        return self._run(identity.embed, data)

    def start(self) -> None:
        """Start the workers now (they load the models) instead of with the first photo; returns at once."""
        if self.size:
            self._current()

    def pids(self) -> list[int]:
        """The live pool's worker processes (for operators and tests)."""
        with self._lock:
            return self._pool.pids() if self._pool is not None else []

    def shutdown(self) -> None:
        with self._lock:
            pool, self._pool = self._pool, None
        if pool is not None:
            pool.executor.shutdown(wait=True, cancel_futures=True)

    def _current(self) -> _Pool:
        with self._lock:
            if self._pool is None:
                self._pool = _Pool(self.size)
                log.info("photo_workers_started", size=self.size)
            return self._pool

    def _run(self, fn: Callable[[bytes], T], data: bytes) -> T:
        if self.size == 0:
            return fn(data)
        with self._slots:  # at most `size` calls in the pool: each has a worker to itself
            pool = self._current()
            done, waiting = wait(pool.started, timeout=max(self.timeout, STARTUP_SECONDS))
            if waiting:
                raise self._lost(pool, "start-up", f"the workers did not start within {STARTUP_SECONDS:g} s")
            if any(f.exception() is not None for f in done):
                raise self._lost(pool, "broken", "a photo-check worker failed to start")
            try:
                future = pool.executor.submit(fn, data)
                return future.result(timeout=self.timeout)
            except (BrokenProcessPool, RuntimeError) as error:  # RuntimeError: shut down by another caller's loss
                raise self._lost(pool, "broken", "a photo-check worker died") from error
            except FutureTimeout as error:
                raise self._lost(pool, "timeout", f"no answer within {self.timeout:g} s") from error

    def _lost(self, pool: _Pool, reason: str, en: str) -> PhotoCheckUnavailable:
        """Throw a broken or hung pool away and start a new one (once, whoever notices first)."""
        with self._lock:
            mine = self._pool is pool
            if mine:
                self._pool = None
        if mine:
            log.error("photo_workers_lost", reason=reason, size=self.size)
            if reason != "broken":
                pool.kill()
            pool.executor.shutdown(wait=False, cancel_futures=True)
            self.start()  # the new pool's workers start (and load the models) before the photo is sent again
        return PhotoCheckUnavailable(en)


_by_size: dict[tuple[int, float], PhotoWorkers] = {}
_registry_lock = threading.Lock()


def for_settings(settings: Settings) -> PhotoWorkers:
    """The process's pool for these settings: one per process (the capture apps of one process share it)."""
    key = (settings.capture_check_workers, settings.capture_check_timeout_seconds)
    with _registry_lock:
        workers = _by_size.get(key)
        if workers is None:
            workers = _by_size[key] = PhotoWorkers(*key)
        return workers
