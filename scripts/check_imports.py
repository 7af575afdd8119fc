#!/usr/bin/env python
"""Keeps the shape of the code (docs/architecture.md, "Rules that CI checks"):

1. No import cycle between modules of hrdd/, counting imports inside functions too.
2. No module imports a private name (one starting with "_") of another app: not
   `from hrdd.other.module import _name`, nor `module._name` after importing it, nor a
   private module `hrdd.other._module`.
3. No module imports a test module (`test_*.py`) or a conftest.py, in hrdd/, bench/ or the
   root conftest.py: builders live in hrdd.testing, fixtures in conftest.py files.

The import graph comes from grimp (the library import-linter is built on), which reads every
import statement, at module level or inside a function. Prints each problem with its file and
line; exits 1 if there is any. Usage: scripts/check_imports.py (from the repository root).
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parent.parent
PACKAGE = "hrdd"


def app_of(module: str) -> str:
    return ".".join(module.split(".")[:2])


def is_private(name: str) -> bool:
    return name.startswith("_") and not name.startswith("__")


def cycles(graph) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan, iterative)."""
    modules = sorted(m for m in graph.modules if ".migrations" not in m)
    edges = {
        m: sorted(d for d in graph.find_modules_directly_imported_by(m) if d in graph.modules)
        for m in modules
    }
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found = []
    for start in modules:
        if start in index:
            continue
        work = [(start, iter(edges[start]))]
        index[start] = low[start] = len(index)
        stack.append(start)
        on_stack.add(start)
        while work:
            node, children = work[-1]
            for child in children:
                if child not in edges:
                    continue
                if child not in index:
                    index[child] = low[child] = len(index)
                    stack.append(child)
                    on_stack.add(child)
                    work.append((child, iter(edges[child])))
                    break
                if child in on_stack:
                    low[node] = min(low[node], index[child])
            else:
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
                        found.append(sorted(component))
    return found


def cycle_report(graph, component: list[str]) -> list[str]:
    lines = ["import cycle between " + ", ".join(component) + ":"]
    for importer in component:
        for imported in component:
            if graph.direct_import_exists(importer=importer, imported=imported):
                for detail in graph.get_import_details(importer=importer, imported=imported):
                    lines.append(
                        f"  {_path(importer)}:{detail['line_number']}: {detail['line_contents']}"
                    )
    return lines


def _path(module: str) -> str:
    base = ROOT.joinpath(*module.split("."))
    path = base / "__init__.py" if base.is_dir() else base.with_suffix(".py")
    return str(path.relative_to(ROOT))


def private_crossings(path: Path) -> list[str]:
    """Private names of another app that the module at `path` imports or reaches into."""
    module = ".".join(path.relative_to(ROOT).with_suffix("").parts)
    own = app_of(module)
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    problems = []
    foreign_modules: set[str] = set()  # local names bound to another app's modules

    def foreign(target: str) -> bool:
        return target.startswith(PACKAGE + ".") and app_of(target) != own

    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if not foreign(node.module):
                continue
            if any(is_private(part) for part in node.module.split(".")):
                problems.append(
                    f"{path.relative_to(ROOT)}:{node.lineno}: private module {node.module}"
                )
            for alias in node.names:
                if is_private(alias.name):
                    problems.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: "
                        f"private name {alias.name} of {node.module}"
                    )
                elif (ROOT.joinpath(*node.module.split("."), alias.name + ".py")).exists() or (
                    ROOT.joinpath(*node.module.split("."), alias.name).is_dir()
                ):
                    foreign_modules.add(alias.asname or alias.name)
        elif isinstance(node, ast.Import):
            for alias in node.names:
                if foreign(alias.name) and any(is_private(p) for p in alias.name.split(".")):
                    problems.append(
                        f"{path.relative_to(ROOT)}:{node.lineno}: private module {alias.name}"
                    )
    for node in ast.walk(tree):
        if (
            isinstance(node, ast.Attribute)
            and isinstance(node.value, ast.Name)
            and node.value.id in foreign_modules
            and is_private(node.attr)
        ):
            problems.append(
                f"{path.relative_to(ROOT)}:{node.lineno}: "
                f"private name {node.attr} of another app's module {node.value.id}"
            )
    return problems


def is_test_module(module: str) -> bool:
    last = module.rsplit(".", 1)[-1]
    return last.startswith("test_") or last == "conftest"


def imports_of_test_modules(path: Path) -> list[str]:
    """Test modules and conftest files that the module at `path` imports from."""
    tree = ast.parse(path.read_text(encoding="utf-8"), str(path))
    package = path.relative_to(ROOT).parent.parts
    problems = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = package[: len(package) - node.level + 1] if node.level else ()
            module = ".".join([*base, *([node.module] if node.module else [])])
            targets = [module] + [
                f"{module}.{alias.name}"
                for alias in node.names
                if ROOT.joinpath(*module.split("."), alias.name + ".py").exists()
            ]
        elif isinstance(node, ast.Import):
            targets = [alias.name for alias in node.names]
        else:
            continue
        problems += [
            f"{path.relative_to(ROOT)}:{node.lineno}: imports the test module {target} "
            "(builders belong in hrdd.testing)"
            for target in targets
            if is_test_module(target)
        ]
    return problems


def main() -> int:
    sys.path.insert(0, str(ROOT))
    graph = grimp.build_graph(PACKAGE, include_external_packages=False, cache_dir=None)
    problems: list[str] = []
    for component in cycles(graph):
        problems += cycle_report(graph, component)
    for path in sorted((ROOT / PACKAGE).rglob("*.py")):
        if "migrations" not in path.parts:
            problems += private_crossings(path)
    for path in sorted([*(ROOT / PACKAGE).rglob("*.py"), *(ROOT / "bench").rglob("*.py")]):
        if "migrations" not in path.parts:
            problems += imports_of_test_modules(path)
    problems += imports_of_test_modules(ROOT / "conftest.py")
    for line in problems:
        print(line)
    if problems:
        print(
            f"\n{sum(1 for p in problems if not p.startswith('  '))} problem(s) in the shape "
            "of the code (docs/architecture.md)."
        )
        return 1
    print(
        "Imports: no cycles between modules, no private names across apps, no imports "
        "from test modules."
    )
    return 0


if __name__ == "__main__":
    sys.exit(main())
