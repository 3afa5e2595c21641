"""The layer rules of ARCHITECTURE.md, read from the source with `ast` (every import counts,
including those inside functions, so a rule cannot be dodged by importing late)."""

from __future__ import annotations

import ast
from collections import defaultdict
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
PACKAGES = ("common", "ingest", "queries", "demo", "imr", "ui")

# package -> project packages it must never import
FORBIDDEN = {
    "common": {"ingest", "queries", "demo", "imr", "ui"},
    "ingest": {"queries", "demo", "imr", "ui"},
    "queries": {"ingest", "demo", "imr", "ui"},
    "demo": {"queries", "imr", "ui"},
    "imr": {"ui"},
    "ui": {"ingest", "demo", "imr"},
    "app": {"ingest", "demo", "imr"},
}
# the documented exceptions (ARCHITECTURE.md): (importing file, imported module prefix)
ALLOWED = {
    ("ui/upload.py", "imr.ingest_run"),  # an upload runs the same ingest as `imr ingest`
    ("ui/pages/data.py", "ingest.model"),  # shows the current PARSER_VERSION beside stored ones
}
NO_STREAMLIT = {"common", "ingest", "queries", "demo", "imr"}


def _sources() -> list[Path]:
    files = [ROOT / "app.py"]
    for package in PACKAGES:
        files += sorted((ROOT / package).rglob("*.py"))
    return files


def _imports(path: Path) -> set[str]:
    """Absolute module names imported by one file (relative imports resolved)."""
    names: set[str] = set()
    parts = path.relative_to(ROOT).with_suffix("").parts
    for node in ast.walk(ast.parse(path.read_text(), str(path))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = parts[: len(parts) - node.level]
                module = ".".join([*base, node.module] if node.module else base)
            else:
                module = node.module or ""
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def _package(path: Path) -> str:
    rel = path.relative_to(ROOT)
    return rel.parts[0] if len(rel.parts) > 1 else rel.stem


IMPORTS = {path: _imports(path) for path in _sources()}


@pytest.mark.parametrize("package", sorted(FORBIDDEN))
def test_layer_rules(package: str) -> None:
    broken = []
    for path, names in IMPORTS.items():
        if _package(path) != package:
            continue
        rel = path.relative_to(ROOT).as_posix()
        for name in sorted(names):
            top = name.split(".")[0]
            allowed = any(
                rel == file and (name == prefix or name.startswith(prefix + "."))
                for file, prefix in ALLOWED
            )
            if top in FORBIDDEN[package] and not allowed:
                broken.append(f"{rel} imports {name}")
    assert not broken, "\n".join(broken)


def test_lower_layers_never_import_streamlit() -> None:
    broken = [
        path.relative_to(ROOT).as_posix()
        for path, names in IMPORTS.items()
        if _package(path) in NO_STREAMLIT and any(n.split(".")[0] == "streamlit" for n in names)
    ]
    assert not broken


def test_no_import_cycles_between_packages() -> None:
    graph: dict[str, set[str]] = defaultdict(set)
    for path, names in IMPORTS.items():
        source = _package(path)
        for name in names:
            target = name.split(".")[0]
            if target in PACKAGES and target != source:
                graph[source].add(target)

    def reaches(start: str, goal: str, seen: set[str]) -> bool:
        return any(nxt == goal or reaches(nxt, goal, seen | {nxt}) for nxt in graph[start] - seen)

    cycles = [p for p in PACKAGES if reaches(p, p, set())]
    assert not cycles, {p: sorted(graph[p]) for p in cycles}


def test_the_checker_sees_imports() -> None:
    """Guard against a checker that passes because it reads nothing."""
    upload = IMPORTS[ROOT / "ui" / "upload.py"]
    assert "imr.ingest_run" in upload
    assert any(n.startswith("ingest.") for n in IMPORTS[ROOT / "imr" / "ingest_run.py"])
