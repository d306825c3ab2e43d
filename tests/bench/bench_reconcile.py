"""Reconciliation of a day's bill of N rows (default 1,000,000; TUCAI_BENCH_RECONCILE) against a ledger of N
payments and N order numbers, with a few of every discrepancy planted.

- "match": services.payments.reconciliation.match.match_bill on the frames, beside a bare polars full join of the
  same bill and ledger on the transaction id — the least any bill ↔ ledger match must do. The ratio is what
  the discrepancy rules cost on top of the join.
- "parse+match": the same from the bill's bytes (a real-format WeChat trade bill: backtick values, CRLF, summary)
  through reconciliation's column-wise reader (bills/columnar.py), beside a bare polars CSV read of the same bytes
  plus the join (the columnar read the issue names as the limit).
"""

from __future__ import annotations

import io
import time
from pathlib import Path
from typing import Any

import polars as pl

from services.payments.providers.sandbox_bills import WX_HEADER, WX_SUMMARY
from services.payments.reconciliation import match
from services.payments.reconciliation.service import read_bill
from tests.bench.common import Row, env_int, rate, write_result

NAME = "reconcile"
DEFAULT_N = 1_000_000
REPEAT = 2
DAY = "2026-06-15"


def _ledger(n: int) -> tuple[pl.DataFrame, pl.DataFrame, pl.DataFrame]:
    """Our side: every payment but the last 0.1% credited (lost notifications), 0.1% with another amount."""
    k = pl.int_range(0, n, eager=True)
    credited = k.filter(k < n - n // 1000)
    txn = pl.lit("4200000000") + credited.cast(pl.String).str.zfill(12)
    no = pl.lit("STU") + credited.cast(pl.String).str.zfill(12)
    payments = pl.DataFrame({"k": credited}).select(
        pl.col("k").cast(pl.String).alias("payment_id"), pl.col("k").cast(pl.String).alias("order_id"),
        pl.lit("wechat").alias("provider"), txn.alias("provider_txn"), no.alias("out_trade_no"),
        pl.when(pl.col("k") % 1000 == 7).then(1700).otherwise(1500).cast(pl.Int64).alias("amount_fen"),
        pl.lit(DAY).alias("paid_day"), pl.lit("10403").alias("school_code"), pl.lit("c1").alias("class_id"),
        pl.lit(False).alias("duplicate"), pl.lit(0, pl.Int64).alias("refunded_fen"))
    numbers = pl.DataFrame({"k": k}).select(
        (pl.lit("STU") + pl.col("k").cast(pl.String).str.zfill(12)).alias("out_trade_no"),
        pl.col("k").cast(pl.String).alias("order_id"),
        pl.when(pl.col("k") < n - n // 1000).then(pl.lit("paid")).otherwise(pl.lit("pending")).alias("state"),
        (pl.lit("4200000000") + pl.col("k").cast(pl.String).str.zfill(12)).alias("order_txn"),
        pl.lit("10403").alias("school_code"), pl.lit("c1").alias("class_id"),
        pl.col("k").cast(pl.String).alias("subject_key"))
    refunds = pl.DataFrame(schema=dict(match.REFUND_SCHEMA))
    return payments, numbers, refunds


def _bill_bytes(n: int) -> bytes:
    """A WeChat ALL trade bill of n payments, 15.00 yuan each, in the real layout (as the sandbox writes it)."""
    k = pl.int_range(0, n, eager=True)
    tail = "`SUCCESS,`OTHERS,`CNY,`15.00,`0.00,`0,`0,`0.00,`0.00,`,`,`毕业证图像采集费,`,`0.00000,`0.60%,`15.00,`0.00,`"
    lines = pl.DataFrame({"k": k}).select(
        pl.lit("`2026-06-15 10:00:00,`wx0000000000000000,`1900000001,`0,`,`4200000000")
        + pl.col("k").cast(pl.String).str.zfill(12) + pl.lit(",`STU") + pl.col("k").cast(pl.String).str.zfill(12)
        + pl.lit(",`oTEST000000000000000000000001,`MWEB,") + pl.lit(tail))["literal"]
    total = f"{15 * n}.00"
    summary = f"`{n},`{total},`0.00,`0.00,`0.00000,`{total},`0.00"
    return ("\r\n".join([WX_HEADER, *lines.to_list(), WX_SUMMARY, summary]) + "\r\n").encode()


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_RECONCILE", DEFAULT_N)
    payments, numbers, refunds = _ledger(n)
    data = _bill_bytes(n)
    bill = read_bill(data, None).rows
    day = match.DayInput("wechat", DAY, bill, payments, numbers, refunds)

    def bare_join() -> int:
        return bill.join(payments, on="provider_txn", how="full", coalesce=True).height

    def reconcile() -> int:
        return match.match_bill(day).height

    def bare_read_join() -> int:
        read = pl.read_csv(io.BytesIO(data), skip_rows_after_header=0, n_rows=n, infer_schema=False)
        txn = read.select(pl.col("微信订单号").str.strip_prefix("`").alias("provider_txn"))
        return txn.join(payments, on="provider_txn", how="full", coalesce=True).height

    def parse_reconcile() -> int:
        parsed = read_bill(data, None).rows
        return match.match_bill(match.DayInput("wechat", DAY, parsed, payments, numbers, refunds)).height

    best: dict[str, float] = {}
    found = 0
    for _ in range(REPEAT):  # alternate, so both see the same machine
        for name, work in (("bare_join", bare_join), ("match", reconcile), ("bare_read_join", bare_read_join),
                           ("parse_match", parse_reconcile)):
            started = time.perf_counter()
            count = work()
            best[name] = min(best.get(name, float("inf")), time.perf_counter() - started)
            if name == "match":
                found = count
    # planted: amount mismatches (every credited k ≡ 7 mod 1000) and lost notifications (status mismatches)
    expected = payments.filter(pl.col("amount_fen") != 1500).height + n // 1000
    if found != expected:
        raise AssertionError(f"the match found {found} discrepancies, {expected} were planted")
    rows = [Row(f"reconcile {n:,}-row bill (match)", rate(n, best["match"]), "row/s",
                "bare polars full join", rate(n, best["bare_join"])),
            Row("reconcile (parse+match)", rate(n, best["parse_match"]), "row/s",
                "bare polars read_csv+join", rate(n, best["bare_read_join"]))]
    result: dict[str, Any] = {
        "n": n, "rows": [row.as_dict() for row in rows], "seconds": {k: round(v, 3) for k, v in best.items()},
        "discrepancies": found,
        "main_cost": (f"reading the bill: {best['parse_match'] - best['match']:.1f} s of "
                      f"{best['parse_match']:.1f} s end to end go to the column-wise reader (UTF-8 check, CSV, "
                      f"backticks, exact decimal amounts and summary totals, Beijing times); the match itself is "
                      f"{best['match']:.2f} s beside {best['bare_join']:.2f} s for the bare join"),
        "notes": [f"best of {REPEAT} runs each, alternated",
                  "ledger loading from the database is not included (it is the job's, not the match's)"],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result
