"""Honest dates: a text never carries a literal date or weekday; it names one through a calendar placeholder, and
the date is rendered when the text is sent, from the course calendar and the moment of sending.

    {weekday:周四}    the next Thursday on or after the day the text is sent   → 11月26日（周四）
    {course_day:3}    the date of the group's course day 3 (0 = the evening before day 1) → 12月3日（周四）
    {today}           the day the text is sent                                  → 11月23日（周一）

(星期四, 礼拜四 and 4 are read like 周四; 周日 = 周天 = 7.) `literal_dates` finds what `check` refuses: 周四, 星期四,
礼拜四, 11月26日, 11/26, 2026-11-26 written as such (true on one start date, false on most others).
"""
from __future__ import annotations

import re
from datetime import date, datetime, timedelta, tzinfo

WEEKDAY_NAMES = "一二三四五六日"
CALENDAR = frozenset({"weekday", "course_day", "today"})  # placeholders every text may use
_WEEKDAY_SPEC = re.compile(r"^(?:周|星期|礼拜)?([一二三四五六日天1-7])$")
_DAY_SPEC = re.compile(r"^\d{1,3}$")

# what a text may not say literally (the placeholders are read separately: `{weekday:周四}` is not text)
_LITERAL = (
    re.compile(r"(?<!每)(?:周|星期|礼拜)[一二三四五六日天](?![次回遍期])"),
    re.compile(r"(?:\d{4}\s*年\s*)?\d{1,2}\s*月\s*\d{1,2}\s*[日号]"),
    re.compile(r"(?<![A-Za-z0-9_/.:{}-])(?:1[0-2]|0?[1-9])/(?:[12]\d|3[01]|0?[1-9])(?![A-Za-z0-9_/.%])"),
    re.compile(r"(?<![A-Za-z0-9_-])20\d\d-(?:1[0-2]|0?[1-9])-(?:[12]\d|3[01]|0?[1-9])(?![A-Za-z0-9_])"),
)


def shown(day: date) -> str:
    """'11月26日（周四）'."""
    return f"{day.month}月{day.day}日（周{WEEKDAY_NAMES[day.weekday()]}）"


def weekday_number(spec: str) -> int | None:
    """'周四' / '星期四' / '礼拜四' / '四' / '4' -> 3 (Monday = 0); None if it names no weekday."""
    m = _WEEKDAY_SPEC.match(spec.strip())
    if not m:
        return None
    ch = m.group(1)
    return int(ch) - 1 if ch.isdigit() else ("一二三四五六日".index(ch) if ch != "天" else 6)


def spec_problem(name: str, spec: str) -> str | None:
    """Why `{name:spec}` cannot be rendered (checked when the playbook loads), or None."""
    if name == "weekday" and weekday_number(spec) is None:
        return f"{{weekday:{spec}}} 需要一个星期几，例如 {{weekday:周四}}"
    if name == "course_day" and not _DAY_SPEC.match(spec):
        return f"{{course_day:{spec}}} 需要课程第几天的数字，例如 {{course_day:3}}"
    if name == "today" and spec:
        return "{today} 不带参数"
    return None


class _NextWeekday:
    def __init__(self, today: date) -> None:
        self.today = today

    def __format__(self, spec: str) -> str:
        wanted = weekday_number(spec)
        if wanted is None:
            raise ValueError(f"{{weekday:{spec}}}: not a weekday")
        return shown(self.today + timedelta(days=(wanted - self.today.weekday()) % 7))


class _CourseDay:
    def __init__(self, start: date | None) -> None:
        self.start = start

    def __format__(self, spec: str) -> str:
        n = int(spec)
        if self.start is None:  # no group (a private text): the day's number is still true
            return f"第{n}天"
        return shown(self.start + timedelta(days=n - 1))


class _Today:
    def __init__(self, today: date) -> None:
        self.today = today

    def __format__(self, spec: str) -> str:
        return shown(self.today)


def calendar_vars(now: datetime, tz: tzinfo, start: date | None) -> dict[str, object]:
    """The values of the calendar placeholders for a text sent at `now` in a group whose day 1 is `start`."""
    today = now.astimezone(tz).date()
    return {"weekday": _NextWeekday(today), "course_day": _CourseDay(start), "today": _Today(today)}


def literal_dates(text: str) -> list[str]:
    """Every literal date or weekday in a text (outside its {placeholders}), in order."""
    bare = re.sub(r"\{[^{}]*\}", "{}", text)
    found = sorted((m.start(), m.group(0)) for pattern in _LITERAL for m in pattern.finditer(bare))
    return [claim for _, claim in found]
