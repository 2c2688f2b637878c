"""The shape of the code: every module imports on its own, no import cycles, and the layers hold.

The layers, from the bottom: `geo.errors` and `geo.paths` (imported by all); the atlas's data
(`geo.atlas`); the geoparser (`geo.geoparser`) and rendering (`geo.render`); rooms (`geo.rooms`);
the app's glue (`geo.app`), the only code that imports Streamlit besides `app.py` and the page
scripts in `pages/`; the tools (`geo.cli`, and `geo.testing`, which runs the app and the deployment
for the tests and the benchmarks). The tests never import the benchmarks. The graph is read from
the source, so a lazy import inside a function counts.
"""

from __future__ import annotations

import ast
import importlib
from pathlib import Path

import pytest

from geo.paths import ROOT

# Every folder of Python code in the repository, each walked whole.
TREES = ("geo", "pages", "bench", "scripts", "deploy", "tests")


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    if parts[-1] == "__init__":
        parts.pop()
    return ".".join(parts)


def source_files() -> dict[str, Path]:
    files = {module_name(p): p for tree in TREES for p in sorted((ROOT / tree).rglob("*.py"))}
    files["app"] = ROOT / "app.py"
    return files


FILES = source_files()
GEO_MODULES = sorted(m for m in FILES if m == "geo" or m.startswith("geo."))


def imported_names(path: Path) -> set[str]:
    """Every module an import statement of this file names, at any depth (lazy imports count)."""
    names: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
            # `from geo.render import export` imports the module geo.render.export
            names.update(f"{node.module}.{alias.name}" for alias in node.names)
    return names


def graph() -> dict[str, set[str]]:
    """Which of the repository's modules each module imports (a package counts as its __init__)."""
    modules = set(FILES)
    return {m: {n for n in imported_names(path) if n in modules and n != m} for m, path in FILES.items()}


def find_cycle(edges: dict[str, set[str]]) -> list[str] | None:
    """One import cycle as a path that returns to its start, or None."""
    state: dict[str, str] = {}
    stack: list[str] = []

    def visit(node: str) -> list[str] | None:
        state[node] = "open"
        stack.append(node)
        for target in sorted(edges.get(node, ())):
            if state.get(target) == "open":
                return stack[stack.index(target) :] + [target]
            if target not in state and (cycle := visit(target)):
                return cycle
        state[node] = "done"
        stack.pop()
        return None

    for node in sorted(edges):
        if node not in state and (cycle := visit(node)):
            return cycle
    return None


def layer(module: str) -> str:
    """The layer a module belongs to, by its package."""
    parts = module.split(".")
    if parts[0] == "geo" and len(parts) > 1 and parts[1] in ("atlas", "geoparser", "render", "rooms", "app"):
        return parts[1]
    if parts[0] == "geo":
        return "base" if module in ("geo", "geo.errors", "geo.paths") else "tools"  # geo.cli, geo.testing...
    return parts[0]  # pages, bench, scripts, deploy, tests, app


# What each layer of geo/ may import of geo/ (besides itself and the base).
MAY_IMPORT = {
    "base": set(),
    "atlas": set(),
    "render": {"atlas"},
    "geoparser": {"atlas", "render"},
    "rooms": {"atlas"},
    "app": {"atlas", "render", "geoparser", "rooms"},
    # geo.testing checks a port as deploy/serve.py does before starting anything on it
    "tools": {"atlas", "render", "geoparser", "rooms", "deploy"},
}


@pytest.mark.parametrize("module", GEO_MODULES)
def test_every_module_imports(module):
    importlib.import_module(module)


def test_the_cycle_finder_finds_a_cycle():
    assert find_cycle({"a": {"b"}, "b": {"c"}, "c": {"a"}}) == ["a", "b", "c", "a"]
    assert find_cycle({"a": {"b"}, "b": set(), "c": {"a", "b"}}) is None


def test_the_graph_sees_lazy_and_from_package_imports():
    edges = graph()
    assert "geo.render.export" in edges["geo.cli"]  # imported inside cmd_export, as `from geo.render import export`
    assert "geo.render.serialize" in edges["geo.render.export"]
    assert "geo.app.registry" in edges["app"]


def test_no_import_cycles_anywhere():
    cycle = find_cycle(graph())
    assert cycle is None, " -> ".join(cycle)


def test_layers_import_only_what_is_below_them():
    wrong = []
    for module, targets in graph().items():
        source = layer(module)
        if source not in MAY_IMPORT:
            continue
        allowed = MAY_IMPORT[source] | {source, "base"}
        wrong += [f"{module} -> {t}" for t in sorted(targets) if layer(t) not in allowed]
    assert not wrong, wrong


def test_tests_do_not_import_the_benchmarks():
    """A test runs without bench/, and a benchmark can change without breaking a test: what both need is in geo/."""
    wrong = [
        f"{module} -> {target}"
        for module, targets in graph().items()
        if layer(module) == "tests"
        for target in sorted(targets)
        if layer(target) == "bench"
    ]
    assert not wrong, wrong


def test_only_the_app_package_and_the_pages_import_streamlit():
    allowed = {"app", "pages"}
    importers = {
        m
        for m, path in FILES.items()
        if any(n == "streamlit" or n.startswith("streamlit.") for n in imported_names(path))
        and layer(m) not in allowed
        and not m.startswith(("tests.", "bench."))  # AppTest, and the load client's protocol
    }
    assert not importers, sorted(importers)


def test_pages_holds_only_the_page_scripts():
    from geo.app.registry import PAGES

    assert sorted(p.name for p in (ROOT / "pages").glob("*.py")) == sorted(p.file for p in PAGES)


def test_each_page_script_is_thin():
    """A page file only hands over to its module in geo/app: no function, class or widget of its own,
    so the page's code can be imported, tested and reused like the rest of the glue."""
    for page in sorted((ROOT / "pages").glob("*.py")):
        tree = ast.parse(page.read_text(encoding="utf-8"))
        defined = [n for n in ast.walk(tree) if isinstance(n, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)]
        assert not defined, (page.name, [n.name for n in defined])
        imported = {a.name.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.Import) for a in n.names}
        imported |= {n.module.split(".")[0] for n in ast.walk(tree) if isinstance(n, ast.ImportFrom) and n.module}
        assert imported <= {"__future__", "geo"}, (page.name, sorted(imported))
