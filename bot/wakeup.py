"""A feature's next wake-up per engine: the calendar tick runs its work only at the moments it planned, and a virtual
clock stops there ('due' hook). Nothing planned yet means 'look now'; None means 'nothing to do until replanned'."""
from __future__ import annotations

import weakref
from datetime import datetime


class NextCheck:
    """The next moment a feature needs a tick, kept per engine (weakly: an engine that is gone takes its plan along)."""

    def __init__(self) -> None:
        self._at: "weakref.WeakKeyDictionary[object, datetime | None]" = weakref.WeakKeyDictionary()

    def due(self, engine) -> datetime | None:
        """For the router's 'due' hook: the planned moment, or now if nothing is planned."""
        return self._at.get(engine, engine.clock.now())

    def ready(self, engine, now: datetime) -> bool:
        """Is it time for the feature's work (planned moment reached, or nothing planned yet)?"""
        planned = self._at.get(engine, now)
        return planned is not None and now >= planned

    def plan(self, engine, when: datetime | None) -> None:
        self._at[engine] = when

    def clear(self, engine) -> None:
        """Something changed: look again on the next tick."""
        self._at.pop(engine, None)
