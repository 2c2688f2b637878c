"""The shape of geo/: every module imports on its own, no import cycles, no Streamlit."""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

GEO = Path(__file__).resolve().parents[1] / "geo"
MODULES = sorted(f"geo.{p.stem}" for p in GEO.glob("*.py") if p.stem != "__init__")


def imported_names(path: Path) -> set[str]:
    """Every module an import statement of this file names, at any depth (lazy imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from geo import cli` imports the module geo.cli
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def geo_graph() -> dict[str, set[str]]:
    modules = set(MODULES)
    return {m: {n for n in imported_names(GEO / f"{m.split('.')[1]}.py") if n in modules} for m in MODULES}


def find_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that returns to its start, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(graph[node]):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(graph):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


@pytest.mark.parametrize("module", MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_lazy_and_from_package_imports():
    graph = geo_graph()
    assert "geo.export" in graph["geo.cli"]  # imported inside cmd_export, as `from geo import export`
    assert "geo.serialize" in graph["geo.export"]


def test_no_import_cycles_in_geo():
    cycle = find_cycle(geo_graph())
    assert cycle is None, " -> ".join(cycle)


def test_geo_never_imports_streamlit():
    for module in MODULES:
        names = imported_names(GEO / f"{module.split('.')[1]}.py")
        assert not any(n == "streamlit" or n.startswith("streamlit.") for n in names), module
