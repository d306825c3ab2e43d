"""Services never import each other's internals: only `events` and `schemas` of another service, and the
read-model projection roster ships for its consumers (`services.roster.projection`). Inside a
service, API schemas stay at the edge: only routes (and the app and its shared route dependencies) import
them, so the rules never depend on the wire format; and no service commits (the request's, the
consumer's or the job's unit of work does)."""

from __future__ import annotations

import ast
from pathlib import Path

from services.kernel.settings import SERVICES

ROOT = Path(__file__).resolve().parents[2] / "services"
PUBLIC = {"events", "schemas"}
# Modules a service publishes beyond events and schemas, for its consumers to build on.
SHIPPED = {"roster": {"projection"}}
# Modules that may import a service's own API schemas: the HTTP edge, and schemas building on each other.
SCHEMA_IMPORTERS = {"routes.py", "schemas.py", "app.py", "deps.py"}


def _imports(path: Path, *, every_name: bool = False) -> list[str]:
    """Imported module names; `from a.b import c` also yields a.b.c (always with every_name, since c may be a
    module; otherwise only for a top-level package's direct children)."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: list[str] = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.extend(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.append(node.module)
            if every_name or node.module.count(".") == 1:
                names.extend(f"{node.module}.{alias.name}" for alias in node.names)
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


def schema_imports(root: Path = ROOT) -> list[str]:
    """Modules outside the HTTP edge that import any `schemas` module of their own service."""
    found = []
    for owner in SERVICES:
        for path in (root / owner).rglob("*.py"):
            if path.name in SCHEMA_IMPORTERS:
                continue
            for name in _imports(path, every_name=True):
                parts = name.split(".")
                if parts[:2] == ["services", owner] and "schemas" in parts[2:]:
                    module = ".".join(parts[:parts.index("schemas") + 1])
                    found.append(f"{path.relative_to(root)} imports {module}")
    return sorted(set(found))


def test_only_routes_import_api_schemas() -> None:
    assert schema_imports() == []


def test_the_schema_check_catches_a_service_importing_schemas(tmp_path: Path) -> None:
    for name in SERVICES:
        (tmp_path / name).mkdir()
    (tmp_path / "roster" / "review").mkdir()
    (tmp_path / "roster" / "review" / "service.py").write_text(
        "from services.roster.review.schemas import BatchOut\n")
    (tmp_path / "roster" / "review" / "routes.py").write_text("from services.roster.review.schemas import BatchOut\n")
    (tmp_path / "roster" / "demo.py").write_text("from services.roster.accounts import schemas\n")
    assert sorted(schema_imports(tmp_path)) == [
        "roster/demo.py imports services.roster.accounts.schemas",
        "roster/review/service.py imports services.roster.review.schemas",
    ]


def commits(root: Path = ROOT) -> list[str]:
    """`.commit()` calls in the four services: commits happen only in the kernel (a request's, a consumer's or
    a job's unit of work)."""
    found = []
    for owner in SERVICES:
        for path in (root / owner).rglob("*.py"):
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if ".commit()" in line:
                    found.append(f"{path.relative_to(root)}:{number}")
    return found


def test_no_service_commits() -> None:
    assert commits() == []


def test_the_commit_check_catches_a_commit(tmp_path: Path) -> None:
    for name in SERVICES:
        (tmp_path / name / "orders").mkdir(parents=True)
    (tmp_path / "payments" / "orders" / "service.py").write_text("def pay(uow):\n    uow.commit()\n")
    assert commits(tmp_path) == ["payments/orders/service.py:2"]
