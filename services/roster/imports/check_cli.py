"""`tucai roster check FILE --school CODE [--json] [--annotated OUT.xlsx]`: the registrar's offline pre-flight.

Runs the same reading and validation as the import (no database: uniqueness is checked within the file only) and
prints the same report. Exit code 0: no errors (warnings allowed); 1: errors; 2: the file itself cannot be read.
"""

from __future__ import annotations

import json
import re
import sys
import unicodedata
from datetime import date
from pathlib import Path
from typing import Annotated

import typer

from services.roster.imports.rosterfile import RosterFileError, read_roster
from services.roster.imports.validation import ValidationReport, validate_roster

roster_app = typer.Typer(help="名单工具 Roster tools (offline).", no_args_is_help=True)


@roster_app.callback()
def _roster() -> None:
    """名单工具 Roster tools (offline)."""

EXIT_OK, EXIT_ERRORS, EXIT_BAD_FILE = 0, 1, 2
MAX_FILE_BYTES = 50 * 2**20  # as the upload
COUNT_LABELS = (("rows", "数据行"), ("accepted", "可导入"), ("updates", "其中更新"), ("warnings", "提醒"),
                ("errors", "错误"), ("rows_with_errors", "有错误的行"), ("skipped", "跳过的行"))


def _width(text: str) -> int:
    return sum(2 if unicodedata.east_asian_width(ch) in "WF" else 1 for ch in text)


def _pad(text: str, width: int) -> str:
    return text + " " * max(width - _width(text), 0)


def _table(report: ValidationReport) -> str:
    counts = report.counts
    lines = ["  ".join(f"{zh} {counts[key]}" for key, zh in COUNT_LABELS)]
    if report.issues:
        rows = [("行", "列", "级别", "代码", "说明")]
        for i in report.issues:
            rows.append((str(i.row) if i.row is not None else "-", i.column or "-",
                         "错误" if i.severity == "error" else "提醒", i.code, i.message))
        widths = [min(max(_width(r[k]) for r in rows), 24) for k in range(4)]
        lines.append("")
        for r in rows:
            lines.append("  ".join(_pad(r[k], widths[k]) for k in range(4)) + "  " + r[4])
    else:
        lines.append("没有发现问题。")
    return "\n".join(lines)


@roster_app.command("check")
def check(
    file: Annotated[Path, typer.Argument(help="名单文件 (.xls/.xlsx/.csv/.dbf)", exists=True, dir_okay=False,
                                         readable=True)],
    school: Annotated[str, typer.Option("--school", help="院校代码 (5 digits), e.g. 10403")],
    as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False,
    annotated: Annotated[Path | None, typer.Option("--annotated", help="Write the annotated workbook here (.xlsx)",
                                                   dir_okay=False)] = None,
    today: Annotated[str | None, typer.Option(help="Check as of this date (YYYY-MM-DD); default today",
                                              hidden=True)] = None,
) -> None:
    """Check a roster file before uploading it: every problem with its Excel row and column."""
    if not re.fullmatch(r"\d{5}", school):
        raise typer.BadParameter("院校代码应为 5 位数字 (a 5-digit school code)", param_hint="--school")
    as_of = date.fromisoformat(today) if today else date.today()
    try:
        with file.open("rb") as handle:  # never more than one byte past the limit: read_roster refuses it
            sheet = read_roster(handle.read(MAX_FILE_BYTES + 1), file.name, max_bytes=MAX_FILE_BYTES)
    except RosterFileError as exc:
        if as_json:
            typer.echo(json.dumps({"error": {"code": exc.code, "message": exc.zh, "message_en": exc.en}},
                                  ensure_ascii=False, indent=2))
        else:
            typer.echo(f"无法读取文件（{exc.code}）：{exc.zh}\n{exc.en}", err=True)
        raise typer.Exit(EXIT_BAD_FILE) from None
    report = validate_roster(sheet, school_code=school, today=as_of)
    if annotated is not None:
        from services.roster.imports.annotate import annotated_workbook  # openpyxl: only when asked for

        annotated.write_bytes(annotated_workbook(sheet, report.issues))
    if as_json:
        typer.echo(json.dumps(report.to_dict(), ensure_ascii=False, indent=2))
    else:
        typer.echo(_table(report))
        if annotated is not None:
            typer.echo(f"\n已写出标注后的名单：{annotated}")
    sys.stdout.flush()
    raise typer.Exit(EXIT_ERRORS if report.counts["errors"] else EXIT_OK)
