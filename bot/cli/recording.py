"""Recorded chat (JSON lines) -> events; a bad line is reported by number and skipped."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from statistics import median_low
from typing import Iterable

from bot.core.events import Event, FriendRequest, Member, MemberJoined, MemberLeft, Message


FAR_OFF = timedelta(days=180)


class BadLine(ValueError):
    """A line that is not a valid event."""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


def _text(obj: dict, key: str, required: bool = False) -> str | None:
    """obj[key] if it is a string (None if absent and not required); BadLine otherwise."""
    value = obj.get(key)
    if value is None and not required:
        return None
    if not isinstance(value, str):
        raise BadLine(f"{key!r} must be a string, got {type(value).__name__}")
    return value


def _ts(value: object) -> datetime:
    if not isinstance(value, str):
        raise BadLine(f"ts must be an ISO-8601 string, got {type(value).__name__}")
    try:
        ts = datetime.fromisoformat(value)
    except ValueError:
        raise BadLine(f"ts {value[:40]!r} is not ISO-8601") from None
    if ts.tzinfo is None:
        raise BadLine(f"ts {value[:40]!r} has no UTC offset")
    try:
        ts.astimezone(timezone.utc)
    except OverflowError:
        raise BadLine(f"ts {value[:40]!r} is out of range") from None
    return ts


def parse_line(raw: str, lineno: int) -> Event:
    """One JSON object -> one event; raises BadLine saying what is wrong (and nothing else, whatever the line)."""
    try:
        obj = json.loads(raw)
        json.dumps(obj, ensure_ascii=False).encode("utf-8")  # a lone surrogate (\ud800) cannot be stored
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc.msg})") from None
    except (ValueError, RecursionError):  # a 5,000-digit number, nesting thousands deep, a lone surrogate
        raise BadLine("not JSON this bot can read (too deep, too large a number, or not UTF-8)") from None
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    kind = obj.get("type")
    if kind not in ("message", "join", "leave", "friendship"):
        raise BadLine(f"type must be message, join, leave or friendship, got {str(kind)[:40]!r}")
    if "ts" not in obj:
        raise BadLine("missing ts")
    ts = _ts(obj["ts"])
    room = _text(obj, "room")
    if room == "":
        raise BadLine("room must be a non-empty string or null")
    topic = _text(obj, "topic") or ""
    raw_id = obj.get("id")
    if raw_id is not None and (not isinstance(raw_id, (str, int)) or isinstance(raw_id, bool)):
        raise BadLine(f"id must be a string, got {type(raw_id).__name__}")
    event_id = str(raw_id or f"replay:{lineno}")
    if kind == "message":
        sender, text = _text(obj, "from", required=True), _text(obj, "text", required=True)
        name = _text(obj, "name") or sender
        return Message(event_id, ts, room, sender, name, text, topic, kind=_text(obj, "kind") or "text")
    if kind == "friendship":
        sender = _text(obj, "from", required=True)
        return FriendRequest(event_id, ts, sender, _text(obj, "name") or sender, _text(obj, "text") or "")
    if room is None:
        raise BadLine(f"{kind} needs a room")
    raw_members = obj.get("members")
    if raw_members is None and isinstance(obj.get("from"), str):
        raw_members = [{"id": obj["from"], "name": obj.get("name") or obj["from"]}]
    if not isinstance(raw_members, list) or not raw_members or not all(
            isinstance(m, dict) and isinstance(m.get("id"), str) and isinstance(m.get("name", ""), (str, type(None)))
            for m in raw_members):
        raise BadLine(f"{kind} needs members: [{{\"id\", \"name\"}}]")
    members = tuple(Member(m["id"], m.get("name") or m["id"]) for m in raw_members)
    cls = MemberJoined if kind == "join" else MemberLeft
    return cls(event_id, ts, room, members, topic)


def read_events(lines: Iterable[str | bytes], problems: list[Problem]) -> list[Event]:
    """Events from JSON lines (text, or bytes decoded as UTF-8); bad lines and far-off times are appended to
    `problems` (in line order) and skipped."""
    parsed: list[tuple[int, Event]] = []
    for lineno, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            problems.append(Problem(lineno, f"not UTF-8 (byte {exc.start})"))
            continue
        if not text.strip():
            continue
        try:
            parsed.append((lineno, parse_line(text, lineno)))
        except BadLine as exc:
            problems.append(Problem(lineno, str(exc)))
    events = drop_far_times(parsed, problems)
    problems.sort(key=lambda p: p.line)
    return events


def drop_far_times(events: list[tuple[int, Event]], problems: list[Problem]) -> list[Event]:
    """Events whose time is more than FAR_OFF from the file's median (a 2099 or a 1970 among 2026 lines) would
    move the clock years: they are reported and skipped."""
    if not events:
        return []
    middle = median_low([e.ts.astimezone(timezone.utc) for _, e in events])
    kept = []
    for lineno, event in events:
        if abs(event.ts - middle) > FAR_OFF:
            problems.append(Problem(lineno, f"ts {event.ts.isoformat()} is more than {FAR_OFF.days} days from the "
                                            f"file's other lines (around {middle.date()}): the clock would jump"))
        else:
            kept.append(event)
    return kept
