"""Roster import: a generated 100,000-row xlsx through read_roster + validate_roster, beside a bare python-calamine
read of the same file measured in the same run (the physical limit: parsing the workbook at all).

The workbook looks like a registrar's: a title row, Chinese template headers, shared strings, ~0.5% bad rows (an ID
number Excel turned into a float, a wrong check digit, a repeated 学号, a sex that disagrees with the ID number).
It is generated once and cached under var/bench/cache/. Each measurement runs in a fresh subprocess so its peak
memory (ru_maxrss) is its own; each is repeated and the best time kept. N comes from TUCAI_BENCH_IMPORT_ROWS.
"""

from __future__ import annotations

import io
import json
import os
import subprocess
import sys
import time
import zipfile
from pathlib import Path
from typing import Any
from xml.sax.saxutils import escape

from tests.bench.common import REPO, Row, env_int, rate, write_result

NAME = "import"
DEFAULT_N = 100_000
REPEAT = 2
SCHOOL = "10403"
FORMAT_VERSION = 1  # bump when the generated workbook changes, so the cache is rebuilt


def run(out_dir: Path) -> dict[str, Any]:
    n = env_int("TUCAI_BENCH_IMPORT_ROWS", DEFAULT_N)
    cache = out_dir / "cache"
    cache.mkdir(parents=True, exist_ok=True)
    path = cache / f"roster-{n}-v{FORMAT_VERSION}.xlsx"
    generated = None
    if not path.exists():
        started = time.perf_counter()
        tmp = path.with_suffix(".tmp")
        tmp.write_bytes(roster_xlsx(n))
        tmp.replace(path)
        generated = round(time.perf_counter() - started, 1)
    baseline = _child("baseline", path)
    bare: list[dict[str, Any]] = []
    full: list[dict[str, Any]] = []
    for _ in range(REPEAT):  # alternate, so both see the same machine
        bare.append(_child("bare", path))
        full.append(_child("import", path))
    annotate = _child("annotate", path)
    bare_best = min(bare, key=lambda r: r["seconds"])
    full_best = min(full, key=lambda r: r["seconds"])
    rows = [
        Row("read_roster+validate_roster xlsx", rate(n, full_best["seconds"]), "row/s",
            "bare python-calamine read", rate(n, bare_best["seconds"])),
        Row("read_roster alone", rate(n, full_best["read_s"]), "row/s",
            "bare python-calamine read", rate(n, bare_best["seconds"])),
    ]
    result: dict[str, Any] = {
        "n": n,
        "file": {"path": str(path), "bytes": path.stat().st_size, "generated_s": generated},
        "rows": [row.as_dict() for row in rows],
        "import": full_best,
        "bare_calamine": bare_best,
        "annotated_workbook": annotate,
        "runs": {"import": full, "bare_calamine": bare},
        "peak_rss_mb": {"import": full_best["peak_rss_mb"], "bare_calamine": bare_best["peak_rss_mb"],
                        "python_baseline": baseline["peak_rss_mb"]},
        "slowdown_vs_bare": round(full_best["seconds"] / bare_best["seconds"], 2),
        "main_cost": _main_cost(full_best, bare_best, annotate),
        "notes": [
            "times exclude reading the file from disk and interpreter start-up; each run is a fresh process",
            "cpu_s is the child's CPU time: compare it with seconds (wall) to see how busy the machine was",
            "peak_rss_mb is the child's VmHWM: the interpreter, imports and the file's bytes are included "
            "(python_baseline is that alone)",
            f"best of {REPEAT} runs each, alternated",
        ],
    }
    result["path"] = write_result(out_dir, NAME, result)
    return result


def _main_cost(full: dict[str, Any], bare: dict[str, Any], annotate: dict[str, Any]) -> str:
    read, check = full["read_s"], full["validate_s"]
    return (f"{full['seconds']:.1f}s for {full['rows']:,} rows: read_roster {read:.1f}s (the calamine parse "
            f"alone takes {bare['seconds']:.1f}s; the rest builds a RawRow with the original text of every cell), "
            f"validate_roster {check:.1f}s ({1e6 * check / max(full['rows'], 1):.0f} µs/row: ~20 fields normalised "
            f"and checked in Python); peak {full['peak_rss_mb']:.0f} MB vs {bare['peak_rss_mb']:.0f} MB bare. "
            f"The annotated workbook of the same file ({annotate['issues']} issues) takes {annotate['seconds']:.1f}s "
            f"more ({annotate['bytes'] / 2**20:.1f} MB)")


def _child(mode: str, path: Path) -> dict[str, Any]:
    done = subprocess.run([sys.executable, "-m", "tests.bench.bench_import", mode, str(path)], cwd=REPO,
                          capture_output=True, text=True, timeout=600, check=False,
                          env={**os.environ, "PYTHONHASHSEED": "0"})
    if done.returncode != 0:
        raise RuntimeError(f"bench_import {mode} failed:\n{done.stderr[-3000:]}")
    return json.loads(done.stdout.strip().splitlines()[-1])


def _peak_rss_mb(fallback: float) -> float:
    """The high-water mark of this process since its exec (VmHWM). ru_maxrss survives exec on Linux, so in a child
    forked from a big parent it would report the parent's size."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return fallback


def _measure(mode: str, path: Path) -> dict[str, Any]:
    import resource

    data = path.read_bytes()
    out: dict[str, Any] = {"mode": mode}
    cpu = time.process_time()
    if mode == "baseline":
        out["seconds"] = 0.0
    elif mode == "bare":
        from python_calamine import CalamineWorkbook

        started = time.perf_counter()
        with CalamineWorkbook.from_filelike(io.BytesIO(data)) as book:
            grid = book.get_sheet_by_index(0).to_python(skip_empty_area=False)
        out["seconds"] = time.perf_counter() - started
        out["cpu_s"] = time.process_time() - cpu
        out["grid_rows"] = len(grid)
    elif mode == "annotate":
        from datetime import date

        from services.roster.imports.annotate import annotated_workbook
        from services.roster.imports.rosterfile import read_roster
        from services.roster.imports.validation import validate_roster

        sheet = read_roster(data, path.name)
        report = validate_roster(sheet, school_code=SCHOOL, today=date(2026, 5, 1))
        started = time.perf_counter()
        written = annotated_workbook(sheet, report.issues)
        out.update(seconds=time.perf_counter() - started, bytes=len(written), issues=len(report.issues))
    else:
        from datetime import date

        from services.roster.imports.rosterfile import read_roster
        from services.roster.imports.validation import validate_roster

        started = time.perf_counter()
        sheet = read_roster(data, path.name)
        read = time.perf_counter()
        report = validate_roster(sheet, school_code=SCHOOL, today=date(2026, 5, 1))
        finished = time.perf_counter()
        out.update(seconds=finished - started, cpu_s=time.process_time() - cpu, read_s=read - started,
                   validate_s=finished - read, rows=len(sheet.rows), issues=len(report.issues), counts=report.counts)
    out["peak_rss_mb"] = _peak_rss_mb(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
    return {k: round(v, 3) if isinstance(v, float) else v for k, v in out.items()}


# -- the generated workbook --------------------------------------------------------------------------------------

def roster_xlsx(n: int) -> bytes:
    """A registrar-shaped workbook written directly as SpreadsheetML (openpyxl would take minutes for 100k rows)."""
    from tests.roster.import_.people import HEADERS, people

    strings: dict[str, int] = {}

    def s(text: str) -> int:
        index = strings.get(text)
        if index is None:
            index = strings[text] = len(strings)
        return index

    letters = [_letter(k) for k in range(len(HEADERS))]
    title = "南昌大学2026届毕业生图像采集名单（标准格式）"
    parts = [f'<row r="1"><c r="A1" t="s"><v>{s(title)}</v></c></row>',
             '<row r="2">' + "".join(f'<c r="{letters[k]}2" t="s"><v>{s(h)}</v></c>' for k, h in enumerate(HEADERS))
             + "</row>"]
    id_col = HEADERS.index("身份证号")
    for k, person in enumerate(people(n), start=1):
        r = k + 2
        cells: list[object] = person.row(SCHOOL)
        if k % 200 == 0:  # ~0.5% of rows carry a mistake registrars make
            defect = (k // 200) % 4
            if defect == 0 and cells[id_col][-1] != "X":  # type: ignore[index]
                cells[id_col] = float(cells[id_col])  # type: ignore[arg-type]
            elif defect == 1:
                number = cells[id_col]
                cells[id_col] = number[:17] + ("7" if number[17] != "7" else "8")  # type: ignore[index]
            elif defect == 2:
                cells[1] = f"2022{k - 1:07d}"  # the previous row's 学号
            else:
                cells[3] = "女" if cells[3] == "男" else "男"
        row = []
        for col, value in enumerate(cells):
            ref = f"{letters[col]}{r}"
            if isinstance(value, float):
                row.append(f'<c r="{ref}"><v>{value!r}</v></c>')
            else:
                row.append(f'<c r="{ref}" t="s"><v>{s(str(value))}</v></c>')
        parts.append(f'<row r="{r}">{"".join(row)}</row>')
    sheet = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
             '<worksheet xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main"><sheetData>'
             + "".join(parts) + "</sheetData></worksheet>")
    shared = ('<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
              f'<sst xmlns="http://schemas.openxmlformats.org/spreadsheetml/2006/main" count="{len(strings)}" '
              f'uniqueCount="{len(strings)}">' + "".join(f"<si><t>{escape(t)}</t></si>" for t in strings) + "</sst>")
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as z:
        z.writestr("[Content_Types].xml", _CONTENT_TYPES)
        z.writestr("_rels/.rels", _RELS)
        z.writestr("xl/workbook.xml", _WORKBOOK)
        z.writestr("xl/_rels/workbook.xml.rels", _WORKBOOK_RELS)
        z.writestr("xl/styles.xml", _STYLES)
        z.writestr("xl/sharedStrings.xml", shared)
        z.writestr("xl/worksheets/sheet1.xml", sheet)
    return buffer.getvalue()


def _letter(index: int) -> str:
    letters = ""
    index += 1
    while index:
        index, rest = divmod(index - 1, 26)
        letters = chr(65 + rest) + letters
    return letters


_MAIN = "http://schemas.openxmlformats.org/spreadsheetml/2006/main"
_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_CONTENT_TYPES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">'
    '<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>'
    '<Default Extension="xml" ContentType="application/xml"/>'
    '<Override PartName="/xl/workbook.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet.main+xml"/>'
    '<Override PartName="/xl/worksheets/sheet1.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"/>'
    '<Override PartName="/xl/styles.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.styles+xml"/>'
    '<Override PartName="/xl/sharedStrings.xml" '
    'ContentType="application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"/>'
    "</Types>")
_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>')
_WORKBOOK = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<workbook xmlns="{_MAIN}" xmlns:r="{_REL}"><sheets>'
    '<sheet name="学生名单" sheetId="1" r:id="rId1"/></sheets></workbook>')
_WORKBOOK_RELS = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    '<Relationships xmlns="http://schemas.openxmlformats.org/package/2006/relationships">'
    f'<Relationship Id="rId1" Type="{_REL}/worksheet" Target="worksheets/sheet1.xml"/>'
    f'<Relationship Id="rId2" Type="{_REL}/styles" Target="styles.xml"/>'
    f'<Relationship Id="rId3" Type="{_REL}/sharedStrings" Target="sharedStrings.xml"/></Relationships>')
_STYLES = (
    '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n'
    f'<styleSheet xmlns="{_MAIN}"><fonts count="1"><font><sz val="11"/><name val="宋体"/></font></fonts>'
    '<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill>'
    '</fills><borders count="1"><border/></borders><cellStyleXfs count="1"><xf/></cellStyleXfs>'
    '<cellXfs count="1"><xf xfId="0"/></cellXfs></styleSheet>')


if __name__ == "__main__":  # a measurement child: python -m tests.bench.bench_import MODE FILE
    print(json.dumps(_measure(sys.argv[1], Path(sys.argv[2]))))
