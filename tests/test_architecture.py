"""The shape of the code: no import cycles; the core names no ritual; rituals never reach the engine or each other."""
from __future__ import annotations

import ast
from pathlib import Path

from harness import ROOT

SOURCES = [ROOT / "main.py", *sorted((ROOT / "bot").rglob("*.py")), *sorted((ROOT / "rituals").rglob("*.py"))]


def module_name(path: Path) -> str:
    parts = list(path.relative_to(ROOT).with_suffix("").parts)
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


MODULES = {module_name(p): p for p in SOURCES}


def imports_of(path: Path) -> set[str]:
    """Project modules a file imports, anywhere in it (also inside functions and TYPE_CHECKING blocks)."""
    me = module_name(path)
    package = me if path.name == "__init__.py" else me.rpartition(".")[0]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.Import):
            names = [a.name for a in node.names]
        elif isinstance(node, ast.ImportFrom):
            base = node.module or ""
            if node.level:
                base = ".".join(package.split(".")[: len(package.split(".")) - node.level + 1] + ([base] if base else []))
            names = [f"{base}.{a.name}" for a in node.names] + [base]
        else:
            continue
        for name in names:
            while name and name not in MODULES:
                name = name.rpartition(".")[0]
            if name and name != me:
                found.add(name)
    return found


GRAPH = {m: imports_of(p) for m, p in MODULES.items()}


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components with more than one module (Tarjan)."""
    index, low, stack, on, out, counter = {}, {}, [], set(), [], [0]

    def visit(v: str) -> None:
        index[v] = low[v] = counter[0]
        counter[0] += 1
        stack.append(v)
        on.add(v)
        for w in graph.get(v, ()):
            if w not in index:
                visit(w)
                low[v] = min(low[v], low[w])
            elif w in on:
                low[v] = min(low[v], index[w])
        if low[v] == index[v]:
            comp = []
            while True:
                w = stack.pop()
                on.discard(w)
                comp.append(w)
                if w == v:
                    break
            if len(comp) > 1:
                out.append(sorted(comp))

    for v in graph:
        if v not in index:
            visit(v)
    return out


def test_no_module_imports_itself_back_through_others():
    assert cycles(GRAPH) == []


def test_the_cycle_finder_finds_a_cycle():
    assert cycles({"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}) == [["a", "b", "c"]]


def test_the_core_names_no_ritual():
    """The engine, the calendar, the loader and the storage core find rituals through the registry only."""
    for module, deps in GRAPH.items():
        if module.startswith("bot."):
            assert not any(d.startswith("rituals") for d in deps), f"{module} imports a ritual: {deps}"


def test_rituals_reach_neither_the_engine_nor_each_other():
    for module, deps in GRAPH.items():
        if not module.startswith("rituals."):
            continue
        own = module.split(".")[1]
        assert "bot.core.engine" not in deps, f"{module} imports the engine"
        others = {d for d in deps if d.startswith("rituals.") and d.split(".")[1] != own}
        assert not others, f"{module} imports another ritual: {others}"
        assert "ctx.engine" not in MODULES[module].read_text(encoding="utf-8")


def test_every_ritual_is_found_without_a_list():
    from bot.core import registry

    found = set(registry.available())
    on_disk = {p.stem if p.suffix == ".py" else p.name for p in (ROOT / "rituals").iterdir()
               if p.name not in ("__init__.py", "__pycache__")}
    assert found == on_disk
