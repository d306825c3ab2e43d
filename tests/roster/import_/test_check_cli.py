"""`tucai roster check`: the registrar's offline pre-flight prints the same report as the import."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook
from typer.testing import CliRunner

from services.cli import app
from services.roster.imports.check_cli import roster_app
from tests.roster.import_.cfb import encrypted_xlsx
from tests.roster.import_.people import csv_bytes, people, xlsx_bytes

REPO = Path(__file__).resolve().parents[3]
runner = CliRunner()


def _files(tmp_path: Path) -> tuple[Path, Path]:
    ps = people(4)
    good = tmp_path / "好名单.xlsx"
    good.write_bytes(xlsx_bytes([p.row("10403") for p in ps], title="2026届毕业生名单"))
    rows = [p.row("10403") for p in ps]
    rows[1][5] = "3.60102E+17"
    rows[2][3] = "未知"
    bad = tmp_path / "坏名单.csv"
    bad.write_bytes(csv_bytes(rows, encoding="gbk"))
    return good, bad


def test_json_report_and_exit_codes(tmp_path: Path) -> None:
    good, bad = _files(tmp_path)
    ok = runner.invoke(roster_app, ["check", str(good), "--school", "10403", "--json"])
    assert ok.exit_code == 0, ok.output
    report = json.loads(ok.stdout)
    assert report == {"counts": {"rows": 4, "accepted": 4, "updates": 0, "warnings": 0, "errors": 0,
                                 "rows_with_errors": 0, "skipped": 0}, "issues": []}
    failed = runner.invoke(roster_app, ["check", str(bad), "--school", "10403", "--json"])
    assert failed.exit_code == 1
    report = json.loads(failed.stdout)
    assert [(i["row"], i["column"], i["field"], i["code"], i["severity"]) for i in report["issues"]] == [
        (3, "身份证号", "sfzh", "id_number_damaged_by_excel", "error"),
        (4, "性别", "xb", "sex_unknown", "error"),
    ]
    assert set(report["issues"][0]) == {"row", "column", "field", "code", "severity", "message", "message_en"}
    assert "末尾数字已丢失" in report["issues"][0]["message"]  # Chinese, unescaped
    assert report["counts"]["errors"] == 2 and report["counts"]["accepted"] == 2


def test_table_output_and_annotated_workbook(tmp_path: Path) -> None:
    _, bad = _files(tmp_path)
    out = tmp_path / "标注.xlsx"
    result = runner.invoke(roster_app, ["check", str(bad), "--school", "10403", "--annotated", str(out)])
    assert result.exit_code == 1
    assert "数据行 4  可导入 2" in result.stdout and "id_number_damaged_by_excel" in result.stdout
    assert "3   身份证号" in result.stdout
    ws = load_workbook(out).worksheets[0]
    assert ws["G3"].comment is not None and ws["E4"].comment is not None and ws["G2"].comment is None


@pytest.mark.parametrize("as_json", [True, False])
def test_a_bad_file_exits_2_with_its_code(tmp_path: Path, as_json: bool) -> None:
    locked = tmp_path / "加密.xlsx"
    locked.write_bytes(encrypted_xlsx())
    result = runner.invoke(roster_app, ["check", str(locked), "--school", "10403", *(["--json"] if as_json else [])])
    assert result.exit_code == 2
    if as_json:
        assert json.loads(result.stdout)["error"]["code"] == "file_encrypted"
    else:
        assert "file_encrypted" in result.output and "密码" in result.output


def test_school_code_must_be_five_digits(tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    result = runner.invoke(roster_app, ["check", str(good), "--school", "104"])
    assert result.exit_code == 2 and "5" in result.output


def test_the_school_code_column_must_match(tmp_path: Path) -> None:
    good, _ = _files(tmp_path)
    result = runner.invoke(app, ["roster", "check", str(good), "--school", "10404", "--json"])
    assert result.exit_code == 1
    codes = {i["code"] for i in json.loads(result.stdout)["issues"]}
    assert codes == {"school_code_mismatch"}


def test_installed_tucai_command(tmp_path: Path) -> None:
    _, bad = _files(tmp_path)
    tucai = Path(sys.executable).parent / "tucai"
    assert tucai.exists(), "the tucai console script is missing: run `make setup`"
    done = subprocess.run([str(tucai), "roster", "check", str(bad), "--school", "10403", "--json"], cwd=REPO,
                          capture_output=True, text=True, timeout=120)
    assert done.returncode == 1, done.stderr
    assert json.loads(done.stdout)["counts"]["errors"] == 2
