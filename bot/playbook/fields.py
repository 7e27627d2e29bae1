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

from pydantic import AfterValidator, BaseModel, BeforeValidator, ConfigDict, model_validator

from bot.playbook.dates import CALENDAR, spec_problem
from bot.playbook.honesty import dated_claims

_HHMM = re.compile(r"^([01]?\d|2[0-3])[:：]([0-5]\d)$")  # 9:00 is read as 09:00 (and a full-width colon as ':')
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
        return [f"{where}.items: id 不能重复（ids must be unique），现在是 {ids}"] if len(set(ids)) != len(ids) else []


@dataclass(frozen=True)
class Placeholders:
    """Which {placeholders} a text may use, beyond the persona ones."""

    names: frozenset[str]
    own_deadline: bool = False  # a literal deadline date here is checked against the item's own moment instead


def Text(*names: str, own_deadline: bool = False) -> Any:  # noqa: N802 - reads as a type: `ack: Text("names") = "..."`
    """A text a member reads, which may use these placeholders (and the persona and calendar ones). With
    own_deadline, a literal 「12月31日截止」 is allowed: its item's check compares it with the item's deadline."""
    return Annotated[str, Placeholders(frozenset(names), own_deadline)]


def parse_hhmm(value: str) -> time:
    """'20:00' -> time(20, 0)."""
    hh, mm = value.split(":")
    return time(int(hh), int(mm))


def _check_time(value: object) -> str:
    """'9:00' -> '09:00'; anything but a 24-hour local time is refused. (YAML reads an unquoted 9:00 as the
    sexagesimal number 540: that is read back as 9:00, so both spellings work.)"""
    if isinstance(value, int) and not isinstance(value, bool) and 0 <= value < 24 * 60:
        value = f"{value // 60}:{value % 60:02d}"
    m = _HHMM.match(value.strip()) if isinstance(value, str) else None
    if not m:
        raise ValueError(f"需要本地时间 HH:MM（24小时制，如 09:00 或 9:00），现在是 {value!r}")
    return f"{int(m.group(1)):02d}:{m.group(2)}"


def _check_moment(value: str) -> str:
    """An ISO-8601 time with a UTC offset (deadlines, expiry)."""
    try:
        moment = datetime.fromisoformat(value)
    except (TypeError, ValueError):
        raise ValueError(f"需要 ISO-8601 时间（must be an ISO-8601 time），如 2026-12-31T23:59+08:00，现在是 {value!r}") from None
    if moment.tzinfo is None:
        raise ValueError(f"需要带时区偏移（needs a UTC offset，如 +08:00），现在是 {value!r}")
    return value


def _check_link(value: str) -> str:
    if not re.match(r"^https?://\S+$", value):
        raise ValueError(f"需要 http(s) 链接（http(s) URL），现在是 {value!r}")
    return value


LocalTime = Annotated[str, BeforeValidator(_check_time)]  # 'HH:MM' in the course's time zone (9:00 -> 09:00)
Moment = Annotated[str, AfterValidator(_check_moment)]  # ISO-8601 with a UTC offset
Link = Annotated[str, AfterValidator(_check_link)]  # an http(s) URL


def text_problems(value: object, where: str) -> list[str]:
    """'where.field: 未知的占位符 {x} ...' for every text in a section that uses a placeholder its declaration does not
    allow, has unbalanced braces, or says a literal date or weekday (walks nested models and lists)."""
    problems: list[str] = []
    if isinstance(value, BaseModel):
        for name, info in type(value).model_fields.items():
            child, path = getattr(value, name), f"{where}.{name}" if where else name
            declared = next((m for m in info.metadata if isinstance(m, Placeholders)), None)
            if declared is not None and isinstance(child, str):
                problems += _one_text(child, path, declared)
            else:
                problems += text_problems(child, path)
    elif isinstance(value, (list, tuple)):
        for i, item in enumerate(value):
            problems += text_problems(item, f"{where}[{i}]")
    return problems


def _one_text(text: str, path: str, declared: Placeholders) -> list[str]:
    try:
        used = [(name, spec) for _, name, spec, _ in string.Formatter().parse(text) if name is not None]
    except ValueError as exc:  # unbalanced braces
        return [f"{path}: 占位符写法有误（bad placeholder syntax: {exc}）"]
    allowed = declared.names | PERSONA | CALENDAR
    problems = []
    unknown = sorted({name for name, _ in used if name} - allowed)
    if unknown or any(not name for name, _ in used):
        shown = unknown[0] if unknown else ""
        problems.append(f"{path}: 未知的占位符 {{{shown}}}（unknown placeholder {{{shown}}}；可用：{', '.join(sorted(allowed))}）")
    problems += [f"{path}: {why}" for name, spec in used if name in CALENDAR and name not in declared.names
                 and (why := spec_problem(name, spec or ""))]
    for claim in dated_claims(text, declared.own_deadline):
        problems.append(f"{path}: 不能直接写日期或星期「{claim}」：开课日期不同它就不对了；请用日历占位符，"
                        "如 {weekday:周四}（下一个周四）、{course_day:3}（课程第3天的日期）、{today}")
    return problems
