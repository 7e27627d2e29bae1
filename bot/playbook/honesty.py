"""Honest marketing: a literal scarcity or deadline claim in an offer or coupon text must be true (「最后10个名额」 when
10 are left, 「12月31日截止」 when that is the deadline); claims true only at some moments are refused in templates."""
from __future__ import annotations

import math
import re
from datetime import datetime, timedelta, tzinfo

from bot.playbook.dates import literal_dates

_N = r"(\d+|[零一二两三四五六七八九十百]+)"
_LEFT = r"(?:最后|仅剩|只剩|还剩|剩余|剩下|仅余|还有|仅有|只有|仅)"
_SEATS = (re.compile(_LEFT + r"\s*" + _N + r"\s*(?:个|位|席)?\s*(?:名额|席位|学位|座位)"),
          re.compile(r"(?:最后|仅剩|只剩|还剩|仅余)\s*" + _N + r"\s*(?:个|位|席)(?!\s*(?:小时|钟头))"),
          re.compile(r"名额\s*(?:仅|只|还)?(?:剩|余)(?:余|下)?\s*" + _N))
_DAYS = re.compile(_LEFT + r"\s*" + _N + r"\s*(?:天|日)")
_HOURS = re.compile(_LEFT + r"\s*" + _N + r"\s*个?\s*(?:小时|钟头)")
_RELATIVE = re.compile(r"(今天|今日|今晚|明天|明日|明晚)[^，。,.!！\n]{0,8}?(?:截止|结束|恢复原价|涨价)")
_DATE = re.compile(r"(?:(\d{4})年)?(\d{1,2})月(\d{1,2})[日号]\s*(?:(\d{1,2})[:：](\d{2}))?\s*(?:前|之前|截止|结束|有效)")
_DIGITS = dict(zip("零一二两三四五六七八九", (0, 1, 2, 2, 3, 4, 5, 6, 7, 8, 9)))


def _number(text: str) -> int:
    """'12' -> 12, '十二' -> 12, '二十' -> 20."""
    if text.isdigit():
        return int(text)
    total = digit = 0
    for ch in text:
        if ch in "十百":
            total += (digit or 1) * (10 if ch == "十" else 100)
            digit = 0
        else:
            digit = _DIGITS[ch]
    return total + digit


def seat_claims(text: str, seats_left: int) -> list[tuple[str, str]]:
    """(claim, why) for every literal 'seats left' claim ('最后10个名额', '仅剩10个') whose number is not seats_left."""
    found: dict[int, re.Match] = {}
    for m in (m for pattern in _SEATS for m in pattern.finditer(text)):
        if m.end() > (found[m.start()].end() if m.start() in found else -1):
            found[m.start()] = m  # the longest claim at each place
    return [(m.group(0), f"says {_number(m.group(1))} seats left but {seats_left} are (use {{seats_left}})")
            for _, m in sorted(found.items()) if _number(m.group(1)) != seats_left]


def deadline_claims(text: str, deadline: datetime, tz: tzinfo, now: datetime | None = None) -> list[tuple[str, str]]:
    """(claim, why) for every deadline claim that is not true at `now`; with now=None (playbook validation) a
    claim that is only true at some moments ('最后3天', '今晚截止') is refused outright."""
    out = []
    end = deadline.astimezone(tz)
    for m in _DATE.finditer(text):
        year, month, day, hh, mm = (int(g) if g else None for g in m.groups())
        if (month, day) != (end.month, end.day) or year not in (None, end.year) or (hh is not None and (hh, mm) != (end.hour, end.minute)):
            out.append((m.group(0), f"the deadline is {end:%Y-%m-%d %H:%M} (use {{deadline}})"))
    timed = [(m, "day") for m in _DAYS.finditer(text)] + [(m, "hour") for m in _HOURS.finditer(text)] + \
        [(m, "relative") for m in _RELATIVE.finditer(text)]
    for m, kind in timed:
        if now is None:
            out.append((m.group(0), "is only true at some moments (use {deadline})"))
        elif not _time_claim_true(m, kind, end, now.astimezone(tz)):
            out.append((m.group(0), f"is not true now: the deadline is {end:%Y-%m-%d %H:%M}"))
    return out


def false_claims(text: str, seats_left: int, deadline: datetime, tz: tzinfo, now: datetime | None = None) -> list[tuple[str, str]]:
    """Every false scarcity or deadline claim in an offer text, as (claim, why)."""
    return seat_claims(text, seats_left) + deadline_claims(text, deadline, tz, now)


def _time_claim_true(m: re.Match, kind: str, end: datetime, now: datetime) -> bool:
    left = end - now
    if left <= timedelta(0):
        return False
    if kind == "relative":
        return (end.date() - now.date()).days == (0 if m.group(1).startswith("今") else 1)
    n = _number(m.group(1))
    if kind == "hour":
        hours = left / timedelta(hours=1)
        return n in (math.floor(hours), math.ceil(hours))
    calendar = (end.date() - now.date()).days
    return n in (math.ceil(left / timedelta(days=1)), calendar, calendar + 1)


def dated_claims(text: str, own_deadline: bool = False) -> list[str]:
    """Every literal date or weekday in a playbook text (refused: the calendar renders them from placeholders). With
    own_deadline (an offer's or a coupon's text), a deadline date such as 「12月31日 23:59前」 is left to the item's
    check, which compares it with the item's own fixed moment."""
    if own_deadline:
        text = _DATE.sub(lambda m: "〇" * len(m.group(0)), text)
    return literal_dates(text)
