"""The study groups, one copy each: a group's row is read into a `Group` once, every change goes through the group
(its row is written in the same call), and a transaction that rolls back drops the cached groups so they are read
again from the database. The only other in-memory structure is the calendar's due-time heap."""
from __future__ import annotations

from datetime import date, datetime
from typing import Iterator

from bot.core.lifecycle import Group
from bot.storage import Store


class Groups:
    """The repository of bound groups (a cache over the groups table that never disagrees with it)."""

    def __init__(self, store: Store) -> None:
        self.store = store
        self._cache: dict[str, Group] = {}
        self._rooms: set[str] = store.groups.rooms()
        store.on_rollback(self._forget)

    def get(self, room: str | None) -> Group | None:
        """The bound group of a room, or None."""
        if room is None or room not in self._rooms:
            return None
        group = self._cache.get(room)
        if group is None:
            row = self.store.groups.row(room)
            if row is None:
                self._rooms.discard(room)
                return None
            group = self._cache[room] = Group.from_row(self.store, row)
        return group

    def __iter__(self) -> Iterator[Group]:
        for room in sorted(self._rooms):
            group = self.get(room)
            if group is not None:
                yield group

    def __len__(self) -> int:
        return len(self._rooms)

    def in_states(self, *states: str) -> list[Group]:
        return [g for g in self if g.state in states]

    def bind(self, room: str, topic: str, start: date, now: datetime, actor: str | None) -> Group:
        """Bind a room to the course with day 1 on `start` (the caller's transaction)."""
        self.store.groups.insert(room, topic, "bound", start.isoformat(), now)
        self.store.groups.add_history(room, None, "bound", "start", 0, now, actor)
        self._rooms.add(room)
        return self.get(room)

    def _forget(self) -> None:
        """A transaction rolled back: what any group did in memory may be undone, so every group is read again
        when next needed (rollbacks are rare: a refused command, a failing handler)."""
        self._cache.clear()
        self._rooms = self.store.groups.rooms()
