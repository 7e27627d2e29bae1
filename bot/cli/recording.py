"""Recorded chat (JSON lines) -> events; a bad line is reported by number and skipped. A file is read as a stream:
`survey` goes through it once keeping only a number per line (the times, to find the file's middle), `stream`
goes through it again yielding the events one at a time (replay holds no list of events, whatever the size)."""
from __future__ import annotations

import json
from array import array
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from typing import Iterable, Iterator

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
    account = _text(obj, "account") or ""  # the bot's account that received it (absent: the only account)
    if kind == "message":
        sender, text = _text(obj, "from", required=True), _text(obj, "text", required=True)
        name = _text(obj, "name") or sender
        return Message(event_id, ts, room, sender, name, text, topic, kind=_text(obj, "kind") or "text", account=account)
    if kind == "friendship":
        sender = _text(obj, "from", required=True)
        return FriendRequest(event_id, ts, sender, _text(obj, "name") or sender, _text(obj, "text") or "", account)
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
    return cls(event_id, ts, room, members, topic, account)


def _parsed(lines: Iterable[str | bytes]) -> Iterator[tuple[int, Event | Problem]]:
    """(line number, event or the problem with the line), skipping blank lines."""
    for lineno, raw in enumerate(lines, 1):
        try:
            text = raw.decode("utf-8") if isinstance(raw, bytes) else raw
        except UnicodeDecodeError as exc:
            yield lineno, Problem(lineno, f"not UTF-8 (byte {exc.start})")
            continue
        if not text.strip():
            continue
        try:
            yield lineno, parse_line(text, lineno)
        except BadLine as exc:
            yield lineno, Problem(lineno, str(exc))


@dataclass(frozen=True)
class Survey:
    """What one pass over a recording found: the file's middle time, the first time that will be replayed, and how
    many events will be (far-off times and bad lines are in `problems`, in line order)."""

    middle: datetime | None
    first: datetime | None
    events: int
    problems: list[Problem]


def survey(lines: Iterable[str | bytes]) -> Survey:
    """The first pass: every line is checked, only its time is kept (8 bytes a line)."""
    problems: list[Problem] = []
    times, numbers = array("d"), array("q")
    for lineno, item in _parsed(lines):
        if isinstance(item, Problem):
            problems.append(item)
        else:
            times.append(item.ts.timestamp())
            numbers.append(lineno)
    if not times:
        return Survey(None, None, 0, problems)
    middle = datetime.fromtimestamp(_median_low(times), timezone.utc)
    centre, far = middle.timestamp(), FAR_OFF.total_seconds()
    first, kept = None, 0
    for lineno, t in zip(numbers, times):
        if abs(t - centre) > far:
            when = datetime.fromtimestamp(t, timezone.utc)
            problems.append(Problem(lineno, f"ts {when.isoformat()} is more than {FAR_OFF.days} days from the "
                                            f"file's other lines (around {middle.date()}): the clock would jump"))
        else:
            kept += 1
            first = t if first is None or t < first else first
    problems.sort(key=lambda p: p.line)
    return Survey(middle, datetime.fromtimestamp(first, timezone.utc) if first is not None else None, kept, problems)


def _median_low(times: array) -> float:
    """statistics.median_low of the times without sorting them all (a sorted list is 32 bytes a line): count them
    per hour, then sort only the hour the median falls in."""
    hours = Counter(int(t // 3600) for t in times)
    k, before = (len(times) - 1) // 2, 0  # the median_low's index in sorted order
    for hour in sorted(hours):
        if before + hours[hour] > k:
            return sorted(t for t in times if int(t // 3600) == hour)[k - before]
        before += hours[hour]
    raise ValueError("no times")


def stream(lines: Iterable[str | bytes], middle: datetime | None) -> Iterator[Event]:
    """The second pass: the events in file order, without the bad lines and the times more than FAR_OFF from
    `middle` (the survey reported those)."""
    centre, far = (middle.timestamp() if middle else 0.0), FAR_OFF.total_seconds()
    for _, item in _parsed(lines):
        if not isinstance(item, Problem) and abs(item.ts.timestamp() - centre) <= far:
            yield item
