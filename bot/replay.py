"""Recorded chat (JSON lines) -> events; a bad line is reported by number and skipped."""
from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from typing import Iterator

from bot.events import Event, FriendRequest, Member, MemberJoined, MemberLeft, Message


class BadLine(ValueError):
    """A line that is not a valid event."""


@dataclass(frozen=True)
class Problem:
    line: int
    reason: str


def parse_line(raw: str, lineno: int) -> Event:
    """One JSON object -> one event; raises BadLine saying what is wrong."""
    try:
        obj = json.loads(raw)
    except json.JSONDecodeError as exc:
        raise BadLine(f"not JSON ({exc.msg})") from None
    if not isinstance(obj, dict):
        raise BadLine("not a JSON object")
    kind = obj.get("type")
    if kind not in ("message", "join", "leave", "friendship"):
        raise BadLine(f"type must be message, join, leave or friendship, got {kind!r}")
    try:
        ts = datetime.fromisoformat(str(obj["ts"]))
    except KeyError:
        raise BadLine("missing ts") from None
    except ValueError:
        raise BadLine(f"ts {obj['ts']!r} is not ISO-8601") from None
    if ts.tzinfo is None:
        raise BadLine(f"ts {obj['ts']!r} has no UTC offset")
    room = obj.get("room")
    topic = obj.get("topic") or ""
    event_id = str(obj.get("id") or f"replay:{lineno}")
    if kind == "message":
        for key in ("from", "text"):
            if not isinstance(obj.get(key), str):
                raise BadLine(f"message needs a string {key!r}")
        return Message(event_id, ts, room, obj["from"], obj.get("name") or obj["from"], obj["text"], topic,
                       kind=obj.get("kind", "text"))
    if kind == "friendship":
        if not isinstance(obj.get("from"), str):
            raise BadLine("friendship needs a string 'from'")
        return FriendRequest(event_id, ts, obj["from"], obj.get("name") or obj["from"], obj.get("text") or "")
    if not isinstance(room, str):
        raise BadLine(f"{kind} needs a room")
    raw_members = obj.get("members")
    if raw_members is None and isinstance(obj.get("from"), str):
        raw_members = [{"id": obj["from"], "name": obj.get("name") or obj["from"]}]
    if not isinstance(raw_members, list) or not all(isinstance(m, dict) and isinstance(m.get("id"), str) for m in raw_members):
        raise BadLine(f"{kind} needs members: [{{\"id\", \"name\"}}]")
    members = tuple(Member(m["id"], m.get("name") or m["id"]) for m in raw_members)
    cls = MemberJoined if kind == "join" else MemberLeft
    return cls(event_id, ts, room, members, topic)


def read_events(lines: Iterator[str], problems: list[Problem]) -> Iterator[Event]:
    """Events from JSON lines; bad lines are appended to `problems` and skipped."""
    for lineno, raw in enumerate(lines, 1):
        if not raw.strip():
            continue
        try:
            yield parse_line(raw, lineno)
        except BadLine as exc:
            problems.append(Problem(lineno, str(exc)))
