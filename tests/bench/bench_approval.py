"""Approving a review batch: N submitted students approved through roster's service function (decisions,
pseudonyms, the StudentApproved events with roster orders, the batch's counts, committed), beside a bare bulk
INSERT of N rows of the same width into the same SQLite database, measured in the same run (the limit: writing
N rows at all). N comes from TUCAI_BENCH_APPROVAL (default 5,000)."""

from __future__ import annotations

import tempfile
import time
from pathlib import Path
from typing import Any

from sqlalchemy import Column, MetaData, String, Table, insert

from services.kernel.ids import new_id
from services.roster.review import service as review
from tests.bench.common import Row, env_int, rate, write_result
from tests.support.roster_batches import REVIEWER, roster_context, submitted_batch

NAME = "approval"
DEFAULT_N = 5_000


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_APPROVAL", DEFAULT_N)
    with tempfile.TemporaryDirectory() as tmp, roster_context(Path(tmp)) as ctx:
        batch_id = submitted_batch(ctx, "30001", n)
        started = time.perf_counter()
        with ctx.transaction() as uow:
            _, decided = review.decide(uow, REVIEWER, batch_id, "approved", "材料齐全")
        approve_s = time.perf_counter() - started
        assert decided == n
        bare_s = _bare_insert(ctx.engine, n)
    rows = [Row("approve batch (service, committed)", rate(n, approve_s), "st/s",
                "bare bulk INSERT of N rows", rate(n, bare_s))]
    result: dict[str, Any] = {
        "n": n,
        "rows": [row.as_dict() for row in rows],
        "seconds": {"approve": round(approve_s, 3), "bare_insert": round(bare_s, 3)},
        "main_cost": "the events: the kernel writes one outbox INSERT per emitted event (about half the time at "
                     "N=2,000); then the ORM flush of the item and student updates",
        "notes": ["SQLite (the embedded default), one transaction each; the relay runs but the bus is in memory",
                  "the bare rows are as wide as a StudentApproved payload row: an id and ten short strings"],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result


def _bare_insert(engine: Any, n: int) -> float:
    """One executemany of N rows in one committed transaction: the floor for writing N rows here."""
    table = Table("bench_bare_rows", MetaData(), Column("id", String(32), primary_key=True),
                  *[Column(f"c{i}", String(40)) for i in range(10)])
    table.create(engine)
    values = [{"id": new_id(), **{f"c{i}": f"value {i} of row {k}" for i in range(10)}} for k in range(n)]
    started = time.perf_counter()
    with engine.begin() as conn:
        conn.execute(insert(table), values)
    return time.perf_counter() - started
