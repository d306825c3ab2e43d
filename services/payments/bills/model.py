"""The normalised bill: one row per payment or refund, money in integer fen (refunds positive), times UTC.

Limits keep a hostile file (a zip bomb, one endless line) from taking the process's memory: lines are read with a
bound, decompression is counted as it goes.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from typing import Any, Literal, Protocol
from zoneinfo import ZoneInfo

SHANGHAI = ZoneInfo("Asia/Shanghai")  # bills are written in Beijing wall-clock time
MAX_LINE_BYTES = 64 * 1024  # a real bill line is < 1 KB
MAX_BILL_BYTES = 2 * 1024**3  # uncompressed; a 1,000,000-row WeChat bill is ~400 MB


class BillError(Exception):
    """A bill that cannot be trusted at all. `code` is stable: too_large, line_too_long, encoding, not_a_bill,
    missing_columns, bad_value, bad_zip, sha1_mismatch."""

    def __init__(self, code: str, detail: str, line: int | None = None) -> None:
        where = f" (line {line})" if line else ""
        super().__init__(f"{code}: {detail}{where}")
        self.code = code
        self.detail = detail
        self.line = line


@dataclass(frozen=True)
class BillRow:
    kind: Literal["payment", "refund"]
    provider_txn: str
    out_trade_no: str
    out_refund_no: str | None
    amount_fen: int  # always positive; the kind says which way the money went
    time: datetime
    status: str

    def as_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "provider_txn": self.provider_txn, "out_trade_no": self.out_trade_no,
                "out_refund_no": self.out_refund_no, "amount_fen": self.amount_fen,
                "time": self.time.isoformat(), "status": self.status}


@dataclass
class ParsedBill:
    provider: Literal["wechat", "alipay"]
    summary_ok: bool  # False when the bill's own totals disagree with its rows (or are missing): do not trust
    rows: list[BillRow]
    problems: list[str] = field(default_factory=list)  # why summary_ok is False

    def as_dict(self) -> dict[str, Any]:
        return {"provider": self.provider, "summary_ok": self.summary_ok,
                "rows": [row.as_dict() for row in self.rows], "problems": self.problems}


def local_time(text: str, line: int) -> datetime:
    try:
        return datetime.strptime(text.strip(), "%Y-%m-%d %H:%M:%S").replace(tzinfo=SHANGHAI).astimezone(UTC)
    except ValueError:
        raise BillError("bad_value", f"time {text[:30]!r}", line) from None


class LineSource(Protocol):
    """What a bill is read from: a binary file, a gzip or zip member, or a reader wrapping one."""

    def readline(self, size: int = -1, /) -> bytes: ...


class BoundedLines:
    """Lines of a binary stream, each at most MAX_LINE_BYTES, all together at most `limit` bytes."""

    def __init__(self, stream: LineSource, limit: int = MAX_BILL_BYTES) -> None:
        self.stream = stream
        self.limit = limit
        self.total = 0
        self.number = 0

    def __iter__(self) -> BoundedLines:
        return self

    def __next__(self) -> bytes:
        line = self.stream.readline(MAX_LINE_BYTES + 1)
        if not line:
            raise StopIteration
        self.number += 1
        self.total += len(line)
        if len(line) > MAX_LINE_BYTES:
            raise BillError("line_too_long", f"more than {MAX_LINE_BYTES} bytes", self.number)
        if self.total > self.limit:
            raise BillError("too_large", f"more than {self.limit} bytes")
        return line
