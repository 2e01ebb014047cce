"""The packages of service/ form layers, and a module imports only from its own layer or below.

core < embedding < llm < index < ingest < retrieval < grounding < answering < api
     < composition root (service/app.py, service/components.py) < cli (and __main__)

Imports inside `if TYPE_CHECKING:` are types only, never run: they are not dependencies
(service/core/ports.py names the answer service's records that way).
"""

from __future__ import annotations

import ast
from pathlib import Path

SERVICE = Path(__file__).resolve().parents[1] / "service"
LAYERS = [
    "core",
    "embedding",
    "llm",
    "index",
    "ingest",
    "retrieval",
    "grounding",
    "answering",
    "api",
    "app",
    "components",
    "cli",
    "__main__",
]
# The composition root is one layer: app.py and components.py may use each other.
RANK = {name: i for i, name in enumerate(LAYERS)}
RANK["components"] = RANK["app"]


def layer_of(module: str) -> str | None:
    """The layer of a dotted module name under `service`, None for `service` itself."""
    parts = module.split(".")
    return parts[1] if parts[0] == "service" and len(parts) > 1 else None


def runtime_imports(tree: ast.Module) -> list[tuple[int, str]]:
    type_only: set[int] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.If) and "TYPE_CHECKING" in ast.unparse(node.test):
            type_only |= {id(inner) for stmt in node.body for inner in ast.walk(stmt)}
    found = []
    for node in ast.walk(tree):
        if id(node) in type_only:
            continue
        if isinstance(node, ast.Import):
            found += [(node.lineno, alias.name) for alias in node.names]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            found += [(node.lineno, f"{node.module}.{alias.name}") for alias in node.names]
    return found


def modules() -> list[tuple[str, Path]]:
    found = []
    for path in sorted(SERVICE.rglob("*.py")):
        relative = path.relative_to(SERVICE.parent).with_suffix("")
        found.append((".".join(relative.parts), path))
    return found


def test_every_module_belongs_to_a_layer() -> None:
    strays = [
        name for name, _ in modules() if name != "service.__init__" and layer_of(name) not in RANK
    ]
    assert not strays, f"modules outside every layer (add them to a package): {strays}"


def test_imports_only_go_down() -> None:
    upward = []
    for name, path in modules():
        own = layer_of(name)
        if own is None or own not in RANK:
            continue
        for line, imported in runtime_imports(ast.parse(path.read_text(encoding="utf-8"))):
            target = layer_of(imported)
            if target in RANK and RANK[target] > RANK[own]:
                upward.append(
                    f"{path.relative_to(SERVICE.parent)}:{line} ({own}) imports "
                    f"{imported} ({target})"
                )
    assert not upward, "imports from a higher layer:\n" + "\n".join(upward)


def test_no_relative_imports() -> None:
    """Absolute imports only, so the check above sees every dependency."""
    relative = [
        f"{path.relative_to(SERVICE.parent)}:{node.lineno}"
        for _, path in modules()
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
        if isinstance(node, ast.ImportFrom) and node.level > 0
    ]
    assert not relative, relative
