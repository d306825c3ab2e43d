"""Writing a delivery package: the photos, the index (xlsx + csv) and a manifest of SHA-256 hashes, as a zip.
Pure: plain values in, a file object out. Entry names come only from naming.name_files (plain file names) and
the fixed names below, so nothing in a package can point outside the folder it is unpacked into."""

from __future__ import annotations

import csv
import hashlib
import io
import zipfile
from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import IO

from openpyxl import Workbook

from services.kernel.inert import inert

INDEX_CSV = "索引.csv"
INDEX_XLSX = "索引.xlsx"
MANIFEST = "SHA256SUMS.txt"
HEADER = ["序号", "姓名", "院系", "班级", "文件名", "SHA-256", "状态", "说明"]


@dataclass(frozen=True)
class Row:
    """One approved student in the index: in the package (file_name and sha256 set) or left out (reason)."""

    masked_name: str
    college: str
    klass: str
    file_name: str | None = None
    sha256: str | None = None
    reason: str | None = None

    def cells(self, position: int) -> list[str | int]:
        state = "已纳入" if self.file_name else "未纳入"
        return [position, self.masked_name, self.college, self.klass, self.file_name or "", self.sha256 or "",
                state, self.reason or ""]


def _csv(rows: list[Row]) -> bytes:
    text = io.StringIO()
    writer = csv.writer(text, lineterminator="\r\n")
    writer.writerow(HEADER)
    writer.writerows(_safe_cells(r.cells(i)) for i, r in enumerate(rows, start=1))
    return ("\ufeff" + text.getvalue()).encode()  # the BOM makes Excel read UTF-8


def _safe_cells(cells: list[str | int]) -> list[str | int]:
    """The index holds data only: every cell through the one export rule (services/kernel/inert.py)."""
    return [inert(c) for c in cells]


def _xlsx(rows: list[Row]) -> bytes:
    book = Workbook()
    sheet = book.active
    assert sheet is not None
    sheet.title = "索引"
    sheet.append(HEADER)
    for i, row in enumerate(rows, start=1):
        sheet.append(_safe_cells(row.cells(i)))
    for column, width in zip("ABCDEFGH", (6, 10, 22, 26, 26, 66, 8, 30), strict=True):
        sheet.column_dimensions[column].width = width
    out = io.BytesIO()
    book.save(out)
    return out.getvalue()


class PackageWriter:
    """Adds photos one by one (so the caller can report progress), then the index and the manifest."""

    def __init__(self, target: IO[bytes], at: datetime) -> None:
        self._zip = zipfile.ZipFile(target, "w", compression=zipfile.ZIP_STORED)
        self._stamp = (at.year, at.month, at.day, at.hour, at.minute, at.second)
        self._hashes: list[tuple[str, str]] = []

    def _add(self, name: str, data: bytes, compress: bool) -> str:
        info = zipfile.ZipInfo(name, date_time=self._stamp)
        info.compress_type = zipfile.ZIP_DEFLATED if compress else zipfile.ZIP_STORED
        info.external_attr = 0o644 << 16
        self._zip.writestr(info, data)
        digest = hashlib.sha256(data).hexdigest()
        self._hashes.append((digest, name))
        return digest

    def add_photo(self, name: str, data: bytes) -> str:
        return self._add(name, data, compress=False)  # JPEGs do not compress further

    def finish(self, rows: Iterable[Row]) -> None:
        listed = list(rows)
        self._add(INDEX_CSV, _csv(listed), compress=True)
        self._add(INDEX_XLSX, _xlsx(listed), compress=False)
        manifest = "".join(f"{digest}  {name}\n" for digest, name in self._hashes)
        self._zip.writestr(zipfile.ZipInfo(MANIFEST, date_time=self._stamp), manifest.encode())
        self._zip.close()
