"""One place for time: the engine asks a Clock, so tests and simulations run days in milliseconds."""
from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Protocol


class Clock(Protocol):
    """Gives the current time as an aware UTC datetime."""

    def now(self) -> datetime: ...


class SystemClock:
    """Wall-clock time."""

    def now(self) -> datetime:
        return datetime.now(timezone.utc)


class VirtualClock:
    """A clock that only moves when told to (tests, simulate, replay)."""

    def __init__(self, start: datetime) -> None:
        if start.tzinfo is None:
            raise ValueError("VirtualClock needs an aware datetime")
        self._now = start.astimezone(timezone.utc)

    def now(self) -> datetime:
        return self._now

    def set(self, when: datetime) -> None:
        """Move to `when`; time never goes backwards."""
        when = when.astimezone(timezone.utc)
        if when > self._now:
            self._now = when

    def advance(self, **delta: float) -> datetime:
        """Move forward by a timedelta given as keywords (minutes=5, days=1 ...)."""
        self._now += timedelta(**delta)
        return self._now


class ScaledClock:
    """Real time running `speed` times faster from `origin` (the sandbox's --speed)."""

    def __init__(self, speed: float, origin: datetime | None = None) -> None:
        self.speed = speed
        self._origin = (origin or datetime.now(timezone.utc)).astimezone(timezone.utc)
        self._t0 = time.monotonic()

    def now(self) -> datetime:
        return self._origin + timedelta(seconds=(time.monotonic() - self._t0) * self.speed)
