"""No import cycles among the product's modules, counting imports inside functions.

A deferred import (inside a function, or under TYPE_CHECKING) still ties two modules
together: a cycle through one is a knot a newcomer must untie to move either module.
The graph is built from the source with `ast`, so it sees every import, run or not.
"""

from __future__ import annotations

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PACKAGES = ("console", "screens")


def _modules() -> dict[str, Path]:
    found: dict[str, Path] = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


def _imported(name: str, path: Path, known: set[str]) -> set[str]:
    """The product modules `name` imports, relative imports resolved."""
    is_package = path.name == "__init__.py"
    package = name if is_package else name.rpartition(".")[0]
    out: set[str] = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"), str(path))):
        targets: list[str] = []
        if isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                anchor = package.split(".")
                anchor = anchor[: len(anchor) - (node.level - 1)]
                base = ".".join(anchor + ([base] if base else []))
            # `from pkg import mod` imports the submodule when there is one, and names
            # defined in pkg itself otherwise.
            subs = [f"{base}.{alias.name}" for alias in node.names]
            targets = subs if all(s in known for s in subs) else subs + [base]
        for target in targets:
            # The nearest enclosing module we hold (`a.b.func` -> `a.b`).
            while target and target not in known:
                target = target.rpartition(".")[0]
            if target and target != name:
                out.add(target)
    return out


def _graph() -> dict[str, set[str]]:
    modules = _modules()
    known = set(modules)
    return {name: _imported(name, path, known) for name, path in modules.items()}


def _cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    components: list[list[str]] = []
    counter = 0
    for root in sorted(graph):
        if root in index:
            continue
        work = [(root, iter(sorted(graph[root])))]
        index[root] = low[root] = counter
        counter += 1
        stack.append(root)
        on_stack.add(root)
        while work:
            node, children = work[-1]
            child = next(children, None)
            if child is not None:
                if child not in index:
                    index[child] = low[child] = counter
                    counter += 1
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(sorted(graph.get(child, ())))))
                elif child in on_stack:
                    low[node] = min(low[node], index[child])
                continue
            work.pop()
            if work:
                low[work[-1][0]] = min(low[work[-1][0]], low[node])
            if low[node] == index[node]:
                component = []
                while True:
                    member = stack.pop()
                    on_stack.discard(member)
                    component.append(member)
                    if member == node:
                        break
                if len(component) > 1:
                    components.append(sorted(component))
    return components


def _cycles_within(package: str) -> list[list[str]]:
    graph = _graph()
    inside = {m: {t for t in ts if t.split(".")[0] == package} for m, ts in graph.items() if m.split(".")[0] == package}
    return _cycles(inside)


def test_the_finder_sees_a_cycle_through_a_function_level_import() -> None:
    """The finder itself: a cycle closed only by a deferred import is still found."""
    assert _cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]
    assert _cycles({"a": {"b"}, "b": set()}) == []
    source = "def f():\n    from console.x import y\n"
    tree_targets = [n.module for n in ast.walk(ast.parse(source)) if isinstance(n, ast.ImportFrom)]
    assert tree_targets == ["console.x"]


def test_the_graph_holds_imports_made_inside_functions() -> None:
    graph = _graph()
    # console.actions.catalog imports its specs through importlib, but catalog_index's
    # `from_catalog` imports console.actions.catalog inside a function.
    assert "console.actions.catalog" in graph["console.actions.catalog_index"]


def test_no_import_cycle_in_the_core_outside_the_sandbox() -> None:
    assert [c for c in _cycles_within("console") if not all(m.startswith("console.sandbox") for m in c)] == []


def test_no_import_cycle_in_the_sandbox() -> None:
    """The handlers take the Sandbox; the Sandbox is handed the demo loader and the
    deliveries' clock by create_app instead of importing them back."""
    assert _cycles_within("console") == []


def test_no_import_cycle_in_the_screens() -> None:
    assert _cycles_within("screens") == []


def test_no_import_cycle_between_the_core_and_the_screens() -> None:
    """The core never imports the UI, so no cycle can span both."""
    assert [c for c in _cycles(_graph()) if {m.split(".")[0] for m in c} == {"console", "screens"}] == []


def test_no_screen_imports_the_app() -> None:
    """Screens see the App through screens.context and ask it by Message (screens/messages.py);
    only the launcher, which starts it, imports screens.app (also an import-linter contract)."""
    graph = _graph()
    assert (
        sorted(
            m
            for m, targets in graph.items()
            if m.startswith("screens.") and m not in ("screens.app", "screens.launcher") and "screens.app" in targets
        )
        == []
    )


def test_the_screens_subpackages_have_empty_inits() -> None:
    """Importing a feature's package loads nothing: start-up pays only for what it imports."""
    inits = sorted((ROOT / "screens").glob("*/__init__.py"))
    assert len(inits) >= 8
    assert {p.parent.name: p.read_text(encoding="utf-8").strip() for p in inits if p.read_text().strip()} == {}
