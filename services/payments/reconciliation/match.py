"""The three-way match as pure functions on polars frames: no SQL, no session (repository.py loads the frames,
service.py writes what comes out). Polars because a day's bill can reach a million rows and the ledger as many:
the joins run column-wise in native code, where a Python loop over rows would take minutes.

Inputs (columns, money in integer fen):
- bill:      kind, provider_txn, out_trade_no, out_refund_no, amount_fen            (bills.BillRow)
- payments:  payment_id, order_id, provider, provider_txn, out_trade_no, amount_fen, paid_day, school_code, class_id,
             duplicate, refunded_fen                                               (our ledger, this provider)
- numbers:   out_trade_no, order_id, state, order_txn, school_code, class_id, subject_key (every number we issued)
- refunds:   out_refund_no, refund_id, order_id, amount_fen, state, day, school_code, class_id (this provider)
Output: one frame of findings (FINDING_SCHEMA), each with a stable `key`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

import polars as pl

from services.payments.bills.model import BillRow
from services.payments.models import DiscrepancyState, DiscrepancyType

T = DiscrepancyType
OPEN, CARRIED = DiscrepancyState.OPEN.value, DiscrepancyState.CARRIED.value
Str, Int = pl.String, pl.Int64

Schema = Mapping[str, Any]  # column name -> polars dtype
FINDING_SCHEMA: Schema = {
    "key": Str, "type": Str, "state": Str, "provider": Str, "school_code": Str, "class_id": Str, "subject_key": Str,
    "order_id": Str, "out_trade_no": Str, "provider_txn": Str, "out_refund_no": Str, "ours_fen": Int,
    "bill_fen": Int, "amount_fen": Int, "detail": Str}

BILL_SCHEMA: Schema = {"kind": Str, "provider_txn": Str, "out_trade_no": Str, "out_refund_no": Str, "amount_fen": Int}
PAYMENT_SCHEMA: Schema = {"payment_id": Str, "order_id": Str, "provider": Str, "provider_txn": Str,
                          "out_trade_no": Str, "amount_fen": Int,
                  "paid_day": Str, "school_code": Str, "class_id": Str, "duplicate": pl.Boolean,
                  "refunded_fen": Int}
NUMBER_SCHEMA: Schema = {"out_trade_no": Str, "order_id": Str, "state": Str, "order_txn": Str, "school_code": Str,
                 "class_id": Str, "subject_key": Str}
REFUND_SCHEMA: Schema = {"out_refund_no": Str, "refund_id": Str, "order_id": Str, "amount_fen": Int, "state": Str,
                 "day": Str, "school_code": Str, "class_id": Str}


def bill_frame(rows: Sequence[BillRow]) -> pl.DataFrame:
    """The parsed bill as columns (built column by column: a million BillRow objects, one pass each)."""
    return pl.DataFrame({"kind": [r.kind for r in rows], "provider_txn": [r.provider_txn for r in rows],
                         "out_trade_no": [r.out_trade_no for r in rows],
                         "out_refund_no": [r.out_refund_no for r in rows],
                         "amount_fen": [r.amount_fen for r in rows]}, schema=dict(BILL_SCHEMA))


def frame(rows: Iterable[tuple[object, ...]], schema: Schema) -> pl.DataFrame:
    return pl.DataFrame(list(rows), schema=dict(schema), orient="row")


def _finding(df: pl.DataFrame, key: pl.Expr, kind: T, state: str | pl.Expr, detail: str,
             **columns: pl.Expr) -> pl.DataFrame:
    """Shape a frame of matches into FINDING_SCHEMA: named columns from `columns`, the rest null."""
    exprs = [key.alias("key"), pl.lit(kind.value).alias("type"),
             (state if isinstance(state, pl.Expr) else pl.lit(state)).alias("state"),
             pl.lit(detail).alias("detail")]
    for name, dtype in FINDING_SCHEMA.items():
        if name in ("key", "type", "state", "detail"):
            continue
        exprs.append(columns.get(name, pl.lit(None)).cast(dtype).alias(name))
    return df.select(exprs).select(list(FINDING_SCHEMA))


def empty_findings() -> pl.DataFrame:
    return pl.DataFrame(schema=dict(FINDING_SCHEMA))


@dataclass(frozen=True)
class DayInput:
    provider: str
    bill_date: str  # YYYY-MM-DD
    bill: pl.DataFrame
    payments: pl.DataFrame
    numbers: pl.DataFrame
    refunds: pl.DataFrame
    carried_keys: frozenset[str] = frozenset()  # platform-only findings carried by an earlier day's run


def match_bill(day: DayInput) -> pl.DataFrame:
    """Bill ↔ ledger for one provider and day: payments by provider transaction id, refunds by our refund number."""
    return pl.concat([_payments(day), _refunds(day)], how="vertical").with_columns(provider=pl.lit(day.provider))


def _payments(day: DayInput) -> pl.DataFrame:
    p = day.provider
    bill = day.bill.filter(pl.col("kind") == "payment").select(
        "provider_txn", pl.col("out_trade_no").alias("bill_no"), pl.col("amount_fen").alias("bill_fen"))
    ours = day.payments.select("payment_id", "order_id", "provider_txn", "out_trade_no", "amount_fen", "paid_day",
                               "school_code", "class_id")
    joined = bill.join(ours, on="provider_txn", how="full", coalesce=True)
    txn = pl.col("provider_txn")
    found = []
    both = joined.filter(pl.col("payment_id").is_not_null() & pl.col("bill_fen").is_not_null())
    mismatch = both.filter(pl.col("bill_fen") != pl.col("amount_fen"))
    found.append(_finding(mismatch, pl.lit(f"amount_mismatch:{p}:") + txn, T.AMOUNT_MISMATCH, OPEN,
                          "账单金额与本平台记录不符", school_code=pl.col("school_code"), class_id=pl.col("class_id"),
                          order_id=pl.col("order_id"), out_trade_no=pl.col("out_trade_no"), provider_txn=txn,
                          ours_fen=pl.col("amount_fen"), bill_fen=pl.col("bill_fen"),
                          amount_fen=(pl.col("bill_fen") - pl.col("amount_fen")).abs()))
    # In the bill, not in our ledger: an order of ours (a lost notification, or a second payment) or nobody's.
    bill_only = joined.filter(pl.col("payment_id").is_null()).select("provider_txn", "bill_no", "bill_fen")
    known = bill_only.join(day.numbers.rename({"out_trade_no": "bill_no"}), on="bill_no", how="left")
    unknown = known.filter(pl.col("order_id").is_null())
    found.append(_finding(unknown, pl.lit(f"provider_only:{p}:") + txn, T.PROVIDER_ONLY, OPEN,
                          "账单中有、本平台无此订单", school_code=pl.lit(""), out_trade_no=pl.col("bill_no"),
                          provider_txn=txn, bill_fen=pl.col("bill_fen"), amount_fen=pl.col("bill_fen")))
    ours_paid = pl.col("state").is_in(["paid", "refunded"]) & (pl.col("order_txn") != txn)
    second = known.filter(pl.col("order_id").is_not_null() & ours_paid)
    found.append(_finding(second, pl.lit(f"duplicate_payment:{p}:") + txn, T.DUPLICATE_PAYMENT, OPEN,
                          "同一订单的第二笔支付（未入账、未退款）", school_code=pl.col("school_code"),
                          class_id=pl.col("class_id"), subject_key=pl.col("subject_key"), order_id=pl.col("order_id"),
                          out_trade_no=pl.col("bill_no"), provider_txn=txn, bill_fen=pl.col("bill_fen"),
                          amount_fen=pl.col("bill_fen")))
    unpaid = known.filter(pl.col("order_id").is_not_null() & ~ours_paid)
    found.append(_finding(unpaid, pl.lit(f"status_mismatch:{p}:") + txn, T.STATUS_MISMATCH, OPEN,
                          "账单显示已支付，本平台订单未入账", school_code=pl.col("school_code"),
                          class_id=pl.col("class_id"), subject_key=pl.col("subject_key"), order_id=pl.col("order_id"),
                          out_trade_no=pl.col("bill_no"), provider_txn=txn, bill_fen=pl.col("bill_fen"),
                          amount_fen=pl.col("bill_fen")))
    # In our ledger, not in the bill: today's are carried to tomorrow's bill; one carried before is now open.
    key = pl.lit(f"platform_only:{p}:") + txn
    ours_only = joined.filter(pl.col("bill_fen").is_null())
    carried_before = key.is_in(list(day.carried_keys))
    ours_only = ours_only.filter((pl.col("paid_day") == day.bill_date) | carried_before)
    found.append(_finding(ours_only, key, T.PLATFORM_ONLY,
                          pl.when(carried_before & (pl.col("paid_day") < day.bill_date)).then(pl.lit(OPEN))
                          .otherwise(pl.lit(CARRIED)),
                          "本平台已入账、账单中无此交易", school_code=pl.col("school_code"),
                          class_id=pl.col("class_id"), order_id=pl.col("order_id"),
                          out_trade_no=pl.col("out_trade_no"), provider_txn=txn, ours_fen=pl.col("amount_fen"),
                          amount_fen=pl.col("amount_fen")))
    return pl.concat(found, how="vertical")


def _refunds(day: DayInput) -> pl.DataFrame:
    p = day.provider
    bill = day.bill.filter(pl.col("kind") == "refund").select(
        "out_refund_no", "provider_txn", pl.col("out_trade_no").alias("bill_no"),
        pl.col("amount_fen").alias("bill_fen"))
    joined = bill.join(day.refunds, on="out_refund_no", how="full", coalesce=True)
    no = pl.col("out_refund_no").fill_null(pl.col("provider_txn"))
    common = {"school_code": pl.col("school_code").fill_null(""), "class_id": pl.col("class_id"),
              "order_id": pl.col("order_id"), "out_refund_no": pl.col("out_refund_no"),
              "provider_txn": pl.col("provider_txn")}
    found = []
    unknown = joined.filter(pl.col("refund_id").is_null())
    found.append(_finding(unknown, pl.lit(f"provider_only:{p}:R:") + no, T.PROVIDER_ONLY, OPEN,
                          "账单中有退款、本平台无此退款", out_trade_no=pl.col("bill_no"), bill_fen=pl.col("bill_fen"),
                          amount_fen=pl.col("bill_fen"), **common))
    both = joined.filter(pl.col("refund_id").is_not_null() & pl.col("bill_fen").is_not_null())
    found.append(_finding(both.filter(pl.col("bill_fen") != pl.col("amount_fen")),
                          pl.lit(f"amount_mismatch:{p}:R:") + no, T.AMOUNT_MISMATCH, OPEN, "退款金额与本平台记录不符",
                          out_trade_no=pl.col("bill_no"), ours_fen=pl.col("amount_fen"), bill_fen=pl.col("bill_fen"),
                          amount_fen=(pl.col("bill_fen") - pl.col("amount_fen")).abs(), **common))
    found.append(_finding(both.filter(pl.col("state") != "succeeded"), pl.lit(f"status_mismatch:{p}:R:") + no,
                          T.STATUS_MISMATCH, OPEN, "账单显示已退款，本平台退款未完成", out_trade_no=pl.col("bill_no"),
                          ours_fen=pl.col("amount_fen"), bill_fen=pl.col("bill_fen"), amount_fen=pl.lit(0), **common))
    key = pl.lit(f"platform_only:{p}:R:") + no
    carried_before = key.is_in(list(day.carried_keys))
    ours_only = joined.filter(pl.col("bill_fen").is_null() & (pl.col("state") == "succeeded")
                              & ((pl.col("day") == day.bill_date) | carried_before))
    found.append(_finding(ours_only, key, T.PLATFORM_ONLY,
                          pl.when(carried_before & (pl.col("day") < day.bill_date)).then(pl.lit(OPEN))
                          .otherwise(pl.lit(CARRIED)), "本平台已退款、账单中无此退款",
                          ours_fen=pl.col("amount_fen"), amount_fen=pl.col("amount_fen"), **common))
    return pl.concat(found, how="vertical")


# -- the ledger against who was photographed -------------------------------------------------------------------

ORDER_SCHEMA: Schema = {"order_id": Str, "kind": Str, "state": Str, "subject_key": Str, "class_id": Str,
                        "school_code": Str,
                "term": Str, "amount_fen": Int, "unit_fen": Int, "quantity": Int, "refunded_fen": Int}
PHOTOGRAPHED_SCHEMA: Schema = {"subject_key": Str, "school_code": Str, "class_id": Str, "term": Str}
PROFILE_SCHEMA: Schema = {"school_code": Str, "term": Str, "fee_fen": Int, "payer_mode": Str}


def match_photographed(orders: pl.DataFrame, photographed: pl.DataFrame, profiles: pl.DataFrame,
                       payments: pl.DataFrame) -> pl.DataFrame:
    """Paid but not photographed (refund due), photographed but unpaid (receivable), a class or a school that paid
    for more students than were photographed (refund due), and duplicates our ledger kept but has not refunded."""
    found = []
    left = (pl.col("amount_fen") - pl.col("refunded_fen")).alias("left")
    paid_students = orders.filter((pl.col("kind") == "student") & (pl.col("state") == "paid"))
    not_photographed = paid_students.join(photographed.select("subject_key"), on="subject_key", how="anti")
    not_photographed = not_photographed.with_columns(left).filter(pl.col("left") > 0)
    found.append(_finding(not_photographed, pl.lit("paid_not_photographed:") + pl.col("order_id"),
                          T.PAID_NOT_PHOTOGRAPHED, OPEN, "已缴费但未拍摄：应退款",
                          school_code=pl.col("school_code"), class_id=pl.col("class_id"),
                          subject_key=pl.col("subject_key"), order_id=pl.col("order_id"),
                          ours_fen=pl.col("amount_fen"), amount_fen=pl.col("left")))
    with_fee = photographed.join(profiles, on=["school_code", "term"], how="inner")
    per_student = with_fee.filter(pl.col("payer_mode") == "student")
    unpaid = per_student.join(paid_students.select("subject_key"), on="subject_key", how="anti")
    found.append(_finding(unpaid.filter(pl.col("fee_fen") > 0),
                          pl.lit("photographed_unpaid:") + pl.col("subject_key"), T.PHOTOGRAPHED_UNPAID, OPEN,
                          "已拍摄但未缴费：应收",
                          school_code=pl.col("school_code"), class_id=pl.col("class_id"),
                          subject_key=pl.col("subject_key"), amount_fen=pl.col("fee_fen")))
    counted = (with_fee.filter((pl.col("payer_mode") == "class") & pl.col("class_id").is_not_null())
               .group_by("class_id", "school_code", "term").agg(pl.len().cast(Int).alias("count"),
                                                                  pl.col("fee_fen").first()))
    class_orders = orders.filter((pl.col("kind") == "class") & (pl.col("state") == "paid")).select(
        "order_id", "class_id", "term", "amount_fen", "unit_fen", "quantity", "refunded_fen")
    classes = counted.join(class_orders, on=["class_id", "term"], how="full", coalesce=True).with_columns(
        pl.col("count").fill_null(0), pl.col("quantity").fill_null(0), pl.col("refunded_fen").fill_null(0))
    short = classes.filter((pl.col("count") > pl.col("quantity")) & pl.col("fee_fen").is_not_null())
    found.append(_finding(short, pl.lit("photographed_unpaid:class:") + pl.col("class_id"), T.PHOTOGRAPHED_UNPAID,
                          OPEN, "班级已拍摄人数多于已结算人数：应收", school_code=pl.col("school_code"),
                          class_id=pl.col("class_id"), order_id=pl.col("order_id"),
                          amount_fen=(pl.col("count") - pl.col("quantity")) * pl.col("fee_fen")))
    over = classes.filter(pl.col("order_id").is_not_null() & (pl.col("quantity") > pl.col("count"))).with_columns(
        ((pl.col("quantity") - pl.col("count")) * pl.col("unit_fen") - pl.col("refunded_fen")).alias("due"))
    over = over.join(orders.select("order_id", pl.col("school_code").alias("order_school")), on="order_id")
    found.append(_finding(over.filter(pl.col("due") > 0), pl.lit("class_overpaid:") + pl.col("order_id"),
                          T.CLASS_OVERPAID, OPEN, "班级结算人数多于实际拍摄人数：应退差额",
                          school_code=pl.col("order_school"), class_id=pl.col("class_id"),
                          order_id=pl.col("order_id"), ours_fen=pl.col("amount_fen"), amount_fen=pl.col("due")))
    found += _schools(orders, photographed, profiles)
    dup = payments.filter(pl.col("duplicate") & (pl.col("refunded_fen") < pl.col("amount_fen")))
    found.append(_finding(dup, pl.lit("duplicate_payment:") + pl.col("provider") + ":" + pl.col("provider_txn"),
                          T.DUPLICATE_PAYMENT, OPEN, "重复支付，尚未退款", provider=pl.col("provider"),
                          school_code=pl.col("school_code"),
                          class_id=pl.col("class_id"), order_id=pl.col("order_id"),
                          out_trade_no=pl.col("out_trade_no"), provider_txn=pl.col("provider_txn"),
                          ours_fen=pl.col("amount_fen"), amount_fen=pl.col("amount_fen") - pl.col("refunded_fen")))
    return pl.concat(found, how="vertical")


def _schools(orders: pl.DataFrame, photographed: pl.DataFrame, profiles: pl.DataFrame) -> list[pl.DataFrame]:
    """A school that pays in advance, per term: its prepaid count (the paid school order's quantity) against the
    count photographed. More photographed than prepaid (students approved after the prepayment, or a school that
    has not paid) is a receivable at today's fee; fewer is a refund due to the school at the fee it paid, less
    what was refunded from that payment already."""
    fees = profiles.filter(pl.col("payer_mode") == "school").select("school_code", "term", "fee_fen")
    prepaid = orders.filter((pl.col("kind") == "school") & (pl.col("state") == "paid")).select(
        "order_id", "school_code", "term", "amount_fen", "unit_fen", "quantity", "refunded_fen")
    shot = photographed.group_by("school_code", "term").agg(pl.len().cast(Int).alias("count"))
    schools = (fees.join(prepaid, on=["school_code", "term"], how="full", coalesce=True)
               .join(shot, on=["school_code", "term"], how="left")
               .with_columns(pl.col("count").fill_null(0), pl.col("quantity").fill_null(0),
                             pl.col("refunded_fen").fill_null(0)))
    short = schools.filter((pl.col("count") > pl.col("quantity")) & pl.col("fee_fen").is_not_null())
    receivable = _finding(short, pl.lit("photographed_unpaid:school:") + pl.col("school_code") + ":" + pl.col("term"),
                          T.PHOTOGRAPHED_UNPAID, OPEN, "学校已拍摄人数多于预缴人数：应收",
                          school_code=pl.col("school_code"), order_id=pl.col("order_id"),
                          ours_fen=pl.col("amount_fen"),
                          amount_fen=(pl.col("count") - pl.col("quantity")) * pl.col("fee_fen"))
    over = schools.filter(pl.col("order_id").is_not_null() & (pl.col("quantity") > pl.col("count"))).with_columns(
        ((pl.col("quantity") - pl.col("count")) * pl.col("unit_fen") - pl.col("refunded_fen")).alias("due"))
    refund = _finding(over.filter(pl.col("due") > 0), pl.lit("school_overpaid:") + pl.col("order_id"),
                      T.SCHOOL_OVERPAID, OPEN, "学校预缴人数多于实际拍摄人数：应退差额",
                      school_code=pl.col("school_code"), order_id=pl.col("order_id"), ours_fen=pl.col("amount_fen"),
                      amount_fen=pl.col("due"))
    return [receivable, refund]
