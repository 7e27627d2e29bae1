"""Load a playbook file and turn every problem into one line naming the file, the field and what is wrong (in Chinese,
with the English term alongside)."""
from __future__ import annotations

from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, TypeAdapter, ValidationError

from bot.core import registry
from bot.playbook.fields import text_problems
from bot.playbook.model import Playbook

# PyYAML's safe loader in C (libyaml, in the PyYAML wheel), the same values as yaml.safe_load several times faster
# (the playbook and the cue lists are read at every start, `report` included); the Python one where libyaml is absent
SAFE_LOADER = getattr(yaml, "CSafeLoader", yaml.SafeLoader)


class PlaybookError(Exception):
    """A playbook that cannot be used; str() is the one-line explanation."""


def read_yaml(path: Path, error: type[Exception]) -> Any:
    """A YAML file's document; raise `error('FILE: where: problem')` in one line when it cannot be read or parsed
    (the playbook, the accounts file)."""
    try:
        return yaml.load(path.read_text(encoding="utf-8"), Loader=SAFE_LOADER)
    except OSError as exc:
        raise error(f"{path}: 无法读取（cannot read）：{exc.strerror or exc}") from None
    except yaml.YAMLError as exc:
        mark = getattr(exc, "problem_mark", None)
        where = f"line {mark.line + 1}" if mark else "?"
        raise error(f"{path}: {where}: 不是有效的 YAML（not valid YAML: {getattr(exc, 'problem', exc)}）") from None


def _loc(loc: tuple) -> str:
    out = ""
    for part in loc:
        out += f"[{part}]" if isinstance(part, int) else (f".{part}" if out else str(part))
    return out or "(top level)"


def load_playbook(path: str | Path, language: bool = True) -> Playbook:
    """Read and validate a playbook; raise PlaybookError('FILE: FIELD: PROBLEM') if unusable. `language=False`: its
    `language:` additions are not checked against the language layer's cue lists (for a command that never reads
    messages, e.g. `report`: reading and checking the cue lists is a good part of its start-up; `check`, `run` and
    every command that reads messages check them)."""
    path = Path(path)
    raw = read_yaml(path, PlaybookError)
    if not isinstance(raw, dict):
        raise PlaybookError(f"{path}: (top level): 顶层必须是各个部分的映射（a mapping of sections: persona, course, days ...）")
    problems = _build(raw, language)
    if isinstance(problems, Playbook):
        return problems
    raise PlaybookError("\n".join(f"{path}: {p}" for p in problems))


def _build(raw: dict, language: bool = True) -> Playbook | list[str]:
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
                problems.append(f"{key}: 属于环节 {ritual.name!r}，但 rituals: 里没有选它（belongs to the ritual "
                                f"{ritual.name!r}, which this playbook's rituals: leaves out）")
                core.pop(key)
            continue
        kind = ritual.section[1]
        data = core.pop(key) if key in core else _empty(kind)
        try:
            sections[key] = TypeAdapter(kind).validate_python(data)
        except ValidationError as exc:
            problems += _lines(exc, (key,))
    try:
        pb = Playbook.model_validate(core, context={"language": language})
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
    kinds = sorted({kind for ritual in rituals for kind in ritual.actions})
    problems += [f"settings.spread.{kind}: 不是所选环节的定时发布（not a scheduled post of the chosen rituals: "
                 f"{', '.join(kinds)}）" for kind in pb.settings.spread if kind not in kinds]
    return problems or pb


def _empty(kind: Any) -> Any:
    """What a section left out of the playbook is read as: a model's defaults, an empty list, or None."""
    if isinstance(kind, type) and issubclass(kind, BaseModel):
        return {}
    return [] if getattr(kind, "__origin__", None) is list else None


# pydantic's error types in the words of a playbook's author (its English message follows in brackets)
_CHINESE = {
    "missing": "必填（is required）",
    "extra_forbidden": "不是已知字段（is not a known field）",
    "int_parsing": "需要整数", "int_type": "需要整数", "int_from_float": "需要整数",
    "float_parsing": "需要数字", "float_type": "需要数字",
    "string_type": "需要文字", "bool_parsing": "需要 true 或 false", "bool_type": "需要 true 或 false",
    "list_type": "需要列表", "dict_type": "需要映射（键: 值）", "model_type": "需要映射（键: 值）",
    "greater_than": "太小", "greater_than_equal": "太小", "less_than": "太大", "less_than_equal": "太大",
    "too_short": "太短或太少", "too_long": "太长或太多", "string_pattern_mismatch": "格式不对",
    "literal_error": "不是可选的值之一", "enum": "不是可选的值之一",
}


def _lines(exc: ValidationError, prefix: tuple) -> list[str]:
    lines = []
    for err in exc.errors():
        msg = err["msg"].removeprefix("Value error, ")
        if err["type"] in _CHINESE:
            msg = f"{_CHINESE[err['type']]}（{msg}）"
        loc = prefix + tuple(err["loc"])
        # whole-section checks name their field themselves ("days: ...")
        lines.append(msg if not err["loc"] and ": " in msg else f"{_loc(loc)}: {msg}")
    return lines
