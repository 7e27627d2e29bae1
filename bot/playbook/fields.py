"""Building blocks of every playbook section: strict models, local times, moments, and texts that declare the
placeholders they may use (the loader checks every text against its declaration, wherever the section lives).

    class CheckinSection(Section):
        ack: Text("names", "count") = "✅ 打卡已记录：{names}（今日 {count} 人）"
"""
from __future__ import annotations

import re
import string
from dataclasses import dataclass
from datetime import datetime, time
from typing import Annotated, Any

from pydantic import AfterValidator, BaseModel, ConfigDict, model_validator

_HHMM = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
# placeholders every text may use (Playbook.persona_vars)
PERSONA = frozenset({"persona", "title", "years", "course", "days"})


class Section(BaseModel):
    """A playbook section: unknown keys are errors, values never change after loading."""

    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemsSection(Section):
    """A section of identified `items` (offers, coupons) and what is said about them; a bare list is read as `items`
    (older playbooks)."""

    @model_validator(mode="before")
    @classmethod
    def _bare_list(cls, data: object) -> object:
        return {"items": data} if isinstance(data, list) else data

    def id_problems(self, where: str) -> list[str]:
        """'<where>.items: ids must be unique, got [...]' if an id repeats."""
        ids = [item.id for item in self.items]
        return [f"{where}.items: ids must be unique, got {ids}"] if len(set(ids)) != len(ids) else []


@dataclass(frozen=True)
class Placeholders:
    """Which {placeholders} a text may use, beyond the persona ones."""

    names: frozenset[str]


def Text(*names: str) -> Any:  # noqa: N802 - reads as a type in a model: `ack: Text("names") = "..."`
    """A text a member reads, which may use these placeholders (and the persona ones)."""
    return Annotated[str, Placeholders(frozenset(names))]


def parse_hhmm(value: str) -> time:
    """'20:00' -> time(20, 0)."""
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


def _check_time(value: str) -> str:
    if not isinstance(value, str) or not _HHMM.match(value):
        raise ValueError(f"must be a local time HH:MM (24h), got {value!r}")
    return value


def _check_moment(value: str) -> str:
    """An ISO-8601 time with a UTC offset (deadlines, expiry)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"must be an ISO-8601 time, got {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"needs a UTC offset (e.g. +08:00), got {value!r}")
    return value


def _check_link(value: str) -> str:
    if not re.match(r"^https?://\S+$", value):
        raise ValueError(f"must be an http(s) URL, got {value!r}")
    return value


LocalTime = Annotated[str, AfterValidator(_check_time)]  # 'HH:MM' in the course's time zone
Moment = Annotated[str, AfterValidator(_check_moment)]  # ISO-8601 with a UTC offset
Link = Annotated[str, AfterValidator(_check_link)]  # an http(s) URL


def text_problems(value: object, where: str) -> list[str]:
    """'where.field: unknown placeholder {x} (allowed: ...)' for every text in a section that uses a placeholder its
    declaration does not allow, or has unbalanced braces (walks nested models and lists)."""
    problems: list[str] = []
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            child, path = getattr(value, name), f"{where}.{name}" if where else name
            allowed = next((m.names for m in info.metadata if isinstance(m, Placeholders)), None)
            if allowed is not None and isinstance(child, str):
                problems += _one_text(child, path, allowed)
            else:
                problems += text_problems(child, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problems += text_problems(item, f"{where}[{i}]")
    return problems


def _one_text(text: str, path: str, allowed: frozenset[str]) -> list[str]:
    try:
        used = {name for _, name, _, _ in string.Formatter().parse(text) if name}
    except ValueError as exc:  # unbalanced braces
        return [f"{path}: bad placeholder syntax ({exc})"]
    unknown = used - allowed - PERSONA
    if unknown:
        return [f"{path}: unknown placeholder {{{sorted(unknown)[0]}}} (allowed: {', '.join(sorted(allowed | PERSONA))})"]
    return []
