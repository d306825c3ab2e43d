"""`tucai photo …`: the same functions as the capture service, for a file on disk (a studio photo brought to a
make-up shoot is checked this way)."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from services.capture.photoqa.profiles import PROFILES

# OpenCV and dlib are imported inside the commands: every other `tucai` command starts without them.

photo_app = typer.Typer(help="照片检测、裁切与比对 (photo checks, framing and comparison).", no_args_is_help=True)

ProfileOption = Annotated[str, typer.Option("--profile", "-p", help=f"One of: {', '.join(PROFILES)}")]


def _read(path: Path) -> bytes:
    try:
        return path.read_bytes()
    except OSError as error:
        raise typer.BadParameter(f"cannot read {path}: {error.strerror}") from None


def _profile(name: str) -> str:
    if name not in PROFILES:
        raise typer.BadParameter(f"unknown profile {name!r}; one of {', '.join(PROFILES)}")
    return name


@photo_app.command("check")
def check(file: Path, profile: ProfileOption = "chsi",
          as_json: Annotated[bool, typer.Option("--json", help="Print the report as JSON")] = False) -> None:
    """Check a photo against a profile; exit 1 when any rule fails."""
    from services.capture.photoqa.checks import check_photo

    report = check_photo(_read(file), _profile(profile))
    if as_json:
        typer.echo(json.dumps(report.as_dict(), ensure_ascii=False, indent=2))
    else:
        for c in report.checks:
            mark = {True: "✓", False: "✗", None: "–"}[c.passed]
            typer.echo(f"{mark} {c.code:<20} {c.message}")
        typer.echo("合格 passed" if report.passed else f"不合格 failed: {', '.join(report.failed)}")
    raise typer.Exit(0 if report.passed else 1)


@photo_app.command("frame")
def frame(source: Path, out: Path, profile: ProfileOption = "chsi") -> None:
    """Crop and scale a camera original to the standard photo (the original is left as it is)."""
    from services.capture.photoqa.checks import check_photo
    from services.capture.photoqa.framing import FramingError, frame_photo

    if out.resolve() == source.resolve():
        raise typer.BadParameter("OUT must differ from IN: the original is kept")
    try:
        data = frame_photo(_read(source), _profile(profile))
    except FramingError as error:
        typer.echo(f"无法裁切 cannot frame: {error.zh} ({error.en})", err=True)
        raise typer.Exit(1) from None
    out.write_bytes(data)
    report = check_photo(data, profile)
    typer.echo(f"wrote {out} ({len(data) / 1024:.1f} KB); "
               + ("合格 passes every check" if report.passed else f"still fails: {', '.join(report.failed)}"))


@photo_app.command("compare")
def compare(a: Path, b: Path,
            as_json: Annotated[bool, typer.Option("--json", help="Print the result as JSON")] = False) -> None:
    """Face distance between two photos (dlib ResNet, L2; same person below 0.6)."""
    from services.capture.photoqa import identity

    try:
        vectors = [identity.embed(_read(path)) for path in (a, b)]
    except identity.NoFace as error:
        typer.echo(f"无法比对 cannot compare: {error}", err=True)
        raise typer.Exit(2) from None
    d = identity.distance(*vectors)
    result = {"distance": round(d, 4), "same_person": d < identity.SAME_PERSON}
    if as_json:
        typer.echo(json.dumps(result))
    else:
        verdict = "同一人 same person" if result["same_person"] else "不同人 different people"
        typer.echo(f"distance {d:.3f}: {verdict}")
