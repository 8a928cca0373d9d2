"""Data flows one way: no module imports from a floor above its own, and module-level imports form no cycle.

The floors are those of ARCHITECTURE.md, bottom up. Function-level imports count too (a late import
that dodges a cycle is still an import against the flow); only the command line and the explorer, at
the top, import lazily, and only to keep start-up quick.
"""

from __future__ import annotations

import ast
from pathlib import Path

import diffusion_sim

PACKAGE = Path(diffusion_sim.__file__).resolve().parent
FLOORS = [
    ("errors", "diffusion_sim", "processes", "compiled"),
    ("params", "scenario", "innovations", "rng", "seeding", "distributions", "draws", "population"),
    ("region",),
    ("model",),
    ("runner",),
    ("outcomes",),
    ("executors",),
    ("results",),
    ("analysis",),
    ("studies",),
    ("publish",),
    ("api",),
    ("cli", "explorer", "__main__"),
]


def module_name(path: Path) -> str:
    parts = path.relative_to(PACKAGE.parent).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def floor(module: str) -> int:
    parts = module.split(".")
    top = parts[1] if len(parts) > 1 else "diffusion_sim"
    for k, names in enumerate(FLOORS):
        if top in names:
            return k
    raise AssertionError(f"{module}: not on any floor; add it to FLOORS")


def imports(path: Path, module: str) -> list[tuple[str, bool]]:
    """(imported diffusion_sim module, at module level) for every import in ``path``."""
    tree = ast.parse(path.read_text(encoding="utf-8"))
    top_level = {id(node) for node in tree.body}
    package = module if path.name == "__init__.py" else module.rsplit(".", 1)[0]
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [base] + [f"{base}.{a.name}" for a in node.names]
        elif isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        else:
            continue
        for name in names:
            if name.startswith("diffusion_sim.") and (PACKAGE.parent / name.replace(".", "/")).with_suffix(".py").exists() \
                    or (PACKAGE.parent / name.replace(".", "/") / "__init__.py").exists():
                found.append((name, id(node) in top_level))
    return found


def test_no_module_imports_from_a_floor_above_its_own():
    wrong = []
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        for name, _ in imports(path, module):
            if name != "diffusion_sim" and floor(name) > floor(module):
                wrong.append(f"{module} (floor {floor(module)}) imports {name} (floor {floor(name)})")
    assert not wrong, "\n".join(wrong)


def test_module_level_imports_form_no_cycle():
    graph = {}
    for path in sorted(PACKAGE.rglob("*.py")):
        module = module_name(path)
        graph[module] = {n for n, top in imports(path, module) if top and n != module and not module.startswith(n + ".")}
    seen, stack, cycles = set(), [], []

    def visit(node: str) -> None:
        if node in stack:
            cycles.append(" -> ".join(stack[stack.index(node):] + [node]))
            return
        if node in seen:
            return
        seen.add(node)
        stack.append(node)
        for nxt in sorted(graph.get(node, ())):
            visit(nxt)
        stack.pop()

    for module in sorted(graph):
        visit(module)
    assert not cycles, "\n".join(cycles)
