"""Timestamps as stored: fixed-width UTC ISO strings, so that string order is time order."""
from __future__ import annotations

import sqlite3
from datetime import datetime, timezone


def iso(ts: datetime) -> str:
    """A fixed-width UTC timestamp, so that string order is time order."""
    global _last
    last = _last  # read once: another thread may replace it meanwhile
    if last[0] is ts:  # the same moment again (a message's time is stored with the event id and its record)
        return last[1]
    text = ts.astimezone(timezone.utc).isoformat(timespec="microseconds")
    _last = (ts, text)  # datetimes are immutable: the same object always gives the same text
    return text


_last: tuple[datetime | None, str] = (None, "")


def from_iso(value: str) -> datetime:
    """Parse a timestamp written by iso()."""
    return datetime.fromisoformat(value)


def dicts(cur: sqlite3.Cursor) -> list[dict]:
    """A query's rows as {column: value}."""
    cols = [d[0] for d in cur.description]
    return [dict(zip(cols, row)) for row in cur]
