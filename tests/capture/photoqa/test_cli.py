"""`tucai photo check|frame|compare` run the same functions and speak JSON with exit codes."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from services.cli import app
from tests.support import photos

runner = CliRunner()


def _write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def test_check_json_and_exit_codes(tmp_path: Path) -> None:
    good = _write(tmp_path, "good.jpg", photos.compliant("hopper"))
    result = runner.invoke(app, ["photo", "check", str(good), "--json"])
    assert result.exit_code == 0, result.output
    document = json.loads(result.output)
    assert document["passed"] is True and len(document["checks"]) >= 20

    bad = _write(tmp_path, "bad.jpg", photos.variant("hopper", "blurred"))
    result = runner.invoke(app, ["photo", "check", str(bad), "--json", "--profile", "chsi"])
    assert result.exit_code == 1
    assert json.loads(result.output)["failed"] == ["sharpness"]

    result = runner.invoke(app, ["photo", "check", str(bad)])
    assert result.exit_code == 1 and "✗ sharpness" in result.output and "不合格" in result.output

    result = runner.invoke(app, ["photo", "check", str(good), "--profile", "mars"])
    assert result.exit_code == 2 and "unknown profile" in result.output


def test_check_names_closed_eyes(tmp_path: Path) -> None:
    closed = _write(tmp_path, "closed.jpg", photos.variant("biden", "closed_eyes"))
    result = runner.invoke(app, ["photo", "check", str(closed), "--json"])
    assert result.exit_code == 1, result.output
    document = json.loads(result.output)
    assert document["passed"] is False and document["failed"] == ["eyes_open"]
    checks = {c["code"]: c for c in document["checks"]}
    assert checks["eyes_visible"]["passed"] is True
    assert checks["eyes_open"]["measured"] < checks["eyes_open"]["threshold"]
    assert "双眼须睁开" in checks["eyes_open"]["message"]

    result = runner.invoke(app, ["photo", "check", str(closed)])
    assert result.exit_code == 1 and "✗ eyes_open" in result.output and "✓ eyes_visible" in result.output


def test_frame_writes_a_passing_photo(tmp_path: Path) -> None:
    original = _write(tmp_path, "DSC_0001.JPG", photos.camera_original("astronaut"))
    out = tmp_path / "framed.jpg"
    result = runner.invoke(app, ["photo", "frame", str(original), str(out)])
    assert result.exit_code == 0, result.output
    assert "passes every check" in result.output
    assert runner.invoke(app, ["photo", "check", str(out)]).exit_code == 0
    assert original.read_bytes() == photos.camera_original("astronaut")

    blank = _write(tmp_path, "blank.jpg", photos.variant("obama", "no_face"))
    result = runner.invoke(app, ["photo", "frame", str(blank), str(tmp_path / "x.jpg")])
    assert result.exit_code == 1 and not (tmp_path / "x.jpg").exists()


def test_compare_json(tmp_path: Path) -> None:
    a = _write(tmp_path, "a.jpg", photos.compliant("obama"))
    b = _write(tmp_path, "b.jpg", photos.compliant("obama3"))
    c = _write(tmp_path, "c.jpg", photos.compliant("biden"))
    same = json.loads(runner.invoke(app, ["photo", "compare", str(a), str(b), "--json"]).output)
    other = json.loads(runner.invoke(app, ["photo", "compare", str(a), str(c), "--json"]).output)
    assert same["same_person"] is True and same["distance"] < 0.6
    assert other["same_person"] is False and other["distance"] > 0.6
    blank = _write(tmp_path, "blank.jpg", photos.variant("obama", "no_face"))
    assert runner.invoke(app, ["photo", "compare", str(a), str(blank), "--json"]).exit_code == 2
