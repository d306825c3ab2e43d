"""Services never import each other's internals: only `events` and `schemas` of another service, and the
read-model projection roster ships for its consumers (`services.roster.projection`)."""

from __future__ import annotations

import ast
from pathlib import Path

from services.kernel.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2] / "services"
PUBLIC = {"events", "schemas"}
# Modules a service publishes beyond events and schemas, for its consumers to build on.
SHIPPED = {"roster": {"projection"}}


def _imports(path: Path) -> list[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            names.extend(f"{node.module}.{alias.name}" for alias in node.names if node.module.count(".") == 1)
    return names


def violations(root: Path = ROOT) -> list[str]:
    found = []
    for owner in (*SERVICES, "kernel"):
        for path in (root / owner).rglob("*.py"):
            for name in _imports(path):
                parts = name.split(".")
                if len(parts) < 2 or parts[0] != "services" or parts[1] in {owner, "kernel"}:
                    continue
                if owner == "kernel" or parts[1] not in SERVICES:
                    found.append(f"{path.relative_to(root)} imports {name}")
                elif len(parts) >= 3 and parts[2] not in PUBLIC | SHIPPED.get(parts[1], set()):
                    found.append(f"{path.relative_to(root)} imports {name}")
    return found


def test_services_import_only_public_modules_of_each_other() -> None:
    assert violations() == []


def test_the_check_catches_an_internal_import(tmp_path: Path) -> None:
    for name in (*SERVICES, "kernel"):
        (tmp_path / name).mkdir()
    (tmp_path / "scheduling" / "sneaky.py").write_text("from services.roster.models import College\n")
    (tmp_path / "capture" / "fine.py").write_text("from services.roster.events import CollegeCreated\n")
    (tmp_path / "payments" / "shipped.py").write_text("from services.roster.projection import ApprovedStudent\n")
    (tmp_path / "roster" / "not_shipped.py").write_text("from services.payments.projection import Payer\n")
    (tmp_path / "kernel" / "leak.py").write_text("import services.payments.schemas\n")
    assert sorted(violations(tmp_path)) == [
        "kernel/leak.py imports services.payments.schemas",
        "roster/not_shipped.py imports services.payments.projection",
        "scheduling/sneaky.py imports services.roster.models",
    ]
