"""Which rituals exist: every module or package in the `rituals` package that defines `ritual = Ritual(...)`.
Nothing here names a ritual; a new module in that package is found by looking."""
from __future__ import annotations

import importlib
import pkgutil
from functools import lru_cache

from bot.core.ritual import Ritual

PACKAGE = "rituals"


@lru_cache(maxsize=1)
def available() -> dict[str, Ritual]:
    """Every ritual by name, in the order they run (Ritual.order, then name)."""
    package = importlib.import_module(PACKAGE)
    found: list[Ritual] = []
    for info in pkgutil.iter_modules(package.__path__):
        ritual = getattr(importlib.import_module(f"{PACKAGE}.{info.name}"), "ritual", None)
        if isinstance(ritual, Ritual):
            found.append(ritual)
    return {r.name: r for r in sorted(found, key=lambda r: (r.order, r.name))}


def chosen(names: list[str] | None) -> tuple[Ritual, ...]:
    """The rituals named (all of them for None), in the order they run; ValueError naming an unknown one."""
    every = available()
    if names is None:
        return tuple(every.values())
    for i, name in enumerate(names):
        if name not in every:
            raise ValueError(f"rituals[{i}]: no ritual named {name!r} (known: {', '.join(every)})")
    return tuple(r for r in every.values() if r.name in names)
