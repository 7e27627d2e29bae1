"""A ritual's next wake-up: the calendar tick runs its work only at the moments it planned, and a virtual clock stops
there ('due' hook). Nothing planned yet means 'look now'; None means 'nothing to do until replanned'. One per engine:
a ritual keeps it in its memory (Context.memory)."""
from __future__ import annotations

from datetime import datetime, timezone
from typing import Callable

_UNPLANNED = object()


class NextCheck:
    """The next moment a ritual needs a tick."""

    def __init__(self) -> None:
        self._at: object = _UNPLANNED

    @classmethod
    def of(cls, ctx, ritual: str) -> "NextCheck":
        """The ritual's NextCheck in this engine."""
        memory = ctx.memory(ritual)
        check = memory.get("next_check")
        if check is None:  # (not setdefault: that would build one on every call, and this is asked on every tick)
            check = memory["next_check"] = cls()
        return check

    def due(self, now: datetime) -> datetime | None:
        """For the ritual's 'due' hook: the planned moment, or now if nothing is planned."""
        return now if self._at is _UNPLANNED else self._at

    def ready(self, now: datetime) -> bool:
        """Is it time for the ritual's work (planned moment reached, or nothing planned yet)?"""
        planned = self.due(now)
        return planned is not None and now >= planned

    def plan(self, when: datetime | None) -> None:
        # kept in UTC, like the clock: asked on every tick, and a zone's time compared with a UTC one costs an offset
        self._at = when.astimezone(timezone.utc) if when is not None else None

    def clear(self) -> None:
        """Something changed: look again on the next tick."""
        self._at = _UNPLANNED


def planned(ritual) -> Callable:
    """Declare a ritual's planned work: fn(ctx) runs on the calendar tick only when the moment it last returned has
    come (or nothing is planned yet), and returns the next such moment (None: nothing until replanned with
    NextCheck.of(ctx, ritual.name).clear()). A virtual clock stops at the planned moments ('due' hook)."""
    def deco(fn: Callable) -> Callable:
        @ritual.on("due")
        def due(ctx) -> datetime | None:
            return NextCheck.of(ctx, ritual.name).due(ctx.now)

        @ritual.on("tick")
        def tick(ctx) -> None:
            check = NextCheck.of(ctx, ritual.name)
            if check.ready(ctx.now):
                check.plan(fn(ctx))
        return fn
    return deco
