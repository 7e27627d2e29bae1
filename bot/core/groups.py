"""The study groups, one copy each: a group's row is read into a `Group` once, every change goes through the group
(its row is written in the same call), and a transaction that rolls back drops the cached groups so they are read
again from the database. The only other in-memory structure is the calendar's due-time heap. A closed group (the
lifecycle's final state) leaves memory: it is read from the database when asked for, never cached, and not
iterated (a year of groups would otherwise stay in memory for good)."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterator

from bot.core.lifecycle import Group
from bot.storage import Store


class Groups:
    """The repository of bound groups (a cache over the groups table that never disagrees with it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self.account = ""  # the account of the event being handled: a group bound now belongs to it (set by the engine)
        self._cache: dict[str, Group] = {}
        self._rooms, self._closed = store.groups.rooms_by_closed()  # rooms of running groups, of closed ones
        self._changes = 0  # bumped whenever the set of running groups may have changed (see mark())
        store.on_rollback(self._forget)

    def get(self, room: str | None) -> Group | None:
        """The bound group of a room (closed ones too), or None."""
        if room is None:
            return None
        if room in self._closed:
            return self._read(room)
        if room not in self._rooms:
            return None
        group = self._cache.get(room)
        if group is None:
            group = self._read(room)
            if group is None:
                self._rooms.discard(room)
                return None
        if group.state == "closed":  # it has just closed (or was closed by another process): out of memory
            self._cache.pop(room, None)
            self._rooms.discard(room)
            self._closed.add(room)
            self._changes += 1
        else:
            self._cache[room] = group
        return group

    def _read(self, room: str) -> Group | None:
        row = self.store.groups.row(room)
        return Group.from_row(self.store, row) if row is not None else None

    def __iter__(self) -> Iterator[Group]:
        """The groups still running (closed ones are not iterated)."""
        for room in sorted(self._rooms):
            group = self.get(room)
            if group is not None and group.state != "closed":
                yield group

    def __len__(self) -> int:
        return len(self._rooms) + len(self._closed)

    def changed(self) -> None:
        """A group moved to another account (what is computed over the running groups is computed again)."""
        self._changes += 1

    def mark(self) -> tuple[int, int]:
        """Changes whenever the set of running groups may have changed (for what is computed over all of them)."""
        return self._changes, len(self._rooms)

    def cached(self) -> int:
        """How many groups are in memory."""
        return len(self._cache)

    def in_states(self, *states: str) -> list[Group]:
        return [g for g in self if g.state in states]

    def bind(self, room: str, topic: str, start: date, now: datetime, actor: str | None) -> Group:
        """Bind a room to the course with day 1 on `start` (the caller's transaction); the group belongs to the account
        whose event bound it."""
        self.store.groups.insert(room, topic, "bound", start.isoformat(), now, self.account)
        self.store.groups.add_history(room, None, "bound", "start", 0, now, actor)
        self._rooms.add(room)
        self._changes += 1
        return self.get(room)

    def _forget(self) -> None:
        """A transaction rolled back: what any group did in memory may be undone, so every group is read again
        when next needed (rollbacks are rare: a refused command, a failing handler)."""
        self._cache.clear()
        self._rooms, self._closed = self.store.groups.rooms_by_closed()
        self._changes += 1
