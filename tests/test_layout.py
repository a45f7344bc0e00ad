"""The package's layout: a folder per pipeline stage with a docstring that says what it owns, modules of a few
hundred lines, no import cycle, and no private name imported from another module."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parent.parent / "agent"
MAX_MODULE_LINES = 400
STAGES = ("ingest", "index", "retrieve", "generate", "verify", "eval", "cli", "text", "dates")


def _modules() -> dict[str, Path]:
    out = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
        name = ".".join(parts[:-1] if parts[-1] == "__init__" else parts)
        out[name] = path
    return out


def _imports(name: str, path: Path) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import of ``path``, at any depth, relative ones resolved."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    package = name if path.name == "__init__.py" else name.rpartition(".")[0]
    out = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            if node.level:
                base = package.split(".")[: len(package.split(".")) - (node.level - 1)]
                module = ".".join(base + ([node.module] if node.module else []))
            else:
                module = node.module or ""
            out.append((module, [a.name for a in node.names]))
        elif isinstance(node, ast.Import):
            out += [(a.name, []) for a in node.names]
    return out


def test_each_stage_is_a_folder_whose_docstring_says_what_it_owns():
    for stage in STAGES:
        init = PACKAGE / stage / "__init__.py"
        assert init.exists(), f"agent/{stage}/ is missing"
        assert ast.get_docstring(ast.parse(init.read_text(encoding="utf-8"))), f"agent/{stage}/__init__.py has no docstring"


def test_no_module_is_over_the_size_limit():
    long = {name: n for name, path in _modules().items()
            if (n := len(path.read_text(encoding="utf-8").splitlines())) > MAX_MODULE_LINES}
    assert not long, f"modules over {MAX_MODULE_LINES} lines: {long}"


def test_no_private_name_is_imported_from_another_module():
    modules = _modules()
    found = [f"{name} imports {n} from {module}" for name, path in modules.items()
             for module, names in _imports(name, path) if module in modules for n in names if n.startswith("_") and not n.startswith("__")]
    assert not found, "\n".join(found)


def test_there_is_no_import_cycle():
    modules = _modules()
    graph: dict[str, set[str]] = {}
    for name, path in modules.items():
        deps = set()
        for module, names in _imports(name, path):
            for target in [f"{module}.{n}" for n in names] + [module]:
                if target in modules and target != name:
                    deps.add(target)
                    break
        graph[name] = deps
    # a package's __init__ importing its own submodules is how a package is assembled, not a cycle
    cycles = []
    state: dict[str, int] = {}

    def visit(node: str, stack: list[str]) -> None:
        state[node] = 1
        stack.append(node)
        for dep in sorted(graph[node]):
            if dep.startswith(node + "."):
                continue
            if state.get(dep) == 1:
                cycles.append(stack[stack.index(dep):] + [dep])
            elif dep not in state:
                visit(dep, stack)
        stack.pop()
        state[node] = 2

    for node in sorted(graph):
        if node not in state:
            visit(node, [])
    assert not cycles, "import cycles: " + "; ".join(" -> ".join(c) for c in cycles)
