"""Load a playbook file and turn every problem into one line naming the file, the field and what is wrong."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.core import registry
from bot.playbook.fields import text_problems
from bot.playbook.model import Playbook


class PlaybookError(Exception):
    """A playbook that cannot be used; str() is the one-line explanation."""


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_playbook(path: str | Path) -> Playbook:
    """Read and validate a playbook; raise PlaybookError('FILE: FIELD: PROBLEM') if unusable."""
    path = Path(path)
    try:
        raw = yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise PlaybookError(f"{path}: cannot read: {exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise PlaybookError(f"{path}: {where}: not valid YAML: {getattr(exc, 'problem', exc)}") from None
    if not isinstance(raw, dict):
        raise PlaybookError(f"{path}: (top level): must be a mapping of sections (persona, course, days ...)")
    problems = _build(raw)
    if isinstance(problems, Playbook):
        return problems
    raise PlaybookError("\n".join(f"{path}: {p}" for p in problems))


def _build(raw: dict) -> Playbook | list[str]:
    """The playbook with its rituals' sections, or every problem found ('field: problem')."""
    try:
        rituals = registry.chosen(raw.get("rituals") if isinstance(raw.get("rituals"), list) else None)
    except ValueError as exc:
        return [str(exc)]
    problems: list[str] = []
    core, sections = dict(raw), {}
    owned = {r.section[0]: r for r in registry.available().values() if r.section}
    for key, ritual in owned.items():
        if all(r is not ritual for r in rituals):
            if key in core:
                problems.append(f"{key}: belongs to the ritual {ritual.name!r}, which this playbook's rituals: leaves out")
                core.pop(key)
            continue
        kind = ritual.section[1]
        data = core.pop(key) if key in core else _empty(kind)
        try:
            sections[key] = TypeAdapter(kind).validate_python(data)
        except ValidationError as exc:
            problems += _lines(exc, (key,))
    try:
        pb = Playbook.model_validate(core)
    except ValidationError as exc:
        return _lines(exc, ()) + problems
    if problems:
        return problems
    pb.with_sections(rituals, sections)
    problems = text_problems(pb, "")
    for key, value in sections.items():
        problems += text_problems(value, key)
    for ritual in rituals:
        for check in ritual.checks:
            problems += list(check(pb))
    return problems or pb


def _empty(kind: Any) -> Any:
    """What a section left out of the playbook is read as: a model's defaults, an empty list, or None."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return {}
    return [] if getattr(kind, "__origin__", None) is list else None


def _lines(exc: ValidationError, prefix: tuple) -> list[str]:
    lines = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] == "missing":
            msg = "is required"
        elif err["type"] == "extra_forbidden":
            msg = "is not a known field"
        loc = prefix + tuple(err["loc"])
        # whole-section checks name their field themselves ("days: ...")
        lines.append(msg if not err["loc"] and ": " in msg else f"{_loc(loc)}: {msg}")
    return lines
