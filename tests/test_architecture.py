"""The house as the README draws it: the sandbox at the bottom importing nothing above it,
no import circles, and one enum for exit codes."""

from __future__ import annotations

import ast
from pathlib import Path

PACKAGE = Path(__file__).resolve().parents[1] / "calccourse"


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(path): path for path in PACKAGE.rglob("*.py")}


def imports_of(path: Path) -> set[str]:
    """Every calccourse module a file imports, at the top or inside a function."""
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.module and node.module.split(".")[0] == "calccourse":
            for alias in node.names:
                candidate = f"{node.module}.{alias.name}"
                found.add(candidate if candidate in MODULES else node.module)
        elif isinstance(node, ast.Import):
            found |= {alias.name for alias in node.names if alias.name.split(".")[0] == "calccourse"}
    return found


def test_nothing_under_sandbox_imports_upward():
    for name, path in MODULES.items():
        if name.startswith("calccourse.sandbox"):
            upward = {m for m in imports_of(path) if not m.startswith("calccourse.sandbox")}
            assert not upward, f"{name} imports {sorted(upward)}"


def test_the_package_has_no_import_circles():
    graph = {
        name: {m for m in imports_of(path) if m in MODULES and m != name} for name, path in MODULES.items()
    }
    state: dict[str, str] = {}

    def visit(name: str, trail: list[str]) -> None:
        state[name] = "open"
        for other in sorted(graph[name]):
            assert state.get(other) != "open", " -> ".join([*trail, name, other])
            if other not in state:
                visit(other, [*trail, name])
        state[name] = "done"

    for name in sorted(graph):
        if name not in state:
            visit(name, [])


def test_commands_exit_with_the_enum_not_bare_numbers():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    for node in ast.walk(tree):
        if isinstance(node, ast.Call) and getattr(node.func, "attr", None) == "Exit" and node.args:
            assert not isinstance(node.args[0], ast.Constant), (
                f"typer.Exit({node.args[0].value}) at line {node.lineno}"
            )


def test_the_cli_keeps_no_state_between_invocations():
    tree = ast.parse((PACKAGE / "cli.py").read_text(encoding="utf-8"))
    mutable = [
        node.targets[0].id
        for node in tree.body
        if isinstance(node, ast.Assign)
        and isinstance(node.targets[0], ast.Name)
        and isinstance(node.value, (ast.List, ast.Dict, ast.Set))
        and not node.targets[0].id.isupper()  # a constant: settings, never changed
    ]
    assert mutable == [], f"module-level mutable state in cli.py: {mutable}"
    assert not [node.name for node in tree.body if isinstance(node, ast.ClassDef) and node.name != "Commands"]
