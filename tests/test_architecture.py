"""The package's import structure: no loops among ``formsvc`` modules, a Flask-free core, and
WeasyPrint and pypdf imported by the adapter room (``formsvc.render``) alone.

Every module is parsed with :mod:`ast`, so imports inside functions (late imports)
count as much as those at the top: a loop hidden in a function is still a loop.
``from package import name`` is an edge to the submodule when ``name`` is one,
else to the package itself.
"""
from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "formsvc"

#: The outer rooms: they may use Flask and click and import everything below them.
OUTER = ("formsvc.app", "formsvc.blueprints", "formsvc.commands", "formsvc.problems",
         "formsvc.server", "formsvc.views", "formsvc.worker")


def module_names() -> dict[str, Path]:
    """Every module of the package by dotted name (packages by their ``__init__``)."""
    names: dict[str, Path] = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = list(path.relative_to(PACKAGE.parent).with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        names[".".join(parts)] = path
    return names


def _is_package(path: Path) -> bool:
    return path.name == "__init__.py"


def _without_type_checking(tree: ast.AST) -> ast.AST:
    """``tree`` with the bodies of ``if TYPE_CHECKING:`` emptied (imports for types only)."""
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            node.body = [ast.Pass()]
    return tree


def imports_of(name: str, path: Path, modules: dict[str, Path], *, runtime_only: bool = False) -> set[str]:
    """The ``formsvc`` modules ``name`` imports anywhere in its body (``runtime_only``: not those
    under ``if TYPE_CHECKING:``)."""
    package = name if _is_package(path) else name.rpartition(".")[0]
    found: set[str] = set()
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    if runtime_only:
        tree = _without_type_checking(tree)

    def nearest(dotted: str) -> str | None:
        while dotted and dotted not in modules:
            dotted = dotted.rpartition(".")[0]
        return dotted or None

    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            for alias in node.names:
                if alias.name.split(".")[0] == "formsvc":
                    target = nearest(alias.name)
                    if target:
                        found.add(target)
        elif isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")
                base = base[:len(base) - (node.level - 1)]
                source = ".".join(base + ([node.module] if node.module else []))
            else:
                source = node.module or ""
            if source.split(".")[0] != "formsvc":
                continue
            for alias in node.names:
                candidate = f"{source}.{alias.name}"
                target = candidate if candidate in modules else nearest(source)
                if target:
                    found.add(target)
    found.discard(name)
    return found


def import_graph() -> dict[str, set[str]]:
    """Module -> the modules it imports."""
    modules = module_names()
    return {name: imports_of(name, path, modules) for name, path in modules.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan), each sorted."""
    index: dict[str, int] = {}
    low: dict[str, int] = {}
    stack: list[str] = []
    on_stack: set[str] = set()
    found: list[list[str]] = []
    counter = [0]

    def visit(node: str) -> None:
        index[node] = low[node] = counter[0]
        counter[0] += 1
        stack.append(node)
        on_stack.add(node)
        for succ in sorted(graph.get(node, ())):
            if succ not in index:
                visit(succ)
                low[node] = min(low[node], low[succ])
            elif succ in on_stack:
                low[node] = min(low[node], index[succ])
        if low[node] == index[node]:
            component = []
            while True:
                top = stack.pop()
                on_stack.discard(top)
                component.append(top)
                if top == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def _loop_path(graph: dict[str, set[str]], component: list[str]) -> str:
    """One concrete loop inside a component, for the failure message."""
    members = set(component)
    start = component[0]
    path, seen = [start], {start}
    node = start
    while True:
        succ = sorted(s for s in graph[node] if s in members)
        nxt = start if start in succ and len(path) > 1 else next((s for s in succ if s not in seen), succ[0])
        path.append(nxt)
        if nxt in seen:
            return " -> ".join(path[path.index(nxt):])
        seen.add(nxt)
        node = nxt


def test_the_graph_sees_late_and_relative_imports() -> None:
    """The parser finds what the test relies on: relative, package and late (in-function) imports."""
    graph = import_graph()
    assert "formsvc.config" in graph["formsvc.app"]
    assert "formsvc.errors" in graph["formsvc.config"]
    assert len(graph) > 50


def test_the_loop_finder_finds_loops() -> None:
    """A two-module and a three-module loop are found; a chain is not a loop."""
    graph = {"a": {"b"}, "b": {"a", "c"}, "c": {"d"}, "d": {"e"}, "e": {"c"}, "f": {"a"}}
    assert cycles(graph) == [["c", "d", "e"], ["a", "b"]]
    assert _loop_path(graph, ["c", "d", "e"]) == "c -> d -> e -> c"


def test_no_import_loops() -> None:
    """No module imports itself through others, late imports included."""
    graph = import_graph()
    found = cycles(graph)
    assert not found, "import loops:\n" + "\n".join(_loop_path(graph, c) for c in found)


def test_the_core_imports_neither_flask_nor_click_nor_the_outer_rooms() -> None:
    """Core modules never import Flask, click or the HTTP/CLI layers (no upward imports)."""
    modules = module_names()
    offenders = []
    for name, path in modules.items():
        if name == "formsvc" or name.startswith(OUTER):
            continue
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            targets: list[str] = []
            if isinstance(node, ast.Import):
                targets = [a.name for a in node.names]
            elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
                targets = [node.module]
            for target in targets:
                if target.split(".")[0] in {"flask", "click", "werkzeug"}:
                    offenders.append(f"{name} imports {target}")
        for target in imports_of(name, path, modules):
            if target.startswith(OUTER):
                offenders.append(f"{name} imports {target}")
    assert not offenders, "\n".join(offenders)


#: Rooms that must not reach into others (each arrow once pointed the wrong way).
FORBIDDEN = {
    "formsvc.validation": ("formsvc.mahnantrag", "formsvc.letters", "formsvc.batch", "formsvc.openapi"),
    "formsvc.openapi": ("formsvc.views", "formsvc.blueprints"),
    "formsvc.rendered": ("formsvc.validation", "formsvc.letters", "formsvc.mahnantrag"),
    "formsvc.server": ("formsvc.app", "formsvc.commands"),
    "formsvc.eda": ("formsvc.letters", "formsvc.mahnantrag", "formsvc.batch"),
}


def test_no_upward_imports_between_rooms() -> None:
    """The validator, the OpenAPI helpers, the result type, the server and the EDA core stay in
    their rooms (run-time imports, late ones included)."""
    modules = module_names()
    offenders = []
    for name, path in modules.items():
        for room, banned in FORBIDDEN.items():
            if name == room or name.startswith(room + "."):
                for target in imports_of(name, path, modules, runtime_only=True):
                    if target.startswith(banned):
                        offenders.append(f"{name} imports {target}")
    assert not offenders, "\n".join(offenders)


#: The libraries whose internals the adapter room alone may touch.
ADAPTED = ("weasyprint", "pypdf", "pydyf", "cssselect2")
ADAPTER_ROOM = "formsvc.render"
REPOSITORY = PACKAGE.parent
#: Folders of the repository not checked: the tests, and the benchmarks, which time stock WeasyPrint
#: and pypdf as the baseline the fast paths are measured against.
NOT_CHECKED = ("tests", "bench", ".venv", ".git", "build", "dist")


def imported_libraries(source: str) -> set[str]:
    """The top-level names of everything ``source`` imports anywhere (late imports included):
    ``import``, ``from … import`` (absolute) and ``importlib.import_module("…")`` / ``__import__("…")``
    with a literal name."""
    found: set[str] = set()
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            found.add(node.module.split(".")[0])
        elif isinstance(node, ast.Call) and node.args and isinstance(node.args[0], ast.Constant) \
                and isinstance(node.args[0].value, str):
            func = node.func
            called = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", "")
            if called in ("import_module", "__import__"):
                found.add(node.args[0].value.split(".")[0])
    return found


def _checked_files() -> dict[str, Path]:
    """Every Python file of the repository outside :data:`NOT_CHECKED`, by dotted name."""
    out: dict[str, Path] = {}
    for path in sorted(REPOSITORY.rglob("*.py")):
        relative = path.relative_to(REPOSITORY)
        if relative.parts[0] in NOT_CHECKED:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        out[".".join(parts)] = path
    return out


def test_the_library_finder_sees_every_kind_of_import() -> None:
    """Plain, from-, late and importlib imports of the adapted libraries are all found."""
    source = ("import pypdf.generic\nfrom weasyprint.text import fonts\nfrom .x import y\n"
              "def f():\n    import pydyf\n    return importlib.import_module('cssselect2')\n")
    assert imported_libraries(source) >= set(ADAPTED)
    assert "formsvc.mahnantrag" in _checked_files() and "formsvc.render.form" in _checked_files()
    assert not any(name.startswith(("tests", "bench")) for name in _checked_files())


def test_only_the_adapter_room_imports_weasyprint_and_pypdf() -> None:
    """Letters, batches and the application reach WeasyPrint and pypdf through :mod:`formsvc.render`
    only: no module outside it imports them (or pydyf, cssselect2), late imports included."""
    offenders = []
    for name, path in _checked_files().items():
        if name == ADAPTER_ROOM or name.startswith(ADAPTER_ROOM + "."):
            continue
        used = imported_libraries(path.read_text(encoding="utf-8")) & set(ADAPTED)
        offenders += [f"{name} imports {library}" for library in sorted(used)]
    assert not offenders, "\n".join(offenders)
